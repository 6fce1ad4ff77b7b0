import type { ScaleContinuousNumeric } from 'd3-scale';
import { el, num, text, TYPE } from './svg.js';

type Scale = ScaleContinuousNumeric<number, number>;

interface AxisOptions {
  /** Axis title with its unit, e.g. `Sputter time (s)`. */
  label: string;
  ticks?: number;
  format?: string;
  tickSizePt?: number;
}

/**
 * Tick labels as SI and ACS style write numbers: d3's default groups thousands with commas
 * (1,000), which journals do not print; four digits stay plain (1000), five or more are grouped
 * in threes with a thin space (10 000). `format` (a d3 specifier) replaces the default fixed
 * notation at the tick step's precision.
 */
export function tickFormatter(scale: Scale, count: number, format = 'f'): (v: number) => string {
  const fmt = scale.tickFormat(count, format);
  // Only the integer part is grouped (a sign may precede it).
  return (v) => fmt(v).replace(/^(\D*)(\d{5,})/, (_, sign: string, digits: string) => sign + digits.replace(/\B(?=(\d{3})+$)/g, '\u2009'));
}

/** Horizontal axis at `y` (pt), labels below. */
export function axisBottom(scale: Scale, y: number, opts: AxisOptions): string {
  const count = opts.ticks ?? 6;
  const fmt = tickFormatter(scale, count, opts.format);
  const [r0, r1] = scale.range();
  const size = opts.tickSizePt ?? 3;
  const ticks = scale.ticks(count).map((t) => {
    const x = scale(t);
    return el('line', { x1: x, x2: x, y1: y, y2: y + size, stroke: '#000', 'stroke-width': 0.5 }) + text(x, y + size + TYPE.basePt, fmt(t), { 'text-anchor': 'middle' });
  });
  return el(
    'g',
    { class: 'axis axis-x' },
    el('line', { x1: r0, x2: r1, y1: y, y2: y, stroke: '#000', 'stroke-width': 0.6 }),
    ...ticks,
    text((r0 + r1) / 2, y + size + TYPE.basePt * 2.3, opts.label, { 'text-anchor': 'middle', 'font-size': TYPE.labelPt, class: 'axis-label' }),
  );
}

/** Vertical axis at `x` (pt), labels left, title rotated. */
export function axisLeft(scale: Scale, x: number, opts: AxisOptions & { titleOffsetPt?: number }): string {
  const count = opts.ticks ?? 5;
  const fmt = tickFormatter(scale, count, opts.format);
  const [r0, r1] = scale.range();
  const size = opts.tickSizePt ?? 3;
  const ticks = scale.ticks(count).map((t) => {
    const y = scale(t);
    return el('line', { x1: x - size, x2: x, y1: y, y2: y, stroke: '#000', 'stroke-width': 0.5 }) + text(x - size - 1.5, y + TYPE.basePt * 0.35, fmt(t), { 'text-anchor': 'end' });
  });
  const titleX = x - (opts.titleOffsetPt ?? 26);
  const mid = (r0 + r1) / 2;
  return el(
    'g',
    { class: 'axis axis-y' },
    el('line', { x1: x, x2: x, y1: r0, y2: r1, stroke: '#000', 'stroke-width': 0.6 }),
    ...ticks,
    el('text', { x: titleX, y: mid, transform: `rotate(-90 ${num(titleX)} ${num(mid)})`, 'text-anchor': 'middle', 'font-size': TYPE.labelPt, class: 'axis-label' }, escText(opts.label)),
  );
}

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
