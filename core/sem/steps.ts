/**
 * Finding the interfaces in a layer profile: a piecewise-constant fit places them roughly
 * (robust to noise and to texture inside a layer, since every layer must be a plateau), then
 * each moves to the strongest gradient nearby, located to a fraction of a pixel.
 */

/** Gaussian smoothing (σ in bins), edges handled by renormalising the truncated kernel. */
export function gaussianSmooth(v: ArrayLike<number>, sigma: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  if (!(sigma > 0)) {
    for (let i = 0; i < n; i++) out[i] = v[i];
    return out;
  }
  const half = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * half + 1 }, (_, k) => Math.exp(-((k - half) ** 2) / (2 * sigma * sigma)));
  for (let i = 0; i < n; i++) {
    let s = 0;
    let w = 0;
    for (let k = -half; k <= half; k++) {
      const j = i + k;
      if (j < 0 || j >= n) continue;
      s += v[j] * kernel[k + half];
      w += kernel[k + half];
    }
    out[i] = s / w;
  }
  return out;
}

export interface StepFit {
  /** Index where each segment after the first starts (the step lies between b−1 and b). */
  starts: number[];
  /** Mean level of each segment. */
  levels: number[];
  sse: number;
}

/**
 * Least-squares fit of `segments` constant pieces, each at least `minLength` long, by dynamic
 * programming over prefix sums: exact, O(segments · n²) (~0.15 s for the ~4100 bins of a 25 MP
 * cross-section). A coarse-to-fine fit (exact on block means, then each step placed among the
 * bins near the coarse one) was 10× faster there but lost layers a block or two thick, which the
 * block means average away (a 6-bin layer on a 4188-bin profile, SSE 46σ² worse): thin layers,
 * an SEI, are what the measurement is for.
 */
export function fitSteps(v: ArrayLike<number>, segments: number, minLength = 3): StepFit | null {
  return fitStepCounts(v, [segments], minLength)[0];
}

/**
 * fitSteps for each of `segmentCounts` (null where the profile is too short for one), from one
 * dynamic programme: the fit in k + 1 segments extends the best fits in k, so the programme for
 * the most segments holds every fewer one's, and the fits are those fitSteps gives one by one.
 * (The cross-section fits its layers with and without the substrate's over-layer: two calls
 * made the first programme twice, ~45 % of the fits' time.)
 */
export function fitStepCounts(v: ArrayLike<number>, segmentCounts: readonly number[], minLength = 3): (StepFit | null)[] {
  const n = v.length;
  const fits = (k: number): boolean => k >= 1 && n >= k * minLength;
  const most = Math.max(0, ...segmentCounts.filter(fits));
  if (most === 0) return segmentCounts.map(() => null);
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    s1[i + 1] = s1[i] + v[i];
    s2[i + 1] = s2[i] + v[i] * v[i];
  }
  const cost = (i: number, j: number): number => {
    const m = j - i;
    const s = s1[j] - s1[i];
    return s2[j] - s2[i] - (s * s) / m;
  };
  // best[k][j]: least SSE of v[0..j) in k+1 segments; from[k][j]: where the last one starts.
  const best: Float64Array[] = [];
  const from: Int32Array[] = [];
  best.push(Float64Array.from({ length: n + 1 }, (_, j) => (j >= minLength ? cost(0, j) : Infinity)));
  from.push(new Int32Array(n + 1));
  // The inner loop is most of a cross-section's fit (~4000 bins: 7 · 4000² / 2 candidates).
  // Its cost, prev[i] + s2[j] − s2[i] − (s1[j] − s1[i])² / (j − i), is taken as
  // (prev[i] − s2[i]) − (s1[j] − s1[i])² · (1 / (j − i)) + s2[j]: the first term made once per i,
  // a multiplication by a table for the division, and s2[j], the same for every i, added to the
  // least only (a division a candidate had set the pace).
  const inverse = new Float64Array(n + 1);
  for (let m = 1; m <= n; m++) inverse[m] = 1 / m;
  const lead = new Float64Array(n + 1);
  for (let k = 1; k < most; k++) {
    const b = new Float64Array(n + 1).fill(Infinity);
    const f = new Int32Array(n + 1);
    const prev = best[k - 1];
    for (let i = 0; i <= n; i++) lead[i] = prev[i] - s2[i];
    for (let j = (k + 1) * minLength; j <= n; j++) {
      const s1j = s1[j];
      let bj = Infinity;
      let fj = 0;
      for (let i = k * minLength, last = j - minLength; i <= last; i++) {
        const d = s1j - s1[i];
        const c = lead[i] - d * d * inverse[j - i];
        if (c < bj) {
          bj = c;
          fj = i;
        }
      }
      b[j] = bj + s2[j];
      f[j] = fj;
    }
    best.push(b);
    from.push(f);
  }
  return segmentCounts.map((segments) => {
    if (!fits(segments)) return null;
    const starts: number[] = [];
    let j = n;
    for (let k = segments - 1; k > 0; k--) {
      j = from[k][j];
      starts.unshift(j);
    }
    const edges = [0, ...starts, n];
    const levels = edges.slice(0, -1).map((a, i) => (s1[edges[i + 1]] - s1[a]) / (edges[i + 1] - a));
    return { starts, levels, sse: best[segments - 1][n] };
  });
}

/** Central-difference gradient (at the bins themselves; zero at the ends). */
export function gradient(v: ArrayLike<number>): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 1; i < v.length - 1; i++) g[i] = (v[i + 1] - v[i - 1]) / 2;
  return g;
}

/**
 * The strongest gradient of the given sign within `window` bins of `near`, located to a
 * fraction of a bin by a parabola through the extremum and its neighbours. Null when the
 * gradient never has that sign there (no edge of that polarity in this strip).
 */
export function strongestEdge(g: Float64Array, near: number, window: number, sign: number): number | null {
  const lo = Math.max(1, Math.ceil(near - window));
  const hi = Math.min(g.length - 2, Math.floor(near + window));
  let bestI = -1;
  let bestV = 0;
  for (let i = lo; i <= hi; i++) {
    const v = sign * g[i];
    if (v > bestV) {
      bestV = v;
      bestI = i;
    }
  }
  if (bestI < 0) return null;
  const a = sign * g[bestI - 1];
  const c = sign * g[bestI + 1];
  const curvature = a - 2 * bestV + c;
  const shift = curvature < 0 ? (0.5 * (a - c)) / curvature : 0;
  return bestI + Math.max(-0.5, Math.min(0.5, shift));
}
