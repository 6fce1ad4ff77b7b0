/**
 * Shared looks of the figures: state colours, layer bands, label spreading and a text-width
 * estimate for layout (no DOM to measure text in the CLI, so widths are estimated from the
 * font's average advance; DejaVu Sans averages ≈ 0.6 em per character).
 */
import { formulaNotation } from '../model/formula.js';
import { OKABE_ITO } from './colormaps.js';
import { el, text, TYPE } from './svg.js';

const STATE_COLOURS: Record<string, string> = {
  pristine: OKABE_ITO[0],
  charged: OKABE_ITO[1],
  discharged: OKABE_ITO[2],
};

/** The palette's colours the three usual states do not have: the others' (dashes tell them apart beyond five). */
const OTHER_STATE_COLOURS = OKABE_ITO.slice(3);

/**
 * A state's line/bar colour: fixed for the three usual states so every figure agrees; the others
 * by `index`, the state's position in the study (stateIndexIn), not in the figure's own list,
 * over the palette's other colours (over the whole palette, a sixth state took pristine's blue).
 */
export function stateColour(state: string, index: number): string {
  return STATE_COLOURS[state] ?? OTHER_STATE_COLOURS[index % OTHER_STATE_COLOURS.length];
}

// Not the usual states' colours (blue, vermilion, green), so sticks never read as a trace; the
// spares (Paul Tol's indigo, wine, teal) stand in for those a state of another name has taken.
const STICK_COLOURS = [OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5], '#000000', '#666666', '#332288'];
const SPARE_STICK_COLOURS = ['#882255', '#117733', '#44AA99'];

/**
 * The colours of XRD reference sticks, by phase, none of them a trace's (`traceColours`): states
 * not named pristine, charged or discharged take the palette's next colours (pink, orange, sky
 * blue), and "charged-1C"'s trace and the LiFePO₄ sticks were one pink. The figure and the
 * workbench's XRD view both draw by it.
 */
export function stickColours(traceColours: ReadonlySet<string>): string[] {
  const free = [...STICK_COLOURS, ...SPARE_STICK_COLOURS].filter((c) => !traceColours.has(c));
  return free.length ? free : STICK_COLOURS;
}

/**
 * Dash patterns (SVG stroke-dasharray in pt, for lines of about 1 pt; '' is solid): colour alone
 * is lost in a greyscale print and to some readers, so each line of a plot has its own pattern
 * too. Solid, dashed, dotted, dash-dot, long dash, dash-dot-dot, short dash, long-short.
 */
export const LINE_DASHES = ['', '3.5 1.5', '1 1.2', '5 1.5 1 1.5', '6 2.5', '5 1.5 1 1.5 1 1.5', '2 2', '8 1.5 2 1.5'] as const;
const STATE_DASHES: Record<string, string> = { pristine: LINE_DASHES[0], charged: LINE_DASHES[1], discharged: LINE_DASHES[2] };
const OTHER_DASHES = LINE_DASHES.slice(3, 7);

/** A state's line dash (SVG stroke-dasharray; '' is solid): pristine solid, charged dashed, discharged dotted. */
export function stateDash(state: string, index: number): string {
  return STATE_DASHES[state] ?? OTHER_DASHES[index % OTHER_DASHES.length];
}

/**
 * The position of `state` in the study's `order` of states, for its colour and dash; `fallback`
 * (its position in the figure's list) where no order is given or it is not in it. A figure draws
 * only the states it has data of (the XRD waterfall those with a pattern): by its position there,
 * "charged-1C" was orange in the Li figures and pink in the XRD waterfall of one study.
 */
