import * as d3 from 'd3';
import { h } from '../dom.js';
import { OKABE_ITO } from '../colour.js';
import type { AppState, Store } from '../store.js';
import { countOf, noteText, roiText } from './view.js';
import type { View } from './view.js';
import { layerLabel } from './layerLabel.js';
import { formatWithSigma } from '../../../core/util/uncertainty.js';
import { reportWarnings } from '../../../core/model/report.js';

interface Bar {
  group: string;
  key: string;
  value: number;
  sigma: number;
  colour: string;
}

/** Grouped bars with ±σ error bars; the zero line drawn when values go negative. */
function barChart(bars: Bar[], groups: string[], keys: string[], yLabel: string, id: string, fmt: (n: number) => string): SVGSVGElement {
  const width = 660;
  const height = 300;
  const margin = { top: 16, right: 170, bottom: 40, left: 76 };
  const x0 = d3.scaleBand().domain(groups).range([margin.left, width - margin.right]).padding(0.2);
  const x1 = d3.scaleBand().domain(keys).range([0, x0.bandwidth()]).padding(0.08);
  const lo = Math.min(0, d3.min(bars, (b) => b.value - b.sigma) ?? 0);
  const hi = Math.max(0, d3.max(bars, (b) => b.value + b.sigma) ?? 1);
  const y = d3.scaleLinear().domain([lo, hi === lo ? lo + 1 : hi]).range([height - margin.bottom, margin.top]).nice();
  const svg = d3.create('svg').attr('id', id).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  // Group labels along the bottom; a zero line where the bars start (it differs when Δ < 0).
  svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x0).tickSizeOuter(0));
  svg.append('line').attr('class', 'zero').attr('x1', margin.left).attr('x2', width - margin.right).attr('y1', y(0)).attr('y2', y(0)).attr('stroke', '#555');
  svg.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(6).tickFormat((n) => fmt(n as number)));
  svg.append('text').attr('transform', `translate(14,${height / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(yLabel);
  for (const b of bars) {
    const bx = (x0(b.group) ?? 0) + (x1(b.key) ?? 0);
    const w = x1.bandwidth();
    svg.append('rect').attr('class', 'bar').attr('data-group', b.group).attr('data-key', b.key).attr('data-value', b.value).attr('x', bx).attr('width', w).attr('y', Math.min(y(0), y(b.value))).attr('height', Math.abs(y(b.value) - y(0))).attr('fill', b.colour).append('title').text(`${b.key}, ${b.group}: ${fmt(b.value)} ± ${fmt(b.sigma)}`);
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
 * The Li dashboard: each layer's share of the stack's Li per state (±σ), and the change of the
 * charged and discharged cells against pristine (report `comparison.li`), with a table.
 */
export function liDashboard(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'li-view' }, h('h2', {}, 'Li across states'));
  const body = h('div', {});
  el.append(body);
  const study = store.state.study;
  const labelOf = (role: string) => layerLabel(study, role);
  const stateColour = (state: string) => OKABE_ITO[Math.max(0, study.states.findIndex((s) => s.state === state)) % OKABE_ITO.length];

  function draw(s: AppState): void {
    const n = noteText(s, 'Li fractions');
    if (!s.report) {
      body.replaceChildren(h('p', { class: 'notes', id: 'li-note' }, n ?? 'No report yet.'));
      return;
    }
    const pct = d3.format('.1%');
    const fracBars: Bar[] = [];
    const roles: string[] = [];
    for (const st of s.report.states) {
      for (const l of st.sims?.li ?? []) {
        if (!roles.includes(l.role)) roles.push(l.role);
        fracBars.push({ group: labelOf(l.role), key: st.state, value: l.fraction, sigma: l.fractionSigma, colour: stateColour(st.state) });
      }
    }
    const changes = s.report.comparison.li;
    const deltaBars: Bar[] = changes.map((c) => ({ group: labelOf(c.role), key: `${c.state} − pristine`, value: c.deltaFraction, sigma: c.sigma, colour: stateColour(c.state) }));
    const groups = roles.map(labelOf);
    // Signed to one decimal, with a minus sign; a change that rounds to zero reads 0.0, not -0.0 or +0.0.
    const fmtPp = (v: number) => {
      const shown = (v * 100).toFixed(1);
      return Number(shown) === 0 ? '0.0 pp' : `${v > 0 ? '+' : ''}${shown.replace('-', '−')} pp`;
    };
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
    body.replaceChildren(
      n ? h('p', { class: 'notes' }, n) : h('span'),
      s.overrides.roi ? h('p', { class: 'notes', id: 'li-roi' }, `Every number here is over the ${roiText(s.overrides.roi)} (drawn on the 2-D images), not the whole field.`) : h('span'),
      h(
        'div',
        { class: 'dashboard' },
        h('figure', {}, h('figcaption', {}, 'Li share of the stack per layer (±1σ)'), fracBars.length ? barChart(fracBars, groups, s.report.states.filter((st) => st.sims).map((st) => st.state), 'Li fraction', 'li-fraction-chart', pct) : h('p', { class: 'notes' }, 'No SIMS results in the report.')),
        h('figure', {}, h('figcaption', {}, 'Change against pristine (±1σ)'), deltaBars.length ? barChart(deltaBars, groups, changeStates.map((c) => `${c} − pristine`), 'Δ Li fraction', 'li-change-chart', fmtPp) : h('p', { class: 'notes' }, 'No comparison in the report (it needs a pristine state).')),
      ),
      h(
        'table',
        { class: 'compact', id: 'li-table' },
        h('caption', {}, 'Li fraction per layer and state; change against pristine in percentage points; ± 1σ from counting statistics and where the interfaces lie'),
        h('thead', {}, h('tr', {}, h('th', {}, 'Layer'), ...s.report.states.map((st) => h('th', {}, st.state)), ...changeStates.map((c) => h('th', {}, `Δ ${c}`)))),
        h('tbody', {}, ...rows),
      ),
      warnings.length ? h('details', { class: 'notes', id: 'li-warnings' }, h('summary', {}, `${countOf(warnings.length, 'analysis warning')}`), h('ul', {}, ...warnings.map((w) => h('li', {}, w)))) : h('span'),
    );
  }

  return {
    el,
    figure: () => ({ figure: 'li-bars', label: 'Li per layer: shares per state and the change against the reference' }),
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
