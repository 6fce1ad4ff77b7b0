import * as d3 from 'd3';
import type { ProfilePayload } from '../../../core/api/contract.js';
import { h } from '../dom.js';

/** Colour-blind-safe categorical palette (Okabe–Ito). */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** A log-scale depth profile of the chosen ions against sputter time. */
export function renderProfileChart(profile: ProfilePayload, ionLabels: string[], size = { width: 860, height: 360 }): SVGSVGElement {
  const margin = { top: 12, right: 130, bottom: 42, left: 64 };
  const { width, height } = size;
  const svg = d3.create('svg').attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', `Depth profile, ${profile.state}`);
  const x = d3.scaleLinear().domain(d3.extent(profile.timeS) as [number, number]).range([margin.left, width - margin.right]);
  const series = profile.ions.filter((i) => ionLabels.includes(i.label));
  const positive = series.flatMap((s) => s.counts.filter((c) => c > 0));
  const y = d3.scaleLog().domain([Math.max(0.5, d3.min(positive) ?? 1), Math.max(10, d3.max(positive) ?? 10)]).range([height - margin.bottom, margin.top]).nice();
  svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(8));
  svg.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(6, '~s'));
  svg.append('text').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 6).attr('text-anchor', 'middle').text('Sputter time (s)');
  svg.append('text').attr('transform', `translate(16,${(height - margin.bottom + margin.top) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text('Intensity (counts)');
  const line = d3
    .line<number>()
    .defined((c) => c > 0)
    .x((_, i) => x(profile.timeS[i]))
    .y((c) => y(c));
  series.forEach((s, k) => {
    const colour = OKABE_ITO[k % OKABE_ITO.length];
    svg.append('path').attr('d', line(s.counts)).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 1.4).attr('data-ion', s.label);
    svg.append('text').attr('x', width - margin.right + 8).attr('y', margin.top + 14 + k * 16).attr('fill', colour).text(s.label);
  });
  return svg.node()!;
}

/** The profile panel: state and ion pickers and the chart. */
export function renderProfilePanel(states: string[], load: (state: string) => Promise<ProfilePayload>): HTMLElement {
  const panel = h('section', { class: 'panel', id: 'profile-view' }, h('h2', {}, 'Depth profile'));
  const stateSelect = h('select', { 'aria-label': 'State' }, ...states.map((s) => h('option', { value: s }, s)));
  const controls = h('div', { class: 'controls' }, h('label', {}, 'State ', stateSelect));
  const chartHost = h('div', {});
  panel.append(controls, chartHost);
  let chosen = new Set<string>();
  const draw = async () => {
    const profile = await load(stateSelect.value);
    if (chosen.size === 0) {
      const preferred = ['Li-', 'PO_2-', 'FeO-', 'Cr-', 'Si-'];
      chosen = new Set(profile.ions.filter((i) => preferred.includes(i.label)).map((i) => i.label));
      if (chosen.size === 0) chosen = new Set(profile.ions.slice(0, 5).map((i) => i.label));
    }
    const boxes = h('div', { class: 'controls ions' });
    for (const ion of profile.ions) {
      const box = h('input', { type: 'checkbox', value: ion.label, checked: chosen.has(ion.label) });
      box.addEventListener('change', () => {
        if (box.checked) chosen.add(ion.label);
        else chosen.delete(ion.label);
        chartHost.replaceChildren(renderProfileChart(profile, [...chosen]));
      });
      boxes.append(h('label', {}, box, ` ${ion.label}`));
    }
    controls.querySelector('.ions')?.remove();
    controls.append(boxes);
    chartHost.replaceChildren(renderProfileChart(profile, [...chosen]));
  };
  stateSelect.addEventListener('change', () => void draw());
  void draw();
  return panel;
}
