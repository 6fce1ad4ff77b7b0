/**
 * Shared looks of the figures: state colours, layer bands, label spreading and a text-width
 * estimate for layout (no DOM to measure text in the CLI, so widths are estimated from the
 * font's average advance; DejaVu Sans averages ≈ 0.6 em per character).
 */
import { OKABE_ITO } from './colormaps.js';
import { el, text, TYPE } from './svg.js';

const STATE_COLOURS: Record<string, string> = {
  pristine: OKABE_ITO[0],
  charged: OKABE_ITO[1],
  discharged: OKABE_ITO[2],
};

/** A state's line/bar colour: fixed for the three usual states so every figure agrees. */
export function stateColour(state: string, index: number): string {
  return STATE_COLOURS[state] ?? OKABE_ITO[(3 + index) % OKABE_ITO.length];
}

/** Approximate width of a text in pt. */
export function textWidthPt(s: string, sizePt: number = TYPE.basePt): number {
  return 0.6 * sizePt * [...s].length;
}

/** Fill of alternate layer bands: light enough that lines and bands over them stay readable. */
export const LAYER_FILLS = ['#ececec', '#f8f8f8'] as const;

export interface Band {
  label: string;
  role: string;
  /** Start and end in the plot's pt coordinates (already through the scale). */
  x0: number;
  x1: number;
}

/**
 * Vertical layer bands between y0 and y1 with their labels above the plot. Labels too wide for
 * their band are set in two rows so neighbours never collide.
 */
export function layerBands(bands: Band[], y0: number, y1: number, opts: { labelY?: number; fills?: readonly string[] } = {}): string {
  const fills = opts.fills ?? LAYER_FILLS;
  const labelY = opts.labelY ?? y0 - 3;
  let lastRight = -Infinity;
  let row = 0;
  const parts = bands.map((b, i) => {
    const w = Math.max(0, b.x1 - b.x0);
    const cx = (b.x0 + b.x1) / 2;
    const tw = textWidthPt(b.label, TYPE.smallPt);
    // Alternate rows only where the label would overlap the previous one.
    row = cx - tw / 2 < lastRight + 1.5 ? 1 - row : 0;
    lastRight = cx + tw / 2;
    const ly = labelY - row * (TYPE.smallPt + 1);
    return (
      el('rect', { x: b.x0, y: y0, width: w, height: y1 - y0, fill: fills[i % fills.length], 'data-layer-band': b.role }) +
      text(cx, ly, b.label, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt, 'data-layer-label': b.label })
    );
  });
  return el('g', { class: 'layer-bands' }, ...parts);
}

/**
 * Spreads label positions (sorted or not) so neighbours are at least `gap` apart, staying in
 * [lo, hi] where possible; returns new positions in the input order.
 */
export function spreadLabels(positions: number[], gap: number, lo: number, hi: number): number[] {
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = order.map((o) => o.p);
  for (let pass = 0; pass < 50; pass++) {
    let moved = false;
    for (let k = 1; k < out.length; k++) {
      const d = out[k] - out[k - 1];
      if (d < gap - 1e-9) {
        const shift = (gap - d) / 2;
        out[k - 1] -= shift;
        out[k] += shift;
        moved = true;
      }
    }
    if (out.length) {
      if (out[0] < lo) {
        const s = lo - out[0];
        for (let k = 0; k < out.length; k++) out[k] += s;
      }
      if (out[out.length - 1] > hi) {
        const s = out[out.length - 1] - hi;
        for (let k = 0; k < out.length; k++) out[k] -= s;
      }
    }
    if (!moved) break;
  }
  const result = new Array<number>(positions.length);
  order.forEach((o, k) => (result[o.i] = out[k]));
  return result;
}

/** A legend: one swatch line and name per entry, in rows. */
export function legend(entries: { label: string; colour: string; state?: string }[], x: number, y: number, opts: { columns?: number; columnWidthPt?: number } = {}): string {
  const columns = opts.columns ?? 1;
  const colW = opts.columnWidthPt ?? 60;
  const rowH = TYPE.smallPt + 2.5;
  return el(
    'g',
    { class: 'legend' },
    ...entries.map((e, i) => {
      const ex = x + (i % columns) * colW;
      const ey = y + Math.floor(i / columns) * rowH;
      return el(
        'g',
        { 'data-legend': e.label, 'data-state': e.state },
        el('line', { x1: ex, x2: ex + 9, y1: ey - 2, y2: ey - 2, stroke: e.colour, 'stroke-width': 1.4 }),
        text(ex + 12, ey, e.label, { 'font-size': TYPE.smallPt }),
      );
    }),
  );
}

/** Greedy word wrap to a width in pt (estimated widths; see textWidthPt). */
export function wrapText(s: string, maxWidthPt: number, sizePt: number = TYPE.smallPt): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidthPt(next, sizePt) > maxWidthPt) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
