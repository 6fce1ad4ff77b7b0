import { describe, expect, it } from 'vitest';
import { CU_K_ALPHA } from '../../core/model/xrdPattern.js';
import { analyzeXrd, analyzeXrdPattern } from '../../core/xrd/analyze.js';
import { clipPass, clipPassQuadratic, polynomialBackground, rollingBallBackground, snipBackground, windowExtremes } from '../../core/xrd/background.js';
import { fitPeakGroup } from '../../core/xrd/fit.js';
import { kAlpha2PositionDeg, stripKAlpha2 } from '../../core/xrd/kalpha2.js';
import { matchPeaks, PHASES, phaseSticks } from '../../core/xrd/phases.js';
import { renderPeaks } from '../../core/xrd/profile.js';
import { sampleBroadeningDeg, scherrerEstimate, scherrerSizeNm, scherrerSizeSigmaNm } from '../../core/xrd/scherrer.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { rng, synthesize } from './synthetic.js';
import { countingDispersion } from '../../core/xrd/dispersion.js';
import { openDataset } from '../../core/node/openDataset.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';
import { maskLabels, SI_400_MASK, siSubstrateCompanions, siSubstrateMask, siSubstrateMasks } from '../../core/xrd/mask.js';

const integrate = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
  return s;
};

/** Film peaks of a generated pattern: a doublet, a peak on the amorphous hump, a broad and a narrow one. */
const TRUE_PEAKS = [
  { centerDeg: 20.77, fwhmDeg: 0.25, area: 400, eta: 0.4 },
  { centerDeg: 35.59, fwhmDeg: 0.3, area: 800, eta: 0.5 },
  { centerDeg: 35.95, fwhmDeg: 0.3, area: 300, eta: 0.5 },
  { centerDeg: 43.57, fwhmDeg: 0.4, area: 600, eta: 0.3 },
  { centerDeg: 50.75, fwhmDeg: 0.15, area: 250, eta: 0.6 },
];
const HUMPS = [{ centerDeg: 22, fwhmDeg: 7, area: 8000, eta: 0 }];
const baseline = (t: number): number => 200 + 2 * (80 - t);

describe('Kα2 stripping (Rachinger)', () => {
  for (const centerDeg of [35.6, 69.1]) {
    it(`removes ≥ 90 % of the Kα2 area of a synthetic doublet at ${centerDeg}°`, () => {
      const s = synthesize({ startDeg: centerDeg - 2, stopDeg: centerDeg + 2, stepDeg: 0.01, peaks: [{ centerDeg, fwhmDeg: 0.15, area: 1000, eta: 0.5 }], seed: null });
      const stripped = stripKAlpha2(s.x, s.pattern.intensity, CU_K_ALPHA);
      const residual = stripped.map((v, i) => Math.abs(v - s.sharpAlpha1[i]));
      const alpha2Area = integrate(s.x, s.sharpAlpha2);
      const removed = 1 - integrate(s.x, residual) / alpha2Area;
      expect(Math.abs(alpha2Area / 500 - 1)).toBeLessThan(0.03); // Lorentzian tails beyond ±2° missing
      expect(removed).toBeGreaterThanOrEqual(0.9);
      // The Kα1 line itself survives: its area within 2 %.
      expect(integrate(s.x, stripped) / 1000).toBeGreaterThan(0.98);
    });
  }

  it('puts Kα2 where Bragg\'s law says (Si 400: 69.13° → 69.33°)', () => {
    expect(kAlpha2PositionDeg(69.13, CU_K_ALPHA.alpha1A, CU_K_ALPHA.alpha2A)).toBeCloseTo(69.33, 2);
  });
});

