import type { ScaleContinuousNumeric } from 'd3-scale';
import { el, num, text, TYPE } from './svg.js';

type Scale = ScaleContinuousNumeric<number, number>;

interface AxisOptions {
  /** Axis title with its unit, e.g. `Sputter time (s)`. */
  label: string;
  ticks?: number;
  format?: string;
  tickSizePt?: number;
  /** False: ticks without numbers (a panel stacked over one that has them). Default true. */
  tickLabels?: boolean;
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
    const tick = el('line', { x1: x, x2: x, y1: y, y2: y + size, stroke: '#000', 'stroke-width': 0.5 });
    return opts.tickLabels === false ? tick : tick + text(x, y + size + TYPE.basePt, fmt(t), { 'text-anchor': 'middle' });
  });
  return el(
    'g',
    { class: 'axis axis-x' },
    el('line', { x1: r0, x2: r1, y1: y, y2: y, stroke: '#000', 'stroke-width': 0.6 }),
    ...ticks,
    opts.label ? text((r0 + r1) / 2, y + size + TYPE.basePt * 2.3, opts.label, { 'text-anchor': 'middle', 'font-size': TYPE.labelPt, class: 'axis-label' }) : '',
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

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A decade as print writes it on a log axis: 10⁰, 10³, 10⁻² (superscript exponent). */
export function decadeLabel(exponent: number): string {
  const digits = String(Math.abs(Math.round(exponent))).replace(/\d/g, (d) => SUPERSCRIPT_DIGITS[Number(d)]);
  return `10${exponent < 0 ? '⁻' : ''}${digits}`;
}

/**
 * Vertical log axis at `x` (pt): a labelled tick at each decade of the domain (10⁰, 10¹ …; every
 * second decade where they would stand closer than 1.5 lines), short unlabelled ticks at 2…9 ×
 * each decade. `label: ''` draws no title (a panel beside one that has it).
 */
export function axisLeftLog(scale: Scale, x: number, opts: { label: string; titleOffsetPt?: number; tickLabels?: boolean }): string {
  const [d0, d1] = scale.domain();
  const [r0, r1] = scale.range();
  const lo = Math.ceil(Math.log10(Math.min(d0, d1)) - 1e-9);
  const hi = Math.floor(Math.log10(Math.max(d0, d1)) + 1e-9);
  const decades = Array.from({ length: Math.max(0, hi - lo + 1) }, (_, k) => lo + k);
  const perDecadePt = Math.abs(r1 - r0) / Math.max(1, Math.log10(Math.max(d0, d1) / Math.min(d0, d1)));
  const every = perDecadePt >= TYPE.basePt * 1.5 ? 1 : Math.ceil((TYPE.basePt * 1.5) / perDecadePt);
  const parts: string[] = [el('line', { x1: x, x2: x, y1: r0, y2: r1, stroke: '#000', 'stroke-width': 0.6 })];
  for (const k of decades) {
    const y = scale(10 ** k);
    const labelled = (k - lo) % every === 0;
    parts.push(el('line', { x1: x - 3, x2: x, y1: y, y2: y, stroke: '#000', 'stroke-width': 0.5 }));
    if (labelled && opts.tickLabels !== false) parts.push(text(x - 4.5, y + TYPE.basePt * 0.35, decadeLabel(k), { 'text-anchor': 'end', 'data-decade': k }));
  }
  // Minor ticks, where a decade is tall enough to show them apart.
  if (perDecadePt >= 12) {
    for (let k = lo - 1; k <= hi; k++) {
      for (let m = 2; m <= 9; m++) {
        const v = m * 10 ** k;
        if (v < Math.min(d0, d1) || v > Math.max(d0, d1)) continue;
        const y = scale(v);
        parts.push(el('line', { x1: x - 1.6, x2: x, y1: y, y2: y, stroke: '#000', 'stroke-width': 0.5 }));
      }
    }
  }
  if (opts.label) {
    const titleX = x - (opts.titleOffsetPt ?? 22);
    const mid = (r0 + r1) / 2;
    parts.push(el('text', { x: titleX, y: mid, transform: `rotate(-90 ${num(titleX)} ${num(mid)})`, 'text-anchor': 'middle', 'font-size': TYPE.labelPt, class: 'axis-label' }, escText(opts.label)));
  }
  return el('g', { class: 'axis axis-y axis-log' }, ...parts);
}

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
