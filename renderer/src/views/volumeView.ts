import { formulaNotation } from '../../../core/model/formula.js';
import * as THREE from 'three';
import * as d3 from 'd3';
import type { RoiRect, VolumeFigureTerms, VolumePayload } from '../../../core/api/contract.js';
import { VOLUME_CAMERA } from '../../../core/api/contract.js';
import type { FigureChoice } from '../figureChoice.js';
import { h } from '../dom.js';
import { base64ToF32, colormapLut } from '../colour.js';
import { CancelledError, runBackendJobs } from '../jobs.js';
import { stackIonFor, studyStackIons } from '../store.js';
import type { AppState, Store } from '../store.js';
import { runInWorker } from '../workers/client.js';
import { timeToDepth } from './profileMath.js';
import { noteText, onWidthChange, roiText, shownSettings, showFailure } from './view.js';
import type { View } from './view.js';
import { noShotsText, shotsPerPixelText, uncorrectedStates } from './deadTimeText.js';
import { VOLUME_FRAGMENT, VOLUME_VERTEX } from './volumeShader.js';
import { COMPOSITE_ABSORPTION, COMPOSITE_MIN_TRANSMISSION, COMPOSITE_PATH_PER_WIDTH } from '../../../core/figures/volumeRender.js';
import { DEPTH_TABLE_CELLS } from '../../../core/figures/volumeDepth.js';
import { simsFigure } from './view.js';
import { ionNotation } from '../../../core/model/ions.js';
import { layerLabel } from './layerLabel.js';
import { clipChoice, clipDepthReadout, CUSTOM_CLIP, followClipLayer } from './volumeClip.js';
import type { LayerRange } from './volumeClip.js';
import { binsTimeSpan, depthSamplingVoxels, refineTimeRangeS, scanPeriodS, volumeDepth } from './volumeDepth.js';
import { volumeColourScale } from './volumeScale.js';
import { VOLUME_SCALE_QUANTILE_TEXT } from '../../../core/figures/stats.js';
import type { TimeSpan } from './volumeDepth.js';
import { sameVoxels, stackFingerprint, statesOutsideRegion, voxelSource, withKnownStacks } from './volumeRequest.js';
import type { VoxelSource } from './volumeRequest.js';
import { rendererName, voxelBudget } from './voxelBudget.js';
import type { Report } from '../../../core/model/report.js';

/** Side of each state's square viewport, px, at most: narrower when the window is (three must fit). */
const CELL_MAX = 340;
const CELL_MIN = 120;
/** Room left of each viewport for its depth ticks' labels ("1000 nm"), which a box's outline can reach, px. */
const AXIS_MARGIN = 56;
/** Nominal stack thickness when the report gives no depth calibration (DOMAIN.md §1). */
const NOMINAL_DEPTH_UM = 1.2;
/**
 * A box at most this many times as tall as it is wide: a taller one is a needle in its square
 * viewport. The z-exaggeration slider ends where the deepest state's box reaches it, so every
 * step of the slider acts, on all states alike (it used to go on to 400× with each box's
 * height clamped here instead: above ~340× nothing changed, and states of different depths
 * were drawn equally tall).
 */
const MAX_BOX_ASPECT = 4;
/** The slider's end before any volume is in. */
const Z_EXAGGERATION_MAX = 400;

/**
 * One state's volume: its voxels as binned (they depend on the stack, the ion, the dead time and
 * the range, not on the report), and its depth axis (the report's calibration, redone for each
 * report without binning again: calibrateVolumes).
 */
interface StateVolume {
  payload: VolumePayload;
  scene: THREE.Scene;
  mesh: THREE.Mesh<THREE.BoxGeometry, THREE.ShaderMaterial>;
  texture: THREE.Data3DTexture;
  /** The shader's depth → scan lookup, and its texels (RGBA: the bin coordinates at both ends of a cell in R and G, volumeDepth's binAtDepth). */
  depthLut: THREE.DataTexture;
  depthLutData: Float32Array;
  depthUm: number;
  /** Depth of the volume's top below the surface, nm (a refined volume starts below it). */
  topNm: number;
  depthFromReport: boolean;
}

/** The lookup's texels: one a cell. */
const DEPTH_LUT_SIZE = DEPTH_TABLE_CELLS;

/**
 * A part of the stacks shown at the whole voxel budget: a depth range (clip fractions of the
 * whole stack, the layer "Clip to" kept, back in force with the whole stack, and each state's
 * time range; none: every scan) and a region of interest (null: the whole field).
 */
interface Refinement {
  top: number;
  bottom: number;
  layer: string | undefined;
  timeRangeS: Map<string, [number, number]>;
  region: RoiRect | null;
}

/**
 * Each state's ion distribution as a volume, side by side in one WebGL canvas (one context,
 * one viewport per state) with one shared camera, so the views stay linked by construction.
 * Drawn on demand only (no animation loop): software WebGL has no frames to spare.
 */
