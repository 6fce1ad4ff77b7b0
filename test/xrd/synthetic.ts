import { CU_K_ALPHA } from '../../core/model/xrdPattern.js';
import type { XrdOptics, XrdPattern } from '../../core/model/xrdPattern.js';
import { kAlpha2PositionDeg } from '../../core/xrd/kalpha2.js';
import { SI_400_W_L_ALPHA1_DEG } from '../../core/xrd/mask.js';
import { renderPeaks } from '../../core/xrd/profile.js';
import type { PeakShape } from '../../core/xrd/profile.js';

/** Deterministic PRNG (mulberry32) so every test run sees the same noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson deviate: Knuth below 30, normal approximation (rounded, ≥ 0) above. */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= random();
    } while (p > l);
    return k - 1;
  }
  const u = Math.max(random(), 1e-300);
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
}

export interface SyntheticSpec {
  startDeg?: number;
  stopDeg?: number;
  stepDeg?: number;
  /** Sharp (crystalline) peaks: Kα1 components. */
  peaks?: PeakShape[];
  /** Broad amorphous humps (Gaussian unless eta given). */
  humps?: PeakShape[];
  /** Smooth baseline, counts per point. */
  baseline?: (twoThetaDeg: number) => number;
  /** Add the Cu Kα2 companion (ratio 0.5) of every peak and hump. Default true. */
  kAlpha2?: boolean;
  /** Poisson noise seed; null for exact (noise-free) intensities. */
  seed?: number | null;
}

/** The components of a synthetic pattern, kept apart for ground-truth comparisons. */
export interface Synthetic {
  pattern: XrdPattern;
  x: Float64Array;
  /** Exact (noise-free) parts. */
  sharpAlpha1: Float64Array;
  sharpAlpha2: Float64Array;
  humps: Float64Array;
  baseline: Float64Array;
}

export function synthesize(spec: SyntheticSpec): Synthetic {
  const start = spec.startDeg ?? 10;
  const stop = spec.stopDeg ?? 80;
  const step = spec.stepDeg ?? 0.02;
  const n = Math.round((stop - start) / step) + 1;
  const x = Float64Array.from({ length: n }, (_, i) => start + i * step);
  const withA2 = spec.kAlpha2 ?? true;
  const alpha2 = (ps: PeakShape[]): PeakShape[] =>
    withA2 ? ps.map((p) => ({ ...p, centerDeg: kAlpha2PositionDeg(p.centerDeg, CU_K_ALPHA.alpha1A, CU_K_ALPHA.alpha2A), area: p.area * CU_K_ALPHA.ratioAlpha2 })) : [];
  const sharpAlpha1 = renderPeaks(x, spec.peaks ?? []);
  const sharpAlpha2 = renderPeaks(x, alpha2(spec.peaks ?? []));
  const humpShapes = spec.humps ?? [];
  const humps = renderPeaks(x, [...humpShapes, ...alpha2(humpShapes)]);
  const baseline = Float64Array.from(x, (t) => (spec.baseline ? spec.baseline(t) : 0));
  const random = spec.seed === null || spec.seed === undefined ? null : rng(spec.seed);
  const intensity = Float64Array.from(x, (_, i) => {
    const mean = sharpAlpha1[i] + sharpAlpha2[i] + humps[i] + baseline[i];
    return random ? poisson(mean, random) : mean;
  });
  return {
    pattern: {
      kind: 'xrdPattern',
      source: { fileName: 'synthetic.xy', format: 'xy-text' },
      twoThetaDeg: x,
      intensity,
      intensityUnit: 'counts',
      wavelength: { ...CU_K_ALPHA },
      metadata: {},
    },
    x,
    sharpAlpha1,
    sharpAlpha2,
    humps,
    baseline,
  };
}

/**
 * Si (400) (with Kα2), a film peak at 45°, and a line at 65.87° + shift without a Kα2 companion
 * (W Lα1's own: the wafer in the tube's tungsten light); Poisson noise, seed 5. Optics default:
 * known to have neither β filter nor monochromator.
 */
export function withTungsten(w: { fwhmDeg: number; area: number }, opts: { shiftDeg?: number; startDeg?: number; stopDeg?: number; optics?: XrdOptics } = {}): XrdPattern {
  const shift = opts.shiftDeg ?? 0;
  const s = synthesize({ startDeg: opts.startDeg ?? 40, stopDeg: opts.stopDeg ?? 76, peaks: [{ centerDeg: 69.13 + shift, fwhmDeg: 0.07, area: 60000, eta: 0.3 }, { centerDeg: 45 + shift, fwhmDeg: 0.4, area: 500, eta: 0.5 }], baseline: () => 200, seed: null });
  const line = renderPeaks(s.x, [{ centerDeg: SI_400_W_L_ALPHA1_DEG + shift, fwhmDeg: w.fwhmDeg, area: w.area, eta: 0.3 }]);
  const random = rng(5);
  const neither: XrdOptics = { kBetaFilter: null, monochromator: null, known: true, evidence: 'test' };
  return { ...s.pattern, intensity: Float64Array.from(s.pattern.intensity, (v, i) => poisson(v + line[i], random)), optics: opts.optics ?? neither };
}
