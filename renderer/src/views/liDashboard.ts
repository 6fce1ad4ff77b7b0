import * as d3 from 'd3';
import { h } from '../dom.js';
import { studyStateColour } from '../colour.js';
import type { AppState, Store } from '../store.js';
import type { Report } from '../../../core/model/report.js';
import { ionKey, ionNotation, speciesName } from '../../../core/model/ions.js';
import { analyteInUse } from '../analyteChoice.js';
import { choiceOf, legendRoomPx, ratioWithSigma, referenceChoice, referenceIons, referenceStateChoices, reportNormalization } from './liMath.js';
import { countOf, noteText, roiText } from './view.js';
import type { View } from './view.js';
import { layerLabel } from './layerLabel.js';
import { columnPowerOfTen, formatWithSigma } from '../../../core/util/uncertainty.js';
import { decadeLabel } from '../../../core/figures/axes.js';
import { referenceStateOf, reportWarnings } from '../../../core/model/report.js';

interface Bar {
  group: string;
  key: string;
  value: number;
  sigma: number;
  colour: string;
}

/**
 * Grouped bars with ±σ error bars; the zero line drawn when values go negative. `tick` labels the
 * axis (its unit is in `yLabel`); `tip` gives a bar's value ± σ for its tooltip.
 */
function barChart(bars: Bar[], groups: string[], keys: string[], yLabel: string, id: string, tick: (n: number) => string, tip: (b: Bar) => string): SVGSVGElement {
  // The legend's room from its longest entry (long state names), the plot's own width kept: 460 px,
  // so that the two charts stand side by side in a 1400 px window with "discharged − pristine"
  // in the legend (at 490 px they wrapped, one under the other).
  const margin = { top: 16, right: legendRoomPx(keys), bottom: 40, left: 76 };
  const width = 460 + margin.right;
  const height = 300;
  const x0 = d3.scaleBand().domain(groups).range([margin.left, width - margin.right]).padding(0.2);
  const x1 = d3.scaleBand().domain(keys).range([0, x0.bandwidth()]).padding(0.08);
  const lo = Math.min(0, d3.min(bars, (b) => b.value - b.sigma) ?? 0);
  const hi = Math.max(0, d3.max(bars, (b) => b.value + b.sigma) ?? 1);
  const y = d3.scaleLinear().domain([lo, hi === lo ? lo + 1 : hi]).range([height - margin.bottom, margin.top]).nice();
  const svg = d3.create('svg').attr('id', id).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  // Group labels along the bottom; a zero line where the bars start (it differs when Δ < 0).
  svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x0).tickSizeOuter(0));
  svg.append('line').attr('class', 'zero').attr('x1', margin.left).attr('x2', width - margin.right).attr('y1', y(0)).attr('y2', y(0)).attr('stroke', '#555');
  svg.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(6).tickFormat((n) => tick(n as number)));
  svg.append('text').attr('transform', `translate(14,${height / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(yLabel);
  for (const b of bars) {
    const bx = (x0(b.group) ?? 0) + (x1(b.key) ?? 0);
    const w = x1.bandwidth();
    svg.append('rect').attr('class', 'bar').attr('data-group', b.group).attr('data-key', b.key).attr('data-value', b.value).attr('x', bx).attr('width', w).attr('y', Math.min(y(0), y(b.value))).attr('height', Math.abs(y(b.value) - y(0))).attr('fill', b.colour).append('title').text(`${b.key}, ${b.group}: ${tip(b)}`);
    const cx = bx + w / 2;
    svg.append('path').attr('class', 'error-bar').attr('d', `M${cx},${y(b.value - b.sigma)}V${y(b.value + b.sigma)}M${cx - 4},${y(b.value - b.sigma)}h8M${cx - 4},${y(b.value + b.sigma)}h8`).attr('stroke', '#222').attr('fill', 'none');
  }
  keys.forEach((k, i) => {
    const colour = bars.find((b) => b.key === k)?.colour ?? '#000';
    svg.append('rect').attr('x', width - margin.right + 10).attr('y', margin.top + i * 18).attr('width', 12).attr('height', 12).attr('fill', colour);
    svg.append('text').attr('x', width - margin.right + 28).attr('y', margin.top + 10 + i * 18).attr('font-size', 12).text(k);
  });
  return svg.node()!;
}

/**
 * The Li dashboard, of the analyte in use (Li, or Na where the stack or the Study tab names Na⁺;
 * every text names it): each layer's share of the stack's analyte per state (±σ), and the change of the
 * other states against the reference state (report `comparison.li`; pristine by default), with tables; and what
 * the counts are divided by (the primary current drifts between measurements), sent to the
 * analysis as `overrides.normalization` / `referenceIon`, and the state compared against, as
 * `overrides.referenceState`: both saved with the project.
 */
export function liDashboard(store: Store): View {
  const study = store.state.study;
  const analyte = study.stack.analyteIon ?? 'Li-';
  /** What the texts call the analyte: "Li" for Li⁻ or Li⁺, "Na" for Na⁺ (the report's, once it is in). */
  const speciesOf = (report: Report | null): string => speciesName(analyteInUse(study, report));
  const heading = h('h2', {}, `${speciesOf(store.state.report)} across states`);
  const el = h('section', { class: 'panel view', id: 'li-view' }, heading);
  const controls = h('div', { class: 'controls' });
  const body = h('div', {});
  el.append(controls, body);
  const labelOf = (role: string) => layerLabel(study, role);
  const stateColour = (state: string) => studyStateColour(study.states, state);
  const ions = referenceIons(study, analyte);

  /** "Normalise counts to" and "Compare against": drawn with or without a report (a failed analysis must be undoable here). */
  function drawControls(s: AppState): void {
    // The user's choice once made (it shows while the analysis runs), else what the report used.
    const chosen = s.overrides.normalization ? { normalization: s.overrides.normalization, referenceIon: s.overrides.referenceIon } : reportNormalization(s.report);
    // Ions compared by their canonical key: study.json's "C2-" is the data's "C_2-".
    const keyOf = (v: string) => (v.startsWith('ion:') ? `ion:${ionKey(v.slice(4))}` : v);
    const value = keyOf(choiceOf(chosen));
    // A reference the data do not name in every state is still offered, so the select shows it.
    const refs = chosen.referenceIon && !ions.some((i) => keyOf(`ion:${i}`) === value) ? [...ions, chosen.referenceIon] : ions;
    const option = (v: string, text: string) => h('option', { value: v, selected: keyOf(v) === value }, text);
    const select = h(
      'select',
      { id: 'li-normalization' },
      // "Raw" is the 2-D and 3-D views' word for counts not dead-time corrected: these are corrected.
      option('none', 'nothing (counts)'),
      option('tic', 'total ion count'),
      refs.length ? h('optgroup', { label: 'a reference ion' }, ...refs.map((ion) => option(`ion:${ion}`, ionNotation(ion)))) : null,
    );
    select.addEventListener('change', () => {
      // Only these two fields change: the ROI, moved interfaces and SEM scales stay in force.
      const { normalization: _n, referenceIon: _r, ...rest } = store.state.overrides;
      const v = select.value;
      void store.analyze(v.startsWith('ion:') ? { ...rest, normalization: 'reference', referenceIon: v.slice(4) } : { ...rest, normalization: v as 'none' | 'tic' });
    });
    controls.replaceChildren(h('label', {}, 'Normalise counts to ', select), referenceSelect(s), h('span', { class: 'notes' }, 'Divided scan by scan, before the sum per layer: the primary current drifts between measurements, so states compare only once normalised.'));
  }

  /** "Compare against": the state the changes and ratios are against; a new choice analyses again (the states' own results are kept: only the comparison is new). */
  function referenceSelect(s: AppState): HTMLElement {
    const current = referenceChoice(s.overrides, s.report);
    const select = h(
      'select',
      { id: 'li-reference' },
      // Before the first report, nothing to show as chosen (the first state would read as one).
      current === undefined ? h('option', { value: '', selected: true, disabled: true }, '—') : null,
      ...referenceStateChoices(study, s.report, current).map((state) => h('option', { value: state, selected: state === current }, state)),
    );
    select.addEventListener('change', () => {
      // Only this field changes: the normalisation, ROI, moved interfaces and SEM scales stay in force.
      void store.analyze({ ...store.state.overrides, referenceState: select.value });
    });
    return h('label', {}, 'Compare against ', select);
  }

  /** Each state's integrated analyte counts per layer (as normalised), and each state's ratio to the reference state's. */
  function countsTable(report: Report, roles: string[]): HTMLElement {
    const used = reportNormalization(report);
    const ion = ionNotation(analyteInUse(study, report));
    const divided =
      used.normalization === 'tic'
        ? 'divided scan by scan by the total ion count (times its mean, so they stay count-like)'
        : used.normalization === 'reference'
          ? `divided scan by scan by ${ionNotation(used.referenceIon ?? '?')} (times its mean, so they stay count-like)`
          : 'counts, not normalised: the drift of the primary current between measurements is in the ratios';
    const reference = referenceStateOf(report);
    const sims = report.states.filter((st) => st.sims);
    const base = sims.find((st) => st.state === reference);
    const others = base ? sims.filter((st) => st !== base) : [];
    const cell = (text: string | null) => h('td', { class: 'num' }, text ?? '—');
    // One power of ten for every state's counts, in the headings: "344.4 ± 1.9" under "(× 10⁶)"
    // reads where "344400000 ± 1900000" did not, and the states still compare digit for digit.
    const power = columnPowerOfTen(sims.flatMap((st) => st.sims!.li.map((l) => l.counts)));
    const inPower = power === 0 ? '' : ` (× ${decadeLabel(power)})`;
    const rows = roles.map((role) => {
      const b = base?.sims?.li.find((x) => x.role === role);
      return h(
        'tr',
        { 'data-role': role },
        h('td', {}, labelOf(role)),
        ...sims.map((st) => {
          const l = st.sims!.li.find((x) => x.role === role);
          return cell(l ? formatWithSigma(l.counts, l.sigma, { fallbackDecimals: 0, scale: 10 ** -power }) : null);
        }),
        ...others.map((st) => {
          const l = st.sims!.li.find((x) => x.role === role);
          const r = l && b ? ratioWithSigma(l.counts, l.sigma, b.counts, b.sigma) : null;
          return cell(r ? formatWithSigma(r.value, r.sigma) : null);
        }),
      );
    });
    return h(
      'table',
      { class: 'compact', id: 'li-counts' },
      h('caption', {}, `${speciesOf(report)} counts per layer: integrated ${ion} counts ± 1σ (${divided})${others.length ? `; ratio of each state to ${reference} ± 1σ` : ''}`),
      h('thead', {}, h('tr', {}, h('th', {}, 'Layer'), ...sims.map((st) => h('th', {}, `${st.state}${inPower}`)), ...others.map((st) => h('th', {}, `${st.state} / ${reference}`)))),
      h('tbody', {}, ...rows),
    );
  }

  function draw(s: AppState): void {
    drawControls(s);
    const species = speciesOf(s.report);
    heading.textContent = `${species} across states`;
    const n = noteText(s, `${species} fractions`);
    if (!s.report) {
      body.replaceChildren(h('p', { class: 'notes', id: 'li-note' }, n ?? 'No report yet.'));
      return;
    }
    const fracBars: Bar[] = [];
    const roles: string[] = [];
    for (const st of s.report.states) {
      for (const l of st.sims?.li ?? []) {
        if (!roles.includes(l.role)) roles.push(l.role);
        fracBars.push({ group: labelOf(l.role), key: st.state, value: l.fraction, sigma: l.fractionSigma, colour: stateColour(st.state) });
      }
    }
    const changes = s.report.comparison.li;
    // The state the changes are against (study options' referenceState), in every label of them.
    const reference = referenceStateOf(s.report);
    const deltaBars: Bar[] = changes.map((c) => ({ group: labelOf(c.role), key: `${c.state} − ${reference}`, value: c.deltaFraction, sigma: c.sigma, colour: stateColour(c.state) }));
    const groups = roles.map(labelOf);
    // Axis ticks in the unit the axis title names (% or pp); changes signed, with a minus sign.
    const tickPct = (v: number) => d3.format('~g')(v * 100);
    const tickPp = (v: number) => (v === 0 ? '0' : d3.format('+~g')(v * 100));
    // Value ± σ as everywhere else: σ to two significant figures, never "± 0.0".
    const tipPct = (b: Bar) => `${formatWithSigma(b.value, b.sigma, { scale: 100, minDecimals: 1 })} %`;
    const tipPp = (b: Bar) => `${formatWithSigma(b.value, b.sigma, { scale: 100, minDecimals: 1, signed: true })} pp`;
    const rows = roles.map((role) =>
      h(
        'tr',
        { 'data-role': role },
        h('td', {}, labelOf(role)),
        ...s.report!.states.map((st) => {
          const l = st.sims?.li.find((x) => x.role === role);
          return h('td', { class: 'num' }, l ? `${formatWithSigma(l.fraction, l.fractionSigma, { scale: 100, minDecimals: 1 })} %` : '—');
        }),
        ...[...new Set(changes.map((c) => c.state))].map((state) => {
          const c = changes.find((x) => x.role === role && x.state === state);
          return h('td', { class: 'num' }, c ? `${formatWithSigma(c.deltaFraction, c.sigma, { scale: 100, minDecimals: 1, signed: true })} pp` : '—');
        }),
      ),
    );
    const changeStates = [...new Set(changes.map((c) => c.state))];
    const warnings = reportWarnings(s.report);
    const warningList = (open: boolean) => (warnings.length ? h('details', { class: 'notes', id: 'li-warnings', open }, h('summary', {}, `${countOf(warnings.length, 'analysis warning')}`), h('ul', {}, ...warnings.map((w) => h('li', {}, w)))) : h('span'));
    if (!fracBars.length) {
      // Empty charts and tables under "No SIMS results" (there were) and "it needs a pristine
      // state" (there was one) misled: say what is missing, and open the warnings that say why.
      body.replaceChildren(n ? h('p', { class: 'notes' }, n) : h('span'), h('p', { class: 'notes', id: 'li-note' }, noLiText(s.report)), warningList(true));
      return;
    }
    const noChange = s.report.states.some((st) => st.state === reference && st.sims?.li.length) ? `No change against ${reference} in the report.` : `No change against ${reference}: the study has no ${reference} state with ${species} results to compare with.`;
    body.replaceChildren(
      n ? h('p', { class: 'notes' }, n) : h('span'),
      s.overrides.roi ? h('p', { class: 'notes', id: 'li-roi' }, `Every number here is over the ${roiText(s.overrides.roi)} (drawn on the 2-D images), not the whole field.`) : h('span'),
      h(
        'div',
        { class: 'dashboard' },
        h('figure', {}, h('figcaption', {}, `${species} share of the stack per layer (±1σ)`), fracBars.length ? barChart(fracBars, groups, s.report.states.filter((st) => st.sims).map((st) => st.state), `${species} share of the stack (%)`, 'li-fraction-chart', tickPct, tipPct) : h('p', { class: 'notes' }, 'No SIMS results in the report.')),
        h('figure', {}, h('figcaption', {}, `Change against ${reference} (±1σ)`), deltaBars.length ? barChart(deltaBars, groups, changeStates.map((c) => `${c} − ${reference}`), `Δ ${species} share (pp)`, 'li-change-chart', tickPp, tipPp) : h('p', { class: 'notes', id: 'li-no-change' }, noChange)),
      ),
      h(
        'div',
        { class: 'tables' },
        h(
          'table',
          { class: 'compact', id: 'li-table' },
          h('caption', {}, `${species} fraction per layer and state; change against ${reference} in percentage points; ± 1σ from counting statistics and where the interfaces lie`),
          h('thead', {}, h('tr', {}, h('th', {}, 'Layer'), ...s.report.states.map((st) => h('th', {}, st.state)), ...changeStates.map((c) => h('th', {}, `Δ ${c}`)))),
          h('tbody', {}, ...rows),
        ),
        countsTable(s.report, roles),
      ),
      warningList(false),
    );
  }

  /** Why the report has no analyte per layer: no depth profile at all, or none with the analyte. */
  function noLiText(report: Report): string {
    const species = speciesOf(report);
    const sims = report.states.filter((st) => st.sims);
    if (!sims.length) return `No ${species} per layer: no state has a ToF-SIMS depth profile the analysis could segment.`;
    const ion = ionNotation(analyteInUse(study, report));
    return `No ${species} per layer: the analyte ${ion} is in none of the depth profiles of ${sims.map((st) => st.state).join(', ')}; the layers and interfaces are in the Depth profiles tab.`;
  }

  return {
    el,
    // No analyte per layer in the report: no bars to draw (the export said "no li-bars figure").
    figure: () => (store.state.report && !store.state.report.states.some((st) => st.sims?.li.length) ? null : { figure: 'li-bars', label: `${speciesOf(store.state.report)} per layer: shares per state and the change against the reference` }),
    shown() {
      draw(store.state);
    },
    update(s) {
      if (el.isConnected) draw(s);
    },
    dispose() {
      el.remove();
    },
  };
}