describe('backgrounds', () => {
  const s = synthesize({ peaks: TRUE_PEAKS, baseline: (t) => 300 + 0.08 * (t - 45) ** 2, kAlpha2: false, seed: null });
  const away = (i: number): boolean => TRUE_PEAKS.every((p) => Math.abs(s.x[i] - p.centerDeg) > 3 * p.fwhmDeg + 1);
  // The iterative polynomial is known to sit low near the ends of the range: 6 % allowed there.
  for (const [name, bg, tol] of [
    ['SNIP', snipBackground(s.x, s.pattern.intensity, { halfWidthDeg: 1.5 }), 0.03],
    ['iterative polynomial', polynomialBackground(s.x, s.pattern.intensity, { degree: 4 }), 0.06],
    ['rolling ball', rollingBallBackground(s.x, s.pattern.intensity, { halfWidthDeg: 1 }), 0.03],
  ] as const) {
    it(`${name}: within ${tol * 100} % of the true baseline, and under the peaks`, () => {
      let worst = 0;
      for (let i = 0; i < s.x.length; i++) {
        if (away(i)) worst = Math.max(worst, Math.abs(bg[i] - s.baseline[i]) / s.baseline[i]);
        expect(bg[i]).toBeLessThanOrEqual(s.pattern.intensity[i] * 1.005);
      }
      expect(worst).toBeLessThan(tol);
    });
  }

  it("iterative polynomial: the quadratic's own round gives the general round's numbers to the bit", () => {
    let seed = 11;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 400;
    const design = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const t = (2 * i) / (n - 1) - 1;
      design.set([1, t, t * t], 3 * i);
    }
    const data = Float64Array.from({ length: n }, (_, i) => (i === 7 ? NaN : 100 + 50 * random() + (i % 97 === 0 ? 900 : 0)));
    const general = { fit: new Float64Array(n), work: data.slice(), aty: new Float64Array(3) };
    const quadratic = { fit: new Float64Array(n), work: data.slice(), aty: new Float64Array(3) };
    // Rounds from a few coefficient vectors, as the iteration feeds them (−0 and 0 included).
    for (const coef of [[0, 0, 0], [-0, 0, -0], [120, -3.5, 7.25], [90.5, 1e-3, -40], [1e9, -1e9, 3]]) {
      const c = Float64Array.from(coef);
      const a = clipPass(design, 3, c, general.fit, general.work, 101, general.aty);
      const b = clipPassQuadratic(design, c, quadratic.fit, quadratic.work, 101, quadratic.aty);
      expect(Object.is(a, b)).toBe(true);
      for (const key of ['fit', 'work', 'aty'] as const) expect(Array.from(quadratic[key]).every((v, i) => Object.is(v, general[key][i])), `${key} at ${coef}`).toBe(true);
    }
  });
});

describe('windowExtremes', () => {
  /** The definition: pick over each window, clipped to the data. */
  const naive = (src: number[], m: number, pick: (a: number, b: number) => number): number[] =>
    src.map((v, i) => {
      for (let j = Math.max(0, i - m); j <= Math.min(src.length - 1, i + m); j++) v = pick(v, src[j]);
      return v;
    });
  it('equals the window-by-window minimum and maximum, for windows shorter or longer than the data, NaN and −0 included', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const n of [1, 2, 5, 17, 100, 301]) {
      for (const m of [1, 2, 3, 8, 50, 400]) {
        const src = Array.from({ length: n }, () => Math.round(random() * 20) - 10);
        if (n > 10) {
          src[3] = NaN;
          src[n - 2] = -0;
          src[n - 1] = 0;
        }
        for (const pick of [Math.min, Math.max]) {
          // Object.is: NaN equals NaN, −0 differs from +0.
          const got = Array.from(windowExtremes(src, m, pick));
          const want = naive(src, m, pick);
          expect(got.every((v, i) => Object.is(v, want[i])), `n ${n}, m ${m}, ${pick.name}`).toBe(true);
        }
      }
    }
  });
});

describe('pseudo-Voigt fitting', () => {
  it('recovers one noise-free peak exactly and reports tiny uncertainties', () => {
    const x = Float64Array.from({ length: 201 }, (_, i) => 40 + 0.01 * i);
    const y = renderPeaks(x, [{ centerDeg: 41.03, fwhmDeg: 0.22, area: 500, eta: 0.35 }]).map((v, i) => v + 50 + 3 * (x[i] - 41));
    const f = fitPeakGroup(x, y, [{ centerDeg: 41.0, fwhmDeg: 0.3, height: 1500 }], { background: 'linear' })!;
    expect(f.peaks[0].centerDeg).toBeCloseTo(41.03, 4);
    expect(f.peaks[0].fwhmDeg).toBeCloseTo(0.22, 4);
    expect(f.peaks[0].area).toBeCloseTo(500, 1);
    expect(f.peaks[0].eta).toBeCloseTo(0.35, 3);
    expect(f.peaks[0].sigma.centerDeg).toBeLessThan(1e-4);
  });

  it('follows a peak that lies beyond its guess\'s bounds (one FWHM), and says so where it cannot', () => {
    const x = Float64Array.from({ length: 401 }, (_, i) => 39 + 0.01 * i);
    const y = renderPeaks(x, [{ centerDeg: 41.03, fwhmDeg: 0.22, area: 500, eta: 0.35 }]).map((v, i) => v + 50 + 3 * (x[i] - 41));
    const fit = (centerDeg: number) => fitPeakGroup(x, y, [{ centerDeg, fwhmDeg: 0.3, height: 1500 }], { background: 'linear', rangeDeg: [39, 43] })!.peaks[0];
    // Guessed 0.37° high: the first fit is held at its bound, 41.10°; the refit reaches the peak.
    const followed = fit(41.4);
    expect(followed.centerDeg).toBeCloseTo(41.03, 3);
    expect(Number.isFinite(followed.sigma.centerDeg)).toBe(true);
    // Guessed 1.2° high: still held at a bound after the refits. Its σ is not known: NaN, not 0.
    const held = fit(42.2);
    expect(Math.abs(held.centerDeg - 41.03)).toBeGreaterThan(0.05);
    expect(Number.isNaN(held.sigma.centerDeg)).toBe(true);
  });

  it('on a noisy pattern (Kα2, hump, sloping background): positions within 0.02°, FWHM within 10 %, truth within 4σ', () => {
    for (const seed of [1, 2, 3]) {
      const s = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed });
      const a = analyzeXrdPattern(s.pattern, { scherrer: { instrumentFwhmDeg: 0 } });
      for (const t of TRUE_PEAKS) {
        const found = a.peaks.filter((p) => Math.abs(p.twoThetaDeg - t.centerDeg) < 0.1);
        expect(found.length, `seed ${seed}: peak at ${t.centerDeg}°`).toBe(1);
        const p = found[0];
        expect(Math.abs(p.twoThetaDeg - t.centerDeg)).toBeLessThan(0.02);
        expect(Math.abs(p.fwhmDeg / t.fwhmDeg - 1)).toBeLessThan(0.1);
        expect(Math.abs(p.twoThetaDeg - t.centerDeg)).toBeLessThan(4 * p.fit.sigma.centerDeg + 1e-3);
        expect(Math.abs(p.area / t.area - 1)).toBeLessThan(0.2);
      }
      // No spurious peaks from noise or the hump.
      expect(a.peaks.length).toBe(TRUE_PEAKS.length);
    }
  });
});

