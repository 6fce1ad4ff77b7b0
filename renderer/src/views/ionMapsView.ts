import * as d3 from 'd3';
import type { IonMapsPayload } from '../../../core/api/contract.js';
import { h } from '../dom.js';
import { base64ToF32, colormapLut, COLORMAPS, colourRange } from '../colour.js';
import type { ColormapName } from '../colour.js';
import { runBackendJob } from '../jobs.js';
import { InFlight } from '../inFlight.js';
import { CancelledError } from '../jobGroup.js';
import { stackIonFor, studyStackIons } from '../store.js';
import type { AppState, Store } from '../store.js';
import { runInWorker } from '../workers/client.js';
import { clearRoiButton, noteText, roiText, shownSettings, showFailure } from './view.js';
import type { View } from './view.js';
import { noShotsText, shotsPerPixelText, uncorrectedStates } from './deadTimeText.js';
import { simsFigure } from './view.js';
import { ionNotation } from '../../../core/model/ions.js';
import { layerLabel } from './layerLabel.js';
import { columnPowerOfTen, formatWithSigma } from '../../../core/util/uncertainty.js';
import { decadeLabel } from '../../../core/figures/axes.js';
import { lateralStats } from './mapStats.js';
import { clipRect } from '../../../core/sims/roi.js';

const CELL_PX = 280;

/**
 * 2-D ion images: every state side by side on one shared colour scale with a colour bar, the
 * sum over all scans or over one layer's scans (each state's own layer window from the report),
 * and a rectangle ROI drawn on any map that re-runs the profiles and the analysis on it.
 */
