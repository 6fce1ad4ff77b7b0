import type { ViewSettings } from '../store.js';

/**
 * The 3-D view's "Clip to": a layer's depth range kept between the clip planes. The layer chosen
 * is saved with the view (`clipLayer`), not only its planes, so that the planes follow the layer
 * when it moves (its interfaces dragged, the depth calibration changed). Pure: tested alone.
 */

/** A layer's depth range as clip fractions of a volume. */
export interface LayerRange {
  role: string;
  label: string;
  top: number;
  bottom: number;
}

/** "Clip to" when the clip planes are no layer's (moved by hand). */
export const CUSTOM_CLIP = 'custom';

type Clip = Pick<ViewSettings['volume'], 'clipTop' | 'clipBottom' | 'clipLayer'>;

/** The planes of the layer "Clip to" keeps, where they are not already; null when nothing moves (no layer kept, or none of that role now). */
export function followClipLayer(v: Clip, layers: LayerRange[]): { clipTop: number; clipBottom: number } | null {
  const layer = v.clipLayer === undefined ? undefined : layers.find((l) => l.role === v.clipLayer);
  if (!layer || (layer.top === v.clipTop && layer.bottom === v.clipBottom)) return null;
  return { clipTop: layer.top, clipBottom: layer.bottom };
}

/**
 * What "Clip to" names: the layer kept; else (nothing chosen, or a project saved before the
 * layer was) the layer whose range the planes are, all layers, or a range set by hand.
 */
export function clipChoice(v: Clip, layers: LayerRange[]): string {
  if (v.clipLayer !== undefined && layers.some((l) => l.role === v.clipLayer)) return v.clipLayer;
  const near = (a: number, b: number) => Math.abs(a - b) < 0.005; // half a slider step
  const layer = layers.find((l) => near(l.top, v.clipTop) && near(l.bottom, v.clipBottom));
  return layer ? layer.role : v.clipTop <= 0 && v.clipBottom >= 1 ? '' : CUSTOM_CLIP;
}

/** Where a clip plane cuts one state's volume, nm below the surface (panels' order). */
export interface StateClipDepth {
  state: string;
  nm: number;
}

/**
 * A clip plane's depth read-out. Each state's volume is cut at its own depth (its own layer's
 * plane under "Clip to", else the same fraction of its own depth), so one state's number would
 * be wrong for the others where their layers lie elsewhere: one number where every state's
 * rounds to it, else their range; the title gives each state's.
 */
export function clipDepthReadout(depths: StateClipDepth[]): { text: string; title: string } {
  const nm = depths.map((d) => Math.round(d.nm));
  const title = depths.map((d, k) => `${d.state}: ${nm[k]} nm`).join(', ');
  const lo = Math.min(...nm);
  const hi = Math.max(...nm);
  return { text: lo === hi ? `${lo} nm` : `${lo}–${hi} nm`, title };
}
