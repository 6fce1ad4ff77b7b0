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

export interface MatchedFilterOptions {
  /** Kernel FWHMs, deg (default 0.1–1.1° in steps of √2). */
  widthsDeg?: readonly number[];
  /** Minimum significance, σ (default 6). */
  minSignificance?: number;
  /** Points to ignore: a kernel whose support touches a masked point is not evaluated. */
  masked?: ArrayLike<boolean>;
  /** Per-point variance; default the counts themselves (Poisson, ≥ 1). */
  variance?: ArrayLike<number>;
  /** Kernel half-support in FWHMs (default 3: the wider the support, the less of a Gaussian a quadratic can absorb). */
  supportFwhm?: number;
  /** Significance the mean-subtracted kernel of the same width must reach as well (default 3). */
  gateSignificance?: number;
  /** Polynomial degree the kernel is made orthogonal to (default 2: insensitive to curvature). */
  degree?: number;
}

export interface MatchedFilterCandidate extends PeakCandidate {
  /** Area estimate Σk·y / Σk² of a Gaussian of the kernel's width (Kα1 + Kα2 together). */
  areaEstimate: number;
}

const DEFAULT_WIDTHS = [0.1, 0.14, 0.2, 0.28, 0.4, 0.56, 0.8, 1.1];

/** The search's rule across kernel widths: candidates whose centres lie closer than half the wider one's FWHM are one feature. */
export const sameFeature = (a: { twoThetaDeg: number; fwhmDeg: number }, b: { twoThetaDeg: number; fwhmDeg: number }): boolean =>
  Math.abs(a.twoThetaDeg - b.twoThetaDeg) < 0.5 * Math.max(a.fwhmDeg, b.fwhmDeg);

/**
 * Peak search on the raw counts by a bank of matched filters: the kernel is a Gaussian of FWHM
 * w over ±3w made orthogonal (least squares, on the support) to 1, x and x², so any background
 * that is locally constant, sloped or curved (amorphous humps several degrees wide, air
 * scatter) gives zero response. Response S = Σ kⱼ yᵢ₊ⱼ, significance S / √(Σ kⱼ² var(yᵢ₊ⱼ))
 * (Poisson: var = counts). Candidates are local maxima of the significance over position and
 * width; among those, narrower kernels are taken first and a wider candidate whose centre lies
 * within half its FWHM of an accepted narrower one is the same feature (a wide kernel straddling
 * a resolved doublet). Kernels whose support leaves the data or touches a mask are skipped,
 * which removes the false peaks on the wings of a masked substrate line.
 *
 * A curvature-blind kernel must have positive outer lobes (Σk = 0 and Σk·x² = 0 with a positive
 * centre force it), so a strong peak makes kernels centred ~3 widths beside it respond: a ring
 * of false candidates. The mean-subtracted kernel (orthogonal to 1 only) has negative outer
 * lobes and sees a peak's tail as a dip; a candidate must also reach `gateSignificance` with it.
 * The two fail in different places (rings beside strong peaks; tops of humps), so together
 * they keep only bumps that both see.
 */
