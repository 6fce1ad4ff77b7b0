/**
 * A false-colour image (2-D ion map) on a given colour scale, drawn as an embedded PNG with a
 * frame and a scale bar. The image carries `data-scale-id` so figures can prove that several
 * maps share one scale.
 */
import type { ColormapName } from './colormaps.js';
import { colorize } from './colormaps.js';
import { blockUpscale, rgbaToPngDataUri } from './raster.js';
import { scaleBar } from './scaleBar.js';
import { el, imageHref, PRINT_DPI } from './svg.js';

export interface MapImage {
  /** y × x values, row-major. */
  values: ArrayLike<number>;
  width: number;
  height: number;
}

/** The largest side of an embedded map image (px). */
const MAX_EMBEDDED_PX = 4096;

export function mapImage(
  map: MapImage,
  opts: { x: number; y: number; widthPt: number; heightPt: number; min: number; max: number; colormap: ColormapName; scaleId: string; pixelSizeNm: number | null; state?: string },
): string {
  const { x, y, widthPt, heightPt } = opts;
  // Embedded with each pixel as a block: resvg (the PNG export) ignores `pixelated` and smooths
  // the image as it scales it, which turned a 32 × 32 map into round blobs the data do not hold.
  // Blocks of about half the pixel's printed size keep the smoothing to the blocks' edges.
  const printedPx = ((widthPt / 72) * PRINT_DPI) / map.width;
  const factor = Math.max(1, Math.min(Math.ceil(printedPx / 2), Math.floor(MAX_EMBEDDED_PX / Math.max(map.width, map.height))));
  const image = blockUpscale(colorize(map.values, opts.min, opts.max, opts.colormap), map.width, map.height, factor);
  const uri = rgbaToPngDataUri(image.rgba, image.width, image.height);
  return el(
    'g',
    { class: 'map', 'data-state': opts.state },
    // Pixelated: every ion-map pixel is a measurement, smoothing would invent detail.
    el('image', { x, y, width: widthPt, height: heightPt, ...imageHref(uri), preserveAspectRatio: 'none', 'image-rendering': 'pixelated', style: 'image-rendering:pixelated', 'data-scale-id': opts.scaleId, 'data-state': opts.state }),
    el('rect', { x, y, width: widthPt, height: heightPt, fill: 'none', stroke: '#000', 'stroke-width': 0.4 }),
    opts.pixelSizeNm ? scaleBar({ x: x + widthPt - 2, y: y + heightPt - 2, imageWidthPt: widthPt, imageWidthNm: map.width * opts.pixelSizeNm }) : '',
  );
}
