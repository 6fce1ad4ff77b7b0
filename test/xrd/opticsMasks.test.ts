import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRas } from '../../core/io/xrd/ras.js';
import { CU_K_ALPHA } from '../../core/model/xrdPattern.js';
import type { XrdOptics, XrdPattern } from '../../core/model/xrdPattern.js';
import { analyzeXrdPattern } from '../../core/xrd/analyze.js';
import { maskLabels, opticsCase, SI_400_W_L_ALPHA1_DEG, SI_400_W_L_ALPHA_NAME, siSubstrateMasks } from '../../core/xrd/mask.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { renderPeaks } from '../../core/xrd/profile.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import { poisson, rng, synthesize, withTungsten } from './synthetic.js';

const optics = (o: Partial<XrdOptics>): XrdOptics => ({ kBetaFilter: null, monochromator: null, known: true, evidence: 'test', ...o });
const NI_FILTER = optics({ kBetaFilter: 'Ni' });
const INCIDENT = optics({ monochromator: 'incident' });
const DIFFRACTED = optics({ monochromator: 'diffracted' });
const NEITHER = optics({});
const UNKNOWN = optics({ known: false });
const ranges = (o?: XrdOptics | null) => siSubstrateMasks(CU_K_ALPHA, o).map((m) => [m.fromDeg, m.toDeg]);

describe('the wafer\'s companion masks follow the optics', () => {
  it('classifies the optics', () => {
    expect([NI_FILTER, INCIDENT, DIFFRACTED, NEITHER, UNKNOWN, undefined].map(opticsCase)).toEqual(['filter', 'monochromator', 'monochromator', 'neither', 'unknown', 'unknown']);
    // A monochromator decides even beside a filter.
    expect(opticsCase(optics({ kBetaFilter: 'Ni', monochromator: 'diffracted' }))).toBe('monochromator');
  });

  it('β filter: the Kβ line ±0.5° and the filter\'s edge, as before, with the reason in the labels', () => {
    const masks = siSubstrateMasks(CU_K_ALPHA, NI_FILTER);
    expect(masks.map((m) => [m.fromDeg, m.toDeg])).toEqual([[61.19, 62.19], [66.25, 68.43], [68.43, 69.83]]);
    expect(masks.map((m) => m.label)).toEqual(['Si (400) Kβ (Ni β filter recorded)', 'Si (400) Ni edge (Ni β filter recorded)', 'Si (400) substrate']);
    expect(maskLabels(masks).map((l) => l.text)).toEqual(['Si (400) + Kβ, Ni edge, masked']);
  });

  it('not recorded: the same ranges as before optics were read, labelled as assumed', () => {
    for (const o of [undefined, null, UNKNOWN]) expect(ranges(o)).toEqual([[61.19, 62.19], [66.25, 68.43], [68.43, 69.83]]);
    const masks = siSubstrateMasks(CU_K_ALPHA);
    expect(masks[0].label).toBe('Si (400) Kβ (optics not recorded: β filter assumed)');
    expect(masks[1].label).toBe('Si (400) Ni edge (optics not recorded: β filter assumed)');
    // Figures name the masks as before.
    expect(maskLabels(masks).map((l) => l.text)).toEqual(['Si (400) + Kβ, Ni edge, masked']);
  });

  it('a monochromator, before or after the sample: the wafer\'s reflection alone, and why', () => {
    for (const o of [INCIDENT, DIFFRACTED]) {
      const masks = siSubstrateMasks(CU_K_ALPHA, o);
      expect(masks.map((m) => [m.fromDeg, m.toDeg])).toEqual([[68.43, 69.83]]);
      expect(masks[0].label).toMatch(/^Si \(400\) substrate \((incident|diffracted)-beam monochromator recorded: no Kβ line or filter edge\)$/);
      expect(maskLabels(masks).map((l) => l.text)).toEqual(['Si (400), masked']);
    }
  });

  it('neither filter nor monochromator: the unfiltered Kβ line, as wide as the Kα1 line\'s mask, and no edge', () => {
    const masks = siSubstrateMasks(CU_K_ALPHA, NEITHER);
    // Cu Kβ1 1.392218 Å from d = 5.4309/4 Å: 61.69°, ±0.7°.
    expect(masks.map((m) => [m.fromDeg, m.toDeg])).toEqual([[60.99, 62.39], [68.43, 69.83]]);
    expect(masks[0].label).toBe('Si (400) Kβ (no β filter or monochromator recorded: unfiltered Kβ)');
    expect(maskLabels(masks).map((l) => l.text)).toEqual(['Si (400) + Kβ, masked']);
  });

  it('another anode: its own filter\'s edge; an unrecognised filter name takes the anode\'s usual filter', () => {
    const co = { alpha1A: 1.78897, alpha2A: 1.79285 };
    const fe = siSubstrateMasks(co, optics({ kBetaFilter: 'Fe' }));
    expect(fe[1].label).toBe('Si (400) Fe edge (Fe β filter recorded)');
    // Fe K edge 1.74331 Å: 2θ = 2 asin(1.74331 / (2 · 1.357725)) = 79.88°.
    expect(fe[1].fromDeg).toBeCloseTo(79.88 - 0.2, 1);
    const odd = siSubstrateMasks(co, optics({ kBetaFilter: 'Kb_1D' }));
    expect(odd[1].label).toBe("Si (400) Fe edge (Kb_1D β filter recorded: edge taken as Fe's)");
    expect([odd[0].fromDeg, odd[1].fromDeg]).toEqual([fe[0].fromDeg, fe[1].fromDeg]);
  });

  it('a waterfall takes the first pattern\'s optics', () => {
    const s = synthesize({ startDeg: 55, stopDeg: 75, peaks: [], baseline: () => 100, seed: null });
    const data = prepareWaterfall([{ label: 'a', pattern: { ...s.pattern, optics: INCIDENT } }], { phases: [] });
    const at = (deg: number) => data.traces[0].y[Math.round((deg - 55) / 0.02)];
    expect(Number.isNaN(at(61.69))).toBe(false);
    expect(Number.isNaN(at(69.13))).toBe(true);
    const unknown = prepareWaterfall([{ label: 'a', pattern: s.pattern }], { phases: [] });
    expect(Number.isNaN(unknown.traces[0].y[Math.round((61.69 - 55) / 0.02)])).toBe(true);
  });
});

