import { stateColour } from '../../core/figures/style.js';
import { colormapLut as figureLut, type ColormapName } from '../../core/figures/colormaps.js';

/** The figures' colour maps (perceptually uniform, colour-blind-safe): the views draw with the same. */
export { COLORMAPS } from '../../core/figures/colormaps.js';
export type { ColormapName } from '../../core/figures/colormaps.js';

/** The figures' 256-entry lookup table with an opaque alpha (RGBA), for workers and textures (they cannot call d3). */
export function colormapLut(name: ColormapName): Uint8Array {
  const rgb = figureLut(name);
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) lut.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  return lut;
}

/** Colour-blind-safe categorical palette (Okabe–Ito): the figures' own, so views and exports agree. */
export { OKABE_ITO } from '../../core/figures/colormaps.js';

/**
 * A state's colour in every view, as the exported figures draw it (core/figures/style.ts): by its
 * name and its place in the study. The views coloured by their own palette order, and the XRD
 * view by the place among the states with a pattern: one state had three colours.
 */
export function studyStateColour(states: readonly { state: string }[], state: string): string {
  return stateColour(state, Math.max(0, states.findIndex((s) => s.state === state)));
}

/** Light fills for layer bands: neutral and pale tints that keep data lines readable. */
export const BAND_FILLS = ['#e8eef4', '#f6efe4', '#e6f2ec', '#f3e8ef', '#eeeeee', '#eaf3f8'];

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function base64ToF32(b64: string): Float32Array {
  const bytes = base64ToBytes(b64);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/**
 * The range a shared colour scale spans: [lo, hi], or one unit up from lo where every value is
 * the same (an ion absent from the stack: all zeros). A scale of [0, 0] drew its colour bar with
 * one tick reading "NaN".
 */
export function colourRange(lo: number, hi: number): [number, number] {
  const from = Number.isFinite(lo) ? lo : 0;
  return Number.isFinite(hi) && hi > from ? [from, hi] : [from, from + 1];
}
