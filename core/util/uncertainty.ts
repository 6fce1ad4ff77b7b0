/**
 * A value and its 1σ as a scientist writes them: σ to two significant figures and the value to
 * the same decimal place ("25.50 ± 0.28", "0.0630 ± 0.0023"). Fixed decimals wrote a small σ as
 * "± 0.00" (read as exact) or a large one with digits it does not have.
 */
export function formatWithSigma(
  value: number,
  sigma: number | null | undefined,
  opts: {
    /** Multiplies both first (100: fractions as percent or percentage points). */
    scale?: number;
    /** Decimals where σ gives none (absent, zero, not finite). */
    fallbackDecimals?: number;
    /** Fewest decimals shown (e.g. 1 for percentages). */
    minDecimals?: number;
    /** '+' on positive values (changes). */
    signed?: boolean;
  } = {},
): string {
  const scale = opts.scale ?? 1;
  const v = value * scale;
  const s = sigma === null || sigma === undefined ? Number.NaN : Math.abs(sigma * scale);
  const known = Number.isFinite(s) && s > 0;
  // Two significant figures of σ: its leading digit's place, one further; at most 8 decimals.
  // A σ of 100 or more rounds both to its second digit's place (1234567 ± 2071 → 1234600 ± 2100).
  const place = known ? 1 - Math.floor(Math.log10(s)) : (opts.fallbackDecimals ?? 2);
  const decimals = Math.min(8, Math.max(opts.minDecimals ?? 0, place, 0));
  const unit = place < 0 ? 10 ** -place : 1;
  // Half away from zero, as toFixed rounds (Math.round takes −9876.5 to −9876).
  const round = (x: number): number => (unit > 1 ? Math.sign(x) * Math.round(Math.abs(x) / unit) * unit : x);
  const shown = round(v).toFixed(decimals);
  // A value that rounds to zero reads 0.00, not -0.00 or +0.00.
  const valueText = Number(shown) === 0 ? Math.abs(Number(shown)).toFixed(decimals) : `${opts.signed && v > 0 ? '+' : ''}${shown.replace(/^-/, '−')}`;
  const sigmaText = known ? round(s).toFixed(decimals) : Number.isFinite(s) ? (0).toFixed(decimals) : '—';
  return `${valueText} ± ${sigmaText}`;
}

/**
 * The power of ten, a multiple of three, that a column of values is best written in: 0 where
 * its largest magnitude is under ten million (7 digits read as they are), else the one that
 * leaves that largest between 1 and 1000. With it (`formatWithSigma(v, σ, { scale: 10^−k })`
 * under a heading "× 10ᵏ"), "344400000 ± 1900000" reads "344.4 ± 1.9". One power for the
 * whole column, so its rows compare digit for digit.
 */
export function columnPowerOfTen(values: readonly number[]): number {
  const largest = Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
  if (largest < 1e7) return 0;
  return 3 * Math.floor(Math.log10(largest) / 3);
}