describe('analysis masks by the pattern\'s optics', () => {
  // A wafer's Si (400) and two film peaks where the β filter's companions would be masked:
  // 61.9° (inside the Kβ mask) and 66.6° (inside the Ni edge mask).
  const s = synthesize({
    startDeg: 50,
    stopDeg: 76,
    peaks: [
      { centerDeg: 69.13, fwhmDeg: 0.08, area: 20000, eta: 0.3 },
      { centerDeg: 61.9, fwhmDeg: 0.3, area: 400, eta: 0.5 },
      { centerDeg: 66.6, fwhmDeg: 0.35, area: 400, eta: 0.5 },
    ],
    baseline: () => 300,
    seed: 11,
  });
  const found = (o: XrdOptics | undefined, deg: number) => analyzeXrdPattern({ ...s.pattern, optics: o }).peaks.some((p) => Math.abs(p.twoThetaDeg - deg) < 0.1);

  it('not recorded or β filter: both film peaks hidden by the companions, as before', () => {
    for (const o of [undefined, NI_FILTER]) {
      expect(found(o, 61.9)).toBe(false);
      expect(found(o, 66.6)).toBe(false);
    }
  });
  it('a monochromator: both film peaks measured', () => {
    expect(found(INCIDENT, 61.9)).toBe(true);
    expect(found(DIFFRACTED, 66.6)).toBe(true);
  });
  it('neither: the Kβ line masked, the edge\'s range measured', () => {
    expect(found(NEITHER, 61.9)).toBe(false);
    expect(found(NEITHER, 66.6)).toBe(true);
  });
});

