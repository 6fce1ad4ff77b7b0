/**
 * What `strata figure` builds from a study on disk after the figure audit: fig4's 3-D panels
 * at the PNG's dpi, the report's SIMS warnings and li-bars' error bars in the notes, and SEM
 * thicknesses the analysis rejected flagged (and kept from under fig4's profiles).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFigures, collectFigureData, figureSvg, type BuiltFigure, type FigureData } from '../../core/node/figureFiles.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { THICKER_CHARGED, writeGeneratedStudy } from '../helpers/generatedStudies.js';
import type { Truth } from '../../samples/truth.js';
import { describeShared, PROJECT_ROOT, sharedDataPath } from '../helpers/sharedData.js';
import { parseSvg, volumePxPerPt, withAttr } from '../figures/svgQuery.js';

const SAMPLE = join(PROJECT_ROOT, 'samples/study');
const hasSample = existsSync(join(SAMPLE, 'study.json'));

describe.skipIf(!hasSample)('figures of the sample study', () => {
  let data: FigureData;
  let built: BuiltFigure[];
  beforeAll(async () => {
    data = await collectFigureData(await loadStudy(SAMPLE), { needSem: false, needXrd: false });
    built = buildFigures(data, { figures: ['fig4', 'li-bars'] }, []);
  }, 120_000);
  const fig = (name: string) => built.find((f) => f.name === name)!;

  it("render fig4's 3-D panels at the PNG's dpi, and at 300 ppi for SVG and PDF", () => {
    const f = fig('fig4');
    const at = (format: 'svg' | 'png' | 'pdf', dpi: number) => volumePxPerPt(parseSvg(figureSvg(f, format, dpi)));
    for (const v of at('png', 600)) expect(v).toBeCloseTo(600 / 72, 1);
    for (const v of at('png', 150)) expect(v).toBeCloseTo(150 / 72, 1);
    for (const v of [...at('svg', 600), ...at('pdf', 600)]) expect(v).toBeCloseTo(300 / 72, 1);
    expect(at('png', 600)).toHaveLength(3);
    // One drawing per resolution: the vector one is the figure's own SVG.
    expect(figureSvg(f, 'png', 300)).toBe(f.svg);
  });

  it("carry each state's SIMS warnings (saturation, scatter) into fig4's and li-bars' notes", () => {
    const warnings = data.report.states.flatMap((r) => (r.sims?.warnings ?? []).map((w) => `${r.state}: ${w}`));
    expect(warnings.some((w) => /saturated/.test(w))).toBe(true);
    for (const name of ['fig4', 'li-bars']) expect(fig(name).notes).toEqual(expect.arrayContaining(warnings));
    // In the records, not in the picture.
    expect(fig('fig4').svg).not.toContain('saturated');
  });

  it("say in fig4's notes whose layers band its profile panels, and how far the other states' interfaces lie from them", () => {
    // The sample's states share their layers: the offsets are the analysis's scatter alone.
    checkBandOffsets(fig('fig4'), JSON.parse(readFileSync(join(SAMPLE, 'truth.json'), 'utf8')) as Truth);
  });

  it("say in li-bars' notes what the error bars are", () => {
    expect(fig('li-bars').notes![0]).toMatch(/^error bars: ±1σ, the counting statistics/);
  });
});

/**
 * fig4's note on its profile panels' layer bands (pristine's) against the truth: the other
 * states' interfaces lie as far from pristine's as their truths do, give or take the analysis's
 * tolerance for each of the two (test/sims/groundTruth.test.ts: max(10 nm, 2 scans) at the
 * slower material's rate, in depth and in time).
 */
