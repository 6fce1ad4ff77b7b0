import { describe, expect, it } from 'vitest';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { analyzeSimsState, analyzeSimsStateDetailed } from '../../core/sims/analyze.js';
import { boundaryVariances, compareStates, mapStatistics, shares } from '../../core/sims/liInventory.js';
import { centralRoi } from '../../core/sims/roi.js';
import { batterySpec, makeSynthetic, poisson, rng } from './synthetic.js';

const roles = PAPER_ANODE_FREE.layers.map((l) => l.role);

describe('Li fractions and their σ', () => {
  it('σ of a share matches a Monte Carlo of independent Poisson layers', () => {
    const mu = [300, 1200, 800, 50];
    const u = rng(5);
    const samples = mu.map(() => [] as number[]);
    for (let k = 0; k < 20000; k++) {
      const c = mu.map((m) => poisson(m, u));
      const t = c.reduce((a, b) => a + b, 0);
      c.forEach((x, j) => samples[j].push(x / t));
    }
    const res = shares(mu.map((m, j) => ({ role: `l${j}`, counts: m, sigma: Math.sqrt(m) })));
    res.forEach((r, j) => {
      const m = samples[j].reduce((a, b) => a + b, 0) / samples[j].length;
      const sd = Math.sqrt(samples[j].reduce((a, b) => a + (b - m) ** 2, 0) / (samples[j].length - 1));
      expect(Math.abs(r.fractionSigma / sd - 1)).toBeLessThan(0.05);
    });
    expect(res.reduce((a, r) => a + r.fraction, 0)).toBeCloseTo(1, 12);
  });

  it('boundary σ: a boundary known to σ moves rate × σ counts between its two layers', () => {
    // 10 counts per 1-s scan up to 100 s, none after. Within ±5 s of the boundary at 100 s lie
    // 50 counts: a rate of 5/s there, so σ = 5 s moves 25 counts.
    const timeS = Float64Array.from({ length: 200 }, (_, i) => i + 0.5);
    const values = Float64Array.from(timeS, (t) => (t < 100 ? 10 : 0));
    const windows = [{ role: 'a', startS: 0, endS: 100 }, { role: 'b', startS: 100, endS: 200 }];
    const v = boundaryVariances(timeS, values, windows, [5]);
    expect(Math.sqrt(v[0])).toBeCloseTo(25, 10);
    expect(v[1]).toBe(v[0]);
    expect(Array.from(boundaryVariances(timeS, values, windows, [0]))).toEqual([0, 0]);
    // Into the shares: the total does not change, so each share's variance gains v / S².
    const [a] = shares([{ role: 'a', counts: 1000, sigma: Math.sqrt(1000), boundaryVariance: v[0] }, { role: 'b', counts: 0, sigma: 0, boundaryVariance: v[1] }]);
    expect(a.fractionSigmaCounting).toBeCloseTo(0, 12);
    expect(a.fractionSigma).toBeCloseTo(25 / 1000, 12);
    expect(a.sigmaCounting).toBeCloseTo(Math.sqrt(1000), 12);
    expect(a.sigma).toBeCloseTo(Math.sqrt(1000 + 625), 12);
  });

  it('compareStates: differences against pristine, σ in quadrature', () => {
    const p = { state: 'pristine', li: [{ role: 'a', counts: 1, sigma: 1, fraction: 0.2, fractionSigma: 0.03 }] };
    const c = { state: 'charged', li: [{ role: 'a', counts: 1, sigma: 1, fraction: 0.5, fractionSigma: 0.04 }] };
    expect(compareStates([c, p])).toEqual([{ role: 'a', state: 'charged', deltaFraction: 0.3, sigma: 0.05 }]);
  });

  it('hot-spot fraction: ≈0 for a uniform map, the spot share for a spotted one', () => {
    const u = rng(9);
    const n = 4096;
    const mask = new Uint8Array(n).fill(1);
    const uniform = Float64Array.from({ length: n }, () => poisson(400, u));
    const variance = Float64Array.from(uniform);
    const s = mapStatistics('x', uniform, variance, mask);
    expect(s.hotSpotFraction).toBeLessThan(0.005);
    expect(Math.abs(s.cv - 0.05)).toBeLessThan(0.005);
    const spotted = uniform.map((v, k) => (k % 10 === 0 ? v * 2 : v));
    expect(Math.abs(mapStatistics('x', spotted, variance, mask).hotSpotFraction - 0.1)).toBeLessThan(0.01);
  });
});

