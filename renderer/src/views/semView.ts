import * as d3 from 'd3';
import type { SemGeometry, SemImagePayload } from '../../../core/api/contract.js';
import type { SectionGeometry } from '../../../core/model/semImage.js';
import { MAX_TILT_DEG } from '../../../core/sem/tilt.js';
import { ESCAPE_CLOSES, h } from '../dom.js';
import { base64ToBytes, OKABE_ITO } from '../colour.js';
import type { AppState, Store } from '../store.js';
import { withStateOverride } from '../store.js';
import { formatLengthNm, niceLengthNm } from './scaleBar.js';
import { lengthToNm, pixelSizeFromPoints } from './semScale.js';
import type { PointPx } from './semScale.js';
import { noteText } from './view.js';
import { geometryNotes, parseViewAngle } from './semGeometry.js';
import type { View } from './view.js';
import { layerLabel } from './layerLabel.js';
import { spreadLabels, textWidthPt } from '../../../core/figures/style.js';
import { formatWithSigma } from '../../../core/util/uncertainty.js';

/**
 * The measured boundaries' colours, neighbours far apart: Okabe–Ito's bright six (orange, sky
 * blue, yellow, vermilion, bluish green, reddish purple), without its dark blue and black, which
 * vanish on the dark layers of a micrograph.
 */
const BOUNDARY_COLOURS = [OKABE_ITO[4], OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[3]] as const;

const MAX_SIDE_PX = 1024;


/**
 * The SEM cross-section of a state with a scale bar (and where its pixel size came from), the
 * boundaries the analysis measured drawn over it, and the thickness table of the report.
 * "Set scale…" (Fiji's Set Scale): two clicks on the ends of the burned-in scale bar plus its
 * length, or a typed pixel size. It becomes `overrides.semPixelSizeNm[state]`: the analysis
 * re-runs with it, and the project saves it. The cross-section face (cleaved or FIB trench) and
 * the view angle θ are chosen likewise (`overrides.semGeometry[state]`, over study.json's).
 */
