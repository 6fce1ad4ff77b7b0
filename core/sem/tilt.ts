/**
 * Tilt correction, convention: `tiltDeg` is the angle between the electron beam and the
 * normal of the cross-section face, the tilt axis horizontal in the image (a stage tilting
 * about its X axis). 0 means the face is seen square-on. Distances along the image's vertical
 * then appear shortened by cos θ, horizontal ones are true.
 *
 * A FIB trench face on a sample whose surface is normal to the beam at stage tilt 0, imaged
 * at stage tilt T, is seen at θ = 90° − T (its vertical appears × sin T): pass that θ.
 *
 * For layers at angle α in the image (u = −x·sin α + y·cos α across them), boundaries u = c
 * become, in face coordinates X = x·p, Y = y·p / cos θ, lines whose normal distance is
 * Δc · p / √(sin²α + cos²θ · cos²α): Δc · p / cos θ for level layers, Δc · p untilted.
 */
export function normalThicknessNm(deltaUPx: number, pixelSizeNm: number, angleRad: number, tiltDeg: number): number {
  const cosT = Math.cos((tiltDeg * Math.PI) / 180);
  const s = Math.sin(angleRad);
  const c = Math.cos(angleRad);
  return (deltaUPx * pixelSizeNm) / Math.sqrt(s * s + cosT * cosT * c * c);
}

/** The largest |tilt| the correction accepts: beyond it 1/cos θ amplifies every error > 10×. */
export const MAX_TILT_DEG = 84;

/** An angle for messages: two decimals at most (a tilt read in radians is 0.0003749997…°). */
export const roundDeg = (deg: number): number => +deg.toFixed(2);