export function stateIndexIn(order: readonly string[] | undefined, state: string, fallback: number): number {
  const i = order ? order.indexOf(state) : -1;
  return i >= 0 ? i : fallback;
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

/** Least space between two layer labels on one row, pt: closer, two labels read as one. */
export const LABEL_GAP_PT = 5;

/**
 * Vertical layer bands between y0 and y1 with their labels (formulae subscripted) above the plot,
 * kept within [minX, maxX] (the plot's width), on one row in stack order. Each label is centred
 * over its band where there is room; where thin layers crowd their labels, the labels are spread
 * along the row (spreadLabels) to keep LABEL_GAP_PT between neighbours, and a label pushed off
 * its band (neither within it nor centred over its middle half) is joined to the band's middle
 * by a short leader line (the row is then lifted to make room for the leaders). Labels are never stacked over one another: two
 * labels one above the other read as one two-line name ("HTL" over "Au"). Where the row cannot
 * hold every label, the labels of the thinnest layers are left out, one at a time.
 */
export function layerBands(bands: Band[], y0: number, y1: number, opts: { labelY?: number; fills?: readonly string[]; minX?: number; maxX?: number } = {}): string {
  const fills = opts.fills ?? LAYER_FILLS;
  const labelY = opts.labelY ?? y0 - 3;
  const lo = opts.minX ?? Math.min(...bands.map((b) => b.x0));
  const hi = opts.maxX ?? Math.max(...bands.map((b) => b.x1));
  const labels = bands.map((b) => {
    const shown = formulaNotation(b.label);
    return { shown, tw: textWidthPt(shown, TYPE.smallPt), mid: (b.x0 + b.x1) / 2, width: b.x1 - b.x0, cx: NaN, shownRow: false, leader: false };
  });
  // The thinnest layers give up their labels first, until the rest fit on the row.
  const kept = new Set(labels.map((_, i) => i));
  const need = (): number => [...kept].reduce((s, i) => s + labels[i].tw, 0) + Math.max(0, kept.size - 1) * LABEL_GAP_PT;
  while (kept.size && need() > hi - lo) {
    const thinnest = [...kept].reduce((a, b) => (labels[b].width < labels[a].width ? b : a));
    kept.delete(thinnest);
  }
  const idx = [...kept];
  const placed = spreadLabels(idx.map((i) => labels[i].mid), LABEL_GAP_PT, lo, hi, idx.map((i) => labels[i].tw));
  idx.forEach((i, k) => {
    const l = labels[i];
    l.cx = placed[k];
    l.shownRow = true;
    // Within its band (edges included), or centred over its middle half: it names the band by
    // standing over it. Pushed further aside, it points to it.
    const within = l.cx - l.tw / 2 >= bands[i].x0 - 0.01 && l.cx + l.tw / 2 <= bands[i].x1 + 0.01;
    l.leader = !within && Math.abs(l.cx - l.mid) > l.width / 4;
  });
  const withLeaders = labels.some((l) => l.leader);
  const rowY = withLeaders ? labelY - (TYPE.smallPt + 1) : labelY;
  const parts = bands.map((b, i) => {
    const l = labels[i];
    return (
      el('rect', { x: b.x0, y: y0, width: Math.max(0, b.x1 - b.x0), height: y1 - y0, fill: fills[i % fills.length], 'data-layer-band': b.role }) +
      (!l.shownRow
        ? ''
        : text(l.cx, rowY, l.shown, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt, 'data-layer-label': b.label }) +
          (l.leader ? el('line', { x1: l.cx, y1: rowY + 1.5, x2: l.mid, y2: y0, stroke: '#555', 'stroke-width': 0.5, 'data-layer-leader': b.label }) : ''))
    );
  });
  return el('g', { class: 'layer-bands' }, ...parts);
}

/**
 * Spreads label positions (sorted or not) so neighbours are at least `gap` apart, staying in
 * [lo, hi] where possible; returns new positions in the input order. With `widths` (each
 * label's extent along the axis) the positions are centres and `gap` is the space between the
 * labels' edges; [lo, hi] then bounds the edges, and the order of the input is kept.
 *
 * Labels that would overlap form a cluster, packed `gap` apart and centred on the mean of its
 * members' targets (then kept within [lo, hi]); clusters that come to overlap merge, until none
 * do. A label with room stays on its target: pushing every label when one at an end overflowed
 * moved a lone "Au" off its band onto the next.
 */
