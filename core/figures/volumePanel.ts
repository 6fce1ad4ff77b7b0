/**
 * A 3-D rendering of one volume as a figure panel: the CPU renderer's image embedded as a PNG
 * (transparent where rays miss the volume), the box outline drawn as vector lines on top, and
 * a caption that states the lateral size and the depth exaggeration: a 1 µm stack under a
 * 300 µm field is invisible without it, so readers must be told. Depth ticks in nm on the box's
 * leftmost vertical edge say where in the stack a feature lies.
 */
import { scaleLinear } from 'd3-scale';
import { tickFormatter } from './axes.js';
import type { ColormapName } from './colormaps.js';
import { colorize } from './colormaps.js';
import { rgbaToPngDataUri } from './raster.js';
import { formatLengthNm } from './scaleBar.js';
import { el, imageHref, num, text, TYPE } from './svg.js';
import { textWidthPt, wrapText } from './style.js';
import { boxCorners, renderVolume } from './volumeRender.js';
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
  /** Depth of the volume's top below the surface, nm (a part of a stack: the 3-D view clipped); default 0. */
  depthTopNm?: number;
}

/** Depth tick length and least distance between depth labels (closer, they touch), pt. */
const DEPTH_TICK_PT = 2.5;
const DEPTH_LABEL_STEP_PT = TYPE.smallPt + 1.5;

/**
 * Depth ticks along the vertical edge from `top` (the volume's top, `topNm` below the surface) to
 * `bottom` (`bottomNm`), labels to its left, the unit on the deepest. Ticks are d3's, as on the
 * other axes: as many as the edge holds with labels apart; none on a box too flat to hold two.
 */
function depthAxis(top: readonly [number, number], bottom: readonly [number, number], [topNm, bottomNm]: readonly [number, number]): string {
  const depth = scaleLinear().domain([topNm, bottomNm]).range([top[1], bottom[1]]);
  const apart = (ticks: number[]): boolean => ticks.length < 2 || depth(ticks[1]) - depth(ticks[0]) >= DEPTH_LABEL_STEP_PT;
  // d3 may give more ticks than asked for: ask for fewer until the labels are apart.
  let count = Math.max(1, Math.floor((bottom[1] - top[1]) / DEPTH_LABEL_STEP_PT));
  let ticks = depth.ticks(count);
  while (count > 1 && !apart(ticks)) ticks = depth.ticks(--count);
  if (ticks.length < 2 || !apart(ticks)) return '';
  const fmt = tickFormatter(depth, count);
  const x = top[0];
  return el(
    'g',
    { class: 'depth-axis', 'data-depth-nm': bottomNm - topNm, 'data-top-nm': topNm },
    ...ticks.map((t, i) =>
      el('g', { 'data-depth-tick': t },
        el('line', { x1: x - DEPTH_TICK_PT, x2: x, y1: depth(t), y2: depth(t), stroke: '#000', 'stroke-width': 0.5 }),
        text(x - DEPTH_TICK_PT - 1.5, depth(t) + TYPE.smallPt * 0.35, i === ticks.length - 1 ? `${fmt(t)} nm` : fmt(t), { 'text-anchor': 'end', 'font-size': TYPE.smallPt })),
    ),
  );
}

export function volumePanel(vol: Volume, o: VolumePanelOptions): { svg: string; captionHeightPt: number } {
  const lateralNm = vol.nx * vol.voxelNm.x;
  // A part of the stack says where it lies: its box is often too flat for depth ticks (a 0.6 µm
  // layer under a 100 µm field, ×30), and the caption is all that says it then.
  const topNm = o.depthTopNm ?? 0;
  const depthNm = vol.nz * vol.voxelNm.z;
  const part = topNm > 0 ? `${Math.round(topNm)}–${Math.round(topNm + depthNm)} nm deep, ` : '';
  const sizeText = `${o.lateralKnown ? `${formatLengthNm(lateralNm)} wide, ` : ''}${part}depth ×${o.zExaggeration}`;
  const lineH = TYPE.smallPt + 1.5;
  const caption = wrapText(sizeText, o.widthPt, TYPE.smallPt);
  const captionH = caption.length * lineH + 1;
  const imgH = o.heightPt - captionH;
  const heightPx = Math.max(8, Math.round(imgH * o.pxPerPt));
  // z = 0 is the volume's top (Volume), depthTopNm below the surface, so the box spans that …
  // that + depthNm. Room for the depth labels left of the box, enough for the widest (none has
  // more digits than the deepest).
  const span = [topNm, topNm + depthNm] as const;
  const axisW = DEPTH_TICK_PT + 1.5 + textWidthPt(`${tickFormatter(scaleLinear().domain(span), 1)(span[1])} nm`, TYPE.smallPt);
  /** The box drawn in the panel less `inset` pt on the left: render options, corners (pt) and depth axis. */
  const layout = (inset: number) => {
    const imgW = o.widthPt - inset;
    const opts = {
      widthPx: Math.max(8, Math.round(imgW * o.pxPerPt)),
      heightPx,
      azimuthDeg: o.azimuthDeg ?? 35,
      elevationDeg: o.elevationDeg ?? 28,
      zExaggeration: o.zExaggeration,
      mode: o.mode ?? 'mip',
      // The shared scale: the renderer maps [min, max] to 0..1, the same for every state.
      min: o.min,
      max: o.max,
    };
    const pts = boxCorners(vol, opts).map(([px, py]) => [o.x + inset + px / o.pxPerPt, o.y + py / o.pxPerPt] as const);
    // The leftmost vertical edge is on the outline, never behind the volume; its surface corner
    // is the even one (see Rendering.corners).
    const edge = [0, 2, 4, 6].reduce((a, b) => (pts[b][0] < pts[a][0] ? b : a));
    return { imgX: o.x + inset, imgW, opts, pts, axis: depthAxis(pts[edge], pts[edge + 1], span), room: pts[edge][0] - o.x };
  };
  // The labels fit in the image's margin, or room is taken from its left; a box that then turns
  // too flat for two ticks (narrow figures) keeps its size and goes without.
  let l = layout(0);
  if (l.axis && l.room < axisW) {
    const inset = layout(axisW);
    l = inset.axis ? inset : { ...l, axis: '' };
  }
  const { imgX, imgW, opts, pts } = l;
  const r = renderVolume(vol, opts);
  const rgba = colorize(r.image, 0, 1, o.colormap, { transparentNaN: true });
  const uri = rgbaToPngDataUri(rgba, opts.widthPx, heightPx);
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
    el('image', { x: imgX, y: o.y, width: imgW, height: imgH, ...imageHref(uri), preserveAspectRatio: 'none', 'data-scale-id': o.scaleId, 'data-state': o.state }),
    el('path', { d: edges.join(''), fill: 'none', stroke: '#555', 'stroke-width': 0.4 }),
    l.axis,
    ...caption.map((line, i) => text(o.x + o.widthPt / 2, o.y + imgH + (i + 1) * lineH - 0.5, line, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt, class: 'volume-caption' })),
  );
  return { svg, captionHeightPt: captionH };
}
