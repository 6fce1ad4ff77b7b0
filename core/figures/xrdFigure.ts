/**
 * XRD waterfall of the states (the paper's Fig. 2a): traces lifted by an offset, first state
 * at the bottom, each labelled right of the plot at the height where its trace ends (the labels
 * spread apart where traces end close together); reference sticks of the phases in rows under
 * the traces; masked ranges (the wafer's Si 400: each trace's as its analysis masked them)
 * shaded and named; where given, a marker above each fitted peak in its phase's stick colour
 * and symbol (the stick rows' names, each with its symbol, are the legend). The traces come from `prepareWaterfall` (core/xrd), run on intensities
 * already put on the chosen scale.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { formulaNotation } from '../model/formula.js';
import { maskLabels, type MaskRange } from '../xrd/mask.js';
import { traceMasks, type WaterfallData } from '../xrd/waterfall.js';
import { markerSymbol, markerSymbolPath, UNASSIGNED_MARKER_COLOUR, unassignedTickPath } from './peakMarkerSymbols.js';
import { axisBottom } from './axes.js';
import { spreadLabels, stateColour, stateIndexIn, stickColours, textWidthPt, wrapText } from './style.js';
import { el, figureRoot, num, panel, PT_PER_MM, text, TYPE } from './svg.js';

export type IntensityScale = 'linear' | 'sqrt' | 'log';

/** Puts raw intensities on the display scale (before the waterfall normalises them). */
export function scaleIntensity(values: ArrayLike<number>, scale: IntensityScale): Float64Array {
  const out = Float64Array.from(values);
  if (scale === 'sqrt') for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(Math.max(0, out[i]));
  // log10(1 + I): defined at zero counts, and ≈ log10 I where it matters.
  if (scale === 'log') for (let i = 0; i < out.length; i++) out[i] = Math.log10(1 + Math.max(0, out[i]));
  return out;
}

export const INTENSITY_LABELS: Record<IntensityScale, string> = {
  linear: 'Intensity (a.u., offset)',
  sqrt: '√Intensity (a.u., offset)',
  log: 'log₁₀ intensity (a.u., offset)',
};

export interface XrdFigureInput {
  data: WaterfallData;
  intensityScale: IntensityScale;
  /** Ranges shaded across the plot besides the traces' own masks (`data.traces[k].masks`). */
  masks?: readonly MaskRange[];
  widthMm: number;
  /** Names for the stick rows, by phase id (default each phase's display name, as the peak tables print it). */
  phaseLabels?: Record<string, string>;
  /** The study's states in order, for each trace's colour (stateIndexIn); default the traces' order. */
  stateOrder?: readonly string[];
  /**
   * The peaks the analysis fitted, by trace label (its state): each marked above its trace, in
   * its phase's stick colour and symbol. Absent (or a trace absent): no markers, the figure as before.
   */
  peaks?: Record<string, readonly XrdFigurePeak[]>;
}

/** What the figure reads of a fitted peak (report.json's `states[].xrd.peaks[]`). */
export interface XrdFigurePeak {
  twoThetaDeg: number;
  fwhmDeg?: number;
  phase: string | null;
  hkl?: string | null;
  phaseConfidence?: 'tentative';
}

/** Size of a peak marker, pt: legible at 85 mm, light beside the traces. */
const MARKER_PT = 3.5;
/** Gap between a marker and the trace under it, pt. */
const MARKER_GAP_PT = 1.5;
// The symbols live in peakMarkerSymbols.ts, shared with the workbench's XRD view; the glyph
// stays importable from here, beside the notes that name phases by it.
export { markerSymbol };

/** The given peaks of the figure's traces (those of a state without a trace are not drawn). */
const tracePeaks = (input: XrdFigureInput): XrdFigurePeak[] => input.data.traces.flatMap((t) => input.peaks?.[t.label] ?? []);

/**
 * figures.json's note on the peak markers (none where no peaks were given): which symbol is
 * which phase, and what open and grey ones mean.
 */
export function xrdFigureNotes(input: XrdFigureInput): string[] {
  const peaks = tracePeaks(input);
  if (!peaks.length) return [];
  const rows = input.data.sticks;
  const shown = rows.flatMap((row, r) => (peaks.some((p) => p.phase === row.phaseId) ? [`${markerSymbol(r)} ${input.phaseLabels?.[row.phaseId] ?? formulaNotation(row.phaseLabel ?? row.phaseId)}`] : []));
  // Only what the figure shows: no "open where tentative" on a figure without a tentative peak.
  const hasRow = (p: XrdFigurePeak): boolean => rows.some((row) => row.phaseId === p.phase);
  const grey = peaks.some((p) => !hasRow(p));
  return [
    [
      'markers above the traces: the peaks the analysis fitted',
      shown.length ? `, each in the colour and symbol of its assigned phase's reference sticks (${shown.join(', ')})` : '',
      peaks.some((p) => hasRow(p) && p.phaseConfidence === 'tentative') ? '; open where the assignment is tentative' : '',
      grey ? '; a grey tick where the peak is unassigned or its phase has no reference row' : '',
    ].join(''),
  ];
}

