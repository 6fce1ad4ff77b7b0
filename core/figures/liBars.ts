/**
 * The analyte (Li, or another the stack names) per layer as bars: (a) its fraction of the
 * stack total per layer, one bar per state, with ±σ error bars; (b) the change of that fraction against the reference state (pristine by default, or study.json's referenceState),
 * in percentage points, with its σ. Fractions, not raw counts: the primary current drifts
 * between measurements, so only normalised quantities compare across states (DOMAIN.md §2).
 */
import { scaleBand, scaleLinear } from 'd3-scale';
import type { ScaleBand, ScaleLinear } from 'd3-scale';
import { formulaNotation } from '../model/formula.js';
import { speciesName } from '../model/ions.js';
import { axisLeft } from './axes.js';
import { LABEL_GAP_PT, legend, stateColour, stateIndexIn, textWidthPt } from './style.js';
import { el, figureRoot, panel, panelLetter, PT_PER_MM, text, TYPE } from './svg.js';

export interface LiBarsInput {
  /** Layers in stack order, with their figure labels. */
  layers: { role: string; label: string }[];
  states: { state: string; li: { role: string; fraction: number; fractionSigma: number }[] }[];
  changes: { role: string; state: string; deltaFraction: number; sigma: number }[];
  referenceState: string;
  widthMm: number;
  /** The ion whose shares the bars are (the analysis's analyte, e.g. `Na+`): the titles name it. Default `Li-`. */
  analyte?: string;
  /** The study's states in order, for each state's colour (stateIndexIn); default `states`. */
  stateOrder?: readonly string[];
}

interface Bar {
  group: string;
  key: string;
  colour: string;
  value: number;
  sigma: number;
}

const M = { left: 34, right: 4, top: 14, bottom: 30 };
/** Stroke width of the error bars and their caps, pt. */
const ERROR_BAR_STROKE_PT = 0.5;

/** The value axis of a bar chart `heightPt` tall over `domain` (niced), as barChart draws it. */
function valueScale(domain: [number, number], heightPt: number): ScaleLinear<number, number> {
  return scaleLinear().domain(domain).range([heightPt - M.bottom, M.top]).nice();
}

function barChart(bars: Bar[], groups: { role: string; label: string }[], keys: string[], o: { widthPt: number; heightPt: number; yLabel: string; domain: [number, number] }): string {
  const x0 = M.left;
  const x1 = o.widthPt - M.right;
  const y1 = o.heightPt - M.bottom;
  const xg: ScaleBand<string> = scaleBand<string>().domain(groups.map((g) => g.role)).range([x0, x1]).paddingInner(0.25).paddingOuter(0.12);
  const xk: ScaleBand<string> = scaleBand<string>().domain(keys).range([0, xg.bandwidth()]).padding(0.08);
  const ys = valueScale(o.domain, o.heightPt);
  const zero = ys(0);
  const parts: string[] = [];
  for (const b of bars) {
    const gx = xg(b.group);
    const kx = xk(b.key);
    if (gx === undefined || kx === undefined) continue;
    const x = gx + kx;
    const w = xk.bandwidth();
    const yv = ys(b.value);
    const cx = x + w / 2;
    const cap = Math.min(2, w / 3);
    const hasSigma = Number.isFinite(b.sigma) && b.sigma > 0;
    parts.push(
      el('g', { 'data-bar': `${b.key}/${b.group}`, 'data-state': b.key, 'data-layer': b.group, 'data-value': b.value, 'data-sigma': b.sigma },
        el('rect', { x, y: Math.min(yv, zero), width: w, height: Math.abs(zero - yv), fill: b.colour }),
        hasSigma ? el('path', { d: `M${cx},${ys(b.value - b.sigma)}V${ys(b.value + b.sigma)}M${cx - cap},${ys(b.value - b.sigma)}h${2 * cap}M${cx - cap},${ys(b.value + b.sigma)}h${2 * cap}`, stroke: '#000', 'stroke-width': ERROR_BAR_STROKE_PT, fill: 'none', class: 'error-bar' }) : ''),
    );
  }
  // Layer names (formulae subscripted) on one row; a name that would come within LABEL_GAP_PT
  // of the one before it on that row goes on a second row below, so names never collide or
  // read as one, and are staggered only where they must be.
  let rowEnd = -Infinity;
  const labelRow = (g: { role: string; label: string }): string => {
    const shown = formulaNotation(g.label);
    const cx = (xg(g.role) ?? 0) + xg.bandwidth() / 2;
    const half = textWidthPt(shown, TYPE.smallPt) / 2;
    const row = cx - half >= rowEnd + LABEL_GAP_PT ? 0 : 1;
    if (row === 0) rowEnd = cx + half;
    return text(cx, y1 + TYPE.smallPt + 3 + row * (TYPE.smallPt + 1), shown, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt, 'data-layer-label': g.label });
  };
  return el(
    'g',
    { class: 'bar-chart' },
    o.domain[0] < 0 ? el('line', { x1: x0, x2: x1, y1: zero, y2: zero, stroke: '#000', 'stroke-width': 0.4, 'stroke-dasharray': '2 1.5' }) : '',
    ...parts,
    el('line', { x1: x0, x2: x1, y1: y1, y2: y1, stroke: '#000', 'stroke-width': 0.6 }),
    ...groups.map(labelRow),
    text((x0 + x1) / 2, o.heightPt - 3, 'Layer', { 'text-anchor': 'middle', 'font-size': TYPE.labelPt, class: 'axis-label' }),
    axisLeft(ys, x0, { label: o.yLabel, ticks: 5, titleOffsetPt: 24 }),
  );
}

