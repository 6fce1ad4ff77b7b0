import * as d3 from 'd3';
import type { XrdPayload } from '../../../core/api/contract.js';
import { radiationLabel } from '../../../core/xrd/radiation.js';
import { formatWithSigma } from '../../../core/util/uncertainty.js';
import { h } from '../dom.js';
import { OKABE_ITO } from '../colour.js';
import type { AppState, Store } from '../store.js';
import { noteText } from './view.js';
import type { View } from './view.js';

/**
 * XRD waterfall: the states' patterns stacked with a vertical offset (pristine at the bottom),
 * and the report's indexed peaks as reference sticks, one colour per phase.
 */
export function xrdView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'xrd-view' }, h('h2', {}, 'XRD waterfall'));
  const controls = h('div', { class: 'controls' });
  const note = h('p', { class: 'notes', id: 'xrd-note' });
  const chart = h('div', { class: 'chart', id: 'xrd-chart' });
  const tables = h('div', { class: 'tables', id: 'xrd-tables' });
  el.append(controls, note, chart, tables);
  let data: XrdPayload | null = null;

  function buildControls(s: AppState): void {
    const v = s.view.xrd;
    const offset = h('input', { type: 'range', id: 'xrd-offset', min: 0, max: 2, step: 0.05, value: v.offsetFraction });
    offset.addEventListener('input', () => store.setView('xrd', { offsetFraction: Number(offset.value) }));
    const log = h('input', { type: 'checkbox', id: 'xrd-log', checked: v.logY });
    log.addEventListener('change', () => store.setView('xrd', { logY: log.checked }));
    controls.replaceChildren(h('label', {}, 'Offset ', offset), h('label', {}, log, ' √ intensity (shows weak humps beside the Si reflection)'));
  }

  function draw(s: AppState, d: XrdPayload): void {
    const v = s.view.xrd;
    const width = Math.max(720, Math.min(1300, chart.clientWidth || 960));
    const height = 140 + 120 * d.patterns.length;
    const margin = { top: 16, right: 170, bottom: 44, left: 64 };
    const tf = (y: number) => (v.logY ? Math.sqrt(Math.max(0, y)) : y);
    const maxes = d.patterns.map((p) => d3.max(p.intensity, tf) ?? 1);
    const step = (d3.max(maxes) ?? 1) * v.offsetFraction;
    const x = d3.scaleLinear().domain([d3.min(d.patterns, (p) => p.twoThetaDeg[0]) ?? 0, d3.max(d.patterns, (p) => p.twoThetaDeg[p.twoThetaDeg.length - 1]) ?? 90]).range([margin.left, width - margin.right]);
    const top = d3.max(d.patterns, (p, k) => (d3.max(p.intensity, tf) ?? 0) + k * step) ?? 1;
    const y = d3.scaleLinear().domain([0, top * 1.05]).range([height - margin.bottom, margin.top]);
    const svg = d3.create('svg').attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'XRD waterfall');
    svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(12));
    svg.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(6, '~s'));
    svg.append('text').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text(`2θ (°, ${radiationLabel(d.patterns[0]?.wavelengthA)})`);
    svg.append('text').attr('transform', `translate(16,${height / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(v.logY ? '√ intensity + offset' : `Intensity (${d.patterns[0]?.intensityUnit ?? 'counts'}) + offset`);
    d.patterns.forEach((p, k) => {
      const line = d3
        .line<number>()
        .x((_, i) => x(p.twoThetaDeg[i]))
        .y((yv) => y(tf(yv) + k * step));
      const colour = OKABE_ITO[k % OKABE_ITO.length];
      svg.append('path').attr('class', 'xrd-trace').attr('data-state', p.state).attr('d', line(p.intensity)).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 1.2);
      svg.append('text').attr('x', width - margin.right + 6).attr('y', y(k * step + (d3.median(p.intensity, tf) ?? 0))).attr('fill', colour).attr('font-size', 12).text(p.state);
    });
    // Reference sticks from the report's indexed peaks.
    const peaks = (s.report?.states ?? []).flatMap((st) => (st.xrd?.peaks ?? []).filter((pk) => pk.phase).map((pk) => ({ ...pk, state: st.state })));
    const phases = [...new Set(peaks.map((p) => p.phase!))];
    const stickTop = margin.top + 4;
    peaks.forEach((pk) => {
      const colour = OKABE_ITO[(phases.indexOf(pk.phase!) + 3) % OKABE_ITO.length];
      svg.append('line').attr('class', 'ref-stick').attr('x1', x(pk.twoThetaDeg)).attr('x2', x(pk.twoThetaDeg)).attr('y1', height - margin.bottom).attr('y2', stickTop).attr('stroke', colour).attr('stroke-opacity', 0.5).attr('stroke-dasharray', '3 3').append('title').text(`${pk.phase} ${pk.hkl ?? ''} ${pk.twoThetaDeg.toFixed(2)}° (${pk.state})`);
    });
    phases.forEach((ph, i) => svg.append('text').attr('x', width - margin.right + 6).attr('y', margin.top + 12 + i * 15).attr('font-size', 11).attr('fill', OKABE_ITO[(i + 3) % OKABE_ITO.length]).text(`┆ ${ph}`));
    const notes = d.missing.map((m) => `${m.state}: ${m.reason}.`);
    const radiations = [...new Set(d.patterns.map((p) => radiationLabel(p.wavelengthA)))];
    if (radiations.length > 1) notes.push(`The patterns were measured with different radiation (${radiations.join(', ')}): the same reflection falls at different 2θ; the axis is the first pattern's.`);
    const n = noteText(s, 'reference sticks');
    if (n) notes.push(n);
    else if (!phases.length) notes.push('The report indexes no crystalline phases: no reference sticks.');
    note.textContent = notes.join(' ');
    chart.replaceChildren(svg.node()!);
    drawTables(s);
  }

  /** Each state's fitted peaks from the report, with their σ, and its amorphous fraction. */
  function drawTables(s: AppState): void {
    // σ absent (a report written before it had them) or null (held at a bound): not known.
    const pm = (v: number | null, sigma: number | null | undefined, digits: number): string => (v === null ? '—' : formatWithSigma(v, sigma, { fallbackDecimals: digits }));
    tables.replaceChildren(
      ...(s.report?.states ?? []).flatMap((st) => {
        const xrd = st.xrd;
        if (!xrd) return [];
        const amorphous = xrd.amorphousFraction === null ? 'not measured' : `${(100 * xrd.amorphousFraction).toFixed(1)} %`;
        return [
          h(
            'table',
            { class: 'compact', 'data-state': st.state },
            // The analysis's doubts about this pattern (e.g. intensities that are not counts) under its title.
            h('caption', {}, `Peaks of ${st.state} (${xrd.file}); amorphous fraction ${amorphous}`, ...(xrd.warnings ?? []).map((w) => h('div', { class: 'notes' }, `Warning: ${w}`))),
            h('thead', {}, h('tr', {}, h('th', {}, '2θ (°)'), h('th', {}, 'FWHM (°)'), h('th', {}, 'Area'), h('th', {}, 'Phase (hkl)'), h('th', {}, 'Crystallite (nm)'))),
            h(
              'tbody',
              {},
              ...xrd.peaks.map((p) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'num' }, pm(p.twoThetaDeg, p.twoThetaSigmaDeg, 3)),
                  h('td', { class: 'num' }, pm(p.fwhmDeg, p.fwhmSigmaDeg, 3)),
                  h('td', { class: 'num' }, pm(p.area, p.areaSigma, 1)),
                  h('td', {}, p.phase ? `${p.phase} ${p.hkl ?? ''}`.trim() : '—'),
                  h('td', { class: 'num' }, pm(p.crystalliteNm, p.crystalliteSigmaNm, 1)),
                ),
              ),
            ),
          ),
        ];
      }),
    );
  }

  async function refresh(s: AppState): Promise<void> {
    buildControls(s);
    try {
      data ??= await store.api.getXrd({ path: s.study.path });
      draw(store.state, data);
    } catch (err) {
      note.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
    }
  }

  return {
    el,
    figure: () => ({ figure: 'xrd', label: 'XRD waterfall of the states, with phase sticks' }),
    shown() {
      void refresh(store.state);
    },
    update(s) {
      if (el.isConnected && data) draw(s, data);
    },
    dispose() {
      el.remove();
    },
  };
}