export function semView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'sem-view' }, h('h2', {}, 'SEM cross-section'));
  const controls = h('div', { class: 'controls' });
  const geometryRow = h('div', { class: 'controls', id: 'sem-geometry' });
  const note = h('p', { class: 'notes', id: 'sem-note' });
  const scaleForm = h('form', { class: 'scale-form', id: 'sem-scale-form', hidden: true });
  const figure = h('div', { class: 'sem-figure', id: 'sem-figure' });
  const table = h('div', { class: 'tables' });
  el.append(controls, geometryRow, scaleForm, note, figure, table);
  const study = store.state.study;
  const semStates = study.states.filter((s) => s.files.some((f) => f.kind === 'sem' && !f.error)).map((s) => s.state);
  let current = semStates[0] ?? '';
  /** The last study-browser link applied (see AppState.focus): each click switches the state once. */
  let focusSeen: AppState['focus'] = null;
  const cache = new Map<string, SemImagePayload>();
  /** Clicked points on the shown image, original pixels; two make a length. */
  let points: PointPx[] = [];
  /** How the user's scale was set (the override keeps only the number), per state. */
  const howSet = new Map<string, string>();
  let shown: SemImagePayload | null = null;
  let pointsLayer: d3.Selection<SVGGElement, undefined, null, undefined> | null = null;

  const manualOf = (s: AppState, state: string): number | undefined => s.overrides.semPixelSizeNm?.[state];
  const geometryOf = (s: AppState, state: string): SemGeometry | undefined => s.overrides.semGeometry?.[state];

  function buildControls(s: AppState): void {
    const sel = h('select', { id: 'sem-state', 'aria-label': 'State' }, ...semStates.map((x) => h('option', { value: x, selected: x === current }, x)));
    sel.addEventListener('change', () => {
      current = sel.value;
      points = [];
      scaleForm.hidden = true;
      void refresh(store.state);
    });
    const setScale = h('button', { type: 'button', id: 'sem-set-scale' }, 'Set scale…');
    setScale.addEventListener('click', () => openScaleForm());
    const items: Node[] = [h('label', {}, 'State ', sel), setScale];
    if (manualOf(s, current) !== undefined) {
      const reset = h('button', { type: 'button', id: 'sem-clear-scale' }, 'Use the file’s calibration');
      reset.addEventListener('click', () => setManual(undefined));
      items.push(reset);
    }
    controls.replaceChildren(...items);
  }

  /** Stores (or, with undefined, removes) the state's scale and re-runs the analysis with it. */
  function setManual(pixelSizeNm: number | undefined, how?: string): void {
    if (pixelSizeNm === undefined) howSet.delete(current);
    else if (how) howSet.set(current, how);
    points = [];
    scaleForm.hidden = true;
    void store.analyze(withStateOverride(store.state.overrides, 'semPixelSizeNm', current, pixelSizeNm));
  }

  /**
   * "Cross-section face" and "View angle θ", showing the geometry in force (the user's, else
   * study.json's). Choosing a face takes θ from the stage tilt again (a θ given makes the face
   * moot: crossSection.ts); a θ typed keeps the face shown. Each re-runs the analysis.
   */
  function buildGeometry(img: SemImagePayload): void {
    const state = img.state;
    const chosen = geometryOf(store.state, state);
    const set = (g: SemGeometry | undefined): void => void store.analyze(withStateOverride(store.state.overrides, 'semGeometry', state, g));
    const section = h(
      'select',
      { id: 'sem-section', 'aria-label': 'Cross-section face', title: 'How the face was made: it says how the stage tilt T becomes the view angle θ (cleaved θ = T, FIB trench θ = 90° − T)' },
      // Not said anywhere: taken as cleaved, and "cleaved" stays a choice one can make (and so
      // settle the stage tilt's reading).
      img.section === null ? h('option', { value: '', selected: true }, 'cleaved (assumed)') : null,
      h('option', { value: 'cleaved', selected: img.section === 'cleaved' }, 'cleaved'),
      h('option', { value: 'fib-trench', selected: img.section === 'fib-trench' }, 'FIB trench'),
    );
    const face = (): { section?: SectionGeometry } => (section.value ? { section: section.value as SectionGeometry } : {});
    const angle = h('input', { type: 'number', id: 'sem-view-angle', min: -MAX_TILT_DEG, max: MAX_TILT_DEG, step: 'any', placeholder: 'from tilt', value: img.viewAngleDeg ?? undefined, 'aria-label': 'View angle θ (degrees)', title: 'Beam vs face normal; empty: from the image’s stage tilt by the face' });
    const error = h('span', { class: 'error', id: 'sem-geometry-error' });
    section.addEventListener('change', () => set(face()));
    angle.addEventListener('change', () => {
      const theta = parseViewAngle(angle.value);
      if (theta === null) return void (error.textContent = `The view angle is in degrees, within ±${MAX_TILT_DEG}°; empty: from the stage tilt.`);
      set({ ...face(), ...(theta !== undefined ? { tiltDeg: theta } : {}) });
    });
    const items: Node[] = [h('label', {}, 'Cross-section face ', section), h('label', {}, 'View angle θ ', angle, ' °')];
    if (chosen) {
      const reset = h('button', { type: 'button', id: 'sem-clear-geometry', title: 'Back to study.json’s semSection and semTiltDeg (else a cleaved face, θ from the stage tilt)' }, 'Geometry from study.json');
      reset.addEventListener('click', () => set(undefined));
      items.push(reset);
    }
    geometryRow.replaceChildren(...items, error);
  }

  function openScaleForm(): void {
    points = [];
    drawPoints();
    const status = h('span', { class: 'notes', id: 'sem-scale-points' });
    const length = h('input', { type: 'number', id: 'sem-known-length', min: 0, step: 'any', size: 7, 'aria-label': 'Known length' });
    const unit = h('select', { id: 'sem-known-unit', 'aria-label': 'Unit' }, h('option', { value: 'nm' }, 'nm'), h('option', { value: 'µm' }, 'µm'));
    const applyLength = h('button', { type: 'button', id: 'sem-apply-length' }, 'Apply length');
    const pixel = h('input', { type: 'number', id: 'sem-pixel-size', min: 0, step: 'any', size: 7, 'aria-label': 'Pixel size (nm)' });
    const applyPixel = h('button', { type: 'button', id: 'sem-apply-pixel' }, 'Apply pixel size');
    const close = h('button', { type: 'button', [ESCAPE_CLOSES]: true }, 'Close');
    const error = h('span', { class: 'error', id: 'sem-scale-error' });
    const fail = (text: string): void => void (error.textContent = text);
    applyLength.addEventListener('click', () => {
      if (points.length < 2) return fail('Click the two ends of the scale bar first.');
      const nm = lengthToNm(Number(length.value), unit.value as 'nm' | 'µm');
      if (nm === null) return fail('Type the known length (a positive number).');
      const px = pixelSizeFromPoints(points[0], points[1], nm);
      if (px === null) return fail('The two points must differ.');
      const [a, b] = points;
      setManual(px.pixelSizeNm, `${length.value} ${unit.value} over ${px.distancePx.toFixed(1)} px between (${a.x.toFixed(0)}, ${a.y.toFixed(0)}) and (${b.x.toFixed(0)}, ${b.y.toFixed(0)})`);
    });
    applyPixel.addEventListener('click', () => {
      const nm = lengthToNm(Number(pixel.value), 'nm');
      if (nm === null) return fail('Type the pixel size in nm (a positive number).');
      setManual(nm, `typed: ${nm} nm/px`);
    });
    close.addEventListener('click', () => {
      scaleForm.hidden = true;
      points = [];
      drawPoints();
    });
    scaleForm.onsubmit = (e) => e.preventDefault();
    scaleForm.replaceChildren(
      h('p', {}, 'Click the two ends of the scale bar (in the data bar under the image) or of any feature of known length, then type that length. Or type the pixel size. ', status),
      h('div', { class: 'controls' }, h('label', {}, 'Known length ', length), unit, applyLength, h('span', { class: 'notes' }, 'or'), h('label', {}, 'Pixel size ', pixel, ' nm'), applyPixel, close, error),
    );
    scaleForm.hidden = false;
    updateStatus();
  }

  function updateStatus(): void {
    const status = scaleForm.querySelector('#sem-scale-points');
    if (!status) return;
    if (points.length < 2) status.textContent = `${points.length} of 2 points clicked.`;
    else status.textContent = `Distance ${Math.hypot(points[1].x - points[0].x, points[1].y - points[0].y).toFixed(1)} px.`;
  }

  /** The clicked points and the line between them, over the image (binned display pixels). */
  function drawPoints(): void {
    if (!pointsLayer || !shown) return;
    const bin = shown.binning;
    const p = points.map((q) => ({ x: q.x / bin, y: q.y / bin }));
    pointsLayer.selectAll('*').remove();
    if (p.length === 2) pointsLayer.append('line').attr('class', 'scale-line').attr('x1', p[0].x).attr('y1', p[0].y).attr('x2', p[1].x).attr('y2', p[1].y).attr('stroke', '#e69f00').attr('stroke-width', 2).attr('vector-effect', 'non-scaling-stroke');
    for (const q of p) pointsLayer.append('circle').attr('class', 'scale-point').attr('cx', q.x).attr('cy', q.y).attr('r', 4).attr('fill', 'none').attr('stroke', '#e69f00').attr('stroke-width', 2).attr('vector-effect', 'non-scaling-stroke');
  }

  async function refresh(s: AppState): Promise<void> {
    buildControls(s);
    if (!current) {
      note.textContent = 'No state has an SEM image.';
      return;
    }
    const manual = manualOf(s, current);
    const geometry = geometryOf(s, current);
    const settingsKey = (x: AppState): string => JSON.stringify([manualOf(x, current) ?? null, geometryOf(x, current) ?? null]);
    const key = `${current}|${settingsKey(s)}`;
    try {
      const img =
        cache.get(key) ??
        (await store.api.getSemImage({ path: study.path, state: current, maxSize: MAX_SIDE_PX, ...(manual !== undefined ? { pixelSizeNm: manual } : {}), ...(geometry ? { geometry } : {}), ...(s.overrides.stack ? { stack: s.overrides.stack } : {}) }));
      cache.set(key, img);
      if (img.state !== current || `${current}|${settingsKey(store.state)}` !== key) return; // a newer request follows
      draw(store.state, img);
      // An image nothing calibrates cannot be measured: offer the scale straight away.
      if (img.pixelSizeNm === null && scaleForm.hidden) openScaleForm();
    } catch (err) {
      note.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
    }
  }

  function draw(s: AppState, img: SemImagePayload): void {
    const sem = s.report?.states.find((r) => r.state === img.state)?.sem;
    shown = img;
    // The image with the instrument's data bar under it: its scale bar is what one clicks.
    const barH = img.dataBar?.height ?? 0;
    const fullH = img.height + barH;
    const grey = base64ToBytes(img.greyU8);
    const barGrey = img.dataBar ? base64ToBytes(img.dataBar.greyU8) : new Uint8Array(0);
    const rgba = new Uint8ClampedArray(img.width * fullH * 4);
    for (let k = 0; k < grey.length; k++) rgba.set([grey[k], grey[k], grey[k], 255], k * 4);
    // The data bar tinted blue-grey so it reads as the instrument's, not as sample.
    for (let k = 0; k < barGrey.length; k++) rgba.set([barGrey[k] * 0.85, barGrey[k] * 0.9, Math.min(255, barGrey[k] + 24), 255], (grey.length + k) * 4);
    const canvas = h('canvas', { width: img.width, height: fullH, id: 'sem-canvas' }) as HTMLCanvasElement;
    canvas.getContext('2d')!.putImageData(new ImageData(rgba, img.width, fullH), 0, 0);
    const shownW = Math.min(900, img.width);
    const k = shownW / img.width;
    canvas.style.width = `${shownW}px`;
    canvas.style.height = `${fullH * k}px`;
    const svg = d3.create('svg').attr('class', 'sem-overlay').attr('width', shownW).attr('height', fullH * k).attr('viewBox', `0 0 ${img.width} ${fullH}`);
    const notes: string[] = [];
    const px = (nm: number): string => d3.format('.4~g')(nm);
    if (img.pixelSizeSource === 'manual' && img.pixelSizeNm) {
      const how = howSet.get(img.state);
      const file = img.filePixelSizeNm ? `${px(img.filePixelSizeNm)} nm (${img.filePixelSizeSource})` : 'none';
      notes.push(`Pixel size ${px(img.pixelSizeNm / img.binning)} nm, manual (set by hand${how ? `: ${how}` : ''}); the file gives ${file}.`);
    } else {
      const source = img.pixelSizeSource === 'none' ? 'no calibration' : `from the ${img.pixelSizeSource}${img.pixelSizeDetail ? ` (${img.pixelSizeDetail})` : ''}`;
      notes.push(img.pixelSizeNm ? `Pixel size ${px(img.pixelSizeNm / img.binning)} nm ${source}${img.binning > 1 ? `; shown binned ${img.binning}×` : ''}.` : 'The image carries no pixel size: no scale bar and no thicknesses until the scale is set (Set scale…).');
    }
    notes.push(...geometryNotes(img, geometryOf(s, img.state) !== undefined));
    buildGeometry(img);
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
    const labelOf = (role: string) => layerLabel(study, role);
    if (b) {
      const a = (b.angleDeg * Math.PI) / 180;
      const yAt = (u: number, x: number) => (u + x * Math.sin(a)) / Math.cos(a);
      const fontSize = Math.max(11, img.height * 0.028);
      // Boundaries a few pixels apart (a thin layer, a doubtful edge) wrote their labels over each
      // other: spread apart as the figures' labels are, each in its line's colour to say whose it is.
      const labelY = spreadLabels(
        b.lines.map((line) => yAt(line.uPx, b.x1Px) / img.binning - 4),
        fontSize * 1.35, // the text's box with its outline, not the font size alone
        fontSize,
        fullH - 2,
      );
      b.lines.forEach((line, i) => {
        const colour = BOUNDARY_COLOURS[i % BOUNDARY_COLOURS.length];
        svg.append('line').attr('class', 'boundary').attr('data-upper', line.upper).attr('data-lower', line.lower).attr('x1', b.x0Px / img.binning).attr('x2', b.x1Px / img.binning).attr('y1', yAt(line.uPx, b.x0Px) / img.binning).attr('y2', yAt(line.uPx, b.x1Px) / img.binning).attr('stroke', colour).attr('stroke-width', 2).attr('vector-effect', 'non-scaling-stroke').attr('stroke-dasharray', '10 5');
        // On a dark box, as the scale bar is: a coloured label with a black outline sank into
        // the dark layers (the pink of "SiO₂/Si | bulk", the blues).
        const label = `${labelOf(line.upper)} | ${labelOf(line.lower)}`;
        const boxW = textWidthPt(label, fontSize) + 8;
        svg.append('rect').attr('class', 'boundary-label-box').attr('x', img.width - 2 - boxW).attr('y', labelY[i] - fontSize * 0.95).attr('width', boxW).attr('height', fontSize * 1.25).attr('rx', 2).attr('fill', 'rgba(0,0,0,0.8)');
        svg.append('text').attr('x', img.width - 6).attr('y', labelY[i]).attr('text-anchor', 'end').attr('class', 'boundary-label').attr('font-size', fontSize).attr('fill', colour).text(label);
      });
    }
    const analysis = noteText(s, 'measured boundaries and thicknesses');
    if (analysis) notes.push(analysis);
    else if (!sem) notes.push('The report has no SEM result for this state.');
    if (!b) notes.push(`No boundaries drawn: ${img.boundaryError ?? 'the measurement found none'}.`);
    // The layers' slope across the image is a rotation in the image plane, not the stage tilt
    // named above: said so, or "−1°" beside "tilt 10°" reads as either.
    else notes.push(`Dashed lines: the ${b.lines.length} boundaries the cross-section measurement found (layers rotated ${d3.format('.2~f')(b.angleDeg).replace('-', '−')}° in the image plane).`);
    note.textContent = notes.join(' ');
    pointsLayer = svg.append('g').attr('class', 'scale-points');
    const node = svg.node()!;
    node.addEventListener('click', (e) => {
      if (scaleForm.hidden) return;
      const r = node.getBoundingClientRect();
      // Display → binned image pixels (the viewBox) → original pixels.
      const at = { x: ((e.clientX - r.left) / r.width) * img.width * img.binning, y: ((e.clientY - r.top) / r.height) * fullH * img.binning };
      points = points.length >= 2 ? [at] : [...points, at];
      drawPoints();
      updateStatus();
    });
    drawPoints();
    figure.replaceChildren(h('div', { class: 'map-stack' }, canvas, node));
    // Thickness and σ to σ's two significant figures, as every other table: 827431.5 ± 15697.2
    // claimed a precision of 0.1 nm on a layer known to ±16 µm.
    const thickness = (l: { thicknessNm: number; sigmaNm: number | null }): [string, string] => {
      if (l.sigmaNm === null) return [l.thicknessNm.toFixed(1), '—'];
      const [value, sigma] = formatWithSigma(l.thicknessNm, l.sigmaNm).split(' ± ');
      return [value, sigma];
    };
    table.replaceChildren(
      sem
        ? h(
            'div',
            { class: 'sem-result' },
            h(
              'table',
              { class: 'compact', id: 'sem-thickness' },
              h('caption', {}, `Layer thickness, ${img.state} (${sem.file}; pixel size from ${sem.pixelSizeSource})`),
              h('thead', {}, h('tr', {}, h('th', {}, 'Layer'), h('th', {}, 'Thickness (nm)'), h('th', {}, '± (nm)'))),
              h(
                'tbody',
                {},
                // A thickness the analysis rejected (ten times off its nominal one) is marked, as the
                // SEM figure marks it: the table showed "827000" like any other number.
                ...sem.layers.map((l) =>
                  h('tr', { 'data-role': l.role, ...(l.implausible ? { class: 'implausible', 'data-implausible': '' } : {}) }, h('td', {}, layerLabel(study, l.role)), ...thickness(l).map((t, i) => h('td', { class: 'num' }, i === 0 && l.implausible ? `${t} ?` : t))),
                ),
              ),
            ),
            sem.layers.some((l) => l.implausible) ? h('div', { class: 'notes', id: 'sem-implausible' }, '? ten times or more off its nominal thickness: not used for the depth axis') : null,
            // What the measurement doubts (a thickness far off its nominal one, interfaces found in
            // few strips) stands right under the numbers it doubts, as the XRD view's warnings do; in
            // the caption it was squeezed to the narrow table's width, a word or two a line.
            h('div', { id: 'sem-warnings', class: 'notes' }, ...(sem.warnings ?? []).map((w) => h('div', { 'data-sem-warning': '' }, `Warning: ${w}`))),
          )
        : h('span'),
    );
  }

  /** A link in the study browser (e.g. discharged's sem.tif) opened this tab: show its state. */
  function takeFocus(): void {
    const f = store.state.focus;
    if (f === focusSeen) return;
    focusSeen = f;
    if (f?.tab === 'sem' && semStates.includes(f.state) && f.state !== current) {
      current = f.state;
      points = [];
      scaleForm.hidden = true;
    }
  }

  return {
    el,
    figure: () => (current ? { figure: 'sem', state: current, label: `SEM cross-section of ${current} with the measured layers` } : null),
    shown() {
      takeFocus();
      void refresh(store.state);
    },
    update(s, changed) {
      // New overrides may carry a new scale for the image; a new report, new thicknesses.
      if (el.isConnected && (changed.has('report') || changed.has('overrides'))) void refresh(s);
    },
    dispose() {
      el.remove();
    },
  };
}