export function volumeView(store: Store): View {
  const el = h('section', { class: 'panel view', id: 'volume-view' }, h('h2', {}, '3-D ion distribution'));
  const controls = h('div', { class: 'controls' });
  const note = h('p', { class: 'notes', id: 'volume-note' });
  const labels = h('div', { class: 'volume-labels' });
  const canvasHost = h('div', { class: 'volume-host' });
  const colourBar = h('div', { class: 'volume-colour-bar', id: 'volume-colour-bar' });
  el.append(controls, note, labels, canvasHost, colourBar);
  onWidthChange(canvasHost, () => scheduleRender());
  /** The loaded volumes' one colour scale, and their largest value (above its top: the top colour). */
  let colourScale = volumeColourScale([]);
  const study = store.state.study;
  const stackStates = study.states.filter((s) => s.files.some((f) => f.kind === 'sims-stack' && !f.error)).map((s) => s.state);
  const stackIons = studyStackIons(study);
  /** The ion shown: the one chosen where the stacks have it, else the analyte or their first (stackIonFor). */
  const ionOf = (s: AppState): string => stackIonFor(study, s.view.volume.ion, s.report);

  let renderer: THREE.WebGLRenderer | null = null;
  const camera = new THREE.PerspectiveCamera(30, 1, 0.01, 50);
  let volumes: StateVolume[] = [];
  /** What the volumes on screen were binned from (null: none yet). */
  let volumesSource: VoxelSource | null = null;
  /** The report version whose calibration the volumes' depth axes are (calibrateVolumes). */
  let calibratedFor = -1;
  let lutTexture: THREE.DataTexture | null = null;
  let lutName = '';
  let raf = 0;
  let refinement: Refinement | null = null;
  /** The refinement the volumes on screen were loaded with (a cancelled load goes back to it). */
  let shownRefinement: Refinement | null = null;
  /** Ion and dead time of the volumes on screen: a cancelled load puts the controls back to them. */
  const shown = shownSettings(store, 'volume', ['ion', 'deadTime']);
  /** States whose stack gives no N (shots per pixel): the volumes are then loaded raw (see ionMapsView). */
  let noShots: string[] = [];
  const deadTimeOf = (s: AppState): boolean => s.view.volume.deadTime && !noShots.length;
  /** The clip controls of the last buildControls, kept in step with the clip by syncClipControls. */
  let clipControls: { top: HTMLInputElement; bottom: HTMLInputElement; layerSel: HTMLSelectElement; layers: LayerRange[] } | null = null;
  /** Each state's stack file as the study lists it (the backend bins its first 3-D stack). */
  const stackPathOf = new Map(study.states.map((st) => [st.state, st.files.find((f) => f.kind === 'sims-stack')?.path]));

  /**
   * What the volumes for `s` are binned from (volumeRequest.ts): the ion, the dead time, the
   * texture limits, the refined time ranges and each state's stack file; not the report.
   */
  function voxelsFor(s: AppState, r: THREE.WebGLRenderer): VoxelSource {
    const request = { ion: ionOf(s), deadTime: deadTimeOf(s), maxSize: maxTextureSize(r), maxVoxels: maxVoxels(r), timeRangeS: refinement?.timeRangeS, region: refinement?.region ?? null };
    return voxelSource(request, Object.fromEntries(stackStates.map((state) => [state, stackFingerprint(s.report, state, stackPathOf.get(state))])));
  }

  function ensureRenderer(): THREE.WebGLRenderer | null {
    if (renderer) return renderer;
    try {
      // preserveDrawingBuffer lets tests and screenshots read the pixels back.
      renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true, powerPreference: 'low-power' });
    } catch (err) {
      note.textContent = `No WebGL here (${(err as Error).message}); the 3-D view needs WebGL 2 (software rendering is enough).`;
      return null;
    }
    renderer.setPixelRatio(1);
    renderer.setClearColor(0x111111, 1);
    renderer.domElement.id = 'volume-canvas';
    attachOrbit(renderer.domElement);
    canvasHost.replaceChildren(renderer.domElement);
    return renderer;
  }

  /** Voxels per state: more where a GPU draws them than in software WebGL (voxelBudget.ts). */
  function maxVoxels(r: THREE.WebGLRenderer): number {
    return voxelBudget(rendererName(r.getContext()));
  }

  function maxTextureSize(r: THREE.WebGLRenderer): number {
    const gl = r.getContext() as WebGL2RenderingContext;
    return gl.getParameter(gl.MAX_3D_TEXTURE_SIZE) as number;
  }

  function attachOrbit(canvas: HTMLCanvasElement): void {
    let last: [number, number] | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      last = [e.clientX, e.clientY];
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!last) return;
      const v = store.state.view.volume;
      const az = v.azimuthDeg - (e.clientX - last[0]) * 0.5;
      const el2 = Math.max(-VOLUME_CAMERA.maxElevationDeg, Math.min(VOLUME_CAMERA.maxElevationDeg, v.elevationDeg + (e.clientY - last[1]) * 0.5));
      last = [e.clientX, e.clientY];
      store.setView('volume', { azimuthDeg: ((az % 360) + 360) % 360, elevationDeg: el2 });
    });
    const end = () => (last = null);
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  function buildControls(s: AppState): void {
    const v = s.view.volume;
    const ion = h('select', { id: 'volume-ion', 'aria-label': 'Ion' }, ...stackIons.map((i) => h('option', { value: i, selected: i === ionOf(s) }, ionNotation(i))));
    ion.addEventListener('change', () => store.setView('volume', { ion: ion.value }));
    const dead = h('input', { type: 'checkbox', id: 'volume-deadtime', checked: deadTimeOf(s), disabled: noShots.length > 0, title: noShots.length ? noShotsText(noShots) : 'Poisson dead-time correction per pixel, with N shots per pixel' });
    dead.addEventListener('change', () => store.setView('volume', { deadTime: dead.checked }));
    const mode = h('select', { id: 'volume-mode', 'aria-label': 'Rendering' }, h('option', { value: 'mip', selected: v.mode === 'mip' }, 'maximum intensity'), h('option', { value: 'composite', selected: v.mode === 'composite' }, 'composite'));
    mode.addEventListener('change', () => store.setView('volume', { mode: mode.value as 'mip' | 'composite' }));
    const zx = h('input', { type: 'range', id: 'volume-zscale', min: 1, max: zExaggerationMax(), step: 1, value: zExaggeration(v) });
    const zxOut = h('output', {}, `${zExaggeration(v)}×`);
    zx.addEventListener('input', () => store.setView('volume', { zExaggeration: Number(zx.value) }));
    const top = h('input', { type: 'range', id: 'volume-clip-top', min: 0, max: 1, step: 0.01, value: v.clipTop });
    const bottom = h('input', { type: 'range', id: 'volume-clip-bottom', min: 0, max: 1, step: 0.01, value: v.clipBottom });
    // A plane moved by hand: no layer kept any more.
    top.addEventListener('input', () => store.setView('volume', { clipTop: Math.min(Number(top.value), store.state.view.volume.clipBottom - 0.01), clipLayer: undefined }));
    bottom.addEventListener('input', () => store.setView('volume', { clipBottom: Math.max(Number(bottom.value), store.state.view.volume.clipTop + 0.01), clipLayer: undefined }));
    // Layer clip planes: keep only one layer (its depth range in the first state's calibration).
    calibrateVolumes(s);
    const ref = volumes[0];
    const layers = ref ? layerFractions(s, ref) : [];
    const layerSel = h('select', { id: 'volume-layer', 'aria-label': 'Clip to layer' }, h('option', { value: '' }, 'all layers'), ...layers.map((l) => h('option', { value: l.role }, formulaNotation(l.label))), h('option', { value: CUSTOM_CLIP, disabled: true }, 'depth range set by hand'));
    layerSel.addEventListener('change', () => {
      const l = layers.find((x) => x.role === layerSel.value);
      store.setView('volume', l ? { clipTop: l.top, clipBottom: l.bottom, clipLayer: l.role } : { clipTop: 0, clipBottom: 1, clipLayer: undefined });
    });
    const refine = h('button', { type: 'button', id: 'volume-refine', title: 'Load the clipped depth range alone, binned finer with the whole voxel budget' }, 'Refine clipped range');
    refine.addEventListener('click', () => refineTo(null));
    // The ROI drawn on the 2-D maps: its pixels alone, finer laterally (and the clipped depth range, where one is set).
    const roi = s.overrides.roi;
    const refineRoi = roi
      ? h('button', { type: 'button', id: 'volume-refine-roi', title: `Load the ${roiText(roi)} alone (and the clipped depth range, where one is set), binned finer with the whole voxel budget` }, 'Refine to ROI')
      : null;
    refineRoi?.addEventListener('click', () => refineTo(roi!));
    const whole = h('button', { type: 'button', id: 'volume-whole', title: 'Back to the whole stack' }, 'Whole stack');
    whole.addEventListener('click', () => {
      const r = refinement;
      refinement = null;
      store.setView('volume', r ? { clipTop: r.top, clipBottom: r.bottom, clipLayer: r.layer } : { clipTop: 0, clipBottom: 1, clipLayer: undefined });
    });
    controls.replaceChildren(
      h('label', {}, 'Ion ', ion),
      h('label', {}, dead, ' dead-time corrected'),
      h('label', {}, 'Mode ', mode),
      h('label', {}, 'z-exaggeration ', zx, ' ', zxOut),
      h('label', {}, 'Clip to ', layerSel),
      h('label', {}, 'top ', top, ' ', h('output', { id: 'volume-clip-top-depth' })),
      h('label', {}, 'bottom ', bottom, ' ', h('output', { id: 'volume-clip-bottom-depth' })),
      ...(refinement ? [whole] : refineRoi ? [refine, refineRoi] : [refine]),
      h('span', { class: 'notes' }, 'Drag to rotate; all states turn together.'),
    );
    clipControls = { top, bottom, layerSel, layers };
    // The layer "Clip to" keeps may lie elsewhere now (its interfaces dragged): the planes follow it.
    const moved = followClipLayer(v, layers);
    if (moved) store.setView('volume', moved);
    syncClipControls(store.state.view.volume);
  }

  /**
   * The clip controls show the clip in force, however it was set (a layer, a slider, Refine, a
   * project): slider thumbs at its planes, and "Clip to" naming the layer kept, or the layer
   * the planes are (clipChoice), so a rebuild (new ion, new report) keeps it.
   */
  function syncClipControls(v: AppState['view']['volume']): void {
    if (!clipControls) return;
    const { top, bottom, layerSel, layers } = clipControls;
    top.value = String(v.clipTop);
    bottom.value = String(v.clipBottom);
    layerSel.value = clipChoice(v, layers);
    showClipDepth('#volume-clip-top-depth', 0);
    showClipDepth('#volume-clip-bottom-depth', 1);
  }

  /** A clip plane's depth in every state's volume (`end` 0: the top plane, 1: the bottom); before any volume, the fraction. */
  function showClipDepth(selector: string, end: 0 | 1): void {
    const out = el.querySelector<HTMLElement>(selector);
    if (!out) return;
    if (!volumes.length) {
      const v = store.state.view.volume;
      out.replaceChildren(`${Math.round((end === 0 ? v.clipTop : v.clipBottom) * 100)} %`);
      out.title = '';
      return;
    }
    const { text, title } = clipDepthReadout(volumes.map((vol) => ({ state: vol.payload.state, nm: vol.topNm + clipOf(store.state, vol)[end] * vol.depthUm * 1000 })));
    out.replaceChildren(text);
    out.title = title;
  }

  /**
   * Level of detail on demand: the clipped depth range of every state, and the region of
   * interest where one is given, loaded alone, so the texture budget (and the maximum 3-D texture
   * size) is spent on them: finer in depth, and laterally for a region; clip planes reset to it.
   */
  function refineTo(region: RoiRect | null): void {
    const v = store.state.view.volume;
    if (refinement || !volumes.length) return;
    const clipped = v.clipTop > 0 || v.clipBottom < 1;
    if (!clipped && !region) {
      note.textContent = 'Clip to a depth range (a layer, or the top and bottom sliders) first, then refine it.';
      return;
    }
    const outside = region ? statesOutsideRegion(volumes.map((vol) => vol.payload), region) : [];
    if (outside.length) {
      note.textContent = `The ${roiText(region!)} lies outside the field of ${outside.join(', ')} (a smaller stack): draw an ROI all states have to refine to it.`;
      return;
    }
    const timeRangeS = clipped ? clippedTimeRanges(v) : new Map<string, [number, number]>();
    refinement = { top: v.clipTop, bottom: v.clipBottom, layer: v.clipLayer, timeRangeS, region };
    store.setView('volume', { clipTop: 0, clipBottom: 1, clipLayer: undefined });
  }

  /** Each state's sputter-time range within its clip planes (or its layer "Clip to" names), s: what "Refine" loads, and what the figure shows. */
  function clippedTimeRanges(v: AppState['view']['volume']): Map<string, [number, number]> {
    const report = store.state.report;
    const ranges = new Map<string, [number, number]>();
    for (const vol of volumes) {
      const p = vol.payload;
      // Without the report's depths "Clip to" offers no layer (layerFractions): the planes are what there is.
      const layers = vol.depthFromReport ? layersOf(report, p.state) : [];
      const span = timeSpanOf(p);
      ranges.set(p.state, refineTimeRangeS(v, layers, span, scanPeriodS(span, p.scanRange[1] - p.scanRange[0]), timeToDepth(layers)));
    }
    return ranges;
  }

  /**
   * The view as a figure (`volume`): its ion, correction, rendering and camera, and the part of
   * each stack on screen, clipped (the clip planes' time ranges, as "Refine" would load) or
   * refined; before any volume is in, the views' Fig. 4.
   */
  function viewFigure(s: AppState): FigureChoice {
    if (!volumes.length) return simsFigure(s);
    const v = s.view.volume;
    const clipped = v.clipTop > 0 || v.clipBottom < 1;
    const ranges = clipped ? clippedTimeRanges(v) : (refinement?.timeRangeS ?? new Map<string, [number, number]>());
    const region = refinement?.region ?? null;
    const terms: VolumeFigureTerms = {
      ion: volumes[0].payload.ion,
      deadTime: volumes.some((vol) => vol.payload.deadTime.applied),
      mode: v.mode,
      azimuthDeg: v.azimuthDeg,
      elevationDeg: v.elevationDeg,
      zExaggeration: zExaggeration(v),
      colourMax: colourScale.range[1],
      // Binned as the view's volumes are (its texture limit and voxel budget): its voxels, not coarser ones.
      ...(renderer ? { voxels: { maxSize: Math.min(4096, maxTextureSize(renderer)), maxVoxels: maxVoxels(renderer) } } : {}),
      ...(ranges.size ? { timeRangeS: Object.fromEntries(ranges) } : {}),
      ...(region ? { region } : {}),
    };
    const part = [ranges.size ? (clipped ? 'the clipped depths' : 'the refined depths') : null, region ? roiText(region) : null].filter(Boolean).join(' and ');
    return { figure: 'volume', label: `The 3-D view as shown: ${ionNotation(terms.ion)} of ${volumes.map((vol) => vol.payload.state).join(', ')}${part ? `, ${part}` : ', whole stacks'}`, volume: terms };
  }

  /** The width of a volume's field, µm (300 µm, a usual field, when the stack does not say). */
  const widthUmOf = (vol: StateVolume): number => vol.payload.widthUm ?? 300;

  /** The highest z-exaggeration: where the box of the deepest state (for its width) is MAX_BOX_ASPECT tall. */
  function zExaggerationMax(): number {
    const deepest = d3.max(volumes, (vol) => vol.depthUm / widthUmOf(vol));
    return deepest ? Math.max(1, Math.floor(MAX_BOX_ASPECT / deepest)) : Z_EXAGGERATION_MAX;
  }

  /** The z-exaggeration drawn: the setting, within the slider's range (a project may hold more). */
  const zExaggeration = (v: AppState['view']['volume']): number => Math.min(v.zExaggeration, zExaggerationMax());

  /** A state's layers in `report` (none without one). */
  const layersOf = (report: Report | null, state: string) => report?.states.find((r) => r.state === state)?.sims?.layers ?? [];

  /** The sputter times of a volume's first and last scan. */
  const timeSpanOf = (p: VolumePayload): TimeSpan => binsTimeSpan(p.zTimeS);

  /** Top and bottom of each layer as fractions of the volume's depth. */
  function layerFractions(s: AppState, vol: StateVolume): LayerRange[] {
    const layers = layersOf(s.report, vol.payload.state);
    const toDepth = timeToDepth(layers);
    if (!toDepth || !vol.depthFromReport) return [];
    const total = vol.depthUm * 1000;
    // From the volume's own top (a refined volume starts below the surface).
    const top = toDepth(vol.payload.zTimeS[0][0]);
    return layers
      .map((l) => ({ role: l.role, label: layerLabel(study, l.role), top: Math.max(0, (toDepth(l.startS) - top) / total), bottom: Math.min(1, (toDepth(l.endS) - top) / total) }))
      .filter((l) => l.bottom > l.top);
  }

  async function loadVolumes(s: AppState, r: THREE.WebGLRenderer): Promise<void> {
    const v = s.view.volume;
    const deadTime = deadTimeOf(s);
    const source = voxelsFor(s, r);
    if (volumesSource && volumes.length && sameVoxels(volumesSource, source)) return;
    const maxSize = maxTextureSize(r);
    const budget = maxVoxels(r);
    // All states at once: the backend bins them side by side on its worker threads. One job:
    // its Cancel stops every state's volume, not one of them.
    const payloads: VolumePayload[] = await runBackendJobs(
      store.api,
      `${ionNotation(ionOf(s))} volumes: ${stackStates.join(', ')}`,
      stackStates.map((state) => (jobId: string) => store.api.getVolume({ path: study.path, state, ion: ionOf(s), maxSize, maxVoxels: budget, deadTime, timeRangeS: refinement?.timeRangeS.get(state), region: refinement?.region ?? undefined, jobId })),
    );
    const lacking = uncorrectedStates(deadTime, payloads);
    if (lacking.length) {
      // Corrected and raw volumes on one colour scale would compare unlike numbers: all raw.
      noShots = lacking;
      return loadVolumes(s, r);
    }
    // One scale for all states (volumeColourScale); an exported view keeps it (viewFigure).
    colourScale = volumeColourScale(payloads);
    const [lo, hi] = colourScale.range;
    const next: StateVolume[] = [];
    for (const p of payloads) {
      const u8 = (await runInWorker(`scaling ${p.state} volume`, { op: 'volumeToU8', values: base64ToF32(p.valuesF32), lo, hi })) as Uint8Array;
      next.push(makeVolume(p, u8));
    }
    disposeVolumes();
    volumes = next;
    volumesSource = source;
    // Depth axes from the report in force now (a newer one may have come in while they loaded).
    calibratedFor = -1;
    calibrateVolumes(store.state);
    shown.drawn(v);
    shownRefinement = refinement;
  }

  function makeVolume(p: VolumePayload, u8: Uint8Array): StateVolume {
    const texture = new THREE.Data3DTexture(u8, p.size[0], p.size[1], p.size[2]);
    texture.format = THREE.RedFormat;
    texture.type = THREE.UnsignedByteType;
    // Each voxel drawn at its own value, as in an exported figure (the CPU renderer's): a colour
    // on screen is a value on the colour bar, never a blend of a bright voxel with its dark
    // neighbours (linear filtering drew a lone bright voxel at a fraction of its value).
    texture.minFilter = THREE.NearestFilter;
    texture.magFilter = THREE.NearestFilter;
    texture.unpackAlignment = 1;
    texture.needsUpdate = true;
    // The depth → scan lookup: filled by calibrateVolumes, from the report in force.
    const depthLutData = new Float32Array(DEPTH_LUT_SIZE * 4);
    const depthLut = new THREE.DataTexture(depthLutData, DEPTH_LUT_SIZE, 1, THREE.RGBAFormat, THREE.FloatType);
    depthLut.minFilter = THREE.NearestFilter;
    depthLut.magFilter = THREE.NearestFilter;
    const material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: VOLUME_VERTEX,
      fragmentShader: VOLUME_FRAGMENT,
      side: THREE.BackSide,
      uniforms: {
        uVolume: { value: texture },
        uLut: { value: null },
        uDepthToScan: { value: depthLut },
        uCamLocal: { value: new THREE.Vector3() },
        uMode: { value: 0 },
        uClip: { value: new THREE.Vector2(0, 1) },
        // Texture x, y, z are the box's x, z and depth (y). Along depth: set with the depth axis
        // (calibrateVolumes), from the bins where they are thinnest.
        uSize: { value: new THREE.Vector3(p.size[0], p.size[2], p.size[1]) },
        uBins: { value: p.size[2] },
        // The box's extents in widths: the mesh's scale, set with it (render).
        uBoxScale: { value: new THREE.Vector3(1, 1, 1) },
        uAbsorption: { value: COMPOSITE_ABSORPTION },
        uPathPerWidth: { value: COMPOSITE_PATH_PER_WIDTH },
        uMinTransmission: { value: COMPOSITE_MIN_TRANSMISSION },
      },
    });
    const mesh = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), material);
    const scene = new THREE.Scene();
    scene.add(mesh);
    const edges = new THREE.LineSegments(new THREE.EdgesGeometry(mesh.geometry), new THREE.LineBasicMaterial({ color: 0x888888 }));
    mesh.add(edges);
    return { payload: p, scene, mesh, texture, depthLut, depthLutData, depthUm: NOMINAL_DEPTH_UM, topNm: 0, depthFromReport: false };
  }

  /**
   * The volumes' depth axes from the report of `s` (its calibration, or nominal without one):
   * depth, top, and the shader's depth → scan lookup. Redone once per report, on the voxels
   * already binned: a dragged interface moves the depths, not the voxels.
   */
  function calibrateVolumes(s: AppState): void {
    if (!volumes.length || calibratedFor === s.reportVersion) return;
    calibratedFor = s.reportVersion;
    for (const vol of volumes) {
      const p = vol.payload;
      const depth = volumeDepth(timeToDepth(layersOf(s.report, p.state)), p.zTimeS, p, NOMINAL_DEPTH_UM);
      vol.depthUm = depth.depthUm;
      vol.topNm = depth.topNm;
      vol.depthFromReport = depth.fromReport;
      for (let i = 0; i < DEPTH_LUT_SIZE; i++) {
        vol.depthLutData[i * 4] = depth.binAtDepth[i];
        vol.depthLutData[i * 4 + 1] = depth.binAtDepth[i + 1];
      }
      vol.mesh.material.uniforms.uSize.value.y = depthSamplingVoxels(depth, p.size[2]);
      vol.depthLut.needsUpdate = true;
    }
  }

  /**
   * The depth fractions a state's box keeps: "Clip to" a layer keeps that state's own layer, as
   * an exported figure and "Refine clipped range" do (the planes, fractions of the first state's
   * depths, cut another state's layer where its interfaces lie deeper or shallower: a maximum
   * along the ray then took the next layer's brighter scans); planes set by hand are every state's.
   */
  function clipOf(s: AppState, vol: StateVolume): [number, number] {
    const v = s.view.volume;
    const own = v.clipLayer === undefined ? undefined : layerFractions(s, vol).find((l) => l.role === v.clipLayer);
    return own ? [own.top, own.bottom] : [v.clipTop, v.clipBottom];
  }

  function render(s: AppState): void {
    if (!renderer || !volumes.length) return;
    const v = s.view.volume;
    if (lutName !== s.view.maps.colormap || !lutTexture) {
      lutTexture?.dispose();
      lutTexture = new THREE.DataTexture(colormapLut(s.view.maps.colormap), 256, 1, THREE.RGBAFormat);
      lutTexture.minFilter = THREE.LinearFilter;
      lutTexture.magFilter = THREE.LinearFilter;
      lutTexture.needsUpdate = true;
      lutName = s.view.maps.colormap;
    }
    const n = volumes.length;
    // Square viewports side by side, as wide as the panel allows, each in a column with its depth labels.
    const cell = Math.max(CELL_MIN, Math.min(CELL_MAX, Math.floor((canvasHost.clientWidth || (CELL_MAX + AXIS_MARGIN) * n) / n) - AXIS_MARGIN));
    const column = cell + AXIS_MARGIN;
    renderer.setSize(column * n, cell, true);
    // The margins are no viewport's: cleared here, as the scissored renders below clear only their own.
    renderer.setScissorTest(false);
    renderer.clear();
    const az = (v.azimuthDeg * Math.PI) / 180;
    const elv = (v.elevationDeg * Math.PI) / 180;
    // The box: 1 unit = the stack's width; depth stretched by the exaggeration.
    const zx = zExaggeration(v);
    const scales = volumes.map((vol) => {
      const widthUm = widthUmOf(vol);
      const heightUm = vol.payload.heightUm ?? widthUm;
      return new THREE.Vector3(1, (vol.depthUm / widthUm) * zx, heightUm / widthUm);
    });
    // Far enough that the largest box fits the 30° field of view from any angle.
    const radius = 1.95 * Math.max(...scales.map((sc) => sc.length()));
    camera.position.set(radius * Math.cos(elv) * Math.sin(az), radius * Math.sin(elv), radius * Math.cos(elv) * Math.cos(az));
    camera.lookAt(0, 0, 0);
    camera.far = radius * 4;
    camera.updateProjectionMatrix();
    camera.updateMatrixWorld();
    renderer.setScissorTest(true);
    volumes.forEach((vol, k) => {
      vol.mesh.scale.copy(scales[k]);
      vol.mesh.updateMatrixWorld();
      const u = vol.mesh.material.uniforms;
      u.uLut.value = lutTexture;
      u.uMode.value = v.mode === 'mip' ? 0 : 1;
      u.uClip.value.set(...clipOf(s, vol));
      u.uCamLocal.value.copy(vol.mesh.worldToLocal(camera.position.clone()));
      u.uBoxScale.value.copy(scales[k]);
      renderer!.setViewport(k * column + AXIS_MARGIN, 0, cell, cell);
      renderer!.setScissor(k * column + AXIS_MARGIN, 0, cell, cell);
      renderer!.render(vol.scene, camera);
    });
    drawDepthAxes(column, cell);
    labels.replaceChildren(
      ...volumes.map((vol) =>
        h(
          'div',
          { class: 'volume-label', style: `width:${column - AXIS_MARGIN}px; padding-left:${AXIS_MARGIN}px` },
          h('strong', {}, vol.payload.state),
          ` ${vol.payload.size.join('×')} bins · ${vol.depthFromReport ? `${vol.depthUm.toFixed(2)} µm deep (report calibration)` : `${vol.depthUm.toFixed(2)} µm nominal depth`}`,
          refinement ? h('span', { class: 'volume-refined' }, ` · refined: ${refinedText(vol.payload)}`) : '',
        ),
      ),
    );
    el.querySelector('#volume-zscale + output')?.replaceChildren(`${zx}×`);
    syncClipControls(v);
    drawColourBar(s);
    canvasHost.dataset.azimuth = v.azimuthDeg.toFixed(1);
    canvasHost.dataset.rendered = String(Number(canvasHost.dataset.rendered ?? 0) + 1);
  }

  /**
   * Depth ticks in nm along each box's vertical edge farthest left on screen (on its outline, so
   * never behind the volume), placed as the camera sees the box: the depth axis turns and
   * stretches with it. The depths are the report's calibration, as the clip read-outs give them.
   */
  function drawDepthAxes(column: number, cell: number): void {
    const svg = d3.create('svg').attr('id', 'volume-depth-axes').attr('width', column * volumes.length).attr('height', cell);
    volumes.forEach((vol, k) => {
      const toScreen = (x: number, y: number, z: number): [number, number] => {
        const p = new THREE.Vector3(x, y, z).applyMatrix4(vol.mesh.matrixWorld).project(camera);
        return [k * column + AXIS_MARGIN + ((p.x + 1) / 2) * cell, ((1 - p.y) / 2) * cell];
      };
      const corners: [number, number][] = [[-0.5, -0.5], [-0.5, 0.5], [0.5, -0.5], [0.5, 0.5]];
      const [ex, ez] = d3.least(corners, ([x, z]) => toScreen(x, 0, z)[0])!;
      // Box y is depth, linear in nm: +0.5 is the volume's top, −0.5 its bottom.
      const depth = d3.scaleLinear().domain([vol.topNm, vol.topNm + vol.depthUm * 1000]).range([0.5, -0.5]);
      const [top, bottom] = [toScreen(ex, 0.5, ez), toScreen(ex, -0.5, ez)];
      // One tick per ~30 px of edge, so the labels never run into each other.
      const ticks = depth.ticks(Math.max(1, Math.floor(Math.hypot(bottom[0] - top[0], bottom[1] - top[1]) / 30)));
      const g = svg.append('g').attr('class', 'depth-axis').attr('data-state', vol.payload.state);
      g.append('title').text(`${vol.payload.state}: depth below the surface, nm (${vol.depthFromReport ? 'report calibration' : 'nominal'})`);
      ticks.forEach((nm, i) => {
        const [x, y] = toScreen(ex, depth(nm), ez);
        const tick = g.append('g').attr('class', 'depth-tick').attr('data-depth-nm', nm).attr('data-y', y.toFixed(1)).attr('transform', `translate(${x},${y})`);
        tick.append('line').attr('x1', -5).attr('x2', 0);
        tick.append('text').attr('x', -7).attr('dy', '0.32em').text(i === ticks.length - 1 ? `${nm} nm` : String(nm));
      });
    });
    canvasHost.querySelector('#volume-depth-axes')?.remove();
    canvasHost.append(svg.node()!);
  }

  /** A horizontal colour bar under the volumes: mean counts per voxel, shared by all states. */
  function drawColourBar(s: AppState): void {
    const width = 320;
    const bar = h('canvas', { width: 256, height: 1 }) as HTMLCanvasElement;
    const ctx = bar.getContext('2d')!;
    const lut = colormapLut(s.view.maps.colormap);
    const img = ctx.createImageData(256, 1);
    img.data.set(lut);
    ctx.putImageData(img, 0, 0);
    bar.style.width = `${width}px`;
    bar.style.height = '14px';
    // The axis starts `pad` px into its SVG, which is shifted back as much: the first tick's label
    // ("0") is centred on the bar's left end and was cut in half there.
    const pad = 12;
    const axis = d3.create('svg').attr('width', width + 40 + pad).attr('height', 24).style('margin-left', `-${pad}px`).style('display', 'block');
    axis.append('g').attr('transform', `translate(${pad + 0.5},2)`).call(d3.axisBottom(d3.scaleLinear().domain(colourScale.range).range([0, width])).ticks(5, '~s'));
    // The scale, for a reader of the page (an exported view keeps it: viewFigure).
    colourBar.dataset.min = String(colourScale.range[0]);
    colourBar.dataset.max = String(colourScale.range[1]);
    const dt = volumes[0]?.payload.deadTime;
    const sat = d3.sum(volumes, (vol) => vol.payload.deadTime.saturatedPixels);
    const how = dt?.applied ? `, dead-time corrected (N = ${shotsPerPixelText(volumes.map((vol) => vol.payload))})${sat ? `, ${sat} saturated pixel-scans as lower bounds` : ''}` : ', raw';
    const why = noShots.length ? ` ${noShotsText(noShots)}` : '';
    const { range, brightest } = colourScale;
    const above = brightest > range[1] ? ` The scale tops at the states' highest ${VOLUME_SCALE_QUANTILE_TEXT} quantile; brighter voxels (up to ${d3.format('.3~s')(brightest)}) are drawn in the top colour.` : '';
    colourBar.replaceChildren(h('div', { class: 'notes', id: 'volume-colour-note' }, `${ionNotation(volumes[0]?.payload.ion ?? '')} mean counts per voxel${how}${s.view.volume.mode === 'composite' ? ' (composite: opacity grows with the value; a pixel is the values along its ray weighted by their opacity, so never above them, and darker where the volume is thin)' : ' (maximum along each ray)'}.${above}${why}`), bar, axis.node()!);
  }

  function scheduleRender(): void {
    if (raf) return;
    raf = requestAnimationFrame(() => {
      raf = 0;
      render(store.state);
    });
  }

  function disposeVolumes(): void {
    for (const vol of volumes) {
      vol.texture.dispose();
      vol.depthLut.dispose();
      vol.mesh.geometry.dispose();
      vol.mesh.material.dispose();
      vol.mesh.traverse((o) => {
        if (o instanceof THREE.LineSegments) {
          o.geometry.dispose();
          (o.material as THREE.Material).dispose();
        }
      });
    }
    volumes = [];
  }

  /**
   * After a cancelled load the volumes on screen stay: the ion, dead time and refinement go back
   * to theirs, and the clip with a refinement undone ("Refine" had reset it to the whole range,
   * "Whole stack" to the refined range), so no control names a choice the volumes do not show.
   */
  function restoreShown(err: CancelledError): void {
    const r = refinement;
    const clip = r === shownRefinement ? {} : r ? { clipTop: r.top, clipBottom: r.bottom, clipLayer: r.layer } : { clipTop: 0, clipBottom: 1, clipLayer: undefined };
    refinement = shownRefinement;
    shown.restore(err, true, clip);
  }

  /** What part of its stack a refined volume holds: its scans, and its pixels where they are a region. */
  function refinedText(p: VolumePayload): string {
    const scans = p.scanRange[1] - p.scanRange[0] < p.totalScans ? `scans ${p.scanRange[0] + 1}–${p.scanRange[1]} of ${p.totalScans}` : null;
    const { x0, y0, x1, y1 } = p.region;
    const region = x1 - x0 < p.fieldPx[0] || y1 - y0 < p.fieldPx[1] ? `x ${x0}–${x1}, y ${y0}–${y1} px of ${p.fieldPx[0]} × ${p.fieldPx[1]}` : null;
    return [scans, region].filter(Boolean).join(' · ') || 'the whole stack';
  }

  /** What the last load asked for (null: nothing, or it failed): a repeat of it does not load again. */
  let lastLoad: VoxelSource | null = null;
  let loadSeq = 0;
  async function refresh(s: AppState): Promise<void> {
    const r = ensureRenderer();
    if (!r) return;
    const n = noteText(s, 'the depth calibration and layer clip planes');
    const cancelled = shown.takeCancelled() ? `Cancelled; the volumes still show ${ionNotation(ionOf(s))}.` : null;
    note.textContent = [cancelled, n, stackStates.length ? 'Mean counts per voxel, one colour scale for all states; the colour map follows the 2-D images.' : 'No state has a 3-D ion stack.'].filter(Boolean).join(' ');
    if (!stackStates.length) return;
    let seq = loadSeq;
    try {
      const wanted = voxelsFor(s, r);
      if (!lastLoad || !sameVoxels(lastLoad, wanted)) {
        lastLoad = wanted;
        seq = ++loadSeq;
        await loadVolumes(s, r);
        buildControls(store.state);
      } else {
        // The same voxels: a new report only moves the depth axes and the layers' clip planes.
        lastLoad = withKnownStacks(lastLoad, wanted);
        if (volumesSource && sameVoxels(volumesSource, wanted)) volumesSource = withKnownStacks(volumesSource, wanted);
        if (volumes.length && calibratedFor !== s.reportVersion) buildControls(s);
      }
      scheduleRender();
    } catch (err) {
      showFailure(note, err, 'Loading the volumes was cancelled.');
      if (seq !== loadSeq) return; // a newer load (the user chose again meanwhile) owns the controls
      lastLoad = null;
      if (err instanceof CancelledError && volumes.length) restoreShown(err);
    }
  }

  return {
    el,
    figure: () => viewFigure(store.state),
    shown() {
      buildControls(store.state);
      void refresh(store.state);
    },
    update(s) {
      if (!el.isConnected) return;
      // A new report re-calibrates the volumes' depths and rebuilds the layer controls (refresh).
      void refresh(s);
    },
    dispose() {
      if (raf) cancelAnimationFrame(raf);
      disposeVolumes();
      lutTexture?.dispose();
      renderer?.dispose();
      renderer = null;
      el.remove();
    },
  };
}