export function ionMapsView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'maps-view' }, h('h2', {}, '2-D ion images'));
  const controls = h('div', { class: 'controls' });
  const note = h('p', { class: 'notes', id: 'maps-note' });
  const grid = h('div', { class: 'small-multiples', id: 'maps-grid' });
  const colourBar = h('div', { class: 'colour-bar', id: 'maps-colour-bar' });
  const stats = h('div', { class: 'tables' });
  el.append(controls, note, grid, stats);
  const study = store.state.study;
  /** The last maps loaded, and the key of what they were asked with (fetchMaps). */
  let data: IonMapsPayload | null = null;
  let dataKey = '';
  /** Maps being loaded, by the same key: asked again meanwhile, the pass under way answers. */
  const loading = new InFlight<IonMapsPayload>();
  /**
   * The maps whose job was cancelled, until the user changes a control: a redraw for them in
   * the meantime (any store change redraws) is answered as cancelled rather than starting the
   * pass the user just stopped (under load, one such redraw restarted it and the controls were
   * never put back).
   */
  let cancelledKey: string | null = null;
  const userChanged = (): void => {
    cancelledKey = null;
  };
  let drawSeq = 0;
  /** The settings the maps on screen were drawn with: a cancelled job puts the controls back to them. */
  const shown = shownSettings(store, 'maps');
  /**
   * States whose stack gives no N (shots per pixel): learned from the first maps asked dead-time
   * corrected. The setting stays as the user left it; the maps are loaded raw while any is listed.
   */
  let noShots: string[] = [];
  const deadTimeOf = (s: AppState): boolean => s.view.maps.deadTime && !noShots.length;

  const stackIons = studyStackIons(study);
  /** The ion shown: the one chosen where the stacks have it, else the analyte or their first (stackIonFor). */
  const ionOf = (s: AppState): string => stackIonFor(study, s.view.maps.ion, s.report);

  /** Each state's layer windows from the report: the layer's name with that state's times. */
  function windowsOf(s: AppState) {
    const out: { name: string; startS: number; endS: number; state: string }[] = [];
    for (const st of s.report?.states ?? []) for (const l of st.sims?.layers ?? []) out.push({ name: l.role, startS: l.startS, endS: l.endS, state: st.state });
    return out;
  }

  function buildControls(s: AppState): void {
    const v = s.view.maps;
    const ion = h('select', { id: 'maps-ion', 'aria-label': 'Ion' }, ...stackIons.map((i) => h('option', { value: i, selected: i === ionOf(s) }, ionNotation(i))));
    ion.addEventListener('change', () => {
      userChanged();
      store.setView('maps', { ion: ion.value });
    });
    const cmap = h('select', { id: 'maps-colormap', 'aria-label': 'Colour map' }, ...Object.keys(COLORMAPS).map((c) => h('option', { value: c, selected: c === v.colormap }, c)));
    cmap.addEventListener('change', () => store.setView('maps', { colormap: cmap.value as ColormapName }));
    const layers = [...new Set(windowsOf(s).map((w) => w.name))];
    const win = h(
      'select',
      { id: 'maps-window', 'aria-label': 'Scans summed' },
      h('option', { value: 'all', selected: v.window === 'all' }, 'all scans'),
      ...layers.map((r) => h('option', { value: r, selected: r === v.window }, `layer ${layerLabel(study, r)}`)),
    );
    win.addEventListener('change', () => {
      userChanged();
      store.setView('maps', { window: win.value });
    });
    const dead = h('input', { type: 'checkbox', id: 'maps-deadtime', checked: deadTimeOf(s), disabled: noShots.length > 0, title: noShots.length ? noShotsText(noShots) : 'Poisson dead-time correction per pixel, with N shots per pixel' });
    dead.addEventListener('change', () => {
      userChanged();
      store.setView('maps', { deadTime: dead.checked });
    });
    const log = h('input', { type: 'checkbox', id: 'maps-log', checked: v.logColour });
    log.addEventListener('change', () => store.setView('maps', { logColour: log.checked }));
    // The maps show the whole field; the ROI drawn on them is what the statistics, the profiles and the report use.
    const roi = s.overrides.roi ? [h('span', { class: 'notes', id: 'maps-roi' }, `${roiText(s.overrides.roi)} in force for the statistics below, the profiles and the report.`), clearRoiButton(store)] : [];
    controls.replaceChildren(h('label', {}, 'Ion ', ion), h('label', {}, 'Sum over ', win), h('label', {}, 'Colours ', cmap), h('label', {}, log, ' log colour scale'), h('label', {}, dead, ' dead-time corrected'), h('span', { class: 'notes' }, 'Drag on a map to draw an ROI (Esc cancels).'), ...roi);
  }

  /**
   * The maps `s` asks for: the last ones loaded when they are those, else the request for them
   * already under way (the tab shown again while they load, a redraw: a second request would be
   * a second full pass over every stack), else a new one. Each draw uses the maps it asked for:
   * an older request that ends last must not stand in for a newer one's.
   */
  function fetchMaps(s: AppState): Promise<IonMapsPayload> {
    const windows = windowsOf(s);
    const deadTime = deadTimeOf(s);
    const ion = ionOf(s);
    const key = `${ion}|${deadTime}|${JSON.stringify(windows)}`;
    if (key === dataKey && data) return Promise.resolve(data);
    if (key === cancelledKey) return Promise.reject(new CancelledError(`${ionNotation(ion)} maps: cancelled`));
    return loading.run(key, async () => {
      const got = await runBackendJob(store.api, `${ionNotation(ion)} maps`, (jobId) => store.api.getIonMaps({ path: study.path, ion, windows, deadTime, jobId })).catch((err: unknown) => {
        // Marked before the request is forgotten (InFlight), so no redraw can start it again.
        if (err instanceof CancelledError) cancelledKey = key;
        throw err;
      });
      const lacking = uncorrectedStates(deadTime, got.states);
      if (lacking.length) {
        // Some corrected, some raw on one colour scale would compare unlike numbers: all raw.
        noShots = lacking;
        buildControls(store.state);
        return fetchMaps(s);
      }
      data = got;
      dataKey = key;
      return got;
    });
  }

  async function draw(s: AppState, seq: number): Promise<void> {
    const v = s.view.maps;
    const notes: string[] = [];
    const n = noteText(s, 'per-layer sums');
    if (shown.takeCancelled()) notes.push(`Cancelled; the maps still show ${ionNotation(ionOf(s))}.`); // said once, by the draw that puts the controls back
    if (n) notes.push(n);
    const data = await fetchMaps(s);
    if (seq !== drawSeq) return;
    const maps = data.states.map((st) => ({ st, map: st.maps.find((m) => m.name === v.window) ?? st.maps[0] }));
    if (v.window !== 'all' && maps.some((m) => m.map.name !== v.window)) notes.push(`Some states have no layer '${v.window}': they show all scans.`);
    for (const m of data.missing) notes.push(`${m.state}: ${m.reason}.`);
    // A stack whose ion windows miss its spectra gives empty maps: the reader's warning says why.
    for (const st of data.states) {
      const warning = study.states.find((x) => x.state === st.state)?.files.find((f) => f.path === st.file)?.summary?.warning;
      if (typeof warning === 'string') notes.push(`${st.state}: ${warning}.`);
    }
    const dts = data.states.map((st) => st.deadTime);
    if (dts.some((d) => d.applied)) {
      const sat = d3.sum(dts, (d) => d.saturatedPixels);
      notes.push(`Counts summed over the scans, Poisson dead-time corrected per pixel (N = ${shotsPerPixelText(data.states)} shots)${sat ? `; ${sat} saturated pixel-scans count as lower bounds` : ''}; one colour scale for all states.`);
    } else if (noShots.length) notes.push(`Raw counts summed over the scans. ${noShotsText(noShots)}`);
    else notes.push('Raw counts summed over the scans (not dead-time corrected); one colour scale for all states.');
    note.textContent = notes.join(' ');
    // One shared scale: the lowest and highest pixel of any state's shown map.
    const [lo, hi] = colourRange(Math.max(v.logColour ? 0 : -Infinity, d3.min(maps, (m) => m.map.min) ?? 0), d3.max(maps, (m) => m.map.max) ?? 1);
    const lut = colormapLut(v.colormap);
    const cells: HTMLElement[] = [];
    const decoded: Float32Array[] = [];
    const variances: Float32Array[] = [];
    for (const { st, map } of maps) {
      const values = base64ToF32(map.valuesF32);
      decoded.push(values);
      variances.push(base64ToF32(map.varianceF32));
      const rgba = (await runInWorker(`colouring ${st.state}`, { op: 'colourize', values, lo, hi, log: v.logColour, lut })) as Uint8ClampedArray;
      if (seq !== drawSeq) return;
      cells.push(mapCell(s, st, rgba, map.scans, values));
    }
    // The colour bar follows the last map, as one more of the small multiples: beside the maps
    // however they wrap (beside the row, it floated far right of a wrapped second row).
    grid.replaceChildren(...cells, colourBar);
    shown.drawn(v);
    drawColourBar(v.colormap, lo, hi, v.logColour, ionOf(s));
    drawStats(maps.map((m, k) => ({ state: m.st.state, width: m.st.width, height: m.st.height, values: decoded[k], variance: variances[k], total: m.map.total, totalSigma: m.map.totalSigma, saturated: m.st.deadTime.applied && m.st.deadTime.saturatedPixels > 0 })), s);
  }

  function mapCell(s: AppState, st: IonMapsPayload['states'][number], rgba: Uint8ClampedArray, scans: number, values: Float32Array): HTMLElement {
    const canvas = h('canvas', { width: st.width, height: st.height, class: 'map', 'data-state': st.state }) as HTMLCanvasElement;
    const scale = CELL_PX / Math.max(st.width, st.height);
    canvas.style.width = `${st.width * scale}px`;
    canvas.style.height = `${st.height * scale}px`;
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), st.width, st.height), 0, 0);
    const overlay = d3.create('svg').attr('class', 'roi-layer').attr('width', st.width * scale).attr('height', st.height * scale).attr('viewBox', `0 0 ${st.width} ${st.height}`).attr('preserveAspectRatio', 'none');
    const roi = s.overrides.roi;
    const rect = overlay.append('rect').attr('class', 'roi').attr('fill', 'none').attr('stroke', '#fff').attr('stroke-width', Math.max(0.5, 1.5 / scale)).attr('vector-effect', 'non-scaling-stroke').attr('stroke-dasharray', '4 2');
    const place = (r: { x0: number; y0: number; x1: number; y1: number } | undefined) => {
      if (!r) return void rect.attr('visibility', 'hidden');
      rect.attr('visibility', 'visible').attr('x', r.x0).attr('y', r.y0).attr('width', r.x1 - r.x0).attr('height', r.y1 - r.y0);
    };
    place(roi);
    const toPx = (event: PointerEvent): [number, number] => {
      const [px, py] = d3.pointer(event, overlay.node());
      return [Math.max(0, Math.min(st.width, Math.round(px))), Math.max(0, Math.min(st.height, Math.round(py)))];
    };
    let start: [number, number] | null = null;
    let current: { x0: number; y0: number; x1: number; y1: number } | undefined;
    const node = overlay.node()!;
    // Esc drops the rectangle being drawn; the ROI in force stays.
    const cancelDrag = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      window.removeEventListener('keydown', cancelDrag);
      start = null;
      current = undefined;
      place(roi);
    };
    node.addEventListener('pointerdown', (e) => {
      start = toPx(e);
      node.setPointerCapture(e.pointerId);
      window.addEventListener('keydown', cancelDrag);
    });
    node.addEventListener('pointermove', (e) => {
      const [px, py] = toPx(e);
      readout.textContent = `${st.state}: x ${px} y ${py} px · ${d3.format('.4~g')(values[Math.min(st.height - 1, py) * st.width + Math.min(st.width - 1, px)] ?? 0)} counts over ${d3.format('.4~g')(scans)} scan${scans === 1 ? '' : 's'}`;
      if (!start) return;
      current = { x0: Math.min(start[0], px), y0: Math.min(start[1], py), x1: Math.max(start[0], px), y1: Math.max(start[1], py) };
      place(current);
    });
    node.addEventListener('pointerup', () => {
      window.removeEventListener('keydown', cancelDrag);
      start = null;
      if (current && current.x1 - current.x0 >= 2 && current.y1 - current.y0 >= 2) void store.analyze({ ...store.state.overrides, roi: current });
      current = undefined;
    });
    const readout = h('div', { class: 'notes readout' }, `${st.width}×${st.height} px${st.pixelSizeNm ? ` · ${d3.format('.3~g')((st.width * st.pixelSizeNm) / 1000)} µm wide` : ''} · ${d3.format('.4~g')(scans)} scan${scans === 1 ? '' : 's'}`);
    return h('figure', { class: 'map-cell' }, h('figcaption', {}, st.state), h('div', { class: 'map-stack' }, canvas, node), readout);
  }

  function drawColourBar(name: ColormapName, lo: number, hi: number, log: boolean, ion: string): void {
    const height = CELL_PX;
    const canvas = h('canvas', { width: 1, height: 256 }) as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    for (let i = 0; i < 256; i++) {
      ctx.fillStyle = COLORMAPS[name](1 - i / 255);
      ctx.fillRect(0, i, 1, 1);
    }
    canvas.style.width = '18px';
    canvas.style.height = `${height}px`;
    const scale = log ? d3.scaleSymlog().domain([lo, hi]).range([height, 0]) : d3.scaleLinear().domain([lo, hi]).range([height, 0]);
    const axis = d3.create('svg').attr('width', 70).attr('height', height + 12);
    axis.append('g').attr('transform', 'translate(2,6)').call(d3.axisRight(scale).ticks(6, '~s'));
    colourBar.replaceChildren(h('div', { class: 'bar-title' }, `${ionNotation(ion)} counts/pixel`), h('div', { class: 'bar-body' }, canvas, axis.node()!));
  }

  /**
   * Per state: the map's sum with its counting σ, the mean per pixel, the lateral CV, and the CV
   * counting alone would give (√(mean variance) / mean): a CV well above it is real lateral
   * variation, one near it only noise. Over the ROI's pixels when one is in force (the Li
   * dashboard's numbers are, and a crater rim inflates the CV), else over the whole field; the
   * caption says which. Saturated pixel-scans carry σ = their value (a lower bound, deadTime.ts),
   * which is not counting noise: a state with any in its field is marked.
   */
  function drawStats(maps: { state: string; width: number; height: number; values: Float32Array; variance: Float32Array; total: number; totalSigma: number; saturated: boolean }[], s: AppState): void {
    // Four significant figures in every row (trimmed zeros made 4.29e+6 beside 5.433e+6), in
    // plain digits ("10080", not "1.008e+4").
    const fmt = d3.format('.4r');
    const pct = d3.format('.1%');
    const roi = s.overrides.roi;
    const regions = maps.map((m) => (roi ? clipRect(roi, m.width, m.height) : null));
    // An ROI drawn on a larger map may miss a smaller one altogether: nothing to say of it.
    const measured = maps.map((m, k) => (roi && !regions[k] ? null : lateralStats(m.values, m.width, regions[k], m, m.variance)));
    // The sums in one power of ten for the column (as the Li dashboard's counts), said in its heading.
    const power = columnPowerOfTen(measured.flatMap((st) => (st ? [st.sum] : [])));
    const rows = maps.map((m, k) => {
      const st = measured[k];
      if (!st) return h('tr', { 'data-state': m.state }, h('td', {}, m.state), h('td', { colspan: 4, class: 'notes' }, `the ROI lies outside its ${m.width}×${m.height} px map`));
      return h(
        'tr',
        { 'data-state': m.state, 'data-pixels': String(st.pixels) },
        h('td', {}, m.state),
        h('td', { class: 'num' }, formatWithSigma(st.sum, st.sumSigma, { scale: 10 ** -power })),
        h('td', { class: 'num' }, fmt(st.mean)),
        h('td', { class: 'num' }, Number.isFinite(st.cv) ? pct(st.cv) : '—'),
        h('td', { class: 'num', 'data-saturated': String(m.saturated) }, Number.isFinite(st.countingCv) ? `${pct(st.countingCv)}${m.saturated ? ' *' : ''}` : '—'),
      );
    });
    const over = roi ? `over the ${roiText(roi)}` : 'over the whole field';
    const marked = maps.some((m) => m.saturated) ? `; * with saturated pixel-scans${roi ? ' in the field' : ''}, whose σ (their value, a lower bound) is in it` : '';
    const caption = `Lateral statistics of ${ionNotation(ionOf(s))} (${s.view.maps.window === 'all' ? 'all scans' : `layer ${layerLabel(study, s.view.maps.window)}`}) ${over}; a CV well above the counting CV is real lateral variation${marked}`;
    stats.replaceChildren(h('table', { class: 'compact', id: 'maps-stats' }, h('caption', {}, caption), h('thead', {}, h('tr', {}, h('th', {}, 'State'), h('th', {}, power === 0 ? 'Sum ± σ (counts)' : `Sum ± σ (× ${decadeLabel(power)} counts)`), h('th', {}, 'Mean per pixel'), h('th', {}, 'CV'), h('th', {}, 'Counting CV'))), h('tbody', {}, ...rows)));
  }

  async function refresh(s: AppState): Promise<void> {
    buildControls(s);
    const seq = ++drawSeq;
    try {
      await draw(s, seq);
    } catch (err) {
      showFailure(note, err);
      // The maps on screen stay: the controls go back to what they show (unless a newer draw owns them).
      shown.restore(err, seq === drawSeq);
    }
  }

  return {
    el,
    figure: () => simsFigure(store.state),
    shown() {
      void refresh(store.state);
    },
    update(s) {
      if (el.isConnected) void refresh(s);
    },
    dispose() {
      el.remove();
    },
  };
}
