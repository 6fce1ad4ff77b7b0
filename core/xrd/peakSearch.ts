import { medianStepDeg } from './background.js';
import { convolve, savitzkyGolayWeights } from './smooth.js';

export interface PeakCandidate {
  index: number;
  twoThetaDeg: number;
  /** Smoothed net intensity at the peak. */
  height: number;
  /** Width at half height of the smoothed net signal, deg (a starting value for fitting). */
  fwhmDeg: number;
  /** −(smoothed second derivative) / its standard deviation from counting noise. */
  significance: number;
}

export interface PeakSearchOptions {
  /** Expected narrowest FWHM, deg: sets the smoothing window (default 0.1°). */
  fwhmDeg?: number;
  /** Minimum significance (σ of the second derivative), default 5. */
  minSignificance?: number;
  /**
   * Variance of every point of `net` (counts: the raw counts before background subtraction).
   * Default: estimated from the scatter of the data around its smoothed curve.
   */
  variance?: ArrayLike<number>;
  /** Points to ignore (masked substrate reflections): true = masked. */
  masked?: ArrayLike<boolean>;
  /** Smoothing scales as multiples of `fwhmDeg`, default [1, 2, 4, 8]. */
  scales?: number[];
  /** Minimum net height relative to the strongest candidate, default 0. */
  minRelativeHeight?: number;
}

/**
 * Peak search by the smoothed second derivative (the method of HighScore's "minimum 2nd
 * derivative" search and of Profex's peak finder): a Savitzky–Golay filter (quadratic, window ≈
 * one expected FWHM) gives −y″, whose local maxima are peak candidates, also for shoulders that
 * have no maximum of their own. A candidate is kept when −y″ exceeds `minSignificance` times
 * its standard deviation, σ(y″)² = Σ wⱼ² var(yᵢ₊ⱼ), so the threshold follows Poisson noise.
 */
export function findPeaks(twoThetaDeg: ArrayLike<number>, net: ArrayLike<number>, opts: PeakSearchOptions = {}): PeakCandidate[] {
  const n = net.length;
  if (n < 5) return [];
  const step = medianStepDeg(twoThetaDeg);
  const base = opts.fwhmDeg ?? 0.1;
  let variance = opts.variance;
  const fine = convolve(net, savitzkyGolayWeights(Math.max(2, Math.round(base / step / 2) + 1), 2, 0));
  if (!variance) {
    // Robust scatter around the smoothed curve (MAD), the same for every point.
    const dev = Array.from(net, (y, i) => Math.abs(y - fine[i])).sort((a, b) => a - b);
    const sigma = 1.4826 * (dev[Math.floor(dev.length / 2)] || 1e-12);
    variance = new Float64Array(n).fill(sigma * sigma);
  }
  // Several scales: a window matched to the narrowest peaks resolves doublets, wider ones find
  // broad peaks whose curvature is too spread for a narrow filter to see above the noise.
  // A coarser scale only adds peaks where no finer one found anything.
  let all: PeakCandidate[] = [];
  for (const factor of opts.scales ?? [1, 2, 4, 8]) {
    const half = Math.max(2, Math.round((base * factor) / step / 2) + 1);
    if (2 * half + 1 > n / 2) break;
    const found = searchAtScale(twoThetaDeg, net, fine, variance, half, step, opts);
    for (const c of found) if (!all.some((a) => Math.abs(a.twoThetaDeg - c.twoThetaDeg) < 0.5 * (a.fwhmDeg + c.fwhmDeg))) all.push(c);
    all = all.sort((a, b) => a.index - b.index);
  }
  const top = Math.max(0, ...all.map((p) => p.height));
  return all.filter((p) => p.height >= (opts.minRelativeHeight ?? 0) * top);
}

function searchAtScale(
  twoThetaDeg: ArrayLike<number>,
  net: ArrayLike<number>,
  fine: Float64Array,
  variance: ArrayLike<number>,
  half: number,
  step: number,
  opts: PeakSearchOptions,
): PeakCandidate[] {
  const n = net.length;
  const smooth = fine;
  const w2 = savitzkyGolayWeights(half, 2, 2);
  const d2 = convolve(net, w2);
  const sd2 = new Float64Array(n);
  const m = half;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = -m; j <= m; j++) {
      const k = Math.min(n - 1, Math.max(0, i + j));
      s += w2[j + m] * w2[j + m] * Math.max(variance[k], 1e-12);
    }
    sd2[i] = Math.sqrt(s);
  }
  const minSig = opts.minSignificance ?? 5;
  const found: PeakCandidate[] = [];
  for (let i = 1; i < n - 1; i++) {
    if (opts.masked?.[i]) continue;
    const c = -d2[i];
    if (c <= 0 || c < -d2[i - 1] || c < -d2[i + 1]) continue;
    const significance = c / sd2[i];
    if (significance < minSig || smooth[i] <= 0) continue;
    // Walk to half height of the smoothed signal on both sides (bounded by the next valley).
    const halfHeight = smooth[i] / 2;
    let l = i;
    while (l > 0 && smooth[l] > halfHeight && smooth[l - 1] <= smooth[l] * 1.02) l--;
    let r = i;
    while (r < n - 1 && smooth[r] > halfHeight && smooth[r + 1] <= smooth[r] * 1.02) r++;
    const interp = (a: number, b: number): number => {
      const ya = smooth[a];
      const yb = smooth[b];
      return yb === ya ? twoThetaDeg[a] : twoThetaDeg[a] + ((halfHeight - ya) / (yb - ya)) * (twoThetaDeg[b] - twoThetaDeg[a]);
    };
    const left = smooth[l] <= halfHeight ? interp(l, l + 1) : twoThetaDeg[l];
    const right = smooth[r] <= halfHeight ? interp(r, r - 1) : twoThetaDeg[r];
    found.push({ index: i, twoThetaDeg: twoThetaDeg[i], height: smooth[i], fwhmDeg: Math.max(right - left, 2 * step), significance });
  }
  // Noise on a broad top can give −y″ several maxima: candidates closer than half the
  // wider one's width are one peak, and the most significant of them stands for it.
  const merged: PeakCandidate[] = [];
  for (const c of found) {
    const last = merged[merged.length - 1];
    if (last && c.twoThetaDeg - last.twoThetaDeg < 0.5 * Math.max(c.fwhmDeg, last.fwhmDeg)) {
      if (c.significance > last.significance) merged[merged.length - 1] = { ...c, fwhmDeg: Math.max(c.fwhmDeg, last.fwhmDeg) };
      else last.fwhmDeg = Math.max(c.fwhmDeg, last.fwhmDeg);
      continue;
    }
    merged.push(c);
  }
  return merged;
}
