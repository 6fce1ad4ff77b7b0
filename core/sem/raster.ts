import type { SemImage } from '../model/semImage.js';

/** The grey levels of an image, whatever their storage; what every analysis step reads. */
export interface Raster {
  width: number;
  height: number;
  pixels: ArrayLike<number>;
}

/** A rectangle in pixels (x, y of its top-left corner). */
export interface RoiPx {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PointPx {
  x: number;
  y: number;
}

/** The ROI clipped to the image; the whole image when none is given. Throws on an empty one. */
export function clipRoi(r: Raster, roi?: RoiPx): RoiPx {
  if (!roi) return { x: 0, y: 0, width: r.width, height: r.height };
  const x0 = Math.max(0, Math.floor(roi.x));
  const y0 = Math.max(0, Math.floor(roi.y));
  const x1 = Math.min(r.width, Math.ceil(roi.x + roi.width));
  const y1 = Math.min(r.height, Math.ceil(roi.y + roi.height));
  if (!(x1 > x0 && y1 > y0)) throw new RangeError(`ROI ${JSON.stringify(roi)} lies outside the ${r.width} × ${r.height} image`);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Bilinear interpolation at (x, y), pixel centres at integer coordinates (as in Fiji's
 * profile tools). NaN outside the image, so callers can skip samples that fall off it.
 */
export function bilinear(r: Raster, x: number, y: number): number {
  if (!(x >= 0 && y >= 0 && x <= r.width - 1 && y <= r.height - 1)) return NaN;
  const x0 = Math.min(Math.floor(x), r.width - 2 < 0 ? 0 : r.width - 2);
  const y0 = Math.min(Math.floor(y), r.height - 2 < 0 ? 0 : r.height - 2);
  const fx = r.width > 1 ? x - x0 : 0;
  const fy = r.height > 1 ? y - y0 : 0;
  const w = r.width;
  const p = r.pixels;
  const i = y0 * w + x0;
  const a = p[i];
  const b = r.width > 1 ? p[i + 1] : a;
  const c = r.height > 1 ? p[i + w] : a;
  const d = r.width > 1 && r.height > 1 ? p[i + w + 1] : c;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

export const asRaster = (img: SemImage): Raster => ({ width: img.width, height: img.height, pixels: img.pixels });
