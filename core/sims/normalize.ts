/**
 * Normalisation of a depth-profile signal per scan, with Poisson σ through the ratio.
 *
 * - `none`: counts as they are.
 * - `tic`: divided by the total ion count of the same scan, times the mean total over the
 *   profile (a constant, so that values stay count-like and a profile without drift is
 *   unchanged). The ion is part of the total, so σ uses the share-of-a-sum formula (the
 *   covariance of numerator and denominator is taken into account).
 * - `reference`: divided by a reference ion of the same scan (independent of the analyte),
 *   times that ion's mean.
 */

/** How analyte counts may be normalised per scan: not at all, to the total ion count, to a reference ion. */
export const NORMALIZATIONS = ['none', 'tic', 'reference'] as const;
export type NormalizationMode = (typeof NORMALIZATIONS)[number];

export interface Series {
  values: Float64Array;
  sigma: Float64Array;
}

/**
 * Variance of r = a / t where a is a part of t (t = a + rest, a and rest independent):
 * ∂r/∂a = rest/t², ∂r/∂rest = −a/t², so Var r = (rest²·σa² + a²·σrest²) / t⁴ with
 * σrest² = σt² − σa² (floored at 0).
 */
export function shareVariance(a: number, varA: number, t: number, varT: number): number {
  if (!(t > 0)) return 0;
  const rest = t - a;
  const varRest = Math.max(0, varT - varA);
  return (rest * rest * varA + a * a * varRest) / (t * t * t * t);
}

/** Variance of r = a / b for independent a, b. */
export function ratioVariance(a: number, varA: number, b: number, varB: number): number {
  if (!(b > 0)) return 0;
  const r = a / b;
  return varA / (b * b) + (r * r * varB) / (b * b);
}

function mean(v: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const x of v) {
    if (Number.isFinite(x)) {
      s += x;
      n++;
    }
  }
  return n ? s / n : 0;
}

/**
 * Normalises `signal` by `denominator` per scan. For `tic`, `denominator` is the total ion
 * count (which includes the signal); for `reference`, an independent ion. Scans whose
 * denominator is ≤ 0 get 0 (there is nothing to compare against) — such scans carry no
 * counts of the signal either in practice.
 */
export function normalizeSeries(signal: Series, mode: NormalizationMode, denominator?: Series): Series {
  if (mode === 'none') return { values: Float64Array.from(signal.values), sigma: Float64Array.from(signal.sigma) };
  if (!denominator) throw new Error(`normalisation '${mode}' needs a denominator series`);
  const n = signal.values.length;
  if (denominator.values.length !== n) throw new RangeError(`normalisation: ${n} scans vs ${denominator.values.length} in the denominator`);
  const scale = mean(denominator.values);
  const values = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = signal.values[i];
    const va = signal.sigma[i] ** 2;
    const t = denominator.values[i];
    const vt = denominator.sigma[i] ** 2;
    if (!(t > 0)) continue;
    values[i] = (a / t) * scale;
    const v = mode === 'tic' ? shareVariance(a, va, t, vt) : ratioVariance(a, va, t, vt);
    sigma[i] = Math.sqrt(v) * scale;
  }
  return { values, sigma };
}