describe('Scherrer', () => {
  // τ = Kλ/(β cos θ): 0.9 × 1.5406 Å / (0.2° in rad × cos 20°) = 422.7 Å.
  const expectedNm = (0.9 * 1.5406) / ((0.2 * Math.PI) / 180) / Math.cos((20 * Math.PI) / 180) / 10;
  it('gives the textbook size for a known width', () => {
    expect(expectedNm).toBeCloseTo(42.27, 2);
    expect(scherrerSizeNm(40, 0.2, 1.5406)).toBeCloseTo(expectedNm, 6);
  });
  it('removes instrument broadening quadratically (default) or linearly', () => {
    expect(sampleBroadeningDeg(0.25, { instrumentFwhmDeg: 0.15 })).toBeCloseTo(0.2, 10);
    expect(scherrerSizeNm(40, 0.25, 1.5406, { instrumentFwhmDeg: 0.15 })).toBeCloseTo(expectedNm, 6);
    expect(scherrerSizeNm(40, 0.35, 1.5406, { instrumentFwhmDeg: 0.15, broadening: 'linear' })).toBeCloseTo(expectedNm, 6);
    expect(scherrerSizeNm(40, 0.1, 1.5406, { instrumentFwhmDeg: 0.15 })).toBeNull();
  });
  it('end to end: a 20 nm crystallite peak is sized within 10 %', () => {
    const twoTheta = 43.57;
    const betaDeg = ((0.9 * 1.5406) / (200 * Math.cos((twoTheta / 2) * (Math.PI / 180)))) * (180 / Math.PI);
    const fwhmDeg = Math.sqrt(betaDeg ** 2 + 0.05 ** 2);
    const s = synthesize({ peaks: [{ centerDeg: twoTheta, fwhmDeg, area: 1500, eta: 0.3 }], baseline, seed: 7 });
    const r = analyzeXrd(s.pattern);
    const p = r.peaks.find((q) => Math.abs(q.twoThetaDeg - twoTheta) < 0.05)!;
    expect(p.phase).toBe('austenite');
    expect(p.hkl).toBe('(111)');
    expect(Math.abs(p.crystalliteNm! / 20 - 1)).toBeLessThan(0.1);
  });
});

describe('a weak lone peak in every noise realisation', () => {
  it('is found whole: one peak, within 0.02° and its FWHM within 10 %, for 30 seeds', () => {
    // Seeds 1 and 30 once split it into two candidates 0.2° apart (the Kα2 shoulder taken for a
    // peak); the fit shared the area and the weaker half was dropped: 43.49° with 60 % of the area.
    for (let seed = 1; seed <= 30; seed++) {
      const s = synthesize({ peaks: [{ centerDeg: 43.57, fwhmDeg: 0.45, area: 600, eta: 0.3 }], baseline, seed });
      const peaks = analyzeXrd(s.pattern).peaks;
      expect(peaks, `seed ${seed}`).toHaveLength(1);
      expect(Math.abs(peaks[0].twoThetaDeg - 43.57), `seed ${seed}`).toBeLessThan(0.02);
      expect(Math.abs(peaks[0].fwhmDeg / 0.45 - 1), `seed ${seed}`).toBeLessThan(0.1);
    }
  });
});