function checkBandOffsets(f: BuiltFigure, truth: Truth): void {
  const note = f.notes!.find((n) => n.startsWith('layer bands of the profile panels'));
  const m = /^layer bands of the profile panels: pristine's layers, as the analysis found them; charged, discharged: interfaces within ([\d.]+) s and ([\d.]+) nm of them \(ticked in their colours inside the panels' top edge where a point or more apart\)$/.exec(note ?? '');
  expect(m, note).not.toBeNull();
  const rate = new Map(truth.layers.map((l) => [l.role, l.sputterRateNmPerS]));
  const ref = truth.states.find((t) => t.state === 'pristine')!.boundaries;
  const tolerances = ref.map((b) => {
    const r = Math.min(rate.get(b.upper)!, rate.get(b.lower)!);
    const nm = Math.max(10, 2 * truth.scanPeriodS * r);
    return { nm, s: nm / r };
  });
  const spread = (key: 'timeS' | 'depthNm') => Math.max(...truth.states.flatMap((t) => t.boundaries.map((b, k) => Math.abs(b[key] - ref[k][key]))));
  expect(Math.abs(Number(m![1]) - spread('timeS'))).toBeLessThanOrEqual(2 * Math.max(...tolerances.map((t) => t.s)));
  expect(Math.abs(Number(m![2]) - spread('depthNm'))).toBeLessThanOrEqual(2 * Math.max(...tolerances.map((t) => t.nm)));
}

describe("figures of a study whose charged state's layers are thicker (generated)", () => {
  let built: BuiltFigure[];
  let truth: Truth;
  beforeAll(async () => {
    const written = writeGeneratedStudy(THICKER_CHARGED, 'strata-thicker-');
    truth = written.truth;
    const dir = written.dir;
    built = buildFigures(await collectFigureData(await loadStudy(dir), { needSem: false, needXrd: false }), { figures: ['fig4'] }, []);
  }, 120_000);

  it("fig4's notes say how far charged's interfaces lie from the bands (pristine's): 140 nm deeper, ~900 s later", () => {
    checkBandOffsets(built[0], truth);
  });
});

describeShared('figures of a state whose SEM thicknesses the analysis rejected', () => {
  let built: BuiltFigure[];
  beforeAll(async () => {
    // A real JEOL image that is no cross-section of the stack: every layer far off nominal.
    const dir = mkdtempSync(join(tmpdir(), 'strata-semreject-'));
    mkdirSync(join(dir, 'pristine'));
    cpSync(join(SAMPLE, 'pristine/profile.txt'), join(dir, 'pristine/profile.txt'));
    cpSync(sharedDataPath('sem', 'jeol_4700F_example.tif'), join(dir, 'pristine/sem.tif'));
    cpSync(sharedDataPath('sem', 'jeol_4700F_example.txt'), join(dir, 'pristine/sem.txt'));
    const manifest = JSON.parse(readFileSync(join(SAMPLE, 'study.json'), 'utf8')) as { stack: string };
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'SEM rejected', stack: manifest.stack, states: [{ state: 'pristine', files: ['pristine/profile.txt', 'pristine/sem.tif'] }] }));
    const data = await collectFigureData(await loadStudy(dir), { needXrd: false });
    expect(data.report.states[0].sem!.layers.some((l) => l.implausible)).toBe(true);
    built = buildFigures(data, { figures: ['fig4', 'sem'] }, []);
  }, 120_000);

  it('flags them with a "?" in the SEM figure, and its notes say they were not used for the depth axis', () => {
    const sem = built.find((f) => f.name === 'sem-pristine')!;
    const flagged = withAttr(parseSvg(sem.svg), 'data-implausible', 'true');
    expect(flagged.length).toBeGreaterThan(0);
    for (const l of flagged) expect(l.text).toMatch(/\?$/);
    expect(sem.notes!.join(' ')).toMatch(/not used for the depth axis/);
  });

  it("keeps the image from under fig4's profiles over depth (its scale rests on them), and says why", () => {
    const f = built.find((x) => x.name === 'fig4')!;
    expect(withAttr(parseSvg(f.svg), 'data-sem-backdrop')).toEqual([]);
    expect(f.notes!.join(' ')).toMatch(/no SEM backdrop from pristine \(pristine\/sem\.tif\): .*implausible/);
  });
});
