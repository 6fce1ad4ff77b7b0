import type { SemImage } from '../model/semImage.js';
import type { PointPx } from './raster.js';

/**
 * Set Scale from two clicks: the user clicks both ends of the scale bar (or any feature of
 * known length) and types that length. Returns a new image calibrated `manual`; the pixels
 * are shared, nothing is copied.
 */
export function scaleFromPoints(image: SemImage, a: PointPx, b: PointPx, knownLengthNm: number): SemImage {
  const distancePx = Math.hypot(b.x - a.x, b.y - a.y);
  if (!(distancePx > 0)) throw new RangeError('the two points must differ');
  if (!(knownLengthNm > 0 && Number.isFinite(knownLengthNm))) throw new RangeError(`known length must be a positive number of nm, got ${knownLengthNm}`);
  return {
    ...image,
    pixelSizeNm: knownLengthNm / distancePx,
    pixelSizeSource: 'manual',
    pixelSizeDetail: `${knownLengthNm} nm over ${distancePx.toFixed(2)} px between (${a.x}, ${a.y}) and (${b.x}, ${b.y})`,
  };
}

/** A typed pixel size (e.g. from the instrument's log book), calibrated `manual`. */
export function withPixelSize(image: SemImage, pixelSizeNm: number): SemImage {
  if (!(pixelSizeNm > 0 && Number.isFinite(pixelSizeNm))) throw new RangeError(`pixel size must be a positive number of nm, got ${pixelSizeNm}`);
  return { ...image, pixelSizeNm, pixelSizeSource: 'manual', pixelSizeDetail: `typed: ${pixelSizeNm} nm/px` };
}