export function spreadLabels(positions: number[], gap: number, lo: number, hi: number, widths?: readonly number[]): number[] {
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const target = order.map((o) => o.p);
  const half = order.map((o) => (widths ? widths[o.i] / 2 : 0));
  const sep = (k: number): number => gap + half[k - 1] + half[k];
  const n = target.length;
  // Each label's offset from the first of its cluster, packed: offsetIn[k] − offsetIn[from].
  const packed = new Array<number>(n).fill(0);
  for (let k = 1; k < n; k++) packed[k] = packed[k - 1] + sep(k);
  /** The position of a cluster's first label: the best fit to its targets, kept in [lo, hi] (lo first where it cannot fit). */
  const place = (from: number, to: number): number => {
    let mean = 0;
    for (let k = from; k <= to; k++) mean += target[k] - (packed[k] - packed[from]);
    mean /= to - from + 1;
    const highest = hi - half[to] - (packed[to] - packed[from]);
    return Math.max(lo + half[from], Math.min(highest, mean));
  };
  const clusters: { from: number; to: number; start: number }[] = [];
  for (let k = 0; k < n; k++) {
    clusters.push({ from: k, to: k, start: place(k, k) });
    // Merge back while the newest cluster overlaps the one before it.
    while (clusters.length > 1) {
      const b = clusters[clusters.length - 1];
      const a = clusters[clusters.length - 2];
      const aEnd = a.start + (packed[a.to] - packed[a.from]);
      if (b.start - aEnd >= sep(b.from) - 1e-9) break;
      clusters.splice(clusters.length - 2, 2, { from: a.from, to: b.to, start: place(a.from, b.to) });
    }
  }
  const out = new Array<number>(n);
  for (const c of clusters) for (let k = c.from; k <= c.to; k++) out[k] = c.start + (packed[k] - packed[c.from]);
  const result = new Array<number>(positions.length);
  order.forEach((o, k) => (result[o.i] = out[k]));
  return result;
}

/** Length of a legend's line swatch, pt: long enough to show a dash pattern. */
const SWATCH_PT = 12;

export interface LegendEntry {
  label: string;
  colour: string;
  state?: string;
  /** Line dash of the entry (stroke-dasharray), as the plot draws it. */
  dash?: string;
  /** 'box': a filled square (an image or area behind the data) instead of a line. */
  swatch?: 'line' | 'box';
}

/** Width a one-column legend of these entries takes, pt. */
export function legendWidthPt(entries: LegendEntry[]): number {
  return SWATCH_PT + 3 + Math.max(0, ...entries.map((e) => textWidthPt(e.label, TYPE.smallPt)));
}

/** A legend: one swatch (line with the entry's dash, or box) and name per entry, in rows. */
export function legend(entries: LegendEntry[], x: number, y: number, opts: { columns?: number; columnWidthPt?: number } = {}): string {
  const columns = opts.columns ?? 1;
  const colW = opts.columnWidthPt ?? 60;
  const rowH = TYPE.smallPt + 2.5;
  return el(
    'g',
    { class: 'legend' },
    ...entries.map((e, i) => {
      const ex = x + (i % columns) * colW;
      const ey = y + Math.floor(i / columns) * rowH;
      const swatch =
        e.swatch === 'box'
          ? el('rect', { x: ex + SWATCH_PT / 2 - 3, y: ey - 5, width: 6, height: 6, fill: e.colour, stroke: '#000', 'stroke-width': 0.3 })
          : el('line', { x1: ex, x2: ex + SWATCH_PT, y1: ey - 2, y2: ey - 2, stroke: e.colour, 'stroke-width': 1.4, 'stroke-dasharray': e.dash || undefined });
      return el('g', { 'data-legend': e.label, 'data-state': e.state }, swatch, text(ex + SWATCH_PT + 3, ey, e.label, { 'font-size': TYPE.smallPt }));
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
