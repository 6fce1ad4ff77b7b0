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

/** Profiles up to this long are fitted exactly; longer ones coarse to fine (see fitSteps). */
const EXACT_MAX_BINS = 2048;
/** Bins of the coarse profile a long one is averaged down to. */
const COARSE_BINS = 1024;
/** Coarse bins either side of a coarse step searched again at full resolution. */
const REFINE_REACH = 2;

/**
 * Least-squares fit of `segments` constant pieces, each at least `minLength` long, by dynamic
 * programming over prefix sums: exact, O(segments · n²). A profile longer than 2048 bins (a
 * 25 MP cross-section gives ~4300, and the exact fit took ~0.3 s there, 4× that of 2000) is fitted
 * on its means over blocks of ⌈n/1024⌉ bins first; each step is then placed at full resolution
 * among the bins within two blocks of where the coarse fit put it, by the same least squares
 * over those candidates alone (O(segments · window²)). A step moves by less than a block when
 * the blocks are averaged, so the exact optimum lies among the candidates unless two fits are
 * nearly equally good (tested against the exact fit on generated profiles).
 */
export function fitSteps(v: ArrayLike<number>, segments: number, minLength = 3): StepFit | null {
  const n = v.length;
  if (segments < 1 || n < segments * minLength) return null;
  const sums = prefixSums(v);
  if (n <= EXACT_MAX_BINS || segments === 1) return fitOver(sums, n, segments, minLength, null);
  const block = Math.ceil(n / COARSE_BINS);
  const coarseBins = Math.floor(n / block);
  const coarse = new Float64Array(coarseBins);
  for (let b = 0; b < coarseBins; b++) coarse[b] = (sums.s1[(b + 1) * block] - sums.s1[b * block]) / block;
  const rough = fitSteps(coarse, segments, Math.max(1, Math.floor(minLength / block)));
  if (!rough) return fitOver(sums, n, segments, minLength, null);
  const candidates = rough.starts.map((b) => {
    const lo = Math.max(minLength, (b - REFINE_REACH) * block);
    const hi = Math.min(n - minLength, (b + REFINE_REACH) * block);
    return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
  });
  return fitOver(sums, n, segments, minLength, candidates) ?? fitOver(sums, n, segments, minLength, null);
}

/** The exact fit at any length (what fitSteps approximates past 2048 bins; for tests and checks). */
export function fitStepsExact(v: ArrayLike<number>, segments: number, minLength = 3): StepFit | null {
  if (segments < 1 || v.length < segments * minLength) return null;
  return fitOver(prefixSums(v), v.length, segments, minLength, null);
}

interface PrefixSums {
  s1: Float64Array;
  s2: Float64Array;
}

function prefixSums(v: ArrayLike<number>): PrefixSums {
  const n = v.length;
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    s1[i + 1] = s1[i] + v[i];
    s2[i + 1] = s2[i] + v[i] * v[i];
  }
  return { s1, s2 };
}

/**
 * The least-squares steps by dynamic programming: best[k][j], the least SSE of v[0..j) in k + 1
 * segments, and where its last one starts. `candidates` null: every bin may start a segment
 * (exact); else segment k + 1 may only start at candidates[k] (ascending). Null when no
 * placement keeps every segment `minLength` long.
 */
function fitOver({ s1, s2 }: PrefixSums, n: number, segments: number, minLength: number, candidates: number[][] | null): StepFit | null {
  const cost = (i: number, j: number): number => {
    const m = j - i;
    const s = s1[j] - s1[i];
    return s2[j] - s2[i] - (s * s) / m;
  };
  const all = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  // Ends of the first k + 1 segments that may be reached: segment k + 1's starts, and n at the last.
  const endsOf = (k: number): number[] => (k === segments - 1 ? [n] : candidates ? candidates[k] : all((k + 1) * minLength, n - (segments - k - 1) * minLength));
  let prevEnds = endsOf(0);
  let prevBest = prevEnds.map((j) => (j >= minLength ? cost(0, j) : Infinity));
  const from: Int32Array[] = [];
  for (let k = 1; k < segments; k++) {
    const ends = endsOf(k);
    const best = new Float64Array(ends.length).fill(Infinity);
    const f = new Int32Array(ends.length).fill(-1);
    for (let e = 0; e < ends.length; e++) {
      const j = ends[e];
      let bj = Infinity;
      let fj = -1;
      for (let p = 0; p < prevEnds.length; p++) {
        const i = prevEnds[p];
        if (i > j - minLength) break;
        const c = prevBest[p] + cost(i, j);
        if (c < bj) {
          bj = c;
          fj = p;
        }
      }
      best[e] = bj;
      f[e] = fj;
    }
    from.push(f);
    prevEnds = ends;
    prevBest = Array.from(best);
  }
  if (!(prevBest[0] < Infinity)) return null;
  // Back from the end: the start of each segment after the first.
  const starts: number[] = [];
  let at = 0;
  for (let k = segments - 1; k > 0; k--) {
    at = from[k - 1][at];
    starts.unshift(endsOf(k - 1)[at]);
  }
  const edges = [0, ...starts, n];
  const levels = edges.slice(0, -1).map((a, i) => (s1[edges[i + 1]] - s1[a]) / (edges[i + 1] - a));
  return { starts, levels, sse: prevBest[0] };
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
