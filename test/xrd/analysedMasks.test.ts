import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { XrdPayload } from '../../core/api/contract.js';
import type { Report, XrdResult } from '../../core/model/report.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { buildFigures } from '../../core/node/figureFiles.js';
import type { FigureData } from '../../core/node/figureFiles.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { analyzeXrd } from '../../core/xrd/analyze.js';
import { SI_400_W_L_ALPHA1_DEG, SI_400_W_L_ALPHA_NAME, siSubstrateMasks } from '../../core/xrd/mask.js';
import { maskedPatterns } from '../../renderer/src/views/xrdMath.js';
import { parseSvg, texts, withAttr } from '../figures/svgQuery.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import { withTungsten } from './synthetic.js';

const STATES = ['pristine', 'charged', 'discharged'];
// The wafer's Si (400) in the tube's tungsten light, and the same pattern without that line.
const LINED = withTungsten({ fwhmDeg: 0.08, area: 120 });
const PLAIN = withTungsten({ fwhmDeg: 0.08, area: 0 });
const LINED_RESULT = analyzeXrd(LINED);
const PLAIN_RESULT = analyzeXrd(PLAIN);
const isTungsten = (m: { name?: string }) => m.name === SI_400_W_L_ALPHA_NAME;

/** A report written before XrdResult.masks: the same result without it. */
const withoutMasks = ({ masks: _masks, ...old }: XrdResult): XrdResult => old;

let study: LoadedStudy;
beforeAll(async () => {
  // The sample study's layer stack (the stick rows); the patterns are the synthetic ones.
  study = await loadStudy(join(PROJECT_ROOT, 'samples/study'));
});

/** `strata figure`'s XRD waterfall of patterns analysed as `results` (by state). */
function xrdSvg(patterns: XrdPattern[], results: XrdResult[]): string {
  const data = {
    study,
    report: { states: STATES.map((state, i) => ({ state, xrd: results[i] })) } as unknown as Report,
    details: new Map(),
    states: STATES.map((state, i) => ({ state, xrd: { file: `${state}/xrd.xy`, pattern: patterns[i] } })),
    warnings: [],
  } satisfies FigureData;
  const warnings: string[] = [];
  const [built] = buildFigures(data, { figures: ['xrd'] }, warnings);
  return built.svg;
}

/** A shaded mask's 2θ range, read back through the plot's scale (fixed by the Si (400) substrate's shading, 68.43–69.83°). */
function shadedRangesDeg(svg: string): { name: string; state?: string; fromDeg: number; toDeg: number }[] {
  const masks = withAttr(parseSvg(svg), 'data-mask');
  const rectOf = (g: (typeof masks)[number]) => ({ x: Number(g.children[0].attrs.x), w: Number(g.children[0].attrs.width) });
  const si = rectOf(masks.find((g) => g.attrs['data-mask'] === 'Si (400)')!);
  const ptPerDeg = si.w / (69.83 - 68.43);
  const deg = (x: number) => 68.43 + (x - si.x) / ptPerDeg;
  return masks.map((g) => ({ name: g.attrs['data-mask'], state: g.attrs['data-mask-state'], fromDeg: deg(rectOf(g).x), toDeg: deg(rectOf(g).x + rectOf(g).w) }));
}