describe('Scherrer size uncertainty', () => {
  it('is the linear propagation of the FWHM and 2θ σ (against central differences)', () => {
    for (const broadening of ['quadratic', 'linear'] as const) {
      const opts = { instrumentFwhmDeg: 0.08, broadening };
      const [t, f, st, sf] = [43.6, 0.5, 0.02, 0.03];
      const h = 1e-6;
      const dF = (scherrerSizeNm(t, f + h, 1.5406, opts)! - scherrerSizeNm(t, f - h, 1.5406, opts)!) / (2 * h);
      const dT = (scherrerSizeNm(t + h, f, 1.5406, opts)! - scherrerSizeNm(t - h, f, 1.5406, opts)!) / (2 * h);
      const expected = Math.hypot(dF * sf, dT * st);
      expect(scherrerSizeSigmaNm(t, f, 1.5406, { fwhmDeg: sf, twoThetaDeg: st }, opts)! / expected).toBeCloseTo(1, 6);
    }
    expect(scherrerSizeSigmaNm(40, 0.1, 1.5406, { fwhmDeg: 0.01, twoThetaDeg: 0.01 }, { instrumentFwhmDeg: 0.15 })).toBeNull();
  });

  it('matches the spread of sizes over noise realisations (reported σ within 0.6–1.6× the spread)', () => {
    const twoTheta = 43.57;
    const fwhmDeg = 0.45;
    const sizes: number[] = [];
    const sigmas: number[] = [];
    for (let seed = 1; seed <= 24; seed++) {
      const s = synthesize({ peaks: [{ centerDeg: twoTheta, fwhmDeg, area: 600, eta: 0.3 }], baseline, seed });
      const p = analyzeXrd(s.pattern).peaks.find((q) => Math.abs(q.twoThetaDeg - twoTheta) < 0.1)!;
      sizes.push(p.crystalliteNm!);
      sigmas.push(p.crystalliteSigmaNm!);
    }
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const spread = Math.sqrt(sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length - 1));
    const reported = sigmas.reduce((a, b) => a + b, 0) / sigmas.length;
    expect(reported / spread).toBeGreaterThan(0.6);
    expect(reported / spread).toBeLessThan(1.6);
  });
});

