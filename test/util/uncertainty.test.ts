import { describe, expect, it } from 'vitest';
import { columnPowerOfTen, formatWithSigma } from '../../core/util/uncertainty.js';

describe('value ± σ', () => {
  it('gives σ two significant figures and the value the same decimal place', () => {
    expect(formatWithSigma(25.5012, 0.2834)).toBe('25.50 ± 0.28');
    expect(formatWithSigma(0.063012, 0.00231)).toBe('0.0630 ± 0.0023');
    expect(formatWithSigma(1234.5, 56.7)).toBe('1235 ± 57');
    expect(formatWithSigma(1234567, 2071)).toBe('1234600 ± 2100');
    expect(formatWithSigma(-98765, 432)).toBe('−98770 ± 430');
    expect(formatWithSigma(20.74833, 0.03403)).toBe('20.748 ± 0.034');
    // σ with a leading 9 that rounds up keeps the place it started at (0.096 → 0.096, not 0.10).
    expect(formatWithSigma(1, 0.0962)).toBe('1.000 ± 0.096');
  });

  it('scales fractions to percent, signs changes and writes a minus sign, not a hyphen', () => {
    expect(formatWithSigma(0.00063, 0.000023, { scale: 100 })).toBe('0.0630 ± 0.0023');
    expect(formatWithSigma(0.255, 0.0028, { scale: 100, signed: true })).toBe('+25.50 ± 0.28');
    expect(formatWithSigma(-0.024, 0.0039, { scale: 100, signed: true })).toBe('−2.40 ± 0.39');
    expect(formatWithSigma(-0.00001, 0.0039, { scale: 100, signed: true })).toBe('0.00 ± 0.39');
    expect(formatWithSigma(0.5, 2, { minDecimals: 1 })).toBe('0.5 ± 2.0');
  });

  it('says so where σ is not known, and does not invent digits for a zero σ', () => {
    expect(formatWithSigma(15.594, null, { fallbackDecimals: 3 })).toBe('15.594 ± —');
    expect(formatWithSigma(15.594, Number.NaN, { fallbackDecimals: 3 })).toBe('15.594 ± —');
    expect(formatWithSigma(3, 0)).toBe('3.00 ± 0.00');
  });
});

describe('columnPowerOfTen', () => {
  it('leaves columns under ten million as they are, else takes the power of a thousand that brings the largest under 1000', () => {
    expect(columnPowerOfTen([852000, 9_999_999])).toBe(0);
    expect(columnPowerOfTen([344_400_000, 852_000, Number.NaN])).toBe(6);
    expect(columnPowerOfTen([-1.2e10, 5])).toBe(9);
    expect(columnPowerOfTen([])).toBe(0);
    // As the Li dashboard writes a column in it.
    const k = columnPowerOfTen([344_400_000, 852_000]);
    expect(formatWithSigma(344_400_000, 1_900_000, { scale: 10 ** -k })).toBe('344.4 ± 1.9');
    expect(formatWithSigma(852_000, 17_000, { scale: 10 ** -k })).toBe('0.852 ± 0.017');
  });
});