describe('the report records the masks its analysis applied', () => {
  it('the substrate and its companions, and the tungsten line where found', () => {
    expect(PLAIN_RESULT.masks).toEqual(siSubstrateMasks(PLAIN.wavelength, PLAIN.optics));
    const w = LINED_RESULT.masks!.find(isTungsten);
    expect(w?.fromDeg).toBeLessThan(SI_400_W_L_ALPHA1_DEG);
    expect(w?.toDeg).toBeGreaterThan(SI_400_W_L_ALPHA1_DEG);
    expect(w?.label).toMatch(/^Si \(400\) W Lα1 \(tube tungsten: /);
    expect(LINED_RESULT.masks!.filter((m) => !isTungsten(m))).toEqual(PLAIN_RESULT.masks);
    // Through report.json and back.
    expect(JSON.parse(JSON.stringify(LINED_RESULT)).masks).toEqual(LINED_RESULT.masks);
  });
});

describe('the XRD figure shades the masks the analysis applied', () => {
  it('the tungsten line masked in every state: shaded across the plot around 65.87° and named', () => {
    const svg = xrdSvg([LINED, LINED, LINED], [LINED_RESULT, LINED_RESULT, LINED_RESULT]);
    const w = shadedRangesDeg(svg).filter((m) => m.name.startsWith(SI_400_W_L_ALPHA_NAME));
    expect(w).toHaveLength(1);
    expect(w[0].state).toBeUndefined();
    expect(w[0].fromDeg).toBeCloseTo(65.57, 1);
    expect(w[0].toDeg).toBeCloseTo(66.17, 1);
    expect(w[0].name).toMatch(/tube tungsten/);
    expect(texts(parseSvg(svg))).toContain('Si (400) + Kβ, W Lα1, masked');
  });

  it('found in one state only: shaded over that state\'s trace alone, named with the others', () => {
    const svg = xrdSvg([PLAIN, LINED, PLAIN], [PLAIN_RESULT, LINED_RESULT, PLAIN_RESULT]);
    const root = parseSvg(svg);
    const w = withAttr(root, 'data-mask').filter((g) => g.attrs['data-mask'].startsWith(SI_400_W_L_ALPHA_NAME));
    expect(w.map((g) => g.attrs['data-mask-state'])).toEqual(['charged']);
    const si = withAttr(root, 'data-mask', 'Si (400)')[0];
    // Shorter than the substrate's shading, which spans the plot.
    expect(Number(w[0].children[0].attrs.height)).toBeLessThan(Number(si.children[0].attrs.height) / 2);
    expect(texts(root)).toContain('Si (400) + Kβ, W Lα1, masked');
  });

  it('no tungsten line: the figure a report without recorded masks gives, today\'s, byte for byte', () => {
    const svg = xrdSvg([PLAIN, PLAIN, PLAIN], [PLAIN_RESULT, PLAIN_RESULT, PLAIN_RESULT]);
    expect(svg).toBe(xrdSvg([PLAIN, PLAIN, PLAIN], [PLAIN_RESULT, PLAIN_RESULT, PLAIN_RESULT].map(withoutMasks)));
    expect(shadedRangesDeg(svg).some((m) => m.fromDeg < 65.87 && m.toDeg > 65.87)).toBe(false);
    expect(texts(parseSvg(svg))).toContain('Si (400) + Kβ, masked');
  });

  it('an old report (no masks recorded) of a pattern with the line: the substrate masks from the optics, as before', () => {
    const svg = xrdSvg([LINED, LINED, LINED], [LINED_RESULT, LINED_RESULT, LINED_RESULT].map(withoutMasks));
    expect(shadedRangesDeg(svg).map((m) => m.name)).toEqual(siSubstrateMasks(LINED.wavelength, LINED.optics).map((m) => m.label.replace(/\s*substrate$/, '')));
  });
});

describe('the workbench XRD view shades the masks the analysis applied', () => {
  const payload = (patterns: XrdPattern[]): XrdPayload => ({
    patterns: patterns.map((p, i) => ({ state: STATES[i], file: `${STATES[i]}/xrd.xy`, twoThetaDeg: Array.from(p.twoThetaDeg), intensity: Array.from(p.intensity), intensityUnit: p.intensityUnit, wavelengthA: p.wavelength?.alpha1A ?? null, optics: p.optics ?? null })),
    missing: [],
  });
  const report = (results: XrdResult[]) => ({ states: STATES.map((state, i) => ({ state, xrd: results[i] })) }) as unknown as Report;
  const at = (t: { twoThetaDeg: Float64Array; y: Float64Array }, deg: number) => t.y[t.twoThetaDeg.findIndex((x) => x >= deg)];
  const d = payload([PLAIN, LINED, PLAIN]);

  it('the report\'s masks, each pattern its own: the tungsten line blanked and shaded in the state it was found in', () => {
    const vm = maskedPatterns(d, report([PLAIN_RESULT, LINED_RESULT, PLAIN_RESULT]));
    expect(vm.shared).toEqual(PLAIN_RESULT.masks);
    expect(vm.own.map((o) => o.map((m) => m.name))).toEqual([[], [SI_400_W_L_ALPHA_NAME], []]);
    expect(vm.all.some(isTungsten)).toBe(true);
    expect(Number.isNaN(at(vm.traces[1], SI_400_W_L_ALPHA1_DEG))).toBe(true);
    expect(Number.isFinite(at(vm.traces[0], SI_400_W_L_ALPHA1_DEG))).toBe(true);
  });

  it('no report, or one from before masks were recorded: the first pattern\'s substrate masks, as before', () => {
    const before = siSubstrateMasks({ alpha1A: LINED.wavelength!.alpha1A }, LINED.optics);
    for (const r of [null, report([PLAIN_RESULT, LINED_RESULT, PLAIN_RESULT].map(withoutMasks))]) {
      const vm = maskedPatterns(d, r);
      expect(vm.shared).toEqual(before);
      expect(vm.own).toEqual([[], [], []]);
      expect(Number.isFinite(at(vm.traces[1], SI_400_W_L_ALPHA1_DEG))).toBe(true);
    }
  });
});
