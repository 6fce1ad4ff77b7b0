import type { Raster } from './raster.js';

export interface ContrastStretch {
  /** Grey level mapped to 0 and to 255. */
  low: number;
  high: number;
  /** The image mapped linearly to 0..255, clipped: for display, never for measuring. */
  display: Uint8Array;
}

/**
 * Percentile contrast stretch, like Fiji's Enhance Contrast with `saturated=0.35`: that share
 * of pixels (split equally between the dark and the bright tail) ends up clipped, the rest is
 * spread linearly over 0..255. Exact order statistics (sorting a copy), so 16-bit and float
 * images need no histogram binning.
 */
export function percentileStretch(r: Raster, saturatedPercent = 0.35): ContrastStretch {
  if (!(saturatedPercent >= 0 && saturatedPercent < 100)) throw new RangeError(`saturatedPercent must be in [0, 100), got ${saturatedPercent}`);
  const n = r.width * r.height;
  const sorted = Float64Array.from({ length: n }, (_, i) => r.pixels[i]).sort();
  const tail = saturatedPercent / 200;
  const low = sorted[Math.min(n - 1, Math.floor(tail * n))];
  const high = sorted[Math.max(0, Math.ceil((1 - tail) * n) - 1)];
  const display = new Uint8Array(n);
  const span = high - low;
  for (let i = 0; i < n; i++) {
    const v = span > 0 ? ((r.pixels[i] - low) / span) * 255 : 128;
    display[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return { low, high, display };
}
