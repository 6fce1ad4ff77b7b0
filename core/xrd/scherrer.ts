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

/**
 * σ of the Scherrer size from the σ of the peak's FWHM and 2θ (deg), by linear propagation:
 * τ ∝ 1 / (β·cos θ), so στ/τ = √[(σβ/β)² + (tan θ·σθ)²], with σβ = (dβ/dB)·σB (B/β for quadratic
 * removal of the instrument's width, 1 for linear). Linear propagation holds while σβ ≪ β: it
 * understates the spread of a peak barely broader than the instrument. Null where the size is.
 */
export function scherrerSizeSigmaNm(
  twoThetaDeg: number,
  fwhmDeg: number,
  wavelengthA: number,
  sigma: { fwhmDeg: number; twoThetaDeg: number },
  opts: ScherrerOptions = {},
): number | null {
  const tauNm = scherrerSizeNm(twoThetaDeg, fwhmDeg, wavelengthA, opts);
  const beta = sampleBroadeningDeg(fwhmDeg, opts);
  if (tauNm === null || beta === null) return null;
  const dBetaDFwhm = (opts.broadening ?? 'quadratic') === 'quadratic' ? fwhmDeg / beta : 1;
  const relBeta = (dBetaDFwhm * sigma.fwhmDeg) / beta;
  const relTheta = Math.tan((twoThetaDeg / 2) * RAD) * (sigma.twoThetaDeg / 2) * RAD;
  return tauNm * Math.hypot(relBeta, relTheta);
}

/** A peak's Scherrer size as reported: the size and its σ, or, where the width is not resolved, a lower bound. */
export interface ScherrerEstimate {
  sizeNm: number | null;
  sigmaNm: number | null;
  /**
   * Where the peak is not broader than the instrument by 2σ of its width (the size and its σ
   * are then null): the size of a peak 2σ broader than measured, which the crystallites are at
   * least. A size of 454 ± 584 nm (the wafer's Si (200)) said nothing, and read as a number.
   * Null when the size is resolved, or no bound follows (no σ of the width).
   */
  minNm: number | null;
}

/** The size, its σ and the resolution rule in one (see ScherrerEstimate). */
export function scherrerEstimate(
  twoThetaDeg: number,
  fwhmDeg: number,
  wavelengthA: number,
  sigma: { fwhmDeg: number; twoThetaDeg: number },
  opts: ScherrerOptions = {},
): ScherrerEstimate {
  const instrumentDeg = opts.instrumentFwhmDeg ?? 0;
  const sigmaFwhm = Number.isFinite(sigma.fwhmDeg) ? sigma.fwhmDeg : null;
  const resolved = sigmaFwhm === null ? fwhmDeg > instrumentDeg : fwhmDeg - instrumentDeg >= 2 * sigmaFwhm;
  if (resolved) {
    const sigmaNm = scherrerSizeSigmaNm(twoThetaDeg, fwhmDeg, wavelengthA, sigma, opts);
    return { sizeNm: scherrerSizeNm(twoThetaDeg, fwhmDeg, wavelengthA, opts), sigmaNm: sigmaNm !== null && Number.isFinite(sigmaNm) ? sigmaNm : null, minNm: null };
  }
  return { sizeNm: null, sigmaNm: null, minNm: sigmaFwhm === null ? null : scherrerSizeNm(twoThetaDeg, fwhmDeg + 2 * sigmaFwhm, wavelengthA, opts) };
}
