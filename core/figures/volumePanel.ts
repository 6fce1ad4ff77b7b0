/**
 * A 3-D rendering of one volume as a figure panel: the CPU renderer's image embedded as a PNG
 * (transparent where rays miss the volume), the box outline drawn as vector lines on top, and
 * a caption that states the lateral size and the depth exaggeration: a 1 µm stack under a
 * 300 µm field is invisible without it, so readers must be told.
 */
import type { ColormapName } from './colormaps.js';
import { colorize } from './colormaps.js';
import { rgbaToPngDataUri } from './raster.js';
import { formatLengthNm } from './scaleBar.js';
import { el, num, text, TYPE } from './svg.js';
import { wrapText } from './style.js';
import { renderVolume } from './volumeRender.js';
import type { Volume } from './volumeRender.js';

export interface VolumePanelOptions {
  x: number;
  y: number;
  widthPt: number;
  heightPt: number;
  min: number;
  max: number;
  colormap: ColormapName;
  scaleId: string;
  zExaggeration: number;
  /** Rendered pixels per pt (3 ≈ 216 dpi in print). */
  pxPerPt: number;
  azimuthDeg?: number;
  elevationDeg?: number;
  mode?: 'mip' | 'composite';
  state?: string;
  lateralKnown: boolean;
}

export function volumePanel(vol: Volume, o: VolumePanelOptions): { svg: string; captionHeightPt: number } {
  const lateralNm = vol.nx * vol.voxelNm.x;
  const sizeText = o.lateralKnown ? `${formatLengthNm(lateralNm)} wide, depth ×${o.zExaggeration}` : `depth ×${o.zExaggeration}`;
  const lineH = TYPE.smallPt + 1.5;
  const caption = wrapText(sizeText, o.widthPt, TYPE.smallPt);
  const captionH = caption.length * lineH + 1;
  const imgH = o.heightPt - captionH;
  const widthPx = Math.max(8, Math.round(o.widthPt * o.pxPerPt));
  const heightPx = Math.max(8, Math.round(imgH * o.pxPerPt));
  const r = renderVolume(vol, {
    widthPx,
    heightPx,
    azimuthDeg: o.azimuthDeg ?? 35,
    elevationDeg: o.elevationDeg ?? 28,
    zExaggeration: o.zExaggeration,
    mode: o.mode ?? 'mip',
    // The shared scale: the renderer maps [min, max] to 0..1, the same for every state.
    min: o.min,
    max: o.max,
  });
  const rgba = colorize(r.image, 0, 1, o.colormap, { transparentNaN: true });
  const uri = rgbaToPngDataUri(rgba, widthPx, heightPx);
  const s = 1 / o.pxPerPt;
  const pts = r.corners.map(([px, py]) => [o.x + px * s, o.y + py * s] as const);
  const edges: string[] = [];
  for (let i = 0; i < 8; i++) {
    for (const bit of [1, 2, 4]) {
      const j = i ^ bit;
      if (j > i) edges.push(`M${num(pts[i][0])},${num(pts[i][1])}L${num(pts[j][0])},${num(pts[j][1])}`);
    }
  }
  const svg = el(
    'g',
    { class: 'volume', 'data-state': o.state, 'data-z-exaggeration': o.zExaggeration },
    el('image', { x: o.x, y: o.y, width: o.widthPt, height: imgH, href: uri, preserveAspectRatio: 'none', 'data-scale-id': o.scaleId, 'data-state': o.state }),
    el('path', { d: edges.join(''), fill: 'none', stroke: '#555', 'stroke-width': 0.4 }),
    ...caption.map((line, i) => text(o.x + o.widthPt / 2, o.y + imgH + (i + 1) * lineH - 0.5, line, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt, class: 'volume-caption' })),
  );
  return { svg, captionHeightPt: captionH };
}