/**
 * A reference stick's height as a fraction of its phase's strongest (relative intensity 100),
 * on the traces' scale: on a √ or log plot linear sticks make weak reflections look weaker
 * than the trace shows them.
 */
function stickFraction(relIntensity: number, scale: IntensityScale): number {
  const [value, strongest] = scaleIntensity([relIntensity, 100], scale);
  return value / strongest;
}

/** A note as a sentence: capital first letter, full stop. */
const sentence = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;

/**
 * The level a trace ends at, right of the plot where its label goes: the mean of its last finite
 * points (a tenth of them, at least one and at most 50), so a noisy end does not move the label;
 * the trace's offset where it has none.
 */
export function traceEndLevel(y: ArrayLike<number>, offset: number): number {
  const finite: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) finite.push(y[i]);
  if (!finite.length) return offset;
  const n = Math.max(1, Math.min(50, Math.round(finite.length / 10)));
  return finite.slice(-n).reduce((a, b) => a + b, 0) / n;
}

export function xrdFigure(input: XrdFigureInput): string {
  const W = input.widthMm * PT_PER_MM;
  const { data } = input;
  const traceLabels = data.traces.map((t) => t.label);
  const phaseLabels = data.sticks.map((s) => input.phaseLabels?.[s.phaseId] ?? formulaNotation(s.phaseLabel ?? s.phaseId));
  // A stick row whose phase has markers shows its symbol before its name: the rows are the
  // legend. Before, not after: after the name it sat by the name's estimated width, off by a
  // few pt (touching "FePO₄", far from "austenite"). Where there are markers the rows' names
  // all move right by the symbol's column, so they stay aligned.
  const markedPhases = new Set(tracePeaks(input).map((p) => p.phase));
  const keyW = markedPhases.size ? MARKER_PT + 2 : 0;
  const rightW = Math.max(...[...traceLabels.map((l) => textWidthPt(l, TYPE.smallPt)), ...phaseLabels.map((l) => keyW + textWidthPt(l, TYPE.smallPt))], 20) + 6;
  const m = { left: 18, right: rightW, top: 14, bottom: 26 };
  const plotH = Math.max(150, Math.min(260, W * 0.55));
  // Under the axis: why no reference rows are drawn (the stack's materials have no reference phases).
  // Its materials' formulae subscripted, as every label and note of the figures writes them ("SnO2" read as a typo).
  const phaseNote = data.phaseNote ? formulaNotation(data.phaseNote) : undefined;
  const noteLines = phaseNote ? wrapText(sentence(phaseNote), W - m.left - 4) : [];
  const noteH = noteLines.length ? noteLines.length * (TYPE.smallPt + 1.5) + 2 : 0;
  const H = plotH + m.top + m.bottom + noteH;
  const x0 = m.left;
  const x1 = W - m.right;
  const y0 = m.top;
  const y1 = m.top + plotH;
  const xs = scaleLinear().domain(data.twoThetaRangeDeg).range([x0, x1]);
  const [yMin, yMax] = data.yRange;
  // Room above the top trace for its peaks' markers, only where there are markers.
  const hasMarkers = tracePeaks(input).length > 0;
  const ys = scaleLinear().domain([yMin - 0.05, yMax + 0.08]).range([y1, hasMarkers ? y0 + MARKER_PT + MARKER_GAP_PT : y0]);
  const parts: string[] = [el('defs', {}, el('clipPath', { id: 'clip-xrd' }, el('rect', { x: x0, y: y0, width: x1 - x0, height: y1 - y0 })))];
  const masks = traceMasks(data.traces, input.masks);
  const shade = (mask: MaskRange, top: number, bottom: number, state?: string): void => {
    const a = Math.max(x0, xs(mask.fromDeg));
    const b = Math.min(x1, xs(mask.toDeg));
    if (b <= a) return;
    const name = (mask.label ?? '').replace(/\s*substrate\s*$/i, '');
    parts.push(el('g', { 'data-mask': name || 'masked', 'data-mask-state': state }, el('rect', { x: a, y: top, width: b - a, height: bottom - top, fill: '#dddddd' })));
  };
  for (const mask of masks.shared) shade(mask, y0, y1);
  // A mask of some traces only, over each of them alone (from its offset up to the next trace's):
  // across the plot it would mark as masked a trace drawn through it.
  masks.own.forEach((own, k) => {
    const top = k + 1 < data.traces.length ? ys(data.traces[k + 1].offset) : y0;
    for (const mask of own) shade(mask, top, ys(data.traces[k].offset), data.traces[k].label);
  });
  // One label per cluster of masks ("Si (400) + Kβ, Ni edge, masked"), kept inside the plot;
  // "Si (400), masked", not "Si (400) (masked)", whose second pair of brackets read as a typo.
  for (const label of maskLabels(masks.all)) {
    const a = Math.max(x0, xs(label.fromDeg));
    const b = Math.min(x1, xs(label.toDeg));
    if (b <= a) continue;
    const halfWidth = (label.text.length * TYPE.smallPt * 0.55) / 2;
    const centre = Math.min(x1 - halfWidth, Math.max(x0 + halfWidth, (a + b) / 2));
    parts.push(text(centre, y0 - 3, label.text, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt, 'data-mask-label': label.text }));
  }
  // Separator between traces and the reference rows.
  if (data.sticks.length) {
    const ySep = ys(-0.04);
    parts.push(el('line', { x1: x0, x2: x1, y1: ySep, y2: ySep, stroke: '#999', 'stroke-width': 0.4 }));
  }
  // Labels right of the plot: a trace's at the level its trace ends at (the mean of its last
  // finite points, so noise does not move it), a stick row's at its baseline; then spread so
  // that no two touch, in one pass over both kinds (a low trace ends near the first row).
  const labelH = TYPE.smallPt + 1;
  const anchors = [
    ...data.traces.map((t) => ys(traceEndLevel(t.y, t.offset))),
    ...data.sticks.map((row) => ys(row.baseline) - TYPE.smallPt * 0.35),
  ];
  const placed = spreadLabels(anchors, labelH, y0 + TYPE.smallPt * 0.35, y1 + m.bottom - labelH);
  const baselineOf = (k: number): number => placed[k] + TYPE.smallPt * 0.35;
  const traceColours = data.traces.map((t, i) => stateColour(t.label, stateIndexIn(input.stateOrder, t.label, i)));
  const sticksPalette = stickColours(new Set(traceColours));
  data.traces.forEach((t, i) => {
    const idx = Array.from({ length: t.twoThetaDeg.length }, (_, k) => k);
    const path = line<number>()
      .defined((k) => Number.isFinite(t.y[k]))
      .x((k) => xs(t.twoThetaDeg[k]))
      .y((k) => ys(t.y[k]))(idx);
    const colour = traceColours[i];
    parts.push(
      el('g', { 'data-trace': t.label, 'data-state': t.label, 'data-offset': t.offset },
        el('path', { d: path ?? '', fill: 'none', stroke: colour, 'stroke-width': 0.7, 'stroke-linejoin': 'round', 'clip-path': 'url(#clip-xrd)' }),
        text(x1 + 3, baselineOf(i), t.label, { 'font-size': TYPE.smallPt, fill: colour, 'data-state-label': t.label })),
    );
  });
  data.traces.forEach((t, i) => {
    const peaks = input.peaks?.[t.label];
    if (peaks?.length) parts.push(peakMarkers(t, peaks, i));
  });
  /** Markers over one trace's fitted peaks, in the group `data-peak-markers`. */
  function peakMarkers(t: WaterfallData['traces'][number], peaks: readonly XrdFigurePeak[], i: number): string {
    const rowOf = new Map(data.sticks.map((row, r) => [row.phaseId, r]));
    const placed: { x: number; y: number }[] = [];
    const marks = [...peaks]
      .filter((p) => p.twoThetaDeg >= data.twoThetaRangeDeg[0] && p.twoThetaDeg <= data.twoThetaRangeDeg[1])
      .sort((a, b) => a.twoThetaDeg - b.twoThetaDeg)
      .map((p) => {
        // The trace's top near the peak (its noise included), over half the peak's width each
        // side: on the fitted apex alone a marker would sit in the noise.
        const half = Math.min(1, Math.max(0.1, (p.fwhmDeg ?? 0.2) / 2));
        let top = -Infinity;
        for (let k = 0; k < t.twoThetaDeg.length; k++) if (Math.abs(t.twoThetaDeg[k] - p.twoThetaDeg) <= half && Number.isFinite(t.y[k])) top = Math.max(top, t.y[k]);
        if (top === -Infinity) return ''; // masked there: nothing to mark on
        const x = xs(p.twoThetaDeg);
        let y = ys(top) - MARKER_GAP_PT - MARKER_PT / 2;
        // Peaks closer than a marker: the later one stacked above the other, each on its own 2θ.
        for (const q of placed) if (Math.abs(q.x - x) < MARKER_PT + 0.5 && Math.abs(q.y - y) < MARKER_PT + 0.5) y = Math.min(y, q.y - MARKER_PT - 0.5);
        placed.push({ x, y });
        const r = p.phase === null ? undefined : rowOf.get(p.phase);
        const attrs = { transform: `translate(${num(x)},${num(y)})`, 'data-peak-deg': p.twoThetaDeg, 'data-peak-phase': p.phase ?? 'unassigned', 'data-hkl': p.hkl ?? undefined, 'data-tentative': p.phaseConfidence === 'tentative' ? 'true' : undefined };
        // Unassigned (or a phase without a row to name it): a neutral grey tick.
        if (r === undefined) return el('path', { ...attrs, d: unassignedTickPath(MARKER_PT / 2), stroke: UNASSIGNED_MARKER_COLOUR, 'stroke-width': 0.6, fill: 'none' });
        const colour = sticksPalette[r % sticksPalette.length];
        const tentative = p.phaseConfidence === 'tentative';
        // Tentative: open (white inside, so the trace does not show through as if filled).
        return el('path', { ...attrs, d: markerSymbolPath(r, MARKER_PT / 2), fill: tentative ? '#ffffff' : colour, stroke: colour, 'stroke-width': tentative ? 0.6 : 0.3 });
      });
    return el('g', { 'data-peak-markers': t.label, 'data-trace-index': i }, ...marks);
  }
  data.sticks.forEach((row, r) => {
    const colour = sticksPalette[r % sticksPalette.length];
    // prepareWaterfall makes a stick's height linear in its relative intensity; it is redrawn
    // on the traces' scale, the strongest keeping its height.
    const top = (s: (typeof row.sticks)[number]): number =>
      s.relIntensity > 0 ? row.baseline + ((s.top - row.baseline) * stickFraction(s.relIntensity, input.intensityScale)) / (s.relIntensity / 100) : row.baseline;
    const d = row.sticks.map((s) => `M${num(xs(s.twoThetaDeg))},${num(ys(row.baseline))}V${num(ys(top(s)))}`).join('');
    parts.push(
      el('g', { 'data-phase': row.phaseId, 'data-sticks': row.sticks.length },
        // Mid grey at 0.5 pt: finer or lighter baselines vanish in print.
        el('line', { x1: x0, x2: x1, y1: ys(row.baseline), y2: ys(row.baseline), stroke: '#888', 'stroke-width': 0.5 }),
        el('path', { d, stroke: colour, 'stroke-width': 0.9, fill: 'none' }),
        text(x1 + 3 + keyW, baselineOf(data.traces.length + r), phaseLabels[r], { 'font-size': TYPE.smallPt, fill: colour, 'data-phase-label': row.phaseId }),
        markedPhases.has(row.phaseId)
          ? el('path', {
              transform: `translate(${num(x1 + 3 + MARKER_PT / 2)},${num(baselineOf(data.traces.length + r) - TYPE.smallPt * 0.35)})`,
              d: markerSymbolPath(r, MARKER_PT / 2),
              fill: colour,
              'data-phase-key': row.phaseId,
            })
          : ''),
    );
  });
  parts.push(el('rect', { x: x0, y: y0, width: x1 - x0, height: y1 - y0, fill: 'none', stroke: '#000', 'stroke-width': 0.5 }));
  parts.push(axisBottom(xs, y1, { label: `2θ (°, ${data.radiation})`, ticks: Math.max(4, Math.round((x1 - x0) / 50)) }));
  if (noteLines.length) {
    parts.push(el('g', { 'data-phase-note': data.phaseNote }, ...noteLines.map((l, k) => text(x0, y1 + m.bottom + (k + 1) * (TYPE.smallPt + 1.5), l, { 'font-size': TYPE.smallPt, fill: '#333' }))));
  }
  // No intensity ticks: the traces are normalised and offset, numbers would mislead.
  const ty = (y0 + y1) / 2;
  parts.push(el('text', { x: 9, y: ty, transform: `rotate(-90 9 ${num(ty)})`, 'text-anchor': 'middle', 'font-size': TYPE.labelPt, class: 'axis-label' }, INTENSITY_LABELS[input.intensityScale]));
  return figureRoot(input.widthMm, H / PT_PER_MM, el('g', { 'data-figure': 'xrd', 'data-intensity-scale': input.intensityScale, 'data-states': traceLabels.join(',') }, panel(0, 0, 'xrd-waterfall', ...parts)), {
    title: 'XRD patterns of the states (waterfall)',
    description: `${traceLabels.join(', ')}; ${INTENSITY_LABELS[input.intensityScale]}; ${phaseLabels.length ? `reference phases ${phaseLabels.join(', ')}` : 'no reference phases'}${phaseNote ? ` (${phaseNote})` : ''}`,
  });
}