export function matchedFilterPeaks(twoThetaDeg: ArrayLike<number>, counts: ArrayLike<number>, opts: MatchedFilterOptions = {}): MatchedFilterCandidate[] {
  const n = counts.length;
  const step = medianStepDeg(twoThetaDeg);
  const widths = opts.widthsDeg ?? DEFAULT_WIDTHS;
  const minSig = opts.minSignificance ?? 6;
  const gate = opts.gateSignificance ?? 3;
  const ringRatio = 2.5;
  const variance = opts.variance ?? Float64Array.from(counts, (v) => Math.max(v, 1));
  // Prefix count of masked points, to test a support in O(1).
  const maskPrefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) maskPrefix[i + 1] = maskPrefix[i] + (opts.masked?.[i] ? 1 : 0);
  const sig: Float64Array[] = [];
  const amp: Float64Array[] = [];
  const noise: Float64Array[] = [];
  const kernels: Float64Array[] = [];
  const gateKernels: Float64Array[] = [];
  // The gate kernels' squared taps (as `squares` below).
  const gateSquares: Float64Array[] = [];
  // Gate: the mean-subtracted kernel of the same width must see a bump there too (see above).
  const gatePasses = (wi: number, i: number): boolean => {
    const k0 = gateKernels[wi];
    const m = (k0.length - 1) / 2;
    let r0 = 0;
    let v0 = 0;
    for (let j = -m; j <= m; j++) {
      r0 += k0[j + m] * counts[i + j];
      v0 += gateSquares[wi][j + m] * variance[i + j];
    }
    return r0 >= gate * Math.sqrt(Math.max(v0, 1e-12));
  };
  for (const w of widths) {
    const m = Math.max(2, Math.round(((opts.supportFwhm ?? 3) * w) / step));
    const kernel = orthogonalKernel(m, step, w, opts.degree ?? 2);
    // Each tap squared once: the variance sums took k·k·var, which is (k·k)·var, so the same
    // numbers with one multiply a tap fewer (the filters are most of the peak search's time).
    const squares = kernel.map((k) => k * k);
    const gateKernel = orthogonalKernel(m, step, w, 0);
    gateKernels.push(gateKernel);
    gateSquares.push(gateKernel.map((k) => k * k));
    const kk = kernel.reduce((a, v) => a + v * v, 0);
    kernels.push(kernel);
    const si = new Float64Array(n).fill(Number.NaN);
    const ai = new Float64Array(n);
    const ni = new Float64Array(n);
    for (let i = m; i < n - m; i++) {
      if (maskPrefix[i + m + 1] - maskPrefix[i - m] > 0) continue;
      let r = 0;
      let v = 0;
      for (let j = -m; j <= m; j++) {
        r += kernel[j + m] * counts[i + j];
        v += squares[j + m] * variance[i + j];
      }
      ni[i] = Math.sqrt(Math.max(v, 1e-12));
      si[i] = r / ni[i];
      ai[i] = r / kk;
    }
    sig.push(si);
    amp.push(ai);
    noise.push(ni);
  }
  const at = (wi: number, i: number): number => (wi < 0 || wi >= widths.length || i < 0 || i >= n || Number.isNaN(sig[wi][i]) ? -Infinity : sig[wi][i]);
  const raw: Array<MatchedFilterCandidate & { widthIndex: number }> = [];
  for (let wi = 0; wi < widths.length; wi++) {
    for (let i = 1; i < n - 1; i++) {
      const v = at(wi, i);
      if (!(v >= minSig)) continue;
      let isMax = true;
      for (let di = -1; di <= 1; di += 2) if (at(wi, i + di) > v) isMax = false;
      if (!isMax || !gatePasses(wi, i)) continue;
      // Parabolic refinement of the position.
      const l = at(wi, i - 1);
      const r = at(wi, i + 1);
      const den = l - 2 * v + r;
      const shift = Number.isFinite(l) && Number.isFinite(r) && den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den)) : 0;
      const x = twoThetaDeg[i] + shift * step;
      const w = widths[wi];
      const area = Math.max(amp[wi][i], 0);
      raw.push({ index: i, twoThetaDeg: x, height: area * ((2 * Math.sqrt(Math.LN2 / Math.PI)) / w), fwhmDeg: w, significance: v, areaEstimate: area, widthIndex: wi });
    }
  }
  // Rings: a kernel centred 1.8–3.5 widths beside a much stronger peak sees it through its
  // positive outer lobe. Such a candidate is dropped when the same kernel width, centred on the
  // peak, is ≥ 2.5× as significant.
  const strong = raw.slice().sort((a, b) => b.significance - a.significance);
  const unringed = strong.filter((c) => !strong.some((a) => a.fwhmDeg === c.fwhmDeg && a.significance >= ringRatio * c.significance && Math.abs(a.twoThetaDeg - c.twoThetaDeg) >= 1.8 * c.fwhmDeg && Math.abs(a.twoThetaDeg - c.twoThetaDeg) <= 3.5 * c.fwhmDeg));
  raw.length = 0;
  raw.push(...unringed);
  // Same width: closer than one FWHM is one peak (the most significant stands for it).
  raw.sort((a, b) => b.significance - a.significance);
  const sameWidth: MatchedFilterCandidate[] = [];
  for (const c of raw) if (!sameWidth.some((a) => a.fwhmDeg === c.fwhmDeg && Math.abs(a.twoThetaDeg - c.twoThetaDeg) < c.fwhmDeg)) sameWidth.push(c);
  // Across widths: narrower first; a wider candidate on top of an accepted one is the same feature.
  sameWidth.sort((a, b) => a.fwhmDeg - b.fwhmDeg || b.significance - a.significance);
  const out: MatchedFilterCandidate[] = [];
  for (const c of sameWidth) if (!out.some((a) => sameFeature(a, c))) out.push(c);
  return out.sort((a, b) => a.twoThetaDeg - b.twoThetaDeg).map(({ index, twoThetaDeg: t, height, fwhmDeg, significance, areaEstimate }) => ({ index, twoThetaDeg: t, height, fwhmDeg, significance, areaEstimate }));
}

/** Gaussian (unit area, FWHM w) on ±m points, minus its least-squares fit by 1, t, t². */
function orthogonalKernel(m: number, step: number, w: number, degree: number): Float64Array {
  const len = 2 * m + 1;
  const g = Float64Array.from({ length: len }, (_, j) => {
    const u = ((j - m) * step) / w;
    return ((2 * Math.sqrt(Math.LN2 / Math.PI)) / w) * Math.exp(-4 * Math.LN2 * u * u);
  });
  // Gram–Schmidt basis of {1, t, t²} on the support (t in points, symmetric).
  const basis: Float64Array[] = [];
  for (let d = 0; d <= degree; d++) {
    const b = Float64Array.from({ length: len }, (_, j) => ((j - m) / m) ** d);
    for (const e of basis) {
      const dot = b.reduce((a, v, k) => a + v * e[k], 0);
      for (let k = 0; k < len; k++) b[k] -= dot * e[k];
    }
    const norm = Math.sqrt(b.reduce((a, v) => a + v * v, 0));
    for (let k = 0; k < len; k++) b[k] /= norm;
    basis.push(b);
  }
  for (const e of basis) {
    const dot = g.reduce((a, v, k) => a + v * e[k], 0);
    for (let k = 0; k < len; k++) g[k] -= dot * e[k];
  }
  return g;
}
