import * as d3 from 'd3';
import type { ProfilePayload } from '../../../core/api/contract.js';
import type { InterfaceResult, LayerSegment } from '../../../core/model/report.js';
import { analysedAnalyte } from '../../../core/model/report.js';
import { h } from '../dom.js';
import { BAND_FILLS, OKABE_ITO, studyStateColour } from '../colour.js';
import { runBackendJobs } from '../jobs.js';
import { InFlight } from '../inFlight.js';
import type { AppState, Store } from '../store.js';
import { withStateOverride } from '../store.js';
import { defaultProfileIons, detectorLimit, detectorShares, interfaceLimits, NEAR_SATURATION, nearestIndex, profileSources, runs, seriesOf, stackProfilesLabel, timeToDepth } from './profileMath.js';
import type { ProfileSource, Series } from './profileMath.js';
import { clearRoiButton, noteText, onWidthChange, roiText, showFailure } from './view.js';
import type { View } from './view.js';
import { simsFigure } from './view.js';
import { ionNotation } from '../../../core/model/ions.js';
import { layerLabel } from './layerLabel.js';
import { countOf } from './view.js';
import { formatWithSigma } from '../../../core/util/uncertainty.js';
import { endLayerRateText, endLayerWidth } from '../../../core/sims/endLayer.js';

const DASHES = ['', '6 3', '2 3', '9 3 2 3', '1 2'];
/** Another state's interface closer than this to one of the chosen state's is not ticked (it would sit on its line), px. */
const OTHER_INTERFACE_APART_PX = 2;

/** The profiles of one ROI (or of none), with where each came from. */
interface LoadedProfiles {
  profiles: Map<string, ProfilePayload>;
  sources: Map<string, ProfileSource>;
}

/**
 * Depth profiles: any ions of any states, linear/log, raw/normalised, time or depth axis, the
 * layers of one state shaded and labelled, its interfaces draggable (the drag re-runs the
 * analysis with `overrides.interfacesS`), Poisson bands, and a hover read-out.
 */
