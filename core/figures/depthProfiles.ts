/**
 * The depth profiles of the states, the most basic ToF-SIMS figure: one panel per state
 * (stacked in one column, or side by side where the width allows) on one log axis of counts and
 * one x axis where the states' depths are alike (each its own where not: shareXAxis), each chosen ion's
 * counts on a log scale against depth (nm, where the report calibrates it) or sputter time, the
 * report's layers as bands named above each panel, one legend for all. The ions are the analyte
 * and the stack's marker ions (chooseProfileIons), at most eight: each has its own colour and
 * dash, so they part in a greyscale print too. Pure: data in, SVG string out.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { findIon, ionKey, ionNotation, type IonChannel } from '../model/ions.js';
import { axisBottom, axisLeftLog, tickFormatter } from './axes.js';
import { OKABE_ITO } from './colormaps.js';
import type { LayerSpan } from './profilePlot.js';
import { pooledMax, pooledQuantile } from './stats.js';
import { layerBands, legend, legendWidthPt, LINE_DASHES, textWidthPt, type LegendEntry } from './style.js';
import { el, figureRoot, num, panelLetter, PT_PER_MM, text, TYPE } from './svg.js';

/** An ion drawn in every panel: the data's label, and what it stands for. */
export interface ProfileIon {
  /** The ion's label as the data write it (`PO_2-`); drawn in ion notation (PO₂⁻). */
  label: string;
  kind: 'analyte' | 'marker';
  /** Labels of the layers it marks (stack order), for the figure's notes. */
  marks: string[];
}

export interface ProfilesPanel {
  state: string;
  /** Depth (nm) or sputter time (s) of each point, as the figure's axis says. */
  x: ArrayLike<number>;
  /** Per ion of the input's `ions`, in that order: its value at each point; null where this state's data lack it. */
  values: (ArrayLike<number> | null)[];
  /** The report's layers of the state, on the same axis. */
  layers: LayerSpan[];
  /**
   * What this state's depth axis rests on (the report's `depthCalibration`): SEM thicknesses of
   * the state, or nominal ones. Where given, the panel's x title says it (states of one study may
   * differ: one with an SEM cross-section, one without).
   */
  depthCalibration?: 'sem' | 'nominal' | 'none';
}

export interface ProfilesFigureInput {
  panels: ProfilesPanel[];
  ions: ProfileIon[];
  axis: 'depth' | 'time';
  /**
   * The depth comes from nominal thicknesses (not measured ones) in at least one panel. Only
   * read where the panels do not say their own `depthCalibration`: the title then says that the
   * depth is nominal where no SEM gave it, which holds whether some or all panels are nominal.
   */
  nominalDepth?: boolean;
  /** What the counts were divided by, scan by scan (the study's normalisation). Default: nothing. */
  normalization?: { mode: 'none' | 'tic' | 'reference'; referenceIon?: string };
  widthMm: number;
  title?: string;
}

/** The most curves a panel holds: more do not part in greyscale, nor in a legend one reads at a glance. */
export const MAX_PROFILE_IONS = 8;

/** Colours of the curves in order: black first (the analyte), then Okabe–Ito without its yellow (lost on white). */
const CURVE_COLOURS = ['#000000', OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5], '#777777'] as const;

/** The i-th curve's look: colour, dash (LINE_DASHES: solid first) and width (the analyte a little heavier). */
export function profileCurveStyle(i: number, kind: ProfileIon['kind']): { colour: string; dash: string; widthPt: number } {
  return { colour: CURVE_COLOURS[i % CURVE_COLOURS.length], dash: LINE_DASHES[i % LINE_DASHES.length], widthPt: kind === 'analyte' ? 1.1 : 0.8 };
}

/** Element and charge of an ion, without its mass number: ⁶Li⁻ and Li⁻ are one element's. */
const elementKey = (label: string): string => ionKey(label).replace(/^\d+/, '');

/**
 * The ions worth drawing, chosen from the states' data: the analyte (where the data hold it),
 * then the layers' marker ions in rounds, top-down — each layer's first marker the data hold,
 * then each layer's second, and so on — skipping a layer that already has as many drawn ions
 * marking it as the round's number (the lower steel collector, marked by the ions of the upper
 * one), another isotope of an ion already drawn (²⁵Mg⁺ beside Mg⁺) and `exclude` (the reference
 * ion the others are divided by), until `max`. A label is the first state's spelling that has it.
 */
