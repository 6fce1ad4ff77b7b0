import { interpolateCividis, interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { rgb } from 'd3-color';

/** Perceptually uniform, colour-blind-safe maps only. */
export const COLORMAPS = { viridis: interpolateViridis, cividis: interpolateCividis, magma: interpolateMagma } as const;
export type ColormapName = keyof typeof COLORMAPS;

/** Okabe–Ito: the categorical palette for lines and bars (states, ions). */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'] as const;

/** A 256-entry RGB lookup table of a map: colouring a map is then one array index per pixel. */
export function colormapLut(name: ColormapName): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = rgb(COLORMAPS[name](i / 255));
    lut[i * 3] = c.r;
    lut[i * 3 + 1] = c.g;
    lut[i * 3 + 2] = c.b;
  }
  return lut;
}

/**
 * Values → RGBA pixels on a fixed [min, max] (the shared scale across states); NaN is drawn
 * in light grey so missing data never passes for a low value (or left transparent on request).
 */
export function colorize(values: ArrayLike<number>, min: number, max: number, name: ColormapName, opts: { transparentNaN?: boolean } = {}): Uint8Array {
  const lut = colormapLut(name);
  const out = new Uint8Array(values.length * 4);
  const span = max > min ? max - min : 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const o = i * 4;
    if (!Number.isFinite(v)) {
      // Rays that miss a rendered volume are background, not missing data: transparent.
      out[o] = out[o + 1] = out[o + 2] = opts.transparentNaN ? 255 : 220;
      out[o + 3] = opts.transparentNaN ? 0 : 255;
      continue;
    }
    const k = Math.max(0, Math.min(255, Math.round(((v - min) / span) * 255))) * 3;
    out[o] = lut[k];
    out[o + 1] = lut[k + 1];
    out[o + 2] = lut[k + 2];
    out[o + 3] = 255;
  }
  return out;
}