describe('amorphous fraction, masks', () => {
  it('hump vs peaks: within 0.05 of the true Kα1 area ratio', () => {
    const s = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed: 11 });
    const truth = 8000 / (8000 + TRUE_PEAKS.reduce((a, p) => a + p.area, 0));
    const r = analyzeXrd(s.pattern);
    expect(Math.abs(r.amorphousFraction! - truth)).toBeLessThan(0.05);
    const crystalline = synthesize({ peaks: TRUE_PEAKS, baseline, seed: 12 });
    // Without any hump, peak tails and smoothed noise still leave a floor of ~0.2 here: the
    // method cannot call a film less than ~25 % amorphous on data this noisy.
    expect(analyzeXrd(crystalline.pattern).amorphousFraction!).toBeLessThan(0.25);
  });

  it('masks Si (400) by default, reports it with --no-mask-si, and honours user masks', () => {
    const s = synthesize({ peaks: [...TRUE_PEAKS, { centerDeg: 69.13, fwhmDeg: 0.1, area: 50000, eta: 0.3 }], baseline, seed: 5 });
    const masked = analyzeXrd(s.pattern);
    expect(masked.peaks.some((p) => Math.abs(p.twoThetaDeg - 69.13) < 0.3)).toBe(false);
    const unmasked = analyzeXrd(s.pattern, { maskSi: false });
    const si = unmasked.peaks.find((p) => Math.abs(p.twoThetaDeg - 69.13) < 0.05);
    expect(si?.phase).toBe('Si');
    expect(si?.hkl).toBe('(400)');
    const user = analyzeXrd(s.pattern, { masks: [{ fromDeg: 43, toDeg: 44.2, label: 'steel' }] });
    expect(user.peaks.some((p) => Math.abs(p.twoThetaDeg - 43.57) < 0.3)).toBe(false);
  });

  it('puts the Si (400) mask where the pattern\'s wavelength puts the reflection', () => {
    expect(siSubstrateMask(CU_K_ALPHA)).toEqual({ fromDeg: 68.43, toDeg: 69.83, label: 'Si (400) substrate' });
    // Bragg's law with d = 5.4309 / 4 Å: Co Kα1 82.40°, Mo Kα1 30.29°, Cr Kα1 115.0°.
    const centre = (m: { fromDeg: number } | null) => m!.fromDeg + 0.7;
    expect(centre(siSubstrateMask({ alpha1A: 1.78897, alpha2A: 1.79285 }))).toBeCloseTo(82.4, 1);
    expect(centre(siSubstrateMask({ alpha1A: 0.70932, alpha2A: 0.71361 }))).toBeCloseTo(30.29, 1);
    expect(centre(siSubstrateMask({ alpha1A: 2.2897 }))).toBeCloseTo(115.0, 0);
    expect(siSubstrateMask({ alpha1A: 3 })).toBeNull();
  });

  it('with a Co tube, masks the wafer at 82.4° and keeps a film peak at 69.1° (where Cu has Si)', () => {
    const s = synthesize({ startDeg: 60, stopDeg: 90, kAlpha2: false, peaks: [{ centerDeg: 69.13, fwhmDeg: 0.4, area: 800, eta: 0.3 }, { centerDeg: 82.4, fwhmDeg: 0.08, area: 50000, eta: 0.3 }], baseline, seed: 3 });
    const cobalt = analyzeXrd({ ...s.pattern, wavelength: { alpha1A: 1.78897 } });
    expect(cobalt.peaks.some((p) => Math.abs(p.twoThetaDeg - 69.13) < 0.05)).toBe(true);
    expect(cobalt.peaks.some((p) => Math.abs(p.twoThetaDeg - 82.4) < 0.7)).toBe(false);
    const copper = analyzeXrd({ ...s.pattern, wavelength: { alpha1A: CU_K_ALPHA.alpha1A } });
    expect(copper.peaks.some((p) => Math.abs(p.twoThetaDeg - 69.13) < 0.3)).toBe(false);
  });

  it('masks what the wafer leaves besides its reflection: its Kβ line and the β filter edge', () => {
    // Bragg's law for d = 5.4309/4 Å: Cu Kβ 1.392218 Å → 61.69°, Ni K edge 1.48787 Å → 66.45°.
    const [beta, edge] = siSubstrateCompanions(CU_K_ALPHA);
    expect((beta.fromDeg + beta.toDeg) / 2).toBeCloseTo(61.69, 1);
    // No optics given (not recorded): the β filter's pair, as labelled.
    expect(beta.name).toBe('Si (400) Kβ');
    expect(beta.label).toBe('Si (400) Kβ (optics not recorded: β filter assumed)');
    expect(edge.fromDeg).toBeCloseTo(66.45 - 0.2, 1);
    expect(edge.name).toBe('Si (400) Ni edge');
    expect(edge.label).toBe('Si (400) Ni edge (optics not recorded: β filter assumed)');
    // A Co tube's own: Kβ at 73.3°, its Fe filter's edge at 79.9°; an unknown anode: none.
    expect((siSubstrateCompanions({ alpha1A: 1.78897 })[0].fromDeg + siSubstrateCompanions({ alpha1A: 1.78897 })[0].toDeg) / 2).toBeCloseTo(73.3, 1);
    expect(siSubstrateCompanions({ alpha1A: 1.6 })).toEqual([]);
    // Named once, not in three labels printed over each other.
    expect(maskLabels(siSubstrateMasks(CU_K_ALPHA)).map((l) => l.text)).toEqual(['Si (400) + Kβ, Ni edge, masked']);
    expect(maskLabels([SI_400_MASK, { fromDeg: 20, toDeg: 21, label: 'holder' }]).map((l) => l.text)).toEqual(['holder, masked', 'Si (400), masked']);
  });
});

describeShared('the wafer\'s Kβ line and filter edge on a real pattern', () => {
  it('are not reported as film peaks (gredig_2Theta.asc: 61.70°, sized 107 nm, and 66.74° were)', async () => {
    const opened = await openDataset(sharedDataPath('xrd', 'gredig_2Theta.asc'));
    try {
      const r = analyzeXrd(opened.dataset as XrdPattern);
      expect(r.peaks.filter((p) => (p.twoThetaDeg > 61 && p.twoThetaDeg < 62.4) || (p.twoThetaDeg > 66 && p.twoThetaDeg < 67.5))).toEqual([]);
      // The film's and the other reflections stay.
      expect(r.peaks.some((p) => Math.abs(p.twoThetaDeg - 44.38) < 0.05)).toBe(true);
      expect(r.peaks.some((p) => Math.abs(p.twoThetaDeg - 56.33) < 0.05)).toBe(true);
    } finally {
      await opened.close();
    }
  });

  it('the continuum the wafer diffracts from the edge to its reflection is masked with the edge: the Au (220) beside it keeps its width', async () => {
    const opened = await openDataset(sharedDataPath('xrd', 'gredig_2Theta.asc'));
    try {
      const pattern = opened.dataset as XrdPattern;
      // The plateau is in the data: counts from the edge (66.4°) to the reflection's mask stand
      // well above those just below the edge.
      const meanOver = (from: number, to: number): number => {
        const values = Array.from(pattern.twoThetaDeg).flatMap((x, i) => (x >= from && x < to ? [pattern.intensity[i]] : []));
        return values.reduce((sum, v) => sum + v, 0) / values.length;
      };
      expect(meanOver(66.6, 68.4) / meanOver(65.2, 66.2)).toBeGreaterThan(2);
      const a = analyzeXrdPattern(pattern);
      const edge = a.masks.find((m) => m.name === 'Si (400) Ni edge')!;
      expect(edge.toDeg).toBe(SI_400_MASK.fromDeg);
      // Au (220), as wide as the (111) at 38.18° (0.59°) or less; 1.37° wide where the plateau
      // was in its fit window.
      const au220 = a.result.peaks.find((p) => Math.abs(p.twoThetaDeg - 64.6) < 0.1)!;
      expect(au220.fwhmDeg).toBeGreaterThan(0.3);
      expect(au220.fwhmDeg).toBeLessThan(0.6);
    } finally {
      await opened.close();
    }
  });
});

