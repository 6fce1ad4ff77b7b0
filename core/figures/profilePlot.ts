/**
 * Depth profiles of several states in one plot: a line per state with its ±σ band, layer bands
 * labelled above the plot, and optionally a backdrop (the SEM cross-section) behind the data.
 * Used by Fig. 4's profile panel (x = sputter time) and its SEM overlay (x = depth).
 */
import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';
import { axisBottom, axisLeft } from './axes.js';
import { el, TYPE } from './svg.js';
import { layerBands, legend, legendWidthPt, stateColour, stateDash, type LegendEntry } from './style.js';

export interface ProfileSeries {
  state: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  sigma: ArrayLike<number>;
  /** The state's position in the study, for its colour and dash (default: its place in the series). */
  stateIndex?: number;
}

export interface LayerSpan {
  role: string;
  label: string;
  start: number;
  end: number;
}

/** Space around the plot area for ticks, titles and two rows of layer labels, pt. */
export const PLOT_MARGIN = { left: 30, right: 4, top: 2 * TYPE.smallPt + 6, bottom: 24 } as const;

export interface ProfilePlotOptions {
  /** Outer box of the plot (axes and labels inside it), pt. */
  x: number;
  y: number;
  widthPt: number;
  heightPt: number;
  xDomain: [number, number];
  yDomain: [number, number];
  xLabel: string;
  yLabel: string;
  layers: LayerSpan[];
  clipId: string;
  /** Markup drawn behind the data, given the plot area in pt. */
  backdrop?: (area: { x: number; y: number; width: number; height: number }) => string;
  /** What the backdrop shows, for the legend (e.g. `SEM: pristine`). */
  backdropLabel?: string;
  /** Layer bands are filled unless a backdrop shows the layers itself. */
  fillLayers?: boolean;
  /**
   * The interfaces of states whose layers are not the bands' (x positions): ticked inside the
   * plot's top edge in the state's colour where they lie apart from the bands' boundaries, so a
   * state whose layers sit elsewhere shows where (one set of bands stands for all states).
   */
  otherInterfaces?: { state: string; stateIndex: number; at: number[] }[];
}

/** Length of an interface tick, pt; ticks closer than MIN_TICK_APART_PT to a band boundary are left out (they would sit on it). */
const INTERFACE_TICK_PT = 4;
const MIN_TICK_APART_PT = 1;

export function profilePlot(series: ProfileSeries[], o: ProfilePlotOptions): string {
  const px0 = o.x + PLOT_MARGIN.left;
  const px1 = o.x + o.widthPt - PLOT_MARGIN.right;
  const py0 = o.y + PLOT_MARGIN.top;
  const py1 = o.y + o.heightPt - PLOT_MARGIN.bottom;
  const xs = scaleLinear().domain(o.xDomain).range([px0, px1]);
  const ys = scaleLinear().domain(o.yDomain).range([py1, py0]);
  const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));
  const bands = o.layers
    .map((l) => ({ role: l.role, label: l.label, x0: clamp(xs(l.start), px0, px1), x1: clamp(xs(l.end), px0, px1) }))
    .filter((b) => b.x1 - b.x0 > 0.5);
  const fill = o.fillLayers ?? !o.backdrop;
  const areaBox = { x: px0, y: py0, width: px1 - px0, height: py1 - py0 };
  const boundaries = o.backdrop
    ? bands.slice(1).map((b) => el('line', { x1: b.x0, x2: b.x0, y1: py0, y2: py1, stroke: '#fff', 'stroke-width': 0.6, 'stroke-dasharray': '2 1.5', 'data-layer-boundary': b.role }))
    : [];
  const boundaryXs = bands.slice(1).map((b) => b.x0);
  const ticks = (o.otherInterfaces ?? []).flatMap((other) =>
    other.at
      .map((at) => xs(at))
      .filter((x) => x > px0 && x < px1 && boundaryXs.every((b) => Math.abs(b - x) >= MIN_TICK_APART_PT))
      .map((x) => el('line', { x1: x, x2: x, y1: py0, y2: py0 + INTERFACE_TICK_PT, stroke: stateColour(other.state, other.stateIndex), 'stroke-width': 1, 'data-interface-of': other.state })),
  );
  const lines = series.map((s, i) => {
    const idx = Array.from({ length: s.x.length }, (_, k) => k).filter((k) => Number.isFinite(s.x[k]) && Number.isFinite(s.y[k]));
    const colour = stateColour(s.state, s.stateIndex ?? i);
    const dash = stateDash(s.state, s.stateIndex ?? i) || undefined;
    const bandPath = area<number>()
      .x((k) => xs(s.x[k]))
      .y0((k) => ys(s.y[k] - (Number.isFinite(s.sigma[k]) ? s.sigma[k] : 0)))
      .y1((k) => ys(s.y[k] + (Number.isFinite(s.sigma[k]) ? s.sigma[k] : 0)))(idx);
    const linePath = line<number>()
      .x((k) => xs(s.x[k]))
      .y((k) => ys(s.y[k]))(idx);
    return el(
      'g',
      { 'data-series': s.state, 'data-state': s.state },
      el('path', { d: bandPath ?? '', fill: colour, 'fill-opacity': 0.3, stroke: 'none', class: 'sigma-band' }),
      // A white halo keeps the line readable over an SEM image or a dark band.
      o.backdrop ? el('path', { d: linePath ?? '', fill: 'none', stroke: '#fff', 'stroke-width': 2, 'stroke-linejoin': 'round' }) : '',
      el('path', { d: linePath ?? '', fill: 'none', stroke: colour, 'stroke-width': 1, 'stroke-linejoin': 'round', 'stroke-dasharray': dash }),
    );
  });
  const entries: LegendEntry[] = series.map((s, i) => ({ label: s.state, colour: stateColour(s.state, s.stateIndex ?? i), dash: stateDash(s.state, s.stateIndex ?? i), state: s.state }));
  if (o.backdrop && o.backdropLabel) entries.push({ label: o.backdropLabel, colour: '#888', swatch: 'box' });
  const legendW = legendWidthPt(entries) + 4;
  return el(
    'g',
    { class: 'profile-plot' },
    el('defs', {}, el('clipPath', { id: o.clipId }, el('rect', areaBox))),
    layerBands(bands, py0, py1, { fills: fill ? undefined : ['none'], minX: px0, maxX: px1 }),
    o.backdrop ? el('g', { 'clip-path': `url(#${o.clipId})` }, o.backdrop(areaBox)) : '',
    ...boundaries,
    el('g', { 'clip-path': `url(#${o.clipId})` }, ...lines),
    ...ticks,
    el('rect', { ...areaBox, fill: 'none', stroke: '#000', 'stroke-width': 0.5 }),
    axisBottom(xs, py1, { label: o.xLabel, ticks: Math.max(3, Math.round((px1 - px0) / 45)) }),
    axisLeft(ys, px0, { label: o.yLabel, ticks: 4, titleOffsetPt: 22 }),
    el('rect', { x: px1 - legendW - 2, y: py0 + 2, width: legendW, height: entries.length * (TYPE.smallPt + 2.5) + 3, fill: '#fff', 'fill-opacity': 0.85, stroke: 'none' }),
    legend(entries, px1 - legendW, py0 + 3 + TYPE.smallPt),
  );
}
