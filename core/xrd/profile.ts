/**
 * Peak shapes with unit area, parameterised by FWHM (deg) so the fitted widths are what
 * Scherrer needs. The pseudo-Voigt is η·Lorentzian + (1−η)·Gaussian with a shared FWHM
 * (the Thompson–Cox–Hastings simplification that HighScore and fityk also use).
 */
const LN2 = Math.log(2);
const GAUSS_NORM = 2 * Math.sqrt(LN2 / Math.PI);

/**
 * The unit-area Gaussian and Lorentzian at u = (x − centre) / FWHM: the fit's model computes u
 * once for both (fit.ts pvTerm), with the same numbers as gaussian() and lorentzian().
 */
export function gaussianAtU(u: number, fwhmDeg: number): number {
  return (GAUSS_NORM / fwhmDeg) * Math.exp(-4 * LN2 * u * u);
}

/** See gaussianAtU; `q` is 1 + 4u². */
export function lorentzianAtQ(q: number, fwhmDeg: number): number {
  return 2 / (Math.PI * fwhmDeg) / q;
}

export function gaussian(x: number, centerDeg: number, fwhmDeg: number): number {
  return gaussianAtU((x - centerDeg) / fwhmDeg, fwhmDeg);
}

export function lorentzian(x: number, centerDeg: number, fwhmDeg: number): number {
  const u = (x - centerDeg) / fwhmDeg;
  return lorentzianAtQ(1 + 4 * u * u, fwhmDeg);
}

export function pseudoVoigt(x: number, centerDeg: number, fwhmDeg: number, eta: number): number {
  return eta * lorentzian(x, centerDeg, fwhmDeg) + (1 - eta) * gaussian(x, centerDeg, fwhmDeg);
}

/** Height of a unit-area pseudo-Voigt at its centre: area = height / this. */
export function pseudoVoigtPeakValue(fwhmDeg: number, eta: number): number {
  return eta * (2 / (Math.PI * fwhmDeg)) + (1 - eta) * (GAUSS_NORM / fwhmDeg);
}

export interface PeakShape {
  centerDeg: number;
  fwhmDeg: number;
  area: number;
  /** Lorentzian fraction 0..1. */
  eta: number;
}

/** Sum of pseudo-Voigt peaks sampled at x. */
export function renderPeaks(x: ArrayLike<number>, peaks: readonly PeakShape[]): Float64Array {
  const out = new Float64Array(x.length);
  for (const p of peaks) for (let i = 0; i < x.length; i++) out[i] += p.area * pseudoVoigt(x[i], p.centerDeg, p.fwhmDeg, p.eta);
  return out;
}
