import { scaleLinear } from 'd3-scale';
import { COLORMAPS } from './colormaps.js';
import type { ColormapName } from './colormaps.js';
import { el, num, text, TYPE } from './svg.js';

/** A vertical colour bar with ticks and a title (quantity and unit). */
export function colorbar(opts: { x: number; y: number; widthPt: number; heightPt: number; min: number; max: number; map: ColormapName; label: string; id: string }): string {
  const { x, y, widthPt, heightPt, min, max, map, label, id } = opts;
  const stops = Array.from({ length: 11 }, (_, i) => el('stop', { offset: `${i * 10}%`, 'stop-color': COLORMAPS[map](i / 10) }));
  const scale = scaleLinear().domain([min, max]).range([y + heightPt, y]);
  const ticks = scale.ticks(4).map((t) => {
    const ty = scale(t);
    return el('line', { x1: x + widthPt, x2: x + widthPt + 2.5, y1: ty, y2: ty, stroke: '#000', 'stroke-width': 0.5 }) + text(x + widthPt + 4, ty + TYPE.smallPt * 0.35, scale.tickFormat(4, '~s')(t), { 'font-size': TYPE.smallPt });
  });
  const tx = x + widthPt + 26;
  const ty = y + heightPt / 2;
  return el(
    'g',
    { class: 'colorbar', 'data-colorbar': map, 'data-min': min, 'data-max': max },
    el('defs', {}, el('linearGradient', { id, x1: 0, y1: 1, x2: 0, y2: 0 }, ...stops)),
    el('rect', { x, y, width: widthPt, height: heightPt, fill: `url(#${id})`, stroke: '#000', 'stroke-width': 0.4 }),
    ...ticks,
    el('text', { x: tx, y: ty, transform: `rotate(-90 ${num(tx)} ${num(ty)})`, 'text-anchor': 'middle', 'font-size': TYPE.smallPt }, label.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
  );
}