export function chooseProfileIons(
  available: readonly (readonly IonChannel[])[],
  layers: readonly { label: string; markerIons: readonly string[] }[],
  opts: { analyte?: string; exclude?: readonly string[]; max?: number } = {},
): ProfileIon[] {
  const max = opts.max ?? MAX_PROFILE_IONS;
  const excluded = new Set((opts.exclude ?? []).map(elementKey));
  const inData = (query: string): string | null => {
    for (const ions of available) {
      const i = findIon(ions, query);
      if (i >= 0 && ions[i].label.trim().toLowerCase() !== 'total') return ions[i].label;
    }
    return null;
  };
  const marks = (label: string): string[] => layers.filter((l) => l.markerIons.some((m) => ionKey(m) === ionKey(label))).map((l) => l.label);
  const chosen: ProfileIon[] = [];
  const taken = new Set<string>();
  const take = (label: string, kind: ProfileIon['kind']): void => {
    chosen.push({ label, kind, marks: marks(label) });
    taken.add(elementKey(label));
  };
  if (opts.analyte) {
    const label = inData(opts.analyte);
    if (label && !excluded.has(elementKey(label))) take(label, 'analyte');
  }
  const rounds = Math.max(0, ...layers.map((l) => l.markerIons.length));
  for (let round = 0; round < rounds && chosen.length < max; round++) {
    for (const layer of layers) {
      if (chosen.length >= max) break;
      const drawn = chosen.filter((c) => layer.markerIons.some((m) => ionKey(m) === ionKey(c.label))).length;
      if (drawn > round) continue;
      for (const m of layer.markerIons) {
        const label = inData(m);
        if (!label || taken.has(elementKey(label)) || excluded.has(elementKey(label))) continue;
        take(label, 'marker');
        break;
      }
    }
  }
  return chosen;
}

/** The y axis's title: what the curves are (counts, or counts divided by the total or a reference ion). */
export function profilesYLabel(normalization: ProfilesFigureInput['normalization']): string {
  if (normalization?.mode === 'tic') return 'Ion counts / total';
  if (normalization?.mode === 'reference' && normalization.referenceIon) return `Ion counts / ${ionNotation(normalization.referenceIon)}`;
  // Per scan, as the curves are drawn: "Ion counts" alone read as the total of the profile.
  return 'Ion counts per scan';
}

/** The x axis's title: depth (nm; from nominal thicknesses when so) or sputter time. */
export function profilesXLabel(input: Pick<ProfilesFigureInput, 'axis' | 'nominalDepth'>, panel?: Pick<ProfilesPanel, 'depthCalibration'>): string {
  if (input.axis === 'time') return 'Sputter time (s)';
  if (panel?.depthCalibration === 'sem') return 'Depth (nm, SEM thicknesses)';
  if (panel?.depthCalibration === 'nominal') return 'Depth (nm, nominal thicknesses)';
  // Without a panel's own word, `nominalDepth` says only that some panel is nominal.
  return input.nominalDepth ? 'Depth (nm, nominal where no SEM)' : 'Depth (nm)';
}

/**
 * Least ratio of the shallowest state's x extent to the deepest one's at which the panels share
 * one x axis. States of one cell measured alike (pristine, charged, discharged: depths within
 * ~20 % of each other) are read against each other at the same depth, so they share it; where
 * one state reaches less than two thirds of another's depth (a profile stopped early, another
 * cell, a stack calibrated otherwise: 950 nm beside 3100 nm), a shared axis would squeeze that
 * state's panel into less than two thirds of its width, and each panel gets its own range.
 */
export const SHARED_X_MIN_RATIO = 2 / 3;

/** Whether panels whose data reach these x maxima share one x axis (see SHARED_X_MIN_RATIO). */
export function shareXAxis(maxima: readonly number[]): boolean {
  const ok = maxima.filter((m) => Number.isFinite(m) && m > 0);
  if (ok.length < 2) return true;
  return Math.min(...ok) / Math.max(...ok) >= SHARED_X_MIN_RATIO;
}