describe('phase markers', () => {
  it('2θ from the cells agrees with the positions users know', () => {
    const at = (id: string, hkl: string): number => phaseSticks(PHASES.find((p) => p.id === id)!).find((s) => s.hkl === hkl)!.twoThetaDeg;
    expect(at('austenite', '(111)')).toBeCloseTo(43.6, 1); // DOMAIN.md §4
    expect(at('austenite', '(200)')).toBeCloseTo(50.7, 1);
    expect(at('Si', '(400)')).toBeCloseTo(69.13, 2);
    expect(at('Si', '(111)')).toBeCloseTo(28.44, 2);
    expect(Math.abs(at('LiFePO4', '(311)') - 35.6)).toBeLessThan(0.1);
    expect(Math.abs(at('LiFePO4', '(101)') - 20.8)).toBeLessThan(0.1);
    expect(Math.abs(at('Li', '(110)') - 36.2)).toBeLessThan(0.1);
    for (const p of PHASES) expect(p.source.length).toBeGreaterThan(10);
  });
  it('matches within tolerance and refuses peaks far from every reflection', () => {
    const m = matchPeaks([43.6, 17.16, 18.05, 12.0]);
    expect(m[0]).toMatchObject({ phaseId: 'austenite', hkl: '(111)' });
    expect(m[1]).toMatchObject({ phaseId: 'LiFePO4', hkl: '(200)' });
    expect(m[2]).toMatchObject({ phaseId: 'FePO4', hkl: '(200)' });
    expect(m[3]).toBeNull();
  });

  it('names the (100) wafer\'s forbidden Si (200) as Si, not FePO4 (301) 0.16° away', () => {
    const [wafer, heterosite] = matchPeaks([32.975, 33.12]);
    expect(wafer).toMatchObject({ phaseId: 'Si', hkl: '(200)' });
    expect(heterosite).toMatchObject({ phaseId: 'FePO4', hkl: '(301)' });
  });
});

describe('waterfall data', () => {
  it('normalises each state, lifts it by its order, blanks masks and puts sticks below', () => {
    const states = ['pristine', 'charged', 'discharged'].map((label, k) => ({
      label,
      pattern: synthesize({ peaks: [{ centerDeg: 35.59, fwhmDeg: 0.3, area: 500 * (k + 1), eta: 0.5 }, { centerDeg: 69.13, fwhmDeg: 0.05, area: 1e5, eta: 0.3 }], baseline, seed: k + 20 }).pattern,
    }));
    const w = prepareWaterfall(states, { offset: 1.2 });
    expect(w.traces.map((t) => t.label)).toEqual(['pristine', 'charged', 'discharged']);
    w.traces.forEach((t, k) => {
      const finite = Array.from(t.y).filter(Number.isFinite);
      expect(Math.max(...finite)).toBeCloseTo(1 + 1.2 * k, 10);
      expect(t.offset).toBe(1.2 * k);
      const i = t.twoThetaDeg.findIndex((x) => x > 69.1);
      expect(Number.isNaN(t.y[i])).toBe(true);
    });
    expect(w.sticks.every((row) => row.baseline < 0 && row.sticks.every((s) => s.top > row.baseline && s.top <= 0))).toBe(true);
    expect(w.yRange[1]).toBeCloseTo(1 + 2.4, 10);
  });
});

