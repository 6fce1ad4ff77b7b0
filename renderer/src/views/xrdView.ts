import * as d3 from 'd3';
import type { XrdPayload } from '../../../core/api/contract.js';
import { formulaNotation } from '../../../core/model/formula.js';
import { maskLabels } from '../../../core/xrd/mask.js';
import type { MaskRange } from '../../../core/xrd/mask.js';
import { radiationLabel } from '../../../core/xrd/radiation.js';
import { formatWithSigma } from '../../../core/util/uncertainty.js';
import { xrdAreaUnit } from '../../../core/model/xrdPattern.js';
import { h } from '../dom.js';
import { studyStateColour } from '../colour.js';
import { stickColours } from '../../../core/figures/style.js';
import { markerSymbolPath, UNASSIGNED_MARKER_COLOUR, unassignedTickPath } from '../../../core/figures/peakMarkerSymbols.js';
import type { AppState, Store } from '../store.js';
import { nearestIndex } from './profileMath.js';
import { maskedPatterns, peakMarkerKind, peakMarkerNote, peakPhaseName, peakTop, phaseName, phaseSymbolRows, stackMarkers } from './xrdMath.js';
import { noteText, onWidthChange } from './view.js';
import type { View } from './view.js';

/** Half the size of a peak marker, px: readable at a glance, small beside the traces' peaks. */
const MARKER_RADIUS_PX = 5;
/** Gap between a peak marker and the top of the trace under it, px. */
const MARKER_GAP_PX = 4;
/** The fitted model's lines: dark, none of the states' colours. */
const FIT_COLOUR = '#222222';

/**
 * XRD waterfall: the states' patterns stacked with a vertical offset (pristine at the bottom),
 * the Si substrate masked as in the exported figure, each state's fitted peaks marked on its
 * trace as the figure marks them (its phase's symbol in the phase's colour, open where tentative,
 * a grey tick where unassigned), and the report's indexed peaks as reference sticks, one colour
 * per phase. Drag across the plot to zoom on 2θ; the read-out gives each state's intensity under
 * the pointer.
 */
