import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStateFiles, DEFAULT_STEPS } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { memoizedSteps, stepMemoCounts } from '../../core/node/stateMemo.js';
import type { StudyAnalysisOptions } from '../../core/pipeline/analyzeStudy.js';
import type { XrdResult } from '../../core/model/report.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What the state's analysis gives with steps of our own (a copy of the default ones): nothing kept is used. */
const fresh = (study: LoadedStudy, i: number, options: StudyAnalysisOptions) => analyzeStateFiles(study, i, options, { ...DEFAULT_STEPS });

// The workbench analyses a state again at every edit of its settings. What depends on its files
// alone (the SEM measurement, the XRD analysis, the stack's depth profiles) is kept while they
// are unchanged; the outcome must be the one a fresh analysis gives.
describe('state steps kept between analyses', () => {
  let dir: string;
  let study: LoadedStudy;
  const charged = 1;
  const since = (before: { computed: number; reused: number }) => {
    const now = stepMemoCounts();
    return { computed: now.computed - before.computed, reused: now.reused - before.reused };
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-memo-'));
    cpSync(join(PROJECT_ROOT, 'samples/study'), join(dir, 'study'), { recursive: true });
    study = await loadStudy(join(dir, 'study'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('files just written are not kept from (their stamps could miss a second write)', async () => {
    const before = stepMemoCounts();
    await analyzeStateFiles(study, charged, {});
    await analyzeStateFiles(study, charged, {});
    // SEM, XRD and the stack's Li profile (with 6Li for saturated pixels; the state's profile
    // file gives the other ions), twice over.
    expect(since(before)).toEqual({ computed: 6, reused: 0 });
  }, 60_000);

  it('an edit of the interfaces reuses them, and gives what a fresh analysis gives', async () => {
    await sleep(1100);
    await analyzeStateFiles(study, charged, {});
    const before = stepMemoCounts();
    const first = await analyzeStateFiles(study, charged, {});
    expect(since(before)).toEqual({ computed: 0, reused: 3 });
    const edited: StudyAnalysisOptions = { interfacesS: { charged: first.report.sims!.layers.slice(1).map((l) => l.startS + 30) } };
    const again = stepMemoCounts();
    const moved = await analyzeStateFiles(study, charged, edited);
    expect(since(again)).toEqual({ computed: 0, reused: 3 });
    expect(moved.report.sims!.layers).not.toEqual(first.report.sims!.layers);
    expect(moved).toEqual(await fresh(study, charged, edited));
    expect(first).toEqual(await fresh(study, charged, {}));
  }, 60_000);

  it('a state without a profile file: the stack gives every ion\'s profile, kept too', async () => {
    const stackOnly: LoadedStudy = { ...study, states: study.states.map((st) => ({ ...st, files: st.files.filter((f) => f.kind !== 'sims-profile') })) };
    await analyzeStateFiles(stackOnly, charged, {});
    const before = stepMemoCounts();
    const again = await analyzeStateFiles(stackOnly, charged, {});
    // SEM, XRD, and the stack's profiles: its ions, its total channel, Li with 6Li.
    expect(since(before)).toEqual({ computed: 0, reused: 5 });
    expect(again).toEqual(await fresh(stackOnly, charged, {}));
    // An ROI: the profiles are made again over it (SEM and XRD reused).
    const roi: StudyAnalysisOptions = { sims: { roi: { kind: 'rect', x0: 4, y0: 4, x1: 28, y1: 28 } } };
    const withRoi = stepMemoCounts();
    const r = await analyzeStateFiles(stackOnly, charged, roi);
    expect(since(withRoi)).toEqual({ computed: 3, reused: 2 });
    expect(r).toEqual(await fresh(stackOnly, charged, roi));
    expect(r.report.sims!.li).not.toEqual(again.report.sims!.li);
  }, 60_000);

  it('a file touched is read again; an SEM scale set is measured again', async () => {
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'study', 'charged', 'xrd.ras'), later, later);
    let before = stepMemoCounts();
    const touched = await analyzeStateFiles(study, charged, {});
    expect(since(before)).toEqual({ computed: 1, reused: 2 });
    expect(touched).toEqual(await fresh(study, charged, {}));

    // The SEM measured again at the new scale; the XRD file, touched less than 1 s ago, was not
    // kept from and is analysed again too; the stack's profile is reused.
    const scaled: StudyAnalysisOptions = { semPixelSizeNm: { charged: 5 } };
    before = stepMemoCounts();
    const s = await analyzeStateFiles(study, charged, scaled);
    expect(since(before)).toEqual({ computed: 2, reused: 1 });
    expect(s).toEqual(await fresh(study, charged, scaled));
    // The file's own pixel size (4 nm) set by hand: the same number, but the source the report
    // gives is 'manual' now.
    const same: StudyAnalysisOptions = { semPixelSizeNm: { charged: 4 } };
    const m = await analyzeStateFiles(study, charged, same);
    expect(m.report.sem!.pixelSizeSource).toBe('manual');
    expect(m).toEqual(await fresh(study, charged, same));
  }, 60_000);

  it('the SEM measured again when the section geometry changes (it says how to read the stage tilt)', async () => {
    await analyzeStateFiles(study, charged, {});
    // A FIB trench face at the image's stage tilt, 0°, would be seen edge-on: refused, so the
    // state has no SEM result and says why. The measurement kept for the cleaved face must not
    // stand in for it.
    const trench: LoadedStudy = { ...study, states: study.states.map((st, i) => (i === charged ? { ...st, semSection: 'fib-trench' as const } : st)) };
    const t = await analyzeStateFiles(trench, charged, {});
    expect(t.report.sem).toBeUndefined();
    expect(t.warnings.some((w) => /seen nearly edge-on/.test(w))).toBe(true);
    expect(t).toEqual(await fresh(trench, charged, {}));
  }, 60_000);
});

describe('state steps kept: bounds', () => {
  // A stand-in XRD step over many small files: each file's result is kept under its own key.
  const dir = mkdtempSync(join(tmpdir(), 'strata-memo-bounds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = Array.from({ length: 70 }, (_, i) => join(dir, `p${i}.ras`));
  beforeAll(async () => {
    for (const f of files) writeFileSync(f, f);
    await sleep(1100);
  });
  /** Runs the step for the file (a result of `bytes`), commits; answers whether it was computed. */
  const step = async (file: string, bytes = 8): Promise<boolean> => {
    let ran = false;
    const result = { numbers: new Float64Array(bytes / 8) } as unknown as XrdResult;
    const memo = await memoizedSteps({ xrd: file }, { analyzeXrd: () => ((ran = true), result) });
    memo.steps.analyzeXrd!({} as XrdPattern);
    await memo.commit();
    return ran;
  };

  it('at most 64 results: the least recently used goes first', async () => {
    for (const f of files.slice(0, 65)) expect(await step(f)).toBe(true);
    // The 65th pushed out the first; the second, used now, stays while the third goes next.
    expect(await step(files[1])).toBe(false);
    expect(await step(files[65])).toBe(true);
    expect(await step(files[1])).toBe(false);
    expect(await step(files[2])).toBe(true);
    expect(await step(files[0])).toBe(true);
  });

  it('at most 64 MB of results, roughly', async () => {
    const big = 24 * 1024 * 1024;
    for (const f of files.slice(66, 69)) expect(await step(f, big)).toBe(true);
    // Three of 24 MB pass the bound: the first of them (and all older, smaller ones) went.
    expect(await step(files[68], big)).toBe(false);
    expect(await step(files[67], big)).toBe(false);
    expect(await step(files[66], big)).toBe(true);
  });
});