describe('analyzeSimsState on synthetic battery states', () => {
  // Li strong enough to saturate some pixels in the SEI/SE layer (N = 25 shots, λ up to 40: a few
  // per mille of pixels hit all 25 shots; at λ ≈ 2N the estimator’s own bias reaches ≈ 1 % of the
  // fraction, see deadTime.test.ts).
  const pristine = makeSynthetic(batterySpec({ seed: 31, liLevels: [1, 8, 12, 0.3, 0.05] }));
  const charged = makeSynthetic(
    batterySpec({ seed: 32, shotsPerPixel: 25, liLevels: [10, 40, 6, 0.3, 0.05], hotSpots: { ion: 'Li-', layer: 0, period: 5, factor: 3 } }),
  );
  const spec = batterySpec();
  const thicknessesNm = { cc_aam: 150, sei_se: 200, cam: 600, cc: 150 };

  it('segments, calibrates and integrates Li within 0.01 of the truth, from the stack', async () => {
    for (const [syn, seed] of [[pristine, 31], [charged, 32]] as const) {
      const d = await analyzeSimsStateDetailed({ profile: syn.profile, stack: syn.stack, layerStack: PAPER_ANODE_FREE, thicknessesNm });
      const r = d.result;
      expect(r.depthCalibration).toBe('sem');
      r.interfaces.forEach((itf, k) => expect(Math.abs(itf.timeS - spec.boundariesS[k])).toBeLessThan(spec.scanPeriodS));
      // 150 nm in the first 40 s, then 200 nm in 50 s …
      expect(Math.abs(r.interfaces[0].depthNm - 150)).toBeLessThan(1e-6 + 150 * 0.05);
      expect(Math.abs(r.interfaces[3].depthNm - 1100)).toBeLessThan(1e-6);
      const truth = syn.trueFractions('Li-', roles);
      r.li.forEach((l, j) => expect(Math.abs(l.fraction - truth[j]), `seed ${seed} ${l.role}`).toBeLessThan(0.01));
      expect(r.parameters!.deadTime).toBe('per-pixel (stack)');
      expect(d.analyte!.source).toBe('stack');
    }
  });

  it('flags saturation, corrects it per pixel, and the sum-level correction is worse', async () => {
    const fromStack = await analyzeSimsState({ stack: charged.stack, profile: charged.profile, layerStack: PAPER_ANODE_FREE });
    const fromProfile = await analyzeSimsState({ profile: charged.profile, layerStack: PAPER_ANODE_FREE });
    expect(fromStack.saturatedPoints).toBeGreaterThan(0);
    expect(fromStack.warnings!.some((w) => w.includes('saturated'))).toBe(true);
    const truth = charged.trueFractions('Li-', roles);
    const err = (r: typeof fromStack): number => Math.max(...r.li.map((l, j) => Math.abs(l.fraction - truth[j])));
    expect(err(fromStack)).toBeLessThan(0.01);
    expect(err(fromProfile)).toBeGreaterThan(err(fromStack));
  });

  it('finds where Li peaks, the hot spots of the top layer, and the shift on charge', async () => {
    const p = await analyzeSimsState({ profile: pristine.profile, stack: pristine.stack, layerStack: PAPER_ANODE_FREE, thicknessesNm });
    const c = await analyzeSimsState({ profile: charged.profile, stack: charged.stack, layerStack: PAPER_ANODE_FREE, thicknessesNm });
    expect(c.liPeak!.role).toBe('sei_se');
    expect(p.liPeak!.role).toBe('cam');
    expect(c.liPeak!.depthNm).toBeGreaterThan(150);
    expect(c.liPeak!.depthNm).toBeLessThan(350);
    const top = c.maps!.find((m) => m.role === 'cc_aam')!;
    // Every 5th diagonal (20 % of pixels) carries 3× Li.
    expect(Math.abs(top.hotSpotFraction - 0.2)).toBeLessThan(0.05);
    expect(p.maps!.find((m) => m.role === 'cc_aam')!.hotSpotFraction).toBeLessThan(0.03);
    const changes = compareStates([
      { state: 'pristine', li: p.li },
      { state: 'charged', li: c.li },
    ]);
    const sei = changes.find((x) => x.role === 'sei_se')!;
    expect(sei.deltaFraction).toBeGreaterThan(3 * sei.sigma);
    const cam = changes.find((x) => x.role === 'cam')!;
    expect(cam.deltaFraction).toBeLessThan(-3 * cam.sigma);
  });

  it('an ROI and TIC normalisation run and are recorded', async () => {
    const r = await analyzeSimsState({
      stack: charged.stack,
      layerStack: PAPER_ANODE_FREE,
      options: { roi: centralRoi(12, 12, 0.5), normalization: 'tic' },
    });
    expect(r.parameters!.normalization).toBe('tic');
    expect(r.parameters!.roi).toEqual({ kind: 'rect', x0: 3, y0: 3, x1: 9, y1: 9 });
    expect(r.li.reduce((a, l) => a + l.fraction, 0)).toBeCloseTo(1, 10);
    expect(r.interfaces.length).toBe(4);
  });
});
