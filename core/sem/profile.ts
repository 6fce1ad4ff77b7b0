import { bilinear, clipRoi } from './raster.js';
import type { PointPx, Raster, RoiPx } from './raster.js';

export interface Profile {
  /** Distance from the start, pixels (1-px steps). */
  distancePx: Float64Array;
  /** Mean grey level across the width at each distance (NaN where the line left the image). */
  value: Float64Array;
  /** Standard deviation across the width (0 for a 1-px line). */
  spread: Float64Array;
}

/**
 * Line profile with a width, like Fiji's wide straight line and Gwyddion's profile tool:
 * samples every pixel along the line from `from` to `to`, each the mean of `widthPx` bilinear
 * samples spaced 1 px apart on the perpendicular through that point. Samples falling off the
 * image are left out of the mean.
 */
export function lineProfile(r: Raster, from: PointPx, to: PointPx, widthPx = 1): Profile {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy);
  if (!(length > 0)) throw new RangeError('line profile needs two distinct points');
  if (!(widthPx >= 1)) throw new RangeError(`line width must be ≥ 1 px, got ${widthPx}`);
  const ux = dx / length;
  const uy = dy / length;
  // Perpendicular, and the offsets across the width centred on the line.
  const nx = -uy;
  const ny = ux;
  const across = Math.max(1, Math.round(widthPx));
  const n = Math.floor(length) + 1;
  const distancePx = new Float64Array(n);
  const value = new Float64Array(n);
  const spread = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cx = from.x + ux * i;
    const cy = from.y + uy * i;
    let sum = 0;
    let sum2 = 0;
    let count = 0;
    for (let j = 0; j < across; j++) {
      const o = j - (across - 1) / 2;
      const v = bilinear(r, cx + nx * o, cy + ny * o);
      if (Number.isNaN(v)) continue;
      sum += v;
      sum2 += v * v;
      count++;
    }
    distancePx[i] = i;
    value[i] = count ? sum / count : NaN;
    spread[i] = count ? Math.sqrt(Math.max(0, sum2 / count - (sum / count) ** 2)) : NaN;
  }
  return { distancePx, value, spread };
}

/**
 * Box profile (Fiji's rectangle + Plot Profile): the mean of each row of the box against its
 * y (`vertical`, across horizontal layers) or of each column against its x (`horizontal`).
 */
export function boxProfile(r: Raster, box: RoiPx, direction: 'vertical' | 'horizontal' = 'vertical'): Profile {
  const b = clipRoi(r, box);
  const n = direction === 'vertical' ? b.height : b.width;
  const m = direction === 'vertical' ? b.width : b.height;
  const distancePx = new Float64Array(n);
  const value = new Float64Array(n);
  const spread = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let sum2 = 0;
    for (let j = 0; j < m; j++) {
      const v = direction === 'vertical' ? r.pixels[(b.y + i) * r.width + b.x + j] : r.pixels[(b.y + j) * r.width + b.x + i];
      sum += v;
      sum2 += v * v;
    }
    distancePx[i] = i;
    value[i] = sum / m;
    spread[i] = Math.sqrt(Math.max(0, sum2 / m - (sum / m) ** 2));
  }
  return { distancePx, value, spread };
}