/** Room left of the first column's plot for the decade labels and the rotated title, pt. */
const AXIS_W = 34;
/** Least space between columns (the y axis is shared), pt: more where a panel's last depth number reaches past its edge. */
const COL_GAP = 9;
/** Narrowest plot that keeps five layer names and the depth ticks legible, pt. */
const MIN_PLOT_W = 140;
const HEADER_H = TYPE.panelLetterPt + 4;
/** Two rows of layer names above the plot. */
const LABELS_H = 2 * TYPE.smallPt + 5;
const X_TICKS_H = TYPE.basePt + 5;
const X_TITLE_H = TYPE.labelPt + 4;
const ROW_GAP = 4;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The log axis's decades: from the 1 % quantile of the drawn values to above their largest, at most 7 decades. */
function logDomain(arrays: ArrayLike<number>[]): [number, number] {
  const positive = arrays.map((a) => Float64Array.from(a, (v) => (v > 0 ? v : NaN)));
  const top = pooledMax(positive);
  const low = pooledQuantile(positive, 0.01);
  if (!(top > 0) || !(low > 0)) return [1, 10];
  // Room above the highest curve: a plateau just under a decade would run along the frame.
  const hi = Math.ceil(Math.log10(top * 1.25));
  let lo = Math.floor(Math.log10(low));
  lo = Math.max(lo, hi - 7);
  if (lo >= hi) lo = hi - 1;
  return [10 ** lo, 10 ** hi];
}

function maxFinite(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] > m) m = values[i];
  return m;
}