export function profileView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'profile-view' }, h('h2', {}, 'Depth profiles'));
  const controls = h('div', { class: 'controls' });
  const note = h('p', { class: 'notes', id: 'profile-note' });
  const chartHost = h('div', { class: 'chart', id: 'profile-chart' });
  const readout = h('div', { class: 'readout', id: 'profile-readout' }, 'Hover over the chart for values.');
  const tables = h('div', { class: 'tables' });
  el.append(controls, note, chartHost, readout, tables);

  const profiles = new Map<string, ProfilePayload>();
  /** Where each profile shown came from: a state with only a stack shows its whole field, labelled so. */
  let sourceOf = new Map<string, ProfileSource>();
  onWidthChange(chartHost, () => profiles.size && draw(store.state));
  let loadedKey = '';
  /** Loads under way by ROI key: asked again meanwhile (a redraw, the tab shown again), the load under way answers. */
  const loading = new InFlight<LoadedProfiles>();
  const study = store.state.study;

  function roiKey(s: AppState): string {
    const r = s.overrides.roi;
    return r ? `${r.x0},${r.y0},${r.x1},${r.y1}` : '';
  }

  /** A state's profile is its stack's whole field (it has no profile file). */
  const fromWholeStack = (state: string): boolean => {
    const src = sourceOf.get(state);
    return src?.from === 'stack' && src.wholeField;
  };

  /**
   * Every state's profile for the ROI of `s` (profileSources), side by side: the profile files
   * read at once, the stack passes as one job the backend runs on its worker threads, one row in
   * the job bar whose Cancel stops every pass (runBackendJobs). One load per ROI at a time.
   */
  function load(s: AppState): Promise<LoadedProfiles> {
    const roi = s.overrides.roi;
    return loading.run(roiKey(s), async () => {
      const sources = profileSources(study.states, roi);
      const files = sources.filter((x) => x.from === 'profile');
      const stacks = sources.filter((x): x is Extract<ProfileSource, { from: 'stack' }> => x.from === 'stack');
      const label = stackProfilesLabel(sources);
      const [fromFiles, fromStacks] = await Promise.all([
        Promise.all(files.map((x) => store.api.getProfile({ path: study.path, state: x.state }))),
        label ? runBackendJobs(store.api, label, stacks.map((x) => (jobId: string) => store.api.getProfile({ path: study.path, state: x.state, roi: x.roi, jobId }))) : Promise.resolve([]),
      ]);
      const byState = new Map<string, ProfilePayload>();
      files.forEach((x, k) => byState.set(x.state, fromFiles[k]));
      stacks.forEach((x, k) => byState.set(x.state, fromStacks[k]));
      // In the study's order, whichever answered first.
      return { profiles: new Map(sources.map((x) => [x.state, byState.get(x.state)!])), sources: new Map(sources.map((x) => [x.state, x])) };
    });
  }

  function ionsAvailable(): string[] {
    const set = new Set<string>();
    for (const p of profiles.values()) for (const i of p.ions) set.add(i.label);
    return [...set];
  }

  function buildControls(s: AppState): void {
    const v = s.view.profile;
    const stateBoxes = [...profiles.keys()].map((state) => {
      const box = h('input', { type: 'checkbox', name: 'profile-state', value: state, checked: v.states.includes(state) });
      box.addEventListener('change', () => store.setView('profile', { states: box.checked ? [...new Set([...store.state.view.profile.states, state])] : store.state.view.profile.states.filter((x) => x !== state) }));
      // A state without a profile file plots its stack's whole field: said where it is ticked.
      const stackNote = fromWholeStack(state) ? h('span', { class: 'notes', title: 'No depth-profile file: the profile is summed from the 3-D ion stack over its whole field, the series the analysis found the layers in' }, ' (3-D stack, whole field)') : null;
      return h('label', { 'data-source': sourceOf.get(state)?.from ?? '' }, box, ` ${state}`, stackNote);
    });
    const ionBoxes = ionsAvailable().map((ion) => {
      const box = h('input', { type: 'checkbox', name: 'profile-ion', value: ion, checked: v.ions.includes(ion) });
      box.addEventListener('change', () => store.setView('profile', { ions: box.checked ? [...new Set([...store.state.view.profile.ions, ion])] : store.state.view.profile.ions.filter((x) => x !== ion) }));
      return h('label', {}, box, ` ${ionNotation(ion)}`);
    });
    const log = h('input', { type: 'checkbox', id: 'profile-log', checked: v.logY });
    log.addEventListener('change', () => store.setView('profile', { logY: log.checked }));
    const norm = h('input', { type: 'checkbox', id: 'profile-normalise', checked: v.normalise });
    norm.addEventListener('change', () => store.setView('profile', { normalise: norm.checked }));
    const depthOk = profileStatesWithDepth(s).length > 0;
    const axis = h('select', { id: 'profile-axis', 'aria-label': 'Horizontal axis' }, h('option', { value: 'time', selected: v.axis === 'time' }, 'sputter time (s)'), h('option', { value: 'depth', selected: v.axis === 'depth', disabled: !depthOk }, depthOk ? 'depth (nm)' : 'depth (needs a calibrated report)'));
    axis.addEventListener('change', () => store.setView('profile', { axis: axis.value as 'time' | 'depth' }));
    const ifaceOf = h('select', { id: 'profile-layers-of', 'aria-label': 'Layers and interfaces of' }, ...[...profiles.keys()].map((st) => h('option', { value: st, selected: st === v.interfacesOf }, st)));
    ifaceOf.addEventListener('change', () => store.setView('profile', { interfacesOf: ifaceOf.value }));
    const byHand = s.overrides.interfacesS?.[v.interfacesOf] !== undefined;
    const reset = h('button', { type: 'button', id: 'profile-reset-interfaces', disabled: !byHand, title: byHand ? `Back to the interfaces found in ${v.interfacesOf}'s profile` : 'The interfaces are the ones found: none was moved by hand' }, 'Reset interfaces');
    reset.addEventListener('click', () => resetInterfaces(v.interfacesOf));
    controls.replaceChildren(
      h('fieldset', {}, h('legend', {}, 'States'), ...stateBoxes),
      h('fieldset', { class: 'ions' }, h('legend', {}, 'Ions'), ...ionBoxes),
      h('fieldset', {}, h('legend', {}, 'Display'), h('label', {}, log, ' log scale'), h('label', {}, norm, ' normalised to total'), h('label', {}, 'x: ', axis), h('label', {}, 'layers of ', ifaceOf), reset),
    );
  }

  /**
   * Ticked ions none of the profiles has (the default Li⁻ in a study of positive ions, or of a
   * cell without Li) left an empty chart and the hint "None of the ticked states has the ticked
   * ions" over a hundred unticked boxes: the analyte and each layer's first marker the data have
   * are ticked instead. Ions the user unticked all (none ticked) stay so. True when it ticked.
   */
  function tickIonsPresent(): boolean {
    const v = store.state.view.profile;
    const available = ionsAvailable();
    if (!v.ions.length || v.ions.some((i) => available.includes(i))) return false;
    const analyte = store.state.report ? analysedAnalyte(store.state.report) : undefined;
    // The analyte of the other polarity too (Li⁺ of positive ions for the default Li⁻), as the analysis takes it.
    const flipped = v.ions.map((i) => i.replace(/[+-]$/, (c) => (c === '+' ? '-' : '+')));
    const ions = defaultProfileIons(available, [typeof analyte === 'string' ? analyte : null, ...v.ions, ...flipped], study.stack.layers.map((l) => l.markerIons));
    if (!ions.length) return false;
    store.setView('profile', { ions });
    return true;
  }

  /** Drops a state's dragged interfaces from the overrides (as a drag puts them there): the analysis finds them again. */
  function resetInterfaces(state: string): void {
    void store.analyze(withStateOverride(store.state.overrides, 'interfacesS', state, undefined));
  }

  function simsOf(s: AppState, state: string) {
    return s.report?.states.find((r) => r.state === state)?.sims;
  }

  function profileStatesWithDepth(s: AppState): string[] {
    return [...profiles.keys()].filter((st) => {
      const sims = simsOf(s, st);
      return sims && sims.depthCalibration !== 'none' && timeToDepth(sims.layers) !== null;
    });
  }

  function draw(s: AppState): void {
    const v = s.view.profile;
    const useDepth = v.axis === 'depth' && profileStatesWithDepth(s).length > 0;
    const notes: string[] = [];
    const analysisNote = noteText(s, 'layer bands and interfaces');
    if (analysisNote) notes.push(analysisNote);
    if (s.overrides.roi) notes.push(`Profiles summed from the 3-D stacks over the ${roiText(s.overrides.roi)} (raw counts).`);
    const wholeStack = v.states.filter((st) => profiles.has(st) && fromWholeStack(st));
    if (wholeStack.length) notes.push(`${wholeStack.join(', ')}: no depth-profile file; the profile is summed from the 3-D stack over the whole field (raw counts), the series the analysis found the layers in.`);
    if (v.axis === 'depth' && !useDepth) notes.push('No depth calibration in the report: the axis stays in sputter time.');
    if (v.normalise) notes.push('Normalised: counts divided by the total ion counts of each scan; bands are ±1σ (Poisson, propagated).');
    else notes.push('Raw counts; bands are ±1σ = √counts.');

    const width = Math.max(480, Math.min(1400, chartHost.clientWidth || el.clientWidth - 40 || 960));
    const height = 420;
    const margin = { top: 28, right: 150, bottom: 44, left: 72 };
    const toX = (state: string): ((t: number) => number) => (useDepth ? timeToDepth(simsOf(s, state)?.layers) ?? ((t) => t) : (t) => t);
    const series: Series[] = [];
    /** Per series, each scan's raw counts as a share of N·pixels (null where N is not known). */
    const shares: (number[] | null)[] = [];
    const limits = new Set<string>();
    for (const state of v.states) {
      const p = profiles.get(state);
      if (!p) continue;
      const limit = detectorLimit(p, simsOf(s, state)?.parameters);
      for (const ion of v.ions) {
        const ser = seriesOf(p, ion, v.normalise, toX(state));
        if (!ser) continue;
        series.push(ser);
        shares.push(detectorShares(p, ion, limit));
        if (limit) limits.add(d3.format('~s')(limit));
      }
    }
    const near = (k: number, i: number): boolean => (shares[k]?.[i] ?? 0) > NEAR_SATURATION;
    const anyNear = series.some((ser, k) => ser.y.some((_, i) => near(k, i)));
    if (anyNear) notes.push(`Strips along the axis: scans whose counts exceed ${100 * NEAR_SATURATION} % of what the detector can count (N shots per pixel × pixels per scan = ${[...limits].join(', ')}): dead time matters there.`);
    note.replaceChildren(...notes.map((n) => h('span', {}, n, ' ')));
    if (s.overrides.roi) note.append(clearRoiButton(store));
    // Nothing to plot: axes without data mean nothing, so say what to tick instead.
    if (!series.length) {
      const hint = !v.states.length ? 'Tick a state to plot its profile.' : !v.ions.length ? 'Tick an ion to plot its profile.' : 'None of the ticked states has the ticked ions.';
      chartHost.replaceChildren(h('p', { class: 'notes', id: 'profile-empty' }, hint));
      readout.textContent = '';
      drawTables(s);
      return;
    }
    // The legend's labels, and room for the longest beside the plot (" (stack)" made one overrun it).
    const legendText = (ser: Series): string => `${ionNotation(ser.ion)} · ${ser.state}${fromWholeStack(ser.state) ? ' (stack)' : ''}`;
    margin.right = Math.max(margin.right, 36 + Math.ceil(7 * (d3.max(series, (ser) => legendText(ser).length) ?? 0)));
    const byState = new Set(series.map((x) => x.state)).size > 1;
    const colourOf = (ser: Series) => (byState ? studyStateColour(study.states, ser.state) : OKABE_ITO[v.ions.indexOf(ser.ion) % OKABE_ITO.length]);
    const dashOf = (ser: Series) => (byState ? DASHES[v.ions.indexOf(ser.ion) % DASHES.length] : '');

    const svg = d3.create('svg').attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'Depth profiles');
    const allX = series.flatMap((x) => x.x);
    const x = d3.scaleLinear().domain((d3.extent(allX) as [number, number])[0] === undefined ? [0, 1] : (d3.extent(allX) as [number, number])).range([margin.left, width - margin.right]);
    const lows = series.flatMap((ser) => ser.y.map((yv, k) => yv - ser.sigma[k]));
    const highs = series.flatMap((ser) => ser.y.map((yv, k) => yv + ser.sigma[k]));
    const positive = series.flatMap((ser) => ser.y.filter((yv) => yv > 0));
    const minPos = d3.min(positive) ?? 1e-6;
    const y = v.logY
      ? d3.scaleLog().domain([minPos * 0.5, Math.max(minPos * 10, d3.max(highs) ?? 10)]).range([height - margin.bottom, margin.top]).nice().clamp(true)
      : d3.scaleLinear().domain([Math.min(0, d3.min(lows) ?? 0), d3.max(highs) ?? 1]).range([height - margin.bottom, margin.top]).nice();

    // Layer bands of the chosen state, labelled with their roles.
    const sims = simsOf(s, v.interfacesOf);
    const bandLayer = svg.append('g').attr('class', 'bands');
    const layerX = toX(v.interfacesOf);
    (sims?.layers ?? []).forEach((layer: LayerSegment, k) => {
      const x0 = x(layerX(layer.startS));
      const x1 = x(layerX(layer.endS));
      const label = study.stack.layers.some((l) => l.role === layer.role) ? layerLabel(study, layer.role) : layer.label || layer.role;
      bandLayer.append('rect').attr('class', 'band').attr('data-role', layer.role).attr('x', Math.min(x0, x1)).attr('width', Math.abs(x1 - x0)).attr('y', margin.top).attr('height', height - margin.top - margin.bottom).attr('fill', BAND_FILLS[k % BAND_FILLS.length]);
      bandLayer.append('text').attr('x', (x0 + x1) / 2).attr('y', margin.top - 8).attr('text-anchor', 'middle').attr('font-size', 11).attr('fill', '#333').text(label);
    });

    // The other plotted states' interfaces, ticked along the top in their colours where they lie
    // apart from the chosen state's: the bands are one state's, and another's layers may sit elsewhere.
    const chosenXs = (sims?.interfaces ?? []).map((f) => x(layerX(f.timeS)));
    for (const state of new Set(series.map((ser) => ser.state))) {
      if (state === v.interfacesOf) continue;
      const toStateX = toX(state);
      for (const f of simsOf(s, state)?.interfaces ?? []) {
        const at = toStateX(f.timeS);
        const px = x(at);
        if (px < margin.left || px > width - margin.right || chosenXs.some((c) => Math.abs(c - px) < OTHER_INTERFACE_APART_PX)) continue;
        bandLayer
          .append('line')
          .attr('class', 'other-interface')
          .attr('data-state', state)
          .attr('x1', px)
          .attr('x2', px)
          .attr('y1', margin.top)
          .attr('y2', margin.top + 8)
          .attr('stroke', studyStateColour(study.states, state))
          .attr('stroke-width', 2)
          .append('title')
          .text(`${state}: ${layerLabel(study, f.upper)} | ${layerLabel(study, f.lower)} at ${useDepth ? `${at.toFixed(0)} nm` : `${at.toFixed(0)} s`}`);
      }
    }

    svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(10));
    svg.append('g').attr('transform', `translate(${margin.left},0)`).call(v.logY ? d3.axisLeft(y).ticks(6, '~g') : d3.axisLeft(y).ticks(6, '~g'));
    svg.append('text').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text(useDepth ? 'Depth (nm)' : 'Sputter time (s)');
    svg.append('text').attr('transform', `translate(16,${(height - margin.bottom + margin.top) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(v.normalise ? 'Intensity / total counts' : 'Intensity (counts)');

    const plot = svg.append('g').attr('class', 'series');
    const floor = y.domain()[0];
    for (const [j, ser] of series.entries()) {
      const colour = colourOf(ser);
      const band = d3
        .area<number>()
        .x((_, k) => x(ser.x[k]))
        .y0((yv, k) => y(Math.max(floor, yv - ser.sigma[k])))
        .y1((yv, k) => y(Math.max(floor, yv + ser.sigma[k])));
      plot.append('path').attr('class', 'sigma-band').attr('d', band(ser.y)).attr('fill', colour).attr('fill-opacity', 0.18).attr('stroke', 'none');
      const line = d3
        .line<number>()
        .defined((yv) => !v.logY || yv > 0)
        .x((_, i) => x(ser.x[i]))
        .y((yv) => y(yv));
      plot.append('path').attr('class', 'trace').attr('data-state', ser.state).attr('data-ion', ser.ion).attr('d', line(ser.y)).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 1.5).attr('stroke-dasharray', dashOf(ser));
      // The scans near the detector's limit: a strip of the series' colour along the axis, one row per series.
      const stripY = height - margin.bottom - 6 * (j + 1);
      for (const [a, b] of runs(ser.y.map((_, i) => near(j, i)))) {
        const left = x(a > 0 ? (ser.x[a - 1] + ser.x[a]) / 2 : ser.x[a]);
        const right = x(b < ser.x.length - 1 ? (ser.x[b] + ser.x[b + 1]) / 2 : ser.x[b]);
        plot.append('rect').attr('class', 'near-saturation').attr('data-state', ser.state).attr('data-ion', ser.ion).attr('x', Math.min(left, right)).attr('width', Math.max(1, Math.abs(right - left))).attr('y', stripY).attr('height', 4).attr('fill', colour);
      }
    }
    const legendX = width - margin.right + 8;
    series.forEach((ser, k) => {
      const ly = margin.top + 8 + k * 17;
      svg.append('line').attr('x1', legendX).attr('x2', legendX + 22).attr('y1', ly).attr('y2', ly).attr('stroke', colourOf(ser)).attr('stroke-width', 2).attr('stroke-dasharray', dashOf(ser));
      svg.append('text').attr('x', legendX + 26).attr('y', ly + 4).attr('font-size', 12).text(legendText(ser));
    });
    if (anyNear) {
      const ly = margin.top + 8 + series.length * 17 + 4;
      svg.append('rect').attr('x', legendX).attr('width', 22).attr('y', ly - 2).attr('height', 4).attr('fill', '#777');
      const text = svg.append('text').attr('id', 'profile-near-saturation-legend').attr('x', legendX + 26).attr('y', ly + 4).attr('font-size', 11);
      text.append('tspan').text('near saturation');
      text.append('tspan').attr('x', legendX + 26).attr('dy', 13).text(`(> ${100 * NEAR_SATURATION} % of N·pixels)`);
    }

    // Interfaces of the chosen state, draggable along the axis.
    const ifaces: InterfaceResult[] = sims?.interfaces ?? [];
    const ifaceLayer = svg.append('g').attr('class', 'interfaces');
    const dragState = v.interfacesOf;
    const profile = profiles.get(dragState);
    const invert = (px: number): number => {
      const value = x.invert(px);
      if (!useDepth || !profile) return value;
      // Depth → time through the same piecewise calibration, by interpolation on the scans.
      const depths = profile.timeS.map(layerX);
      const k = nearestIndex(depths, value);
      return profile.timeS[k];
    };
    const times = ifaces.map((f) => f.timeS);
    const layers = sims?.layers ?? [];
    // One scan: how close a dragged interface may come to its neighbours.
    const scanS = profile && profile.timeS.length > 1 ? (profile.timeS[profile.timeS.length - 1] - profile.timeS[0]) / (profile.timeS.length - 1) : 1;
    ifaces.forEach((iface, idx) => {
      // Confined between its neighbours: dragging past one would re-sort the times and relabel every layer.
      const [loS, hiS] = layers.length ? interfaceLimits(times, idx, [layers[0].startS, layers[layers.length - 1].endS], scanS) : [iface.timeS, iface.timeS];
      const [pxLo, pxHi] = [x(layerX(loS)), x(layerX(hiS))].sort((a, b) => a - b);
      const confine = (px: number): number => Math.max(pxLo, Math.min(pxHi, px));
      let moved = false;
      const g = ifaceLayer.append('g').attr('class', 'interface').attr('data-index', idx).attr('data-time-s', iface.timeS.toFixed(3)).attr('transform', `translate(${x(layerX(iface.timeS))},0)`).style('cursor', 'ew-resize');
      g.append('line').attr('y1', margin.top).attr('y2', height - margin.bottom).attr('stroke', '#222').attr('stroke-width', 1.5).attr('stroke-dasharray', '5 3');
      g.append('rect').attr('class', 'iface-handle').attr('x', -6).attr('width', 12).attr('y', margin.top).attr('height', height - margin.top - margin.bottom).attr('fill', 'transparent');
      g.append('title').text(`${layerLabel(study, iface.upper)} | ${layerLabel(study, iface.lower)}: ${iface.timeS.toFixed(1)} s (${iface.markerIon ? ionNotation(iface.markerIon) : 'no marker step'}); drag to move`);
      g.call(
        d3
          .drag<SVGGElement, undefined>()
          .on('start', () => (moved = false))
          .on('drag', (event: { x: number }) => {
            moved = true;
            g.attr('transform', `translate(${confine(event.x)},0)`);
          })
          .on('end', (event: { x: number }) => {
            if (!moved) return; // a click is not a move: the interfaces stay as found
            const next = [...times];
            next[idx] = Math.max(loS, Math.min(hiS, invert(confine(event.x))));
            void store.analyze(withStateOverride(store.state.overrides, 'interfacesS', dragState, next));
          }),
      );
    });

    // Hover read-out: a rule and the values ± σ of every series at the nearest scan.
    const rule = svg.append('line').attr('class', 'hover-rule').attr('y1', margin.top).attr('y2', height - margin.bottom).attr('stroke', '#777').attr('visibility', 'hidden');
    svg
      .insert('rect', '.interfaces')
      .attr('class', 'hover-area')
      .attr('x', margin.left)
      .attr('y', margin.top)
      .attr('width', width - margin.left - margin.right)
      .attr('height', height - margin.top - margin.bottom)
      .attr('fill', 'transparent')
      .on('pointermove', (event: PointerEvent) => {
        const [px] = d3.pointer(event);
        rule.attr('x1', px).attr('x2', px).attr('visibility', 'visible');
        const at = x.invert(px);
        const fmt = d3.format('.4~g');
        const parts = series.map((ser, j) => {
          const k = nearestIndex(ser.x, at);
          const share = near(j, k) ? ` (${Math.round(100 * shares[j]![k])} % of N·pixels: near saturation)` : '';
          // Value ± σ as every table writes it: σ to two figures, the value to the same place.
          return `${ionNotation(ser.ion)} (${ser.state}): ${formatWithSigma(ser.y[k], ser.sigma[k], { fallbackDecimals: 0 })}${share}`;
        });
        readout.textContent = `${useDepth ? 'depth' : 'time'} ${fmt(at)} ${useDepth ? 'nm' : 's'} — ${parts.join('; ')}`;
      })
      .on('pointerleave', () => rule.attr('visibility', 'hidden'));

    chartHost.replaceChildren(svg.node()!);
    readout.textContent = 'Hover over the chart for values.'; // old values belong to the old chart
    drawTables(s);
  }

  function drawTables(s: AppState): void {
    const sims = simsOf(s, s.view.profile.interfacesOf);
    if (!sims) {
      tables.replaceChildren();
      return;
    }
    const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
    const overridden = s.overrides.interfacesS?.[s.view.profile.interfacesOf] ? ' (moved by hand)' : '';
    // The layer the profile ends in has no lower interface: its width is how far the sputtering
    // went into it ("≥"), at a rate it did not set; read bare, the substrate's 81 nm looked like its thickness.
    const end = endLayerWidth(sims);
    const endNote = end ? `≥: the profile ends in ${layerLabel(study, end.role)}, so its width is the depth sputtered into it (${endLayerRateText(end, (role) => layerLabel(study, role))}), not its thickness.` : null;
    const widthCell = (l: LayerSegment): HTMLElement =>
      end?.role === l.role ? h('td', { class: 'num', title: endNote! }, `≥ ${fmt(l.widthNm)}`) : h('td', { class: 'num' }, fmt(l.widthNm));
    tables.replaceChildren(
      h(
        'table',
        { id: 'interface-table', class: 'compact' },
        h('caption', {}, `Interfaces of ${s.view.profile.interfacesOf}${overridden}`),
        h('thead', {}, h('tr', {}, h('th', {}, 'Upper | lower'), h('th', {}, 'Marker'), h('th', {}, 'Time ± σ (s)'), h('th', {}, 'Depth (nm)'), h('th', {}, 'Resolution (nm)'))),
        h('tbody', {}, ...sims.interfaces.map((f) => h('tr', {}, h('td', { 'data-roles': `${f.upper}|${f.lower}` }, `${layerLabel(study, f.upper)} | ${layerLabel(study, f.lower)}`), h('td', {}, f.markerIon ? ionNotation(f.markerIon) : '—'), h('td', { class: 'num', 'data-time-s': String(f.timeS) }, f.timeSigmaS === undefined ? fmt(f.timeS) : formatWithSigma(f.timeS, f.timeSigmaS)), h('td', { class: 'num' }, fmt(f.depthNm)), h('td', { class: 'num' }, fmt(f.resolutionNm))))),
      ),
      h(
        'div',
        { class: 'layer-table' },
        h(
          'table',
          { id: 'layer-table', class: 'compact' },
          h('caption', {}, `Layers of ${s.view.profile.interfacesOf} (depth: ${sims.depthCalibration})`),
          h('thead', {}, h('tr', {}, h('th', {}, 'Layer'), h('th', {}, 'Start (s)'), h('th', {}, 'End (s)'), h('th', {}, 'Width (nm)'), h('th', {}, 'Confidence'))),
          h('tbody', {}, ...sims.layers.map((l) => h('tr', { 'data-role': l.role }, h('td', {}, layerLabel(study, l.role)), h('td', { class: 'num' }, fmt(l.startS)), h('td', { class: 'num' }, fmt(l.endS)), widthCell(l), h('td', { class: 'num' }, fmt(l.confidence, 2))))),
        ),
        endNote ? h('p', { class: 'notes', id: 'end-layer-note' }, endNote) : null,
      ),
      // What the segmentation and the corrections of this state had to guess or could not do.
      sims.warnings?.length
        ? // Open when the detector saturated: the counts there are estimates, which the user must see.
          h('details', { class: 'notes', id: 'profile-warnings', open: sims.warnings.some((w) => /saturat/i.test(w)) }, h('summary', {}, `${countOf(sims.warnings.length, 'warning')} of ${s.view.profile.interfacesOf}`), h('ul', {}, ...sims.warnings.map((w) => h('li', {}, w))))
        : h('span'),
    );
  }

  async function refresh(s: AppState, rebuildControls: boolean): Promise<void> {
    const key = roiKey(s);
    try {
      if (key !== loadedKey || !profiles.size) {
        const loaded = await load(s);
        // An ROI drawn or cleared while these loaded: the refresh that followed shows its own.
        if (key !== roiKey(store.state)) return;
        profiles.clear();
        for (const [k, p] of loaded.profiles) profiles.set(k, p);
        sourceOf = loaded.sources;
        loadedKey = key;
        rebuildControls = true;
        if (tickIonsPresent()) return; // the store's update draws with them
      }
      if (rebuildControls) buildControls(store.state);
      draw(store.state);
    } catch (err) {
      const what = key ? 'ROI profiles' : 'Profiles from the 3-D stacks';
      showFailure(note, err, `${what} cancelled${profiles.size ? '; showing the previous profiles' : ''}.`);
    }
  }

  return {
    el,
    figure: () => simsFigure(store.state),
    shown() {
      void refresh(store.state, true);
    },
    update(s, changed) {
      if (!el.isConnected) return;
      void changed;
      void refresh(s, true);
    },
    dispose() {
      el.remove();
    },
  };
}
