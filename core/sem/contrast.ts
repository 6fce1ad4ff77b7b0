import { pooledQuantile } from '../figures/stats.js';
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

/** Most pixels the display levels are taken from: a strided sample keeps big images cheap. */
const DISPLAY_SAMPLE = 200_000;

/** Grey level → 0..255, linear from `low` (0) to `high` (255), clipped; all 0 when they meet. */
export function linearLevels(low: number, high: number): (v: number) => number {
  const k = high > low ? 255 / (high - low) : 0;
  return (v) => Math.max(0, Math.min(255, Math.round((v - low) * k)));
}

/**
 * Grey level → 0..255 for showing an SEM image, in the workbench and in figures alike: linear
 * between the 0.5 and 99.5 percentiles (16-bit images use a small part of their range; one hot
 * pixel must not wash the picture out) of a strided sample of at most DISPLAY_SAMPLE pixels.
 */
export function displayLevels(r: Raster): (v: number) => number {
  const stride = Math.max(1, Math.floor((r.width * r.height) / DISPLAY_SAMPLE));
  const sample = new Float64Array(Math.ceil(r.pixels.length / stride));
  for (let i = 0, k = 0; i < r.pixels.length; i += stride) sample[k++] = r.pixels[i];
  // Linear between the two nearest order statistics of the finite ones; NaN (then all 0) when
  // none is. (d3's quantile of a number[], a copy through a generator each time, took ~150 ms
  // of the SEM view's ~300 ms on a 640 × 448 image.)
  return linearLevels(pooledQuantile([sample], 0.005), pooledQuantile([sample], 0.995));
}

/**
 * The image binned `bin` × `bin` (box average; a partial last row or column of bins is left
 * out) and mapped to bytes by `toByte`: floor(width / bin) × floor(height / bin), row-major.
 */
export function binnedGrey(r: Raster, bin: number, toByte: (v: number) => number): Uint8Array {
  const w = Math.floor(r.width / bin);
  const h = Math.floor(r.height / bin);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < bin; dy++) for (let dx = 0; dx < bin; dx++) sum += r.pixels[(y * bin + dy) * r.width + x * bin + dx];
      out[y * w + x] = toByte(sum / (bin * bin));
    }
  }
  return out;
}