describe('intensities that are whole numbers but not counts', () => {
  /** The generated pattern's counts, rescaled ×10: integers that scatter √10× more than counts of their size. */
  const rescaled = (seed: number) => {
    const s = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed });
    return { ...s.pattern, intensity: Float64Array.from(s.pattern.intensity, (v) => 10 * v) };
  };

  it('measures their scatter against counting noise: about 1 for counts, 10 for counts ×10', () => {
    for (const seed of [1, 2, 3]) {
      const counts = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed }).pattern;
      expect(Math.abs(countingDispersion(counts.intensity) - 1)).toBeLessThan(0.15);
      expect(Math.abs(countingDispersion(rescaled(seed).intensity) / 10 - 1)).toBeLessThan(0.15);
    }
  });

  it('finds the same peaks in counts ×10 as in the counts, says why its noise is its own, and no peaks in noise alone', () => {
    for (const seed of [1, 2, 3]) {
      const a = analyzeXrdPattern(rescaled(seed), { scherrer: { instrumentFwhmDeg: 0 } });
      expect(a.result.warnings?.[0], `seed ${seed}`).toMatch(/^the intensities scatter 3\.\d× more than counting noise allows/);
      for (const t of TRUE_PEAKS) {
        const found = a.peaks.filter((p) => Math.abs(p.twoThetaDeg - t.centerDeg) < 0.1);
        expect(found.length, `seed ${seed}: peak at ${t.centerDeg}°`).toBe(1);
        expect(Math.abs(found[0].twoThetaDeg - t.centerDeg)).toBeLessThan(0.02);
        expect(Math.abs(found[0].fwhmDeg / t.fwhmDeg - 1)).toBeLessThan(0.1);
        expect(Math.abs(found[0].area / (10 * t.area) - 1)).toBeLessThan(0.2);
      }
      expect(a.peaks.length, `seed ${seed}`).toBe(TRUE_PEAKS.length);
      // Counts as they are: no warning.
      expect(analyzeXrd(synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed }).pattern).warnings).toBeUndefined();
    }
    // Whole numbers spread evenly over 0–1000: taken as counts, a hundred noise "peaks" were
    // fitted (21 s); their scatter is now seen for what it is.
    const random = rng(5);
    const x = Float64Array.from({ length: 3000 }, (_, i) => 10 + 0.02 * i);
    const noise = { ...synthesize({ seed: null }).pattern, twoThetaDeg: x, intensity: Float64Array.from(x, () => Math.floor(1001 * random())) };
    const r = analyzeXrd(noise);
    expect(r.peaks).toEqual([]);
    expect(r.warnings?.[0]).toMatch(/scatter 1\d× more than counting noise/);
  });
});

describeShared('counting dispersion of the real patterns', () => {
  it('is near 1 for every real file that holds counts (so none is taken for anything else)', async () => {
    for (const name of ['gredig_2Theta.asc', 'gredig_MB120718Si3.ras', 'gredig_RM20220915Si01.rasx']) {
      const opened = await openDataset(sharedDataPath('xrd', name));
      try {
        const pattern = opened.dataset as XrdPattern;
        expect(pattern.intensityUnit, name).toBe('counts');
        const d = countingDispersion(pattern.intensity);
        expect(d, name).toBeGreaterThan(0.8);
        expect(d, name).toBeLessThan(1.2);
        // No "scatter more than counting noise" warning (MB120718Si3 does carry another: its
        // 28.87° bump is only a tentative γ-Li3PO4 line, see phaseEvidence.test.ts).
        expect((analyzeXrd(pattern).warnings ?? []).filter((w) => /counting noise/.test(w)), name).toEqual([]);
      } finally {
        await opened.close();
      }
    }
  });
});

describe('the fit does not depend on the intensities\' unit', () => {
  // The optimiser's damping is absolute: before the fit saw its parameters in units of their
  // Jacobian columns, the sample study's weak LiFePO₄ (020) came out 0.40°, 0.59° or 1.5° wide
  // as the same pattern in arbitrary units ÷ 3, as counts, and ÷ 100.
  const pattern = (seed: number, unit: XrdPattern['intensityUnit'], factor: number): XrdPattern => {
    const s = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed }).pattern;
    return { ...s, intensityUnit: unit, intensity: Float64Array.from(s.intensity, (v) => factor * v) };
  };
  const same = (a: ReturnType<typeof analyzeXrd>, b: ReturnType<typeof analyzeXrd>, factor: number, label: string): void => {
    expect(b.peaks.length, label).toBe(a.peaks.length);
    // The same within a thousandth of their σ (rounding apart, the optimiser sees one problem);
    // before, they differed by one to several σ.
    a.peaks.forEach((p, i) => {
      const q = b.peaks[i];
      expect(Math.abs(q.twoThetaDeg - p.twoThetaDeg), label).toBeLessThan(1e-3 * p.twoThetaSigmaDeg!);
      expect(Math.abs(q.fwhmDeg - p.fwhmDeg), label).toBeLessThan(1e-3 * p.fwhmSigmaDeg!);
      expect(Math.abs(q.area / factor - p.area), label).toBeLessThan(1e-3 * p.areaSigma!);
      expect(Math.abs(q.areaSigma! / (factor * p.areaSigma!) - 1), label).toBeLessThan(1e-3);
    });
  };

  it('one peak group: intensities and variances rescaled give the same fit, areas and background rescaled', () => {
    const s = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed: 4 }).pattern;
    const guesses = [{ centerDeg: 35.6, fwhmDeg: 0.25, height: 1500 }, { centerDeg: 35.9, fwhmDeg: 0.25, height: 600 }];
    const opts = { variance: Float64Array.from(s.intensity, (v) => Math.max(v, 1)), hump: { minFwhmDeg: 4 }, rangeDeg: [31, 40] as [number, number] };
    const a = fitPeakGroup(s.twoThetaDeg, s.intensity, guesses, opts)!;
    for (const factor of [1e-4, 37]) {
      const b = fitPeakGroup(
        s.twoThetaDeg,
        Float64Array.from(s.intensity, (v) => v * factor),
        guesses.map((g) => ({ ...g, height: g.height * factor })),
        { ...opts, variance: Float64Array.from(opts.variance, (v) => v * factor * factor) },
      )!;
      expect(Math.abs(b.chi2Reduced / a.chi2Reduced - 1)).toBeLessThan(1e-6);
      a.peaks.forEach((p, k) => {
        expect(Math.abs(b.peaks[k].centerDeg - p.centerDeg)).toBeLessThan(1e-3 * p.sigma.centerDeg);
        expect(Math.abs(b.peaks[k].fwhmDeg - p.fwhmDeg)).toBeLessThan(1e-3 * p.sigma.fwhmDeg);
        expect(Math.abs(b.peaks[k].area / factor - p.area)).toBeLessThan(1e-3 * p.sigma.area);
        expect(Math.abs(b.peaks[k].sigma.area / (factor * p.sigma.area) - 1)).toBeLessThan(1e-3);
      });
    }
  });

  it('intensities in arbitrary units: the same peaks ×1e-4, ×1 and ×300, fitted with the noise their scatter shows', () => {
    for (const seed of [1, 2]) {
      const a = analyzeXrd(pattern(seed, 'arbitrary', 1));
      expect(a.peaks.length, `seed ${seed}`).toBe(TRUE_PEAKS.length);
      // Their areas are intensity × degrees, in the intensities' unit.
      expect(a.areaUnit).toBe('a.u.·°');
      expect(analyzeXrd(pattern(seed, 'counts', 1)).areaUnit).toBe('counts·°');
      for (const factor of [1e-4, 300]) same(a, analyzeXrd(pattern(seed, 'arbitrary', factor)), factor, `seed ${seed} ×${factor}`);
    }
  });

  it('whole numbers that are not counts: counts ×10 and ×1000 give the same peaks (effective counts)', () => {
    const a = analyzeXrd(pattern(3, 'counts', 10));
    same(a, analyzeXrd(pattern(3, 'counts', 1000)), 100, 'seed 3 ×1000 against ×10');
  });
});

