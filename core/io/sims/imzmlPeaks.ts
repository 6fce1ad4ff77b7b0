/**
 * Ion windows taken from the data, for an imzML whose spectra lie where no known ion does (a
 * MALDI file of m/z 100–800 opened with the battery's negative ions of m/z 6–79): the summed
 * spectrum of every pixel is built while the spectra stream past, and its strongest peaks become
 * the windows, as a scientist picks them from the mean spectrum. Used by imzml.ts alone.
 */

/**
 * How many windows are taken: about as many as the default ion list holds (17), what a survey
 * of a stack shows at once (a 4 × 5 grid of maps) and a scientist looks through; past the 20th
 * peak of a summed spectrum come isotopes and adducts of the first ones, and noise. The images
 * cost 20 × pixels × scans × 4 bytes, bounded as every window's are.
 */
export const DERIVED_WINDOW_COUNT = 20;
/** Bins of the summed spectrum of processed data, at most (2 Mi × 8 bytes = 16 MiB); coarser bins past it. */
export const MAX_SUM_BINS = 1 << 21;
/** Points of spectra seen before the bin width is known, held until it is (spectra of < 2 points). */
const MAX_PENDING = 1 << 16;
/**
 * The m/z a mass spectrometer's ion can have: from H⁺/H⁻ (1.008) to the heaviest singly charged
 * proteins MALDI sees (a few 10⁵), with room either side. Points outside are a file's nonsense
 * (an m/z of 1e-95 from a corrupted array); binned, one of them would stretch the histogram over
 * hundreds of e-folds and coarsen every real peak away, so they are left out of the sum (and
 * counted in its description), and from the spectra's m/z range (imzml.ts). They fall in no ion
 * window either.
 */
export const MZ_PHYSICAL_MIN = 0.5;
export const MZ_PHYSICAL_MAX = 1e6;
export const isPhysicalMz = (m: number): boolean => m >= MZ_PHYSICAL_MIN && m <= MZ_PHYSICAL_MAX;
/** "N points outside m/z 0.5–1,000,000 left out", or nothing: `before` + that + `after` where there are some. */
const leftOut = (n: number, before: string, after = ''): string =>
  n > 0 ? `${before}${n} point${n === 1 ? '' : 's'} outside m/z ${MZ_PHYSICAL_MIN}–${MZ_PHYSICAL_MAX.toLocaleString('en-US')} left out${after}` : '';
/** A profile's relative spacing of m/z samples below which it is taken as a profile, when the file does not say. */
const PROFILE_SPACING = 1e-3;

export interface SummedSpectrum {
  /** m/z of each point, increasing. */
  mz: Float64Array;
  /** Summed intensity at each point. */
  y: Float64Array;
  /** How it was made, for the metadata. */
  how: string;
}

export interface SpectrumSummer {
  /** Adds a spectrum (or `spectra` of them summed on one m/z array). */
  add(mz: Float64Array, intensity: Float64Array, spectra?: number): void;
  result(): SummedSpectrum | null;
}

/**
 * The summed spectrum of spectra streamed past. While they share one m/z axis (a continuous
 * file's one array; a processed file that writes the same axis for every pixel), they are summed
 * point by point, exactly; at the first spectrum on other m/z, the sum so far moves into a
 * histogram (`histogramSummer`) and the rest follow it there (its binning is linear in the
 * intensities, so the sum binned is the spectra binned one by one).
 */
