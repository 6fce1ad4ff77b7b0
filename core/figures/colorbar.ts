import { scaleLinear } from 'd3-scale';
import { tickFormatter } from './axes.js';
import { COLORMAPS } from './colormaps.js';
import type { ColormapName } from './colormaps.js';
import { textWidthPt, wrapText } from './style.js';
import { el, esc, num, text, TYPE } from './svg.js';

export interface ColorbarOptions {
  x: number;
  y: number;
  widthPt: number;
  heightPt: number;
  min: number;
  max: number;
  map: ColormapName;
  /** Quantity and unit, e.g. `Li⁻ (counts/pixel)`; wrapped onto two lines when longer than the bar. */
  label: string;
  id: string;
  /** Name of the colour scale; images drawn on it carry the same `data-scale-id`. */
  scaleId?: string;
  /** d3 format of the tick labels; default fixed at the tick step's precision (10 000 · 150 · 0.25). */
  format?: string;
  /**
   * Data lie above `max` and are drawn in its colour (a quantile scale clips the hottest
   * pixels): the bar then ends in a triangle of the top colour, as matplotlib's and GMT's
   * "extend" bars do, so the top colour reads as "this or more".
   */
  clippedHigh?: boolean;
}

/** Height of the clipped-end triangle, pt: as tall as the bar is wide, at most 6 pt (legible at print size). */
export function colorbarExtensionPt(widthPt: number): number {
  return Math.min(6, widthPt);
}

/** Whether any finite value of the arrays lies above `max` (the scale clips it). */
export function exceeds(arrays: readonly ArrayLike<number>[], max: number): boolean {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (a[i] > max) return true;
  return false;
}

function layout(o: Omit<ColorbarOptions, 'x' | 'y' | 'id'>): { ticks: number[]; labels: string[]; tickW: number; titleLines: string[] } {
  const scale = scaleLinear().domain([o.min, o.max]);
  const count = o.heightPt < 50 ? 3 : 4;
  const ticks = scale.ticks(count);
  const fmt = tickFormatter(scale, count, o.format);
  const labels = ticks.map(fmt);
  const tickW = Math.max(0, ...labels.map((l) => textWidthPt(l, TYPE.smallPt)));
  const titleLines = wrapText(o.label, o.heightPt, TYPE.smallPt).slice(0, 3);
  return { ticks, labels, tickW, titleLines };
}

/** Total width a colour bar takes with its ticks and title, pt: for laying out around it. */
export function colorbarWidthPt(o: Omit<ColorbarOptions, 'x' | 'y' | 'id'>): number {
  const l = layout(o);
  return o.widthPt + 4 + l.tickW + 3 + l.titleLines.length * (TYPE.smallPt + 1.5);
}

/**
 * A vertical colour bar with ticks and a title (quantity and unit). `scaleId` names the colour
 * scale: images drawn on it carry `data-scale-id` with the same value, so a reader (or a test)
 * can check which images share one scale.
 */
export function colorbar(opts: ColorbarOptions): string {
  const { x, y, widthPt, heightPt, min, max, map, label, id } = opts;
  const stops = Array.from({ length: 11 }, (_, i) => el('stop', { offset: `${i * 10}%`, 'stop-color': COLORMAPS[map](i / 10) }));
  const scale = scaleLinear().domain([min, max]).range([y + heightPt, y]);
  const l = layout(opts);
  const ticks = l.ticks.map((t, i) => {
    const ty = scale(t);
    return el('line', { x1: x + widthPt, x2: x + widthPt + 2.5, y1: ty, y2: ty, stroke: '#000', 'stroke-width': 0.5 }) + text(x + widthPt + 4, ty + TYPE.smallPt * 0.35, l.labels[i], { 'font-size': TYPE.smallPt });
  });
  const ty = y + heightPt / 2;
  const titles = l.titleLines.map((line, i) => {
    // Rotated text: its baseline sits at tx, the glyphs extend left of it by about the cap height.
    const tx = x + widthPt + 4 + l.tickW + 3 + (i + 1) * (TYPE.smallPt + 1.5) - 1.5;
    return el('text', { x: tx, y: ty, transform: `rotate(-90 ${num(tx)} ${num(ty)})`, 'text-anchor': 'middle', 'font-size': TYPE.smallPt, class: 'colorbar-label' }, esc(line));
  });
  // The triangle sits above the bar, outside its height: the ticks keep their places.
  const tip = colorbarExtensionPt(widthPt);
  const extension = opts.clippedHigh
    ? el('path', { d: `M${num(x)},${num(y)}L${num(x + widthPt / 2)},${num(y - tip)}L${num(x + widthPt)},${num(y)}Z`, fill: COLORMAPS[map](1), stroke: '#000', 'stroke-width': 0.4, 'stroke-linejoin': 'round', 'data-clipped': 'high' })
    : '';
  return el(
    'g',
    { class: 'colorbar', 'data-colorbar': map, 'data-scale-id': opts.scaleId ?? id, 'data-min': min, 'data-max': max, 'data-label': label, 'data-clipped-high': opts.clippedHigh ? 'true' : undefined },
    el('defs', {}, el('linearGradient', { id, x1: 0, y1: 1, x2: 0, y2: 0 }, ...stops)),
    el('rect', { x, y, width: widthPt, height: heightPt, fill: `url(#${id})`, stroke: '#000', 'stroke-width': 0.4 }),
    extension,
    ...ticks,
    ...titles,
  );
}