describe('the wafer\'s Si (400) in the tube\'s tungsten W Lα1 light', () => {
  it('sits at 65.87° whatever the anode', () => {
    expect(SI_400_W_L_ALPHA1_DEG).toBeCloseTo(65.873, 2);
  });

  const near = (a: ReturnType<typeof analyzeXrdPattern>, deg: number) => a.peaks.some((p) => Math.abs(p.twoThetaDeg - deg) < 0.15);
  const wMask = (a: ReturnType<typeof analyzeXrdPattern>) => a.masks.find((m) => m.name === SI_400_W_L_ALPHA_NAME);

  it('a narrow weak peak there, with the wafer strong: masked, said, and the film measured as before', () => {
    const a = analyzeXrdPattern(withTungsten({ fwhmDeg: 0.08, area: 120 }));
    const m = wMask(a);
    expect(m).toBeDefined();
    expect(m!.fromDeg).toBeLessThan(65.87);
    expect(m!.toDeg).toBeGreaterThan(65.87);
    expect(m!.label).toMatch(/^Si \(400\) W Lα1 \(tube tungsten: narrow peak at 65\.8\d°, FWHM 0\.[01]\d°, 0\.\d+ % of the wafer's Si \(400\) height\)$/);
    expect(near(a, 65.87)).toBe(false);
    expect(near(a, 45)).toBe(true);
    expect(a.result.warnings?.some((w) => w.includes('W Lα1'))).toBe(true);
    // Unmasked, the same line is reported as a film peak.
    const control = analyzeXrdPattern(withTungsten({ fwhmDeg: 0.08, area: 120 }), { maskTungsten: false });
    expect(wMask(control)).toBeUndefined();
    expect(near(control, 65.87)).toBe(true);
  });

  it('follows the wafer\'s own displacement (the sample 0.08° off)', () => {
    const a = analyzeXrdPattern(withTungsten({ fwhmDeg: 0.08, area: 120 }, { shiftDeg: 0.08 }));
    expect(wMask(a)).toBeDefined();
    expect(near(a, 65.95)).toBe(false);
  });

  it('not masked: a broad (film) peak, a peak too strong for the tube, a monochromator, no wafer in range', () => {
    expect(wMask(analyzeXrdPattern(withTungsten({ fwhmDeg: 0.5, area: 400 })))).toBeUndefined();
    expect(wMask(analyzeXrdPattern(withTungsten({ fwhmDeg: 0.08, area: 3000 })))).toBeUndefined();
    const mono = analyzeXrdPattern(withTungsten({ fwhmDeg: 0.08, area: 120 }, { optics: INCIDENT }));
    expect(wMask(mono)).toBeUndefined();
    expect(near(mono, 65.87)).toBe(true);
    expect(wMask(analyzeXrdPattern(withTungsten({ fwhmDeg: 0.08, area: 120 }, { stopDeg: 67.5 })))).toBeUndefined();
  });
});

describe('the sample study', () => {
  it('its generated .ras records no optics: the masks of a β filter assumed (Kβ, the Ni edge up to the reflection, the reflection)', () => {
    for (const state of ['pristine', 'charged', 'discharged']) {
      const p = readRas(new Uint8Array(readFileSync(resolve(PROJECT_ROOT, `samples/study/${state}/xrd.ras`))), 'xrd.ras');
      const a = analyzeXrdPattern(p);
      expect(a.masks.map((m) => [m.fromDeg, m.toDeg])).toEqual([[61.19, 62.19], [66.25, 68.43], [68.43, 69.83]]);
      expect(a.masks.every((m) => m.name !== SI_400_W_L_ALPHA_NAME)).toBe(true);
    }
  });
});

describe('an incident-beam monochromator: Kα1 alone', () => {
  it('strips and fits no Kα2: a single line keeps its area and width', () => {
    // One Kα1 line at 45° (no Kα2 companion, as behind a Ge(220) monochromator) on a flat background.
    const base = synthesize({ startDeg: 38, stopDeg: 52, peaks: [], baseline: () => 200, seed: null });
    const line = renderPeaks(base.x, [{ centerDeg: 45, fwhmDeg: 0.3, area: 3000, eta: 0.3 }]);
    const random = rng(11);
    const pattern: XrdPattern = { ...base.pattern, intensity: Float64Array.from(base.pattern.intensity, (v, i) => poisson(v + line[i], random)) };
    const mono = analyzeXrdPattern({ ...pattern, optics: optics({ monochromator: 'incident' }) });
    expect(mono.parameters.kAlpha2Stripped).toBe(false);
    expect(mono.parameters.kAlpha1Only).toBe(true);
    const peak = mono.result.peaks.find((p) => Math.abs(p.twoThetaDeg - 45) < 0.05)!;
    expect(Math.abs(peak.area - 3000)).toBeLessThan(4 * peak.areaSigma!);
    expect(Math.abs(peak.fwhmDeg - 0.3)).toBeLessThan(4 * peak.fwhmSigmaDeg!);
    // Optics not recorded: a Kα2 is assumed, and the same line is taken for a doublet (its Kα1 part smaller).
    const assumed = analyzeXrdPattern(pattern).result.peaks.find((p) => Math.abs(p.twoThetaDeg - 45) < 0.1)!;
    expect(assumed.area).toBeLessThan(peak.area);
  });
});

describe('optics recorded in part: the filter alone', () => {
  it('no filter recorded, the monochromators not: no edge, Kβ masked as unfiltered (±0.7°)', () => {
    const masks = siSubstrateMasks(CU_K_ALPHA, optics({ known: false, filterRecorded: true, kBetaFilter: null }));
    expect(masks.map((m) => [m.fromDeg, m.toDeg])).toEqual([[60.99, 62.39], [68.43, 69.83]]);
    expect(masks[0].label).toBe('Si (400) Kβ (no β filter recorded, monochromators not recorded: unfiltered Kβ assumed)');
  });

  it('a filter recorded, the monochromators not: its Kβ line and edge, said so', () => {
    const masks = siSubstrateMasks(CU_K_ALPHA, optics({ known: false, filterRecorded: true, kBetaFilter: 'Ni' }));
    expect(masks.map((m) => [m.fromDeg, m.toDeg])).toEqual([[61.19, 62.19], [66.25, 68.43], [68.43, 69.83]]);
    expect(masks[0].label).toBe('Si (400) Kβ (Ni β filter recorded, monochromators not recorded)');
  });
});