export function spectrumSummer(representation: 'profile' | 'centroid' | 'unknown'): SpectrumSummer {
  let shared: (SpectrumSummer & { axis: Float64Array; sum: Float64Array; spectra: () => number }) | null = null;
  let histogram: SpectrumSummer | null = null;
  // The last array found equal to the axis (a continuous file hands the same one every time).
  let seen: Float64Array | null = null;
  return {
    add(mz, intensity, spectra = 1) {
      if (histogram) return histogram.add(mz, intensity, spectra);
      if (!shared) shared = sharedAxisSummer(mz.slice());
      if (mz === seen || sameValues(shared.axis, mz)) {
        seen = mz;
        return shared.add(mz, intensity, spectra);
      }
      histogram = histogramSummer(representation);
      if (shared.spectra() > 0) histogram.add(shared.axis, shared.sum, shared.spectra());
      histogram.add(mz, intensity, spectra);
    },
    result() {
      return (histogram ?? shared)?.result() ?? null;
    },
  };
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Spectra on one m/z axis, summed point by point (exact). */
function sharedAxisSummer(axis: Float64Array): SpectrumSummer & { axis: Float64Array; sum: Float64Array; spectra: () => number } {
  const sum = new Float64Array(axis.length);
  let spectra = 0;
  return {
    axis,
    sum,
    spectra: () => spectra,
    add(_mz, intensity, count = 1) {
      spectra += count;
      const n = Math.min(sum.length, intensity.length);
      for (let i = 0; i < n; i++) {
        const v = intensity[i];
        if (Number.isFinite(v)) sum[i] += v;
      }
    },
    result() {
      const order: number[] = [];
      let outside = 0;
      for (let i = 0; i < axis.length; i++) {
        if (isPhysicalMz(axis[i])) order.push(i);
        else outside += spectra;
      }
      order.sort((a, b) => axis[a] - axis[b]);
      // Equal m/z (an axis that repeats a value) are one point.
      const mz: number[] = [];
      const y: number[] = [];
      for (const i of order) {
        if (mz.length > 0 && axis[i] === mz[mz.length - 1]) y[y.length - 1] += sum[i];
        else {
          mz.push(axis[i]);
          y.push(sum[i]);
        }
      }
      if (mz.length < 3) return null;
      return { mz: Float64Array.from(mz), y: Float64Array.from(y), how: `summed over ${spectra} spectra on their shared m/z axis (${mz.length} samples${leftOut(outside, '; ')})` };
    },
  };
}

/**
 * Processed data (each spectrum its own m/z): a histogram of constant relative bin width (ppm,
 * as a time-of-flight's resolution is), each point shared between the two nearest bin centres
 * in proportion (so a peak's centroid survives the binning). The width comes from the first
 * spectrum of ≥ 2 points: for a profile, its coarsest sampling (the 95th percentile of the
 * relative spacing of its points), so every bin holds a sample and no peak is split into
 * spikes; for centroids, half their closest usual spacing (5th percentile), so peaks the
 * instrument resolves stay apart and the centroids of one peak from pixel to pixel fall
 * together. Bins are added as points arrive; past MAX_SUM_BINS they are merged in pairs.
 */
function histogramSummer(representation: 'profile' | 'centroid' | 'unknown'): SpectrumSummer {
  let step = 0; // ln(m/z) per bin; 0 until the first spectrum of ≥ 2 points sets it
  let kind = '';
  let bins = new Float64Array(0);
  let lo = 0; // bin index of bins[0]: bin k is centred at exp(k · step)
  let spectra = 0;
  let outside = 0; // points at an m/z no ion has (MZ_PHYSICAL_MIN..MAX), left out
  let pending: Array<[number, number]> | null = [];

  const chooseStep = (mz: Float64Array): boolean => {
    const m = Array.from(mz).filter(isPhysicalMz).sort((a, b) => a - b);
    const rel: number[] = [];
    for (let i = 1; i < m.length; i++) if (m[i] > m[i - 1]) rel.push((m[i] - m[i - 1]) / m[i - 1]);
    if (rel.length === 0) return false;
    rel.sort((a, b) => a - b);
    const q = (p: number) => rel[Math.min(rel.length - 1, Math.floor(p * rel.length))];
    const profile = representation === 'profile' || (representation === 'unknown' && q(0.5) < PROFILE_SPACING);
    kind = profile ? 'profile' : 'centroid';
    step = profile ? clamp(q(0.95), 1e-6, 2e-3) : clamp(q(0.05) / 2, 2e-6, 1e-3);
    return true;
  };

  const ensure = (kMin: number, kMax: number): void => {
    if (bins.length > 0 && kMin >= lo && kMax < lo + bins.length) return;
    let newLo = bins.length > 0 ? Math.min(lo, kMin) : kMin;
    let newHi = bins.length > 0 ? Math.max(lo + bins.length - 1, kMax) : kMax;
    while (newHi - newLo + 1 > MAX_SUM_BINS) {
      coarsen();
      kMin = Math.floor(kMin / 2);
      kMax = Math.ceil(kMax / 2);
      newLo = bins.length > 0 ? Math.min(lo, kMin) : kMin;
      newHi = bins.length > 0 ? Math.max(lo + bins.length - 1, kMax) : kMax;
    }
    // Room to grow either way (bounded), so a spectrum reaching a little further costs no copy.
    const span = newHi - newLo + 1;
    const pad = Math.min(span, MAX_SUM_BINS - span) >> 2;
    newLo -= pad;
    newHi += pad;
    const grown = new Float64Array(newHi - newLo + 1);
    if (bins.length > 0) grown.set(bins, lo - newLo);
    bins = grown;
    lo = newLo;
  };

  /** Bins merged in pairs: new bin j (centred at old 2j) takes old 2j whole and half of each neighbour. */
  const coarsen = (): void => {
    step *= 2;
    if (bins.length === 0) return;
    const newLo = Math.floor((lo - 1) / 2);
    const newHi = Math.ceil((lo + bins.length) / 2);
    const merged = new Float64Array(newHi - newLo + 1);
    for (let i = 0; i < bins.length; i++) {
      const k = lo + i;
      if (bins[i] === 0) continue;
      if (k % 2 === 0) merged[k / 2 - newLo] += bins[i];
      else {
        merged[(k - 1) / 2 - newLo] += bins[i] / 2;
        merged[(k + 1) / 2 - newLo] += bins[i] / 2;
      }
    }
    bins = merged;
    lo = newLo;
  };

  // ln(m/z) of each point of the spectrum being added (NaN: not binned), reused.
  let logs = new Float64Array(0);
  /** `spectra`: how many spectra the points stand for (a shared axis's sum handed over), for the count left out. */
  const deposit = (mz: ArrayLike<number>, intensity: ArrayLike<number>, n: number, spectra = 1): void => {
    if (logs.length < n) logs = new Float64Array(n);
    let uMin = Infinity;
    let uMax = -Infinity;
    for (let i = 0; i < n; i++) {
      const m = mz[i];
      if (!(isPhysicalMz(m) && Number.isFinite(intensity[i]))) {
        if (!isPhysicalMz(m)) outside += spectra;
        logs[i] = NaN;
        continue;
      }
      const u = Math.log(m);
      logs[i] = u;
      if (u < uMin) uMin = u;
      if (u > uMax) uMax = u;
    }
    if (uMin > uMax) return;
    ensure(Math.floor(uMin / step), Math.floor(uMax / step) + 1);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(logs[i])) continue;
      const u = logs[i] / step;
      const k = Math.floor(u);
      const f = u - k;
      const v = intensity[i];
      bins[k - lo] += v * (1 - f);
      bins[k + 1 - lo] += v * f;
    }
  };

  const flushPending = (): void => {
    if (!pending) return;
    const held = pending;
    pending = null;
    deposit(
      held.map((p) => p[0]),
      held.map((p) => p[1]),
      held.length,
    );
  };

  return {
    add(mz, intensity, count = 1) {
      spectra += count;
      const n = Math.min(mz.length, intensity.length);
      if (step === 0) {
        if (!chooseStep(mz.subarray(0, n))) {
          for (let i = 0; i < n; i++) pending!.push([mz[i], intensity[i]]);
          if (pending!.length <= MAX_PENDING) return;
          // No spectrum with two points yet, and many without: a ToF's resolving power of ~10⁴.
          kind = 'centroid';
          step = 1e-4;
          return flushPending();
        }
        flushPending();
      }
      deposit(mz, intensity, n, count);
    },
    result() {
      if (step === 0) {
        kind = 'centroid';
        step = 1e-4;
      }
      flushPending();
      let first = 0;
      let last = bins.length - 1;
      while (first <= last && bins[first] === 0) first++;
      while (last >= first && bins[last] === 0) last--;
      if (last - first + 1 < 3) return null;
      // One empty bin either side, so a peak at the edge still has a flank.
      first = Math.max(0, first - 1);
      last = Math.min(bins.length - 1, last + 1);
      const y = bins.slice(first, last + 1);
      const mz = Float64Array.from(y, (_, i) => Math.exp((lo + first + i) * step));
      return { mz, y, how: `summed over ${spectra} spectra (${kind}) into bins of ${+(step * 1e6).toPrecision(3)} ppm${leftOut(outside, ' (', ')')}` };
    },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export interface DerivedWindow {
  label: string;
  /** Centroid of the peak, m/z. */
  mz: number;
  mzLow: number;
  mzHigh: number;
}

/**
 * The `count` strongest peaks of a summed spectrum, as windows. A peak is a local maximum; its
 * strength its prominence (its height above the higher of the lowest points that part it from
 * higher ground either side), so a peak on a broad background, or a shoulder or a noise bump
 * on a bigger peak's flank, is judged by what stands out of it. Peaks whose prominence is
 * within the noise (5 σ, σ from the median point-to-point change) are not taken. Each window
 * spans ±1 FWHM of the peak (its width at half its prominence) about its centroid — a Gaussian
 * peak's 98 % — at least the peak's own sample (or bin) and the ones beside it, and stops at
 * the valley where it meets a neighbour's. A maximum within a stronger peak's window is taken
 * as part of it, and windows that would overlap `reserved` ones (known ions kept) are passed
 * over. Returned in order of m/z.
 */
export function strongestPeakWindows(spectrum: SummedSpectrum, count: number, reserved: ReadonlyArray<{ mzLow: number; mzHigh: number }> = []): DerivedWindow[] {
  const { mz, y } = spectrum;
  const n = y.length;
  if (n < 3 || count <= 0) return [];
  const prominence = prominences(y);
  const sigma = noiseSigma(y);
  const candidates: number[] = [];
  for (let i = 1; i < n - 1; i++) if (prominence[i] > 0 && prominence[i] > 5 * sigma) candidates.push(i);
  candidates.sort((a, b) => prominence[b] - prominence[a] || a - b);

  const edge = (i: number): number => (i < 0 ? mz[0] - (mz[1] - mz[0]) / 2 : i >= n - 1 ? mz[n - 1] + (mz[n - 1] - mz[n - 2]) / 2 : (mz[i] + mz[i + 1]) / 2);
  const mzAt = (x: number): number => {
    const i = Math.min(n - 2, Math.max(0, Math.floor(x)));
    return mz[i] + (x - i) * (mz[i + 1] - mz[i]);
  };
  interface Pick {
    p: number;
    centre: number;
    a: number;
    b: number;
  }
  const picks: Pick[] = [];
  for (const p of candidates) {
    if (picks.length >= count) break;
    const prom = prominence[p];
    const level = y[p] - prom / 2;
    let j = p;
    while (j > 0 && y[j - 1] > level) j--;
    const lc = j > 0 ? j - 1 + (level - y[j - 1]) / (y[j] - y[j - 1]) : 0;
    let k = p;
    while (k < n - 1 && y[k + 1] > level) k++;
    const rc = k < n - 1 ? k + (y[k] - level) / (y[k] - y[k + 1]) : n - 1;
    const fwhm = Math.max(rc - lc, 1);
    // The centroid above the peak's base, over its half-maximum part and one point either side.
    const base = y[p] - prom;
    let w = 0;
    let wx = 0;
    for (let i = Math.max(0, Math.floor(lc)); i <= Math.min(n - 1, Math.ceil(rc)); i++) {
      const h = Math.max(0, y[i] - base);
      w += h;
      wx += h * i;
    }
    const centre = w > 0 ? wx / w : p;
    const a = Math.max(0, Math.min(p - 1, Math.ceil(centre - fwhm)));
    const b = Math.min(n - 1, Math.max(p + 1, Math.floor(centre + fwhm)));
    const low = edge(a - 1);
    const high = edge(b);
    if (reserved.some((r) => r.mzLow <= high && r.mzHigh >= low)) continue;
    // A maximum within a stronger peak's window is part of it (a shoulder; centroids of one
    // peak binned apart), not a peak of its own.
    if (picks.some((q) => p >= q.a && p <= q.b)) continue;
    picks.push({ p, centre, a, b });
  }
  picks.sort((u, v) => u.p - v.p);
  // Neighbours meet at the lowest point between them.
  for (let i = 1; i < picks.length; i++) {
    const l = picks[i - 1];
    const r = picks[i];
    if (l.b < r.a) continue;
    let v = l.p;
    for (let x = l.p; x < r.p; x++) if (y[x] < y[v]) v = x;
    l.b = Math.min(l.b, v);
    r.a = Math.max(r.a, v + 1);
  }
  const windows = picks.map((pk) => ({ mz: mzAt(pk.centre), mzLow: edge(pk.a - 1), mzHigh: edge(pk.b) }));
  return labelWindows(windows);
}

/**
 * `m/z 255.23`: two decimals, as m/z are written, more (up to four) where a quarter of the
 * window's width needs them (an FT instrument's windows of mDa); more still where two labels
 * would be the same.
 */
export function labelWindows(windows: Array<{ mz: number; mzLow: number; mzHigh: number }>): DerivedWindow[] {
  const decimals = windows.map((w) => clamp(Math.ceil(-Math.log10((w.mzHigh - w.mzLow) / 4)), 2, 4));
  const label = (w: { mz: number }, d: number) => `m/z ${w.mz.toFixed(d)}`;
  for (let round = 0; round < 6; round++) {
    const seen = new Map<string, number[]>();
    windows.forEach((w, i) => {
      const l = label(w, decimals[i]);
      seen.set(l, [...(seen.get(l) ?? []), i]);
    });
    let clash = false;
    for (const idx of seen.values()) {
      if (idx.length < 2) continue;
      clash = true;
      for (const i of idx) decimals[i] = Math.min(10, decimals[i] + 1);
    }
    if (!clash) break;
  }
  // The new label last: a window labelled before (at the summed spectrum's centre) is labelled
  // again at its final one, which `...w` after it had overwritten.
  return windows.map((w, i) => ({ ...w, label: label(w, decimals[i]) }));
}

/**
 * Topographic prominence of every local maximum (0 elsewhere), in O(n): for each point the
 * lowest value between it and the nearest higher point on the left (the array's start if none),
 * likewise on the right, with a stack of ever higher points each holding the lowest value in
 * the stretch after it.
 */
function prominences(y: Float64Array): Float64Array {
  const n = y.length;
  const leftBase = new Float64Array(n);
  const out = new Float64Array(n);
  const sweep = (from: number, to: number, dir: 1 | -1, visit: (i: number, base: number) => void): void => {
    const idx: number[] = [];
    const low: number[] = [];
    // The lowest value before the stack's first point (the stretch no higher point owns).
    let floor = Infinity;
    for (let i = from; i !== to; i += dir) {
      let popped = Infinity;
      while (idx.length > 0 && y[idx[idx.length - 1]] <= y[i]) {
        popped = Math.min(popped, low[low.length - 1]);
        idx.pop();
        low.pop();
      }
      let base: number;
      if (low.length > 0) {
        low[low.length - 1] = Math.min(low[low.length - 1], popped);
        base = Math.min(low[low.length - 1], y[i]);
      } else {
        floor = Math.min(floor, popped);
        base = Math.min(floor, y[i]);
      }
      visit(i, base);
      idx.push(i);
      low.push(y[i]);
    }
  };
  sweep(0, n, 1, (i, base) => (leftBase[i] = base));
  sweep(n - 1, -1, -1, (i, base) => {
    // A local maximum: higher than the point before, not lower than the one after (a plateau counts once, at its start).
    if (i > 0 && i < n - 1 && y[i] > y[i - 1] && y[i] >= y[i + 1]) out[i] = y[i] - Math.max(leftBase[i], base);
  });
  return out;
}

/** σ of the point-to-point noise: the median absolute change, over a sample of ≤ 65 536 changes, as a Gaussian's σ. */
function noiseSigma(y: Float64Array): number {
  const n = y.length;
  const stride = Math.max(1, Math.floor((n - 1) / 65536));
  const d: number[] = [];
  for (let i = 1; i < n; i += stride) d.push(Math.abs(y[i] - y[i - 1]));
  d.sort((a, b) => a - b);
  const median = d[Math.floor(d.length / 2)] ?? 0;
  return (1.4826 * median) / Math.SQRT2;
}
