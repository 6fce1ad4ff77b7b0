import { CU_K_ALPHA, type XrdWavelength } from '../model/xrdPattern.js';

/** A 2θ range excluded from peak search, fitting and areas (substrate reflections). */
export interface MaskRange {
  fromDeg: number;
  toDeg: number;
  label: string;
}

/** Si lattice parameter, Å (a = 5.4309 Å at room temperature). */
const SI_A = 5.4309;

/**
 * Si (400) of a (100) wafer (d = a/4) where this pattern's wavelength puts it: from 0.7° below
 * its Kα1 line to 0.7° above it or 0.5° above its Kα2 companion, whichever is farther, covering
 * both and the wings of a single-crystal reflection (68.43–69.83° for Cu; 82.4° for Co, 30.3°
 * for Mo: a mask fixed at the Cu angles hid a film's region and left the wafer's reflection
 * to be fitted and indexed). Null where the wavelength cannot reach it (λ > 2d).
 */
export function siSubstrateMask(wavelength: XrdWavelength): MaskRange | null {
  const d = SI_A / 4;
  const twoTheta = (lambdaA: number): number => (2 * Math.asin(lambdaA / (2 * d)) * 180) / Math.PI;
  if (wavelength.alpha1A >= 2 * d) return null;
  const alpha1 = twoTheta(wavelength.alpha1A);
  const alpha2 = wavelength.alpha2A !== undefined && wavelength.alpha2A < 2 * d ? twoTheta(wavelength.alpha2A) : alpha1;
  const round = (deg: number): number => Math.round(deg * 100) / 100;
  return { fromDeg: round(alpha1 - 0.7), toDeg: round(Math.max(alpha1 + 0.7, alpha2 + 0.5)), label: 'Si (400) substrate' };
}

/** The Si (400) mask for Cu Kα, 68.43–69.83° (Kα1 at 69.13°, Kα2 at 69.33°). */
export const SI_400_MASK: MaskRange = siSubstrateMask(CU_K_ALPHA)!;

/** The substrate mask for a set of patterns (a waterfall): the first's wavelength, Cu Kα where it gives none. */
export function siSubstrateMasks(wavelength: XrdWavelength | null | undefined): MaskRange[] {
  const mask = siSubstrateMask(wavelength ?? CU_K_ALPHA);
  return mask ? [mask] : [];
}

/** true for every point inside any mask. */
export function maskedPoints(twoThetaDeg: ArrayLike<number>, masks: readonly MaskRange[]): boolean[] {
  return Array.from(twoThetaDeg, (x) => masks.some((m) => x >= Math.min(m.fromDeg, m.toDeg) && x <= Math.max(m.fromDeg, m.toDeg)));
}

/**
 * Masked points replaced by a straight line between the nearest unmasked neighbours, so a huge
 * substrate reflection cannot drag a background estimate or a normalisation.
 */
export function bridgeMasked(intensity: ArrayLike<number>, masked: readonly boolean[]): Float64Array {
  const out = Float64Array.from(intensity);
  const n = out.length;
  let i = 0;
  while (i < n) {
    if (!masked[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && masked[j]) j++;
    const left = i > 0 ? out[i - 1] : j < n ? out[j] : 0;
    const right = j < n ? out[j] : left;
    for (let k = i; k < j; k++) out[k] = left + ((right - left) * (k - i + 1)) / (j - i + 1);
    i = j;
  }
  return out;
}
