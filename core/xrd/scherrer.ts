const RAD = Math.PI / 180;

export interface ScherrerOptions {
  /** Shape factor K, default 0.9 (spherical crystallites, FWHM convention). */
  k?: number;
  /** Instrumental FWHM at this angle, deg (from a standard such as LaB6 or Si); 0 = none. */
  instrumentFwhmDeg?: number;
  /**
   * How instrument broadening is removed: `quadratic` β² = B² − b² (Gaussian profiles, the
   * default and the usual choice for lab diffractometers), `linear` β = B − b (Lorentzian).
   */
  broadening?: 'quadratic' | 'linear';
}

/** Sample broadening β (deg) left after removing the instrument's; null when nothing is left. */
export function sampleBroadeningDeg(fwhmDeg: number, opts: ScherrerOptions = {}): number | null {
  const b = opts.instrumentFwhmDeg ?? 0;
  const beta = (opts.broadening ?? 'quadratic') === 'quadratic' ? Math.sqrt(Math.max(0, fwhmDeg * fwhmDeg - b * b)) : fwhmDeg - b;
  return beta > 0 && Number.isFinite(beta) ? beta : null;
}

/**
 * Scherrer crystallite size τ = K·λ / (β·cos θ), β the sample broadening in radians (FWHM after
 * the instrument's contribution is removed), θ half the peak's 2θ. λ in Å, τ returned in nm.
 * Null when the peak is not broader than the instrument (size beyond what the method resolves).
 */
export function scherrerSizeNm(twoThetaDeg: number, fwhmDeg: number, wavelengthA: number, opts: ScherrerOptions = {}): number | null {
  const beta = sampleBroadeningDeg(fwhmDeg, opts);
  if (beta === null) return null;
  const tauA = ((opts.k ?? 0.9) * wavelengthA) / (beta * RAD * Math.cos((twoThetaDeg / 2) * RAD));
  return tauA / 10;
}