export function profilesFigure(input: ProfilesFigureInput): string {
  const W = input.widthMm * PT_PER_MM;
  const panels = input.panels;
  const n = panels.length;
  const cols = Math.max(1, Math.min(n, Math.floor((W - AXIS_W - 2 + COL_GAP) / (MIN_PLOT_W + COL_GAP))));
  const rows = Math.ceil(n / cols);
  // x: from 0 to the deepest point, shared by the panels where their depths are alike
  // (shareXAxis), else each panel's own; y over the decades of every curve.
  const maxima = panels.map((p) => maxFinite(p.x));
  const shared = shareXAxis(maxima);
  const domainOf = (m: number): [number, number] => [0, m > 0 ? m : 1];
  const xDomains: [number, number][] = shared ? panels.map(() => domainOf(Math.max(...maxima))) : maxima.map(domainOf);
  const xLabels = panels.map((p) => profilesXLabel(input, p));
  // Each panel carries its own x numbers and title where the ranges or the depth scales differ;
  // else a column's lowest panel carries them for the column.
  const ownXAxis = !shared || new Set(xLabels).size > 1;
  const xTicks = (w: number): number => Math.max(3, Math.round(w / 45));
  // Room right of the last column for its last tick's number, where that tick ends the axis; and
  // between columns, for that number and the next panel's "0" (each panel's own range often ends
  // on a round depth: "1000" ran into the next panel's "0" and read "10000").
  let rightPad = 2;
  let colGap = COL_GAP;
  for (let pass = 0; pass < 2; pass++) {
    const w = (W - AXIS_W - rightPad - (cols - 1) * colGap) / cols;
    let overhang = 0;
    for (const d of xDomains) {
      const s = scaleLinear().domain(d).range([0, w]);
      const last = s.ticks(xTicks(w)).pop() ?? 0;
      overhang = Math.max(overhang, textWidthPt(tickFormatter(s, xTicks(w))(last)) / 2 - (w - s(last)));
    }
    rightPad = Math.max(2, overhang + 1);
    colGap = Math.max(COL_GAP, overhang + textWidthPt('0') / 2 + 3);
  }
  const plotW = (W - AXIS_W - rightPad - (cols - 1) * colGap) / cols;
  // Stacked panels are flatter: three states in one column stay within a page's height.
  const plotH = Math.max(80, Math.min(130, plotW * (cols === 1 && n > 1 ? 0.33 : 0.45)));
  const styles = input.ions.map((ion, i) => profileCurveStyle(i, ion.kind));

  // Legend on top, across the width: it hides no curve.
  const entries: LegendEntry[] = input.ions.map((ion, i) => ({ label: ionNotation(ion.label), colour: styles[i].colour, dash: styles[i].dash }));
  const colW = legendWidthPt(entries) + 8;
  // As few rows as the width allows, the entries spread evenly over them (no lone last entry).
  const legendRows = Math.ceil(entries.length / Math.max(1, Math.floor((W - AXIS_W) / colW)));
  const legendCols = Math.max(1, Math.ceil(entries.length / legendRows));
  const rowH = TYPE.smallPt + 2.5;
  const parts: string[] = [legend(entries, AXIS_W, 2 + TYPE.smallPt, { columns: legendCols, columnWidthPt: colW })];
  let y = 2 + legendRows * rowH + 2;

  const ys = scaleLog().domain(logDomain(panels.flatMap((p) => p.values.filter((v): v is ArrayLike<number> => v !== null)))).range([plotH, 0]);
  const yLabel = profilesYLabel(input.normalization);

  for (let r = 0; r < rows; r++) {
    // A column's lowest panel carries the x tick labels and title (the axis is shared).
    const bottomOf = (c: number): boolean => ownXAxis || r === rows - 1 || (r + 1) * cols + c >= n;
    const anyBottom = Array.from({ length: cols }, (_, c) => r * cols + c < n && bottomOf(c)).some(Boolean);
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (i >= n) continue;
      const p = panels[i];
      const xs = scaleLinear().domain(xDomains[i]).range([0, plotW]);
      const x0 = AXIS_W + c * (plotW + colGap);
      const top = HEADER_H + LABELS_H;
      const bottom = bottomOf(c);
      const clipId = `clip-profiles-${i}`;
      const area = { x: 0, y: top, width: plotW, height: plotH };
      const clamp = (v: number): number => Math.max(0, Math.min(plotW, v));
      const bands = p.layers.map((l) => ({ role: l.role, label: l.label, x0: clamp(xs(l.start)), x1: clamp(xs(l.end)) })).filter((b) => b.x1 - b.x0 > 0.5);
      const curves = input.ions.map((ion, k) => {
        const v = p.values[k];
        if (!v) return '';
        const idx = Array.from({ length: Math.min(v.length, p.x.length) }, (_, j) => j);
        const d = line<number>()
          .defined((j) => v[j] > 0 && Number.isFinite(v[j]) && Number.isFinite(p.x[j]))
          .x((j) => xs(p.x[j]))
          .y((j) => top + ys(v[j]))(idx);
        return el('path', { d: d ?? '', fill: 'none', stroke: styles[k].colour, 'stroke-width': styles[k].widthPt, 'stroke-dasharray': styles[k].dash || undefined, 'stroke-linejoin': 'round', 'data-ion': ion.label, 'data-state': p.state });
      });
      const titleX = n > 1 ? TYPE.panelLetterPt + 2 : 0;
      parts.push(
        el('g', {
          transform: `translate(${num(x0)},${num(y)})`,
          'data-panel': `profiles-${p.state}`,
          // The panel's x range and what its depth rests on, for readers of the SVG (and tests).
          'data-x-domain': xDomains[i].map((v) => +v.toPrecision(6)).join(','),
          'data-depth-scale': input.axis === 'depth' ? (p.depthCalibration ?? (input.nominalDepth ? 'partly-nominal' : 'unspecified')) : undefined,
        },
          n > 1 ? panelLetter(0, TYPE.panelLetterPt, LETTERS[i % LETTERS.length]) : '',
          text(titleX, TYPE.panelLetterPt, p.state, { 'data-state-title': p.state }),
          el('defs', {}, el('clipPath', { id: clipId }, el('rect', area))),
          el('g', { transform: `translate(0,${top})` }, layerBands(bands, 0, plotH, { minX: 0, maxX: plotW })),
          el('g', { 'clip-path': `url(#${clipId})`, 'data-curves': p.state }, ...curves),
          el('rect', { ...area, fill: 'none', stroke: '#000', 'stroke-width': 0.5 }),
          el('g', { transform: `translate(0,${top})` },
            axisBottom(xs, plotH, { label: bottom ? xLabels[i] : '', tickLabels: bottom, ticks: xTicks(plotW) }),
            axisLeftLog(ys, 0, { label: c === 0 ? yLabel : '', tickLabels: c === 0, titleOffsetPt: 28 })),
        ),
      );
    }
    y += HEADER_H + LABELS_H + plotH + (anyBottom ? X_TICKS_H + X_TITLE_H : 5) + ROW_GAP;
  }
  const ions = input.ions.map((i) => ionNotation(i.label)).join(', ');
  return figureRoot(input.widthMm, (y + 2) / PT_PER_MM, el('g', { 'data-figure': 'profiles', 'data-states': panels.map((p) => p.state).join(','), 'data-axis': input.axis }, ...parts), {
    title: input.title ?? 'ToF-SIMS depth profiles of the states',
    description: `${ions} of ${panels.map((p) => p.state).join(', ')}; ${yLabel} (log) against ${[...new Set(xLabels)].join(' / ')}${shared ? '' : '; each panel on its own x range (the states\' depths differ)'}`,
  });
}
