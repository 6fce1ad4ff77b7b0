/**
 * Regions of interest on an ion stack (to exclude the crater rim), as a y × x mask.
 */

export type Roi =
  | { kind: 'all' }
  /** Pixel rectangle, inclusive start, exclusive end. */
  | { kind: 'rect'; x0: number; y0: number; x1: number; y1: number }
  /** y × x mask, row-major, non-zero = inside. */
  | { kind: 'mask'; mask: Uint8Array; width: number; height: number };

/** The ROI as a mask of `width × height` (row-major, 1 = inside). Throws on a mismatch. */
export function roiMask(roi: Roi | undefined, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  if (!roi || roi.kind === 'all') return mask.fill(1);
  if (roi.kind === 'rect') {
    const x0 = Math.max(0, Math.floor(roi.x0));
    const y0 = Math.max(0, Math.floor(roi.y0));
    const x1 = Math.min(width, Math.floor(roi.x1));
    const y1 = Math.min(height, Math.floor(roi.y1));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) mask[y * width + x] = 1;
    return mask;
  }
  if (roi.width !== width || roi.height !== height || roi.mask.length !== width * height) {
    throw new RangeError(`ROI mask ${roi.width}×${roi.height} does not match the stack's ${width}×${height}`);
  }
  for (let k = 0; k < mask.length; k++) mask[k] = roi.mask[k] ? 1 : 0;
  return mask;
}

/** A rectangle of pixels: x0, y0 inclusive, x1, y1 exclusive. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The part of a rectangle that lies on a width × height image; null where none does. An ROI is
 * drawn on one state's map and the states' stacks need not share a size: the ROI profiles
 * (core/node/stackTasks.ts) and the 2-D view's statistics clip it alike.
 */
export function clipRect(rect: PixelRect, width: number, height: number): PixelRect | null {
  const x0 = Math.max(0, Math.min(rect.x0, width));
  const x1 = Math.max(0, Math.min(rect.x1, width));
  const y0 = Math.max(0, Math.min(rect.y0, height));
  const y1 = Math.max(0, Math.min(rect.y1, height));
  return x1 > x0 && y1 > y0 ? { x0, y0, x1, y1 } : null;
}

/** A centred rectangle covering `fraction` of each side: the usual "exclude the rim" ROI. */
export function centralRoi(width: number, height: number, fraction: number): Roi {
  const f = Math.min(1, Math.max(0, fraction));
  const w = Math.round(width * f);
  const h = Math.round(height * f);
  const x0 = Math.floor((width - w) / 2);
  const y0 = Math.floor((height - h) / 2);
  return { kind: 'rect', x0, y0, x1: x0 + w, y1: y0 + h };
}

/**
 * Pixels inside the ROI, whose mask is `mask` (roiMask): no count is made for the whole image
 * (a loop over a megapixel mask, in every reduction, for a number known beforehand).
 */
export function roiPixelCount(roi: Roi | undefined, mask: Uint8Array): number {
  return !roi || roi.kind === 'all' ? mask.length : maskPixelCount(mask);
}

export function maskPixelCount(mask: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < mask.length; k++) if (mask[k]) n++;
  return n;
}

/**
 * The mask's stretches of inside pixels in row-major order, as (first pixel index, length) pairs,
 * ascending: a rectangle's rows (one stretch when it spans whole rows), a drawn mask's pieces
 * of rows. A sum over the ROI then visits its pixels only, in the plane's order, rather than
 * every pixel of the plane with the outside ones as 0.
 */
export function maskRuns(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let k = 0; k < mask.length; k++) if (mask[k] && (k === 0 || !mask[k - 1])) count++;
  const runs = new Int32Array(2 * count);
  let r = 0;
  for (let k = 0; k < mask.length; ) {
    if (!mask[k]) {
      k++;
      continue;
    }
    const start = k;
    while (k < mask.length && mask[k]) k++;
    runs[r++] = start;
    runs[r++] = k - start;
  }
  return runs;
}

/**
 * How a reduction visits an ROI's pixels: `mask` (null when the ROI is the whole plane), its
 * `runs` (maskRuns; the whole plane: one run) and whether they are few (`fewRuns`: at most one
 * a row, as a rectangle's). Few runs are visited run by run, only their pixels; a scattered
 * mask's many runs cost more as calls than the pixels do, so the whole plane is visited with
 * the mask instead.
 */
export interface RoiPixels {
  mask: Uint8Array | null;
  runs: Int32Array;
  fewRuns: boolean;
}

/** The ROI whose mask is `mask` (roiMask) as the pixels a reduction visits; `pixelCount` from roiPixelCount. */
export function roiPixels(mask: Uint8Array, pixelCount: number, height: number): RoiPixels {
  const whole = pixelCount === mask.length;
  const runs = whole ? Int32Array.of(0, mask.length) : maskRuns(mask);
  return { mask: whole ? null : mask, runs, fewRuns: runs.length / 2 <= height };
}
