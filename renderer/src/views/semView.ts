import * as d3 from 'd3';
import type { SemImagePayload } from '../../../core/api/contract.js';
import { h } from '../dom.js';
import { base64ToBytes, OKABE_ITO } from '../colour.js';
import type { AppState, Store } from '../store.js';
import { formatLengthNm, niceLengthNm } from './scaleBar.js';
import { noteText } from './view.js';
import type { View } from './view.js';

const MAX_SIDE_PX = 1024;


/**
 * The SEM cross-section of a state with a scale bar (and where its pixel size came from), the
 * boundaries the analysis measured drawn over it, and the thickness table of the report.
 */
export function semView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'sem-view' }, h('h2', {}, 'SEM cross-section'));
  const controls = h('div', { class: 'controls' });
  const note = h('p', { class: 'notes', id: 'sem-note' });
  const figure = h('div', { class: 'sem-figure', id: 'sem-figure' });
  const table = h('div', { class: 'tables' });
  el.append(controls, note, figure, table);
  const study = store.state.study;
  const semStates = study.states.filter((s) => s.files.some((f) => f.kind === 'sem' && !f.error)).map((s) => s.state);
  let current = semStates[0] ?? '';
  const cache = new Map<string, SemImagePayload>();

  function buildControls(): void {
    const sel = h('select', { id: 'sem-state', 'aria-label': 'State' }, ...semStates.map((s) => h('option', { value: s, selected: s === current }, s)));
    sel.addEventListener('change', () => {
      current = sel.value;
      void refresh(store.state);
    });
    controls.replaceChildren(h('label', {}, 'State ', sel));
  }

  async function refresh(s: AppState): Promise<void> {
    buildControls();
    if (!current) {
      note.textContent = 'No state has an SEM image.';
      return;
    }
    try {
      const img = cache.get(current) ?? (await store.api.getSemImage({ path: study.path, state: current, maxSize: MAX_SIDE_PX }));
      cache.set(current, img);
      draw(s, img);
    } catch (err) {
      note.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
    }
  }

  function draw(s: AppState, img: SemImagePayload): void {
    const sem = s.report?.states.find((r) => r.state === img.state)?.sem;
    const grey = base64ToBytes(img.greyU8);
    const rgba = new Uint8ClampedArray(img.width * img.height * 4);
    for (let k = 0; k < grey.length; k++) rgba.set([grey[k], grey[k], grey[k], 255], k * 4);
    const canvas = h('canvas', { width: img.width, height: img.height, id: 'sem-canvas' }) as HTMLCanvasElement;
    canvas.getContext('2d')!.putImageData(new ImageData(rgba, img.width, img.height), 0, 0);
    const shownW = Math.min(900, img.width);
    const k = shownW / img.width;
    canvas.style.width = `${shownW}px`;
    canvas.style.height = `${img.height * k}px`;
    const svg = d3.create('svg').attr('class', 'sem-overlay').attr('width', shownW).attr('height', img.height * k).attr('viewBox', `0 0 ${img.width} ${img.height}`);
    const notes: string[] = [];
    const source = img.pixelSizeSource === 'none' ? 'no calibration' : `from the ${img.pixelSizeSource}${img.pixelSizeDetail ? ` (${img.pixelSizeDetail})` : ''}`;
    notes.push(img.pixelSizeNm ? `Pixel size ${d3.format('.4~g')(img.pixelSizeNm / img.binning)} nm ${source}${img.binning > 1 ? `; shown binned ${img.binning}×` : ''}.` : 'The image carries no pixel size: no scale bar.');
    if (img.tiltDeg) notes.push(`Tilt ${img.tiltDeg}°: vertical distances are corrected in the thickness table.`);
    if (img.pixelSizeNm) {
      const barNm = niceLengthNm(img.width * img.pixelSizeNm * 0.2);
      const barPx = barNm / img.pixelSizeNm;
      const x0 = img.width * 0.04;
      const y0 = img.height * 0.92;
      const g = svg.append('g').attr('class', 'scale-bar');
      g.append('rect').attr('x', x0 - 6).attr('y', y0 - img.height * 0.06).attr('width', barPx + 12).attr('height', img.height * 0.075).attr('fill', 'rgba(0,0,0,0.55)');
      g.append('rect').attr('x', x0).attr('y', y0).attr('width', barPx).attr('height', Math.max(3, img.height * 0.008)).attr('fill', '#fff');
      g.append('text').attr('x', x0 + barPx / 2).attr('y', y0 - img.height * 0.015).attr('text-anchor', 'middle').attr('fill', '#fff').attr('font-size', Math.max(12, img.height * 0.035)).text(formatLengthNm(barNm));
    }
    // Measured boundaries: u = −x·sin α + y·cos α, so y = (u + x·sin α) / cos α (original px).
    const b = img.boundaries;
    const labelOf = (role: string) => study.stack.layers.find((l) => l.role === role)?.label ?? role;
    if (b) {
      const a = (b.angleDeg * Math.PI) / 180;
      const yAt = (u: number, x: number) => (u + x * Math.sin(a)) / Math.cos(a);
      b.lines.forEach((line, i) => {
        const colour = OKABE_ITO[(i + 4) % 6];
        svg.append('line').attr('class', 'boundary').attr('data-upper', line.upper).attr('data-lower', line.lower).attr('x1', b.x0Px / img.binning).attr('x2', b.x1Px / img.binning).attr('y1', yAt(line.uPx, b.x0Px) / img.binning).attr('y2', yAt(line.uPx, b.x1Px) / img.binning).attr('stroke', colour).attr('stroke-width', 2).attr('vector-effect', 'non-scaling-stroke').attr('stroke-dasharray', '10 5');
        svg.append('text').attr('x', img.width - 6).attr('y', yAt(line.uPx, b.x1Px) / img.binning - 4).attr('text-anchor', 'end').attr('font-size', Math.max(11, img.height * 0.028)).attr('fill', '#fff').attr('stroke', '#000').attr('stroke-width', 3).attr('paint-order', 'stroke').text(`${labelOf(line.upper)} | ${labelOf(line.lower)}`);
      });
    }
    const analysis = noteText(s, 'measured boundaries and thicknesses');
    if (analysis) notes.push(analysis);
    else if (!sem) notes.push('The report has no SEM result for this state.');
    if (!b) notes.push(`No boundaries drawn: ${img.boundaryError ?? 'the measurement found none'}.`);
    else notes.push(`Dashed lines: the ${b.lines.length} boundaries the cross-section measurement found (layers at ${d3.format('.2~f')(b.angleDeg)}°).`);
    note.textContent = notes.join(' ');
    figure.replaceChildren(h('div', { class: 'map-stack' }, canvas, svg.node()!));
    const fmt = d3.format('.1f');
    table.replaceChildren(
      sem
        ? h(
            'table',
            { class: 'compact', id: 'sem-thickness' },
            h('caption', {}, `Layer thickness, ${img.state} (${sem.file}; pixel size from ${sem.pixelSizeSource})`),
            h('thead', {}, h('tr', {}, h('th', {}, 'Layer'), h('th', {}, 'Thickness (nm)'), h('th', {}, '± (nm)'))),
            h('tbody', {}, ...sem.layers.map((l) => h('tr', { 'data-role': l.role }, h('td', {}, study.stack.layers.find((x) => x.role === l.role)?.label ?? l.role), h('td', { class: 'num' }, fmt(l.thicknessNm)), h('td', { class: 'num' }, fmt(l.sigmaNm))))),
          )
        : h('span'),
    );
  }

  return {
    el,
    shown() {
      void refresh(store.state);
    },
    update(s, changed) {
      if (el.isConnected && changed.has('report')) void refresh(s);
    },
    dispose() {
      el.remove();
    },
  };
}
