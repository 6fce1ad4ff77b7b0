/** A 2θ range excluded from peak search, fitting and areas (substrate reflections). */
export interface MaskRange {
  fromDeg: number;
  toDeg: number;
  label: string;
}

/**
 * Si (400) of a (100) wafer at 69.13° for Cu Kα1 (d = a/4 with a = 5.4309 Å), with its Kα2
 * companion at 69.33°: ±0.7° covers both and the wings of a single-crystal reflection.
 */
export const SI_400_MASK: MaskRange = { fromDeg: 68.43, toDeg: 69.83, label: 'Si (400) substrate' };

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