describeShared('the strongest reflection of a real pattern', () => {
  it('is reported (gredig_MB120718Si3.ras: 6.88°, 1.7·10⁵ counts high, was dropped when a vanished neighbour made its group\'s σ unknown)', async () => {
    const opened = await openDataset(sharedDataPath('xrd', 'gredig_MB120718Si3.ras'));
    try {
      const peaks = analyzeXrd(opened.dataset as XrdPattern).peaks;
      const strongest = peaks.reduce((a, b) => (b.area > a.area ? b : a));
      expect(Math.abs(strongest.twoThetaDeg - 6.88)).toBeLessThan(0.02);
      expect(strongest.areaSigma).not.toBeNull();
      expect(strongest.area).toBeGreaterThan(20 * strongest.areaSigma!);
    } finally {
      await opened.close();
    }
  });
});

describe('a Scherrer size where the width is not resolved from the instrument\'s', () => {
  const lambda = CU_K_ALPHA.alpha1A;
  const opts = { instrumentFwhmDeg: 0.05 };
  it('is a size with its σ where the peak is broader than the instrument by 2σ of its width', () => {
    const e = scherrerEstimate(38.18, 0.594, lambda, { fwhmDeg: 0.016, twoThetaDeg: 0.005 }, opts);
    expect(e.sizeNm).toBeCloseTo(scherrerSizeNm(38.18, 0.594, lambda, opts)!, 9);
    expect(e.sigmaNm).toBeCloseTo(scherrerSizeSigmaNm(38.18, 0.594, lambda, { fwhmDeg: 0.016, twoThetaDeg: 0.005 }, opts)!, 9);
    expect(e.minNm).toBeNull();
  });
  it('is a lower bound, the size of a peak 2σ broader, where it is not (the wafer\'s Si (200) read 454 ± 584 nm)', () => {
    const e = scherrerEstimate(32.98, 0.053, lambda, { fwhmDeg: 0.008, twoThetaDeg: 0.004 }, opts);
    expect(e.sizeNm).toBeNull();
    expect(e.sigmaNm).toBeNull();
    expect(e.minNm).toBeCloseTo(scherrerSizeNm(32.98, 0.069, lambda, opts)!, 9);
    expect(e.minNm!).toBeGreaterThan(100);
    expect(e.minNm!).toBeLessThan(300);
  });
  it('is nothing where the peak is narrower than the instrument and its width has no σ', () => {
    expect(scherrerEstimate(32.98, 0.04, lambda, { fwhmDeg: Number.NaN, twoThetaDeg: 0.004 }, opts)).toEqual({ sizeNm: null, sigmaNm: null, minNm: null });
  });
});