/** The figure's panels: their size, bars (in % and pp) and value domains. */
function layout(input: LiBarsInput) {
  const W = input.widthMm * PT_PER_MM;
  const sideBySide = W >= 300;
  const panelW = sideBySide ? (W - 8) / 2 : W - 4;
  // Tall enough for the rotated y title (≈ 120 pt) beside the plot.
  const panelH = Math.min(190, Math.max(165, panelW * 0.8));
  const states = input.states.map((s) => s.state);
  const colourOf = (state: string): string => stateColour(state, stateIndexIn(input.stateOrder, state, states.indexOf(state)));
  const pct = 100;
  const barsA: Bar[] = input.states.flatMap((s) =>
    s.li.map((x) => ({ group: x.role, key: s.state, colour: colourOf(s.state), value: x.fraction * pct, sigma: x.fractionSigma * pct })),
  );
  const maxA = Math.max(1, ...barsA.map((b) => b.value + (Number.isFinite(b.sigma) ? b.sigma : 0)));
  const barsB: Bar[] = input.changes.map((c) => ({ group: c.role, key: c.state, colour: colourOf(c.state), value: c.deltaFraction * pct, sigma: c.sigma * pct }));
  const lo = Math.min(0, ...barsB.map((b) => b.value - (Number.isFinite(b.sigma) ? b.sigma : 0)));
  const hi = Math.max(0, ...barsB.map((b) => b.value + (Number.isFinite(b.sigma) ? b.sigma : 0)));
  const pad = 0.08 * (hi - lo || 1);
  const domainA: [number, number] = [0, maxA * 1.08];
  const domainB: [number, number] = [lo - pad, hi + pad];
  return { W, sideBySide, panelW, panelH, states, colourOf, barsA, barsB, domainA, domainB };
}

/**
 * What figures.json says of the error bars: what they are, and which are drawn shorter than
 * the line they are drawn with (their two caps then merge into one tick): σ of a few hundredths
 * of a percentage point is real, and too small to see at the scale of the bars, not missing.
 */
export function liBarsNotes(input: LiBarsInput): string[] {
  const l = layout(input);
  const layerLabel = (role: string): string => formulaNotation(input.layers.find((x) => x.role === role)?.label ?? role);
  const hidden = (bars: Bar[], domain: [number, number], letter: string): string[] => {
    const ys = valueScale(domain, l.panelH);
    const ptPerUnit = Math.abs(ys(1) - ys(0));
    const under = bars.filter((b) => Number.isFinite(b.sigma) && b.sigma > 0 && 2 * b.sigma * ptPerUnit < ERROR_BAR_STROKE_PT);
    if (!under.length) return [];
    const limit = ERROR_BAR_STROKE_PT / 2 / ptPerUnit;
    return [`${letter}: error bars with σ under ${+limit.toPrecision(2)} pp are shorter than the ${ERROR_BAR_STROKE_PT} pt line they are drawn with and show as a single tick (${under.map((b) => `${b.key} ${layerLabel(b.group)} ±${+b.sigma.toPrecision(2)} pp`).join(', ')})`];
  };
  return [
    "error bars: ±1σ, the counting statistics (widened where the counts scatter from scan to scan beyond them) and the uncertainty of the layers' interfaces, propagated to the shares (a) and their changes (b)",
    ...hidden(l.barsA, l.domainA, 'a'),
    ...hidden(l.barsB, l.domainB, 'b'),
  ];
}

export function liBarsFigure(input: LiBarsInput): string {
  const { sideBySide, panelW, panelH, states, colourOf, barsA, barsB, domainA, domainB } = layout(input);
  const layers = input.layers.filter((l) => input.states.some((s) => s.li.some((x) => x.role === l.role)));
  const others = states.filter((s) => s !== input.referenceState);
  const legendH = TYPE.smallPt + 6;
  // Filled squares, as the bars are: a line swatch reads as a trace.
  const legendEntries = states.map((s) => ({ label: s, colour: colourOf(s), state: s, swatch: 'box' as const }));
  const parts: string[] = [
    legend(legendEntries, 40, TYPE.smallPt + 2, { columns: legendEntries.length, columnWidthPt: Math.max(...states.map((s) => textWidthPt(s, TYPE.smallPt))) + 20 }),
  ];
  const top = legendH + 2;
  // "Li" for the default analyte, as before; "Na" where the analysis counted Na⁺.
  const species = speciesName(input.analyte ?? 'Li-');
  parts.push(panel(2, top, 'li-fraction', panelLetter(0, TYPE.panelLetterPt, 'a'), barChart(barsA, layers, states, { widthPt: panelW, heightPt: panelH, yLabel: `${species} share of the stack (%)`, domain: domainA })));
  const bx = sideBySide ? 2 + panelW + 4 : 2;
  const by = sideBySide ? top : top + panelH + 6;
  const haveChanges = barsB.length > 0;
  parts.push(
    panel(bx, by, 'li-change', panelLetter(0, TYPE.panelLetterPt, 'b'),
      haveChanges
        ? barChart(barsB, layers, others, { widthPt: panelW, heightPt: panelH, yLabel: `Δ ${species} share vs ${input.referenceState} (pp)`, domain: domainB })
        : text(panelW / 2, panelH / 2, `no ${input.referenceState} state to compare against`, { 'text-anchor': 'middle', 'font-size': TYPE.smallPt })),
  );
  const H = (sideBySide ? top + panelH : by + panelH) + 4;
  return figureRoot(input.widthMm, H / PT_PER_MM, el('g', { 'data-figure': 'li-bars', 'data-states': states.join(',') }, ...parts), {
    title: `${species} per layer across states`,
    description: `${species} fraction per layer (${states.join(', ')}) and change against ${input.referenceState}; pp = percentage points`,
  });
}