export function xrdView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'xrd-view' }, h('h2', {}, 'XRD waterfall'));
  const controls = h('div', { class: 'controls' });
  const note = h('p', { class: 'notes', id: 'xrd-note' });
  const chart = h('div', { class: 'chart', id: 'xrd-chart' });
  const readout = h('div', { class: 'readout', id: 'xrd-readout' });
  const tables = h('div', { class: 'tables', id: 'xrd-tables' });
  el.append(controls, note, chart, readout, tables);
  let data: XrdPayload | null = null;
  let prepared: ReturnType<typeof maskedPatterns> | null = null;
  /** The report `prepared` took its masks from (its reportVersion). */
  let preparedFor = -1;
  /** The 2θ range zoomed in on; null: the whole patterns. */
  let zoom: [number, number] | null = null;
  const resetZoom = h('button', { type: 'button', id: 'xrd-reset-zoom', disabled: true }, 'Reset zoom');
  resetZoom.addEventListener('click', () => setZoom(null));
  onWidthChange(chart, () => data && draw(store.state, data));

  function setZoom(range: [number, number] | null): void {
    zoom = range;
    if (data) draw(store.state, data);
  }

  function buildControls(s: AppState): void {
    const v = s.view.xrd;
    const offset = h('input', { type: 'range', id: 'xrd-offset', min: 0, max: 2, step: 0.05, value: v.offsetFraction });
    offset.addEventListener('input', () => store.setView('xrd', { offsetFraction: Number(offset.value) }));
    const log = h('input', { type: 'checkbox', id: 'xrd-log', checked: v.logY });
    log.addEventListener('change', () => store.setView('xrd', { logY: log.checked }));
    controls.replaceChildren(h('label', {}, 'Offset ', offset), h('label', {}, log, ' √ intensity (shows weak humps)'), resetZoom, h('span', { class: 'notes' }, 'Drag across the plot to zoom in on 2θ; double-click to zoom out.'));
  }

  function draw(s: AppState, d: XrdPayload): void {
    const v = s.view.xrd;
    if (!prepared || preparedFor !== s.reportVersion) {
      prepared = maskedPatterns(d, s.report);
      preparedFor = s.reportVersion;
    }
    const { shared, own, all, traces } = prepared;
    const width = Math.max(480, Math.min(1300, chart.clientWidth || 960));
    const height = 140 + 120 * d.patterns.length;
    const margin = { top: 16, right: 170, bottom: 44, left: 64 };
    const tf = (y: number) => (v.logY ? Math.sqrt(Math.max(0, y)) : y); // NaN (masked) stays NaN
    const whole: [number, number] = [d3.min(traces, (t) => t.twoThetaDeg[0]) ?? 0, d3.max(traces, (t) => t.twoThetaDeg[t.twoThetaDeg.length - 1]) ?? 90];
    const [lo, hi] = zoom ?? whole;
    resetZoom.disabled = !zoom;
    // Heights from the unmasked points in view: a zoom on weak peaks fills the plot with them.
    const maxes = traces.map((t) => {
      let m = 0;
      t.y.forEach((yv, i) => {
        if (t.twoThetaDeg[i] >= lo && t.twoThetaDeg[i] <= hi && Number.isFinite(yv)) m = Math.max(m, tf(yv));
      });
      return m;
    });
    const step = (d3.max(maxes) ?? 1) * v.offsetFraction;
    const top = d3.max(maxes, (m, k) => m + k * step) || 1;
    const x = d3.scaleLinear().domain([lo, hi]).range([margin.left, width - margin.right]);
    const y = d3.scaleLinear().domain([0, top * 1.05]).range([height - margin.bottom, margin.top]);
    const [px0, px1] = x.range();
    const svg = d3
      .create('svg')
      .attr('viewBox', `0 0 ${width} ${height}`)
      .attr('width', width)
      .attr('height', height)
      .attr('role', 'img')
      .attr('aria-label', 'XRD waterfall')
      .attr('data-two-theta-range', `${lo},${hi}`)
      .attr('data-y-top', top);
    svg.append('defs').append('clipPath').attr('id', 'xrd-clip').append('rect').attr('x', px0).attr('y', 0).attr('width', px1 - px0).attr('height', height);
    svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(12));
    svg.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(6, '~s'));
    svg.append('text').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text(`2θ (°, ${radiationLabel(d.patterns[0]?.wavelengthA)})`);
    svg.append('text').attr('transform', `translate(16,${height / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(v.logY ? '√ intensity + offset' : `Intensity (${d.patterns[0]?.intensityUnit ?? 'counts'}) + offset`);
    const plot = svg.append('g').attr('clip-path', 'url(#xrd-clip)');
    // Masked ranges shaded and named, as in the figure (the wafer's reflection would set the scale):
    // those of every pattern across the plot, a pattern's own over its trace alone.
    const shade = (m: MaskRange, top: number, bottom: number, state?: string): void => {
      const a = Math.max(px0, x(m.fromDeg));
      const b = Math.min(px1, x(m.toDeg));
      if (b <= a) return;
      const name = m.label.replace(/\s*substrate\s*$/i, '') || 'masked';
      const rect = plot.append('rect').attr('class', 'xrd-mask').attr('data-mask', name).attr('x', a).attr('width', b - a).attr('y', top).attr('height', bottom - top).attr('fill', '#000').attr('fill-opacity', 0.07);
      if (state !== undefined) rect.attr('data-mask-state', state);
    };
    for (const m of shared) shade(m, margin.top, height - margin.bottom);
    own.forEach((masks, k) => {
      const top = step > 0 && k + 1 < traces.length ? y((k + 1) * step) : margin.top;
      for (const m of masks) shade(m, top, y(k * step), traces[k].label);
    });
    // One label per cluster of masks, as the figure writes them (the wafer's line, Kβ and edge lie close).
    for (const label of maskLabels(all)) {
      const a = Math.max(px0, x(label.fromDeg));
      const b = Math.min(px1, x(label.toDeg));
      if (b <= a) continue;
      plot.append('text').attr('class', 'xrd-mask-label').attr('x', (a + b) / 2).attr('y', margin.top + 10).attr('text-anchor', 'middle').attr('font-size', 11).attr('fill', '#555').text(label.text);
    }
    const colourOf = (k: number) => studyStateColour(s.study.states, traces[k].label);
    const yOf = (k: number, yv: number) => y(tf(yv) + k * step);
    traces.forEach((t, k) => {
      const line = d3
        .line<number>()
        .defined((yv) => Number.isFinite(yv))
        .x((_, i) => x(t.twoThetaDeg[i]))
        .y((yv) => yOf(k, yv));
      plot.append('path').attr('class', 'xrd-trace').attr('data-state', t.label).attr('d', line(t.y)).attr('fill', 'none').attr('stroke', colourOf(k)).attr('stroke-width', 1.2);
      const visible = t.y.filter((yv, i) => Number.isFinite(yv) && t.twoThetaDeg[i] >= lo && t.twoThetaDeg[i] <= hi);
      svg.append('text').attr('x', width - margin.right + 6).attr('y', y(k * step + (d3.median(visible, tf) ?? 0))).attr('fill', colourOf(k)).attr('font-size', 12).text(t.label);
    });
    // Each state's fitted model over its peaks (the report's fits), thin and dark over its trace,
    // and the background under it dashed: what a peak's width and area were measured against.
    const fitsOf = (label: string) => s.report?.states.find((st) => st.state === label)?.xrd?.fits ?? [];
    traces.forEach((t, k) => {
      for (const c of fitsOf(t.label)) {
        const curve = (values: number[]) => d3.line<number>().x((_, i) => x(c.twoThetaDeg[i])).y((yv) => yOf(k, yv))(values);
        plot.append('path').attr('class', 'xrd-fit-background').attr('data-state', t.label).attr('d', curve(c.background)).attr('fill', 'none').attr('stroke', FIT_COLOUR).attr('stroke-width', 0.9).attr('stroke-dasharray', '4 3');
        plot.append('path').attr('class', 'xrd-fit').attr('data-state', t.label).attr('d', curve(c.model)).attr('fill', 'none').attr('stroke', FIT_COLOUR).attr('stroke-width', 1);
      }
    });
    // Reference sticks from the report's indexed peaks.
    const peaks = (s.report?.states ?? []).flatMap((st) => (st.xrd?.peaks ?? []).filter((pk) => pk.phase).map((pk) => ({ ...pk, state: st.state })));
    const phases = [...new Set(peaks.map((p) => p.phase!))];
    const stickTop = margin.top + 4;
    // The figure's stick colours: none of them a trace's.
    const sticksPalette = stickColours(new Set(traces.map((_, k) => colourOf(k))));
    const stickColour = (i: number): string => sticksPalette[i % sticksPalette.length];
    // Each phase's symbol and colour as the exported figure numbers them (its stick row there),
    // so a phase has one mark, in one colour, in both.
    const symbolRows = phaseSymbolRows(s.study.stack, phases);
    const phaseColour = (phase: string): string => stickColour(symbolRows.get(phase)!);
    peaks.forEach((pk) => {
      plot.append('line').attr('class', 'ref-stick').attr('x1', x(pk.twoThetaDeg)).attr('x2', x(pk.twoThetaDeg)).attr('y1', height - margin.bottom).attr('y2', stickTop).attr('stroke', phaseColour(pk.phase!)).attr('stroke-opacity', 0.5).attr('stroke-dasharray', '3 3').append('title').text(`${peakPhaseName(pk)} ${pk.hkl ?? ''} ${pk.twoThetaDeg.toFixed(2)}° (${pk.state})`);
    });
    // Each state's fitted peaks: a mark above its trace at the fitted 2θ, clear of the peak's
    // top, in its phase's colour and symbol (drawn after the dashed lines, so on top of them).
    const tracePeaks = (label: string) => s.report?.states.find((st) => st.state === label)?.xrd?.peaks ?? [];
    traces.forEach((t, k) => {
      const marks = [...tracePeaks(t.label)]
        .filter((pk) => pk.twoThetaDeg >= lo && pk.twoThetaDeg <= hi)
        .sort((a, b) => a.twoThetaDeg - b.twoThetaDeg)
        .flatMap((pk) => {
          const top = peakTop(t.twoThetaDeg, t.y, pk);
          return top === null ? [] : [{ pk, x: x(pk.twoThetaDeg), y: yOf(k, top) - MARKER_GAP_PX - MARKER_RADIUS_PX }]; // null: in a masked range
        });
      const ys = stackMarkers(marks, 2 * MARKER_RADIUS_PX, 1);
      marks.forEach(({ pk, x: px }, j) => {
        const kind = peakMarkerKind(pk);
        const colour = pk.phase === null ? UNASSIGNED_MARKER_COLOUR : phaseColour(pk.phase);
        const mark = plot
          .append('path')
          .attr('class', `peak-marker peak-marker-${kind}`)
          .attr('data-state', t.label)
          .attr('data-peak-deg', pk.twoThetaDeg)
          .attr('data-peak-phase', pk.phase ?? 'unassigned')
          .attr('transform', `translate(${px},${ys[j]})`)
          .attr('stroke', colour);
        if (kind === 'tick') mark.attr('d', unassignedTickPath(MARKER_RADIUS_PX)).attr('fill', 'none').attr('stroke-width', 1.5);
        // Open: white inside, so the trace does not show through as if it were filled.
        else mark.attr('d', markerSymbolPath(symbolRows.get(pk.phase!)!, MARKER_RADIUS_PX)).attr('fill', kind === 'open' ? '#ffffff' : colour).attr('stroke-width', kind === 'open' ? 1.5 : 0.75);
        const phase = peakPhaseName(pk);
        mark.append('title').text(`${t.label}: fitted peak at ${pk.twoThetaDeg.toFixed(2)}°${phase ? `, ${phase} ${pk.hkl ?? ''}`.trimEnd() : ', unassigned'}${kind === 'open' ? ' (tentative)' : ''}`);
      });
    });
    // The legend: each phase's symbol, then the dashed lines' ┆ and its name.
    phases.forEach((ph, i) => {
      const baseline = margin.top + 12 + i * 15;
      const entry = svg.append('g').attr('class', 'xrd-legend-entry').attr('data-phase', ph).attr('fill', phaseColour(ph));
      entry.append('path').attr('class', 'legend-marker').attr('transform', `translate(${width - margin.right + 6 + MARKER_RADIUS_PX},${baseline - 4})`).attr('d', markerSymbolPath(symbolRows.get(ph)!, MARKER_RADIUS_PX));
      entry.append('text').attr('x', width - margin.right + 10 + 2 * MARKER_RADIUS_PX).attr('y', baseline).attr('font-size', 11).text(`┆ ${phaseName(ph)}`);
    });

    // Drag across the plot: zoom to that 2θ range; double-click: the whole patterns again.
    const rule = plot.append('line').attr('class', 'hover-rule').attr('y1', margin.top).attr('y2', height - margin.bottom).attr('stroke', '#777').attr('visibility', 'hidden');
    const brush = d3
      .brushX<undefined>()
      .extent([
        [px0, margin.top],
        [px1, height - margin.bottom],
      ])
      .on('end', (event: d3.D3BrushEvent<undefined>) => {
        const sel = event.selection as [number, number] | null;
        if (sel && sel[1] - sel[0] > 3) setZoom([x.invert(sel[0]), x.invert(sel[1])]); // a click is no zoom
      });
    svg
      .append('g')
      .attr('class', 'xrd-brush')
      .call(brush)
      .on('dblclick', () => zoom && setZoom(null))
      // Hover read-out: each state's intensity at the pattern point nearest the pointer.
      .on('pointermove', (event: PointerEvent) => {
        const [px] = d3.pointer(event);
        const at = x.invert(px);
        rule.attr('x1', px).attr('x2', px).attr('visibility', 'visible');
        const fmt = d3.format('.4~g');
        const parts = traces.map((t, k) => {
          const i = nearestIndex(t.twoThetaDeg, at);
          return `${t.label} ${Number.isFinite(t.y[i]) ? `${fmt(t.y[i])} ${d.patterns[k].intensityUnit}` : 'masked'}`;
        });
        readout.textContent = `2θ ${at.toFixed(2)}° — ${parts.join('; ')}`;
      })
      .on('pointerleave', () => rule.attr('visibility', 'hidden'));

    const notes = d.missing.map((m) => `${m.state}: ${m.reason}.`);
    // Only the masks inside the measured range: "Si (400) masked (68.43–69.83°)" under a pattern
    // of 2–30° named a cut the data never reached.
    const inRange = (m: MaskRange): boolean => m.toDeg > whole[0] && m.fromDeg < whole[1];
    const maskNotes = [
      ...shared.filter(inRange).map((m) => `${m.label} masked (${m.fromDeg}–${m.toDeg}°)`),
      ...own.flatMap((masks, k) => masks.filter(inRange).map((m) => `${m.label} masked in ${traces[k].label} (${m.fromDeg}–${m.toDeg}°)`)),
    ];
    if (maskNotes.length) notes.push(`${maskNotes.join(', ')}, as in the exported figure.`);
    // Said of the peaks of the states drawn, whatever the zoom shows of them.
    const markerNote = peakMarkerNote(traces.flatMap((t) => tracePeaks(t.label)), symbolRows);
    if (markerNote) notes.push(markerNote);
    if (traces.some((t) => fitsOf(t.label).length > 0)) notes.push('Thin dark lines over the peaks: the fitted model (peaks, background and broad hump); dashed: its background, what each peak is measured above.');
    const radiations = [...new Set(d.patterns.map((p) => radiationLabel(p.wavelengthA)))];
    if (radiations.length > 1) notes.push(`The patterns were measured with different radiation (${radiations.join(', ')}): the same reflection falls at different 2θ; the axis is the first pattern's.`);
    const n = noteText(s, 'reference sticks');
    if (n) notes.push(n);
    else if (!phases.length) notes.push('The report indexes no crystalline phases: no reference sticks.');
    note.textContent = notes.join(' ');
    chart.replaceChildren(svg.node()!);
    readout.textContent = 'Hover over the plot for each state’s intensity.';
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
        // The area is the fitted peak's integral over 2θ: the pattern's intensity unit times degrees
        // (the report's, else from the pattern: a report written before it was recorded).
        const unit = data?.patterns.find((p) => p.state === st.state)?.intensityUnit;
        const areaUnit = xrd.areaUnit ?? (unit ? xrdAreaUnit(unit) : null);
        return [
          h(
            'table',
            { class: 'compact', 'data-state': st.state },
            // The analysis's doubts about this pattern (e.g. intensities that are not counts) under its
            // title; the phases and materials they name ("LiFePO4 is tentative") in formula notation, as the table's.
            h('caption', {}, `Peaks of ${st.state} (${xrd.file}); amorphous fraction ${amorphous}`, ...(xrd.warnings ?? []).map((w) => h('div', { class: 'notes' }, `Warning: ${formulaNotation(w)}`))),
            h('thead', {}, h('tr', {}, h('th', {}, '2θ (°)'), h('th', {}, 'FWHM (°)'), h('th', {}, areaUnit ? `Area (${areaUnit})` : 'Area'), h('th', {}, 'Phase (hkl)'), h('th', {}, 'Crystallite (nm)'))),
            h(
              'tbody',
              {},
              // An empty table under its headers read as a table still loading.
              ...(xrd.peaks.length ? [] : [h('tr', { class: 'no-peaks' }, h('td', { colspan: 5, class: 'notes' }, 'No peak found above the background (an amorphous pattern, or no crystalline reflection in the range).'))]),
              ...xrd.peaks.map((p) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'num' }, pm(p.twoThetaDeg, p.twoThetaSigmaDeg, 3)),
                  h('td', { class: 'num' }, pm(p.fwhmDeg, p.fwhmSigmaDeg, 3)),
                  h('td', { class: 'num' }, pm(p.area, p.areaSigma, 1)),
                  h('td', {}, p.phase ? `${peakPhaseName(p)} ${p.hkl ?? ''}`.trim() : '—'),
                  // A width not resolved from the instrument's gives a lower bound, not a size.
                  p.crystalliteNm === null && p.crystalliteMinNm !== undefined
                    ? h('td', { class: 'num', title: 'The peak is not broader than the instrument by 2σ of its width: the crystallites are at least this large.' }, `> ${p.crystalliteMinNm.toFixed(0)}`)
                    : h('td', { class: 'num' }, pm(p.crystalliteNm, p.crystalliteSigmaNm, 1)),
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
