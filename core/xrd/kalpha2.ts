import type { XrdWavelength } from '../model/xrdPattern.js';
import { CU_K_ALPHA } from '../model/xrdPattern.js';

const RAD = Math.PI / 180;

/** Where the Kα2 reflection of a Kα1 line at `twoThetaDeg` lies (Bragg's law with λ2/λ1). */
export function kAlpha2PositionDeg(twoThetaDeg: number, alpha1A: number, alpha2A: number): number {
  const s = (alpha2A / alpha1A) * Math.sin((twoThetaDeg / 2) * RAD);
  return s >= 1 ? 180 : (2 * Math.asin(s)) / RAD;
}

/**
 * Rachinger Kα2 stripping. Every measured point is I(2θ) = I1(2θ) + R·I1(2θ′), where 2θ′ is
 * the angle whose Kα2 reflection falls at 2θ (2θ′ < 2θ; sin θ′ = (λ1/λ2)·sin θ by Bragg's law).
 * Walking up in angle, I1 at 2θ′ is already known, so I1(2θ) = I(2θ) − R·I1(2θ′), with I1 at
 * 2θ′ interpolated linearly. Works on any (monotonic increasing) grid; R = I(Kα2)/I(Kα1),
 * 0.5 for Cu unless the file says otherwise. Noise is propagated, not clipped: small
 * negative values can remain where the data are noisy.
 */
export function stripKAlpha2(twoThetaDeg: ArrayLike<number>, intensity: ArrayLike<number>, wavelength: XrdWavelength = CU_K_ALPHA): Float64Array {
  const n = intensity.length;
  const out = Float64Array.from(intensity);
  const a1 = wavelength.alpha1A;
  const a2 = wavelength.alpha2A ?? (Math.abs(a1 - CU_K_ALPHA.alpha1A) < 1e-3 ? CU_K_ALPHA.alpha2A : undefined);
  if (a2 === undefined || n < 3) return out;
  const ratio = wavelength.ratioAlpha2 ?? CU_K_ALPHA.ratioAlpha2;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const x = twoThetaDeg[i];
    // 2θ′: the Kα1 angle whose Kα2 line lands at x (inverse of kAlpha2PositionDeg).
    const s = (a1 / a2) * Math.sin((x / 2) * RAD);
    const source = (2 * Math.asin(Math.min(1, s))) / RAD;
    if (source <= twoThetaDeg[0]) continue;
    while (j + 1 < i && twoThetaDeg[j + 1] <= source) j++;
    if (j + 1 > i) continue;
    const x0 = twoThetaDeg[j];
    const x1 = twoThetaDeg[j + 1];
    const t = x1 > x0 ? (source - x0) / (x1 - x0) : 0;
    // Point j+1 may be i itself when the shift is below one step; then I1(i) is implicit.
    if (j + 1 === i) {
      // I1(i) = I(i) − R·[(1−t)·I1(j) + t·I1(i)]  ⇒  solve for I1(i).
      out[i] = (intensity[i] - ratio * (1 - t) * out[j]) / (1 + ratio * t);
    } else {
      out[i] = intensity[i] - ratio * ((1 - t) * out[j] + t * out[j + 1]);
    }
  }
  return out;
}
