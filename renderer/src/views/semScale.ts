/**
 * Set Scale arithmetic for the SEM view, the same as core/sem/calibration.ts `scaleFromPoints`
 * (which needs a whole SemImage): a known length over the distance between two clicked points.
 */
export interface PointPx {
  x: number;
  y: number;
}

/** nm per pixel from two points (original image pixels) and the length between them; null if the points coincide. */
export function pixelSizeFromPoints(a: PointPx, b: PointPx, knownLengthNm: number): { pixelSizeNm: number; distancePx: number } | null {
  const distancePx = Math.hypot(b.x - a.x, b.y - a.y);
  if (!(distancePx > 0) || !(knownLengthNm > 0 && Number.isFinite(knownLengthNm))) return null;
  return { pixelSizeNm: knownLengthNm / distancePx, distancePx };
}

/** A typed length in nm or µm as nm; null unless a positive finite number. */
export function lengthToNm(value: number, unit: 'nm' | 'µm'): number | null {
  if (!(value > 0 && Number.isFinite(value))) return null;
  return unit === 'µm' ? value * 1000 : value;
}
