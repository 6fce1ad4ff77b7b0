/**
 * The whole sample study in memory: every file's bytes, the ground truth and the manifest.
 * Pure (no fs) and deterministic: the same options give the same bytes.
 */
import { writeSurfaceLabProfile } from '../../core/io/sims/writeSurfaceLab.js';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { writeRas } from '../../core/io/xrd/writeRas.js';
import { CU_K_ALPHA, type XrdPattern } from '../../core/model/xrdPattern.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import type { Truth, TruthState } from '../truth.js';
import { liComponents, STATES, type StateName } from './lithium.js';
import { omePages, volumePlanes, type OmeStackMeta } from './omeTiff.js';
import { DEFAULT_LAYERS, IONS, STACK_IONS, depthAtTime, geometry, timeAtDepth, type GenLayer, type Geometry } from './physics.js';
import { renderSem } from './sem.js';
import { liInWindows, simulateSims, toDepthProfile } from './sims.js';
import { simulateXrd } from './xrd.js';

export type PerState<T> = T | Partial<Record<StateName, T>>;

export interface StudyOptions {
  /** Seed of every random stream; default 2025. */
  seed?: number;
  name?: string;
  /** Per-layer thickness overrides, nm, by role (`substrate` = its SiO2 over-layer). */
  thicknessNm?: Partial<Record<string, number>>;
  /**
   * Per-state thickness overrides, nm, by state and role, over `thicknessNm`: a state whose
   * layers differ from the others' (its SEM section and its profiles' interfaces move with them).
   */
  stateThicknessNm?: Partial<Record<StateName, Partial<Record<string, number>>>>;
  /** Per-layer sputter-rate overrides, nm/s, by role. */
  sputterRateNmPerS?: Partial<Record<string, number>>;
  /**
   * 1 = realistic noise. 0 = no sampling at all: the files hold expected values (the stack
   * as float32, counts as N·(1 − exp(−λ/N))). Between: counting statistics stay Poisson /
   * binomial, the extra noise (primary-current jitter, SEM noise, lateral contrast) scales.
   */
  noiseScale?: number;
  /** Primary pulses per pixel per scan (dead-time N); default 50. */
  shotsPerPixel?: number;
  stackWidth?: number;
  stackHeight?: number;
  /** Analysis field width, nm; default 100 µm. The pixel size is this / stackWidth. */
  fieldOfViewNm?: number;
  /** Sputter + analysis cycle, s; default 24. */
  scanPeriodS?: number;
  /** Number of scans; default: enough to go 700 s into the substrate. */
  scans?: number;
  /** SEM in-plane rotation of the layers, degrees (±5); positive = layers fall to the right. */
  semRotationDeg?: PerState<number>;
  /** SEM stage tilt, degrees: the vertical is foreshortened by cos(tilt). */
  semTiltDeg?: PerState<number>;
  /** SEM material contrast multiplier; default 1. */
  semContrast?: number;
}

export interface GeneratedStudy {
  files: Map<string, Uint8Array>;
  truth: Truth;
  manifest: StudyManifest;
}

export interface StudyManifest {
  schema: 'strata.study/1';
  name: string;
  stack: string;
  states: { state: string; files: string[]; sims: { shotsPerPixel: number }; semTiltDeg?: number }[];
}

export const DEFAULT_SEED = 2025;
const DEFAULT_ROTATION: Record<StateName, number> = { pristine: 0, charged: 1.5, discharged: -1 };
const DEFAULT_TILT: Record<StateName, number> = { pristine: 0, charged: 0, discharged: 10 };
/** Primary (analysis) current relative to pristine: drift between the three measurements. */
const PRIMARY_CURRENT: Record<StateName, number> = { pristine: 1.0, charged: 0.92, discharged: 1.07 };
const SEM = { width: 640, height: 480, pixelSizeNm: 4, dataBarRows: 32 };
const OVERSHOOT_S = 700;
const DATES: Record<StateName, string> = { pristine: '2025/03/10', charged: '2025/03/12', discharged: '2025/03/14' };

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function perState<T>(v: PerState<T> | undefined, state: StateName, fallback: Record<StateName, T>): T {
  if (v === undefined) return fallback[state];
  if (typeof v === 'object' && v !== null) return (v as Partial<Record<StateName, T>>)[state] ?? fallback[state];
  return v as T;
}

export function studyLayers(o: StudyOptions): GenLayer[] {
  return DEFAULT_LAYERS.map((l) => ({
    ...l,
    thicknessNm: o.thicknessNm?.[l.role] ?? l.thicknessNm,
    sputterRateNmPerS: o.sputterRateNmPerS?.[l.role] ?? l.sputterRateNmPerS,
  }));
}

export function stateFiles(state: string): TruthState['files'] {
  return {
    simsProfile: `${state}/profile.txt`,
    simsStack: `${state}/stack.ome.tif`,
    xrd: `${state}/xrd.ras`,
    sem: `${state}/sem.tif`,
    semSidecar: `${state}/sem.txt`,
  };
}

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');

export function generateStudy(options: StudyOptions = {}): GeneratedStudy {
  const seed = options.seed ?? DEFAULT_SEED;
  const noiseScale = options.noiseScale ?? 1;
  const N = options.shotsPerPixel ?? 50;
  const width = options.stackWidth ?? 32;
  const height = options.stackHeight ?? 32;
  const pixelSizeNm = (options.fieldOfViewNm ?? 100_000) / width;
  const scanPeriodS = options.scanPeriodS ?? 24;
  const layers = studyLayers(options);
  // Each state's layers: the study's, with its own thickness overrides.
  const stateLayers = Object.fromEntries(STATES.map((state) => [state, studyLayers({ ...options, thicknessNm: { ...options.thicknessNm, ...options.stateThicknessNm?.[state] } })])) as Record<StateName, GenLayer[]>;
  for (const l of Object.values(stateLayers).flat()) {
    if (!(l.thicknessNm > 0) || !(l.sputterRateNmPerS > 0)) throw new RangeError(`layer ${l.role}: thickness and rate must be > 0`);
  }
  const stateGeometry = Object.fromEntries(STATES.map((state) => [state, geometry(stateLayers[state])])) as Record<StateName, Geometry>;
  // Every state is measured as long: into the substrate of the deepest.
  const substrateTopS = Math.max(...STATES.map((state) => stateGeometry[state].timeS[layers.length - 1]));
  const scans = options.scans ?? Math.ceil((substrateTopS + OVERSHOOT_S) / scanPeriodS);
  const endS = scans * scanPeriodS;
  const name = options.name ?? 'Anode-free SS/Li3PO4/LiFePO4/SS micro-battery: pristine, charged, discharged (generated)';
  const defaults = Object.fromEntries(DEFAULT_LAYERS.map((l) => [l.role, l.thicknessNm]));

  const files = new Map<string, Uint8Array>();
  const truthStates: TruthState[] = [];
  const manifestStates: StudyManifest['states'] = [];

  for (const state of STATES) {
    const names = stateFiles(state);
    const geo = stateGeometry[state];
    const scale = (role: string): number => stateLayers[state].find((l) => l.role === role)!.thicknessNm / defaults[role];
    const comps = liComponents(seed, state, layers.map((l) => l.role), width, height, Math.min(1, noiseScale) || 0);
    const model = { seed, state, geometry: geo, liComponents: comps, width, height, scans, scanPeriodS, primaryCurrentFactor: PRIMARY_CURRENT[state] };
    const sims = simulateSims({ ...model, shotsPerPixel: N, noiseScale });
    files.set(names.simsProfile, writeSurfaceLabProfile(toDepthProfile(sims, names.simsProfile, N, width * height)));
    const meta: OmeStackMeta = {
      name: `${state} ToF-SIMS 3-D stack`,
      width,
      height,
      scans,
      channels: sims.stackLabels.map((label) => ({ label, mz: IONS.find((i) => i.label === label)?.mz ?? null })),
      pixelSizeNm,
      pixelType: noiseScale > 0 ? 'uint16' : 'float',
      scanPeriodS,
      shotsPerPixel: N,
      extra: { State: state, Polarity: 'negative' },
    };
    files.set(names.simsStack, writeTiff([...omePages(meta, volumePlanes(meta, sims.stack))], { compression: 'deflate' }));

    const xrd = simulateXrd(seed, state, noiseScale, { cam: scale('cam'), steel: (scale('cc_aam') + scale('cc')) / 2, se: scale('sei_se') });
    files.set(names.xrd, writeRas(xrdPattern(xrd.twoThetaDeg, xrd.intensity, names.xrd), { attenuation: xrd.attenuation, header: rasHeader(state) }));

    const rotationDeg = perState(options.semRotationDeg, state, DEFAULT_ROTATION);
    const tiltDeg = perState(options.semTiltDeg, state, DEFAULT_TILT);
    if (Math.abs(rotationDeg) > 5) throw new RangeError(`SEM rotation ${rotationDeg}° outside ±5°`);
    const sem = renderSem({
      seed,
      state,
      geometry: geo,
      ...SEM,
      rotationDeg,
      tiltDeg,
      contrast: options.semContrast ?? 1,
      noiseScale,
      date: DATES[state],
    });
    files.set(names.sem, writeTiff([{ width: SEM.width, height: SEM.height, data: sem.pixels }], { compression: 'deflate' }));
    files.set(names.semSidecar, new TextEncoder().encode(sem.sidecar));

    truthStates.push(stateTruth(state, names, geo, (windows) => liInWindows(model, windows), endS, {
      sem: { pixelSizeNm: SEM.pixelSizeNm, tiltDeg, rotationDeg, dataBarRows: SEM.dataBarRows, scaleBarPx: sem.barPx, scaleBarNm: sem.barNm, magnification: sem.magnification },
      xrd,
      sims: { primaryCurrentFactor: PRIMARY_CURRENT[state], liSaturatedPixelScans: sims.liSaturatedPixelScans, liMaxExpectedPerPixel: round6(sims.liMaxExpectedPerPixel) },
    }));
    manifestStates.push({
      state,
      files: [names.simsProfile, names.simsStack, names.xrd, names.sem, names.semSidecar],
      sims: { shotsPerPixel: N },
      ...(tiltDeg !== 0 ? { semTiltDeg: tiltDeg } : {}),
    });
  }

  const truth: Truth = {
    schema: 'strata.truth/1',
    seed,
    stack: PAPER_ANODE_FREE.id,
    shotsPerPixel: N,
    scanPeriodS,
    scans,
    noiseScale,
    stackPixels: { width, height, pixelSizeNm },
    profileIons: IONS.map((i) => ({ label: i.label, mz: i.mz })),
    stackChannels: [...STACK_IONS, 'total'],
    layers: layers.map((l) => ({ role: l.role, material: l.material, thicknessNm: l.thicknessNm, sputterRateNmPerS: l.sputterRateNmPerS })),
    states: truthStates,
  };
  const manifest: StudyManifest = { schema: 'strata.study/1', name, stack: PAPER_ANODE_FREE.id, states: manifestStates };
  files.set('study.json', json(manifest));
  files.set('truth.json', json(truth));
  return { files, truth, manifest };
}

function xrdPattern(x: Float64Array, y: Float64Array, fileName: string): XrdPattern {
  return { kind: 'xrdPattern', source: { fileName, format: 'rigaku-ras' }, twoThetaDeg: x, intensity: y, intensityUnit: 'counts', wavelength: CU_K_ALPHA, metadata: {} };
}

function rasHeader(state: string): Record<string, string> {
  return {
    FILE_SAMPLE: `anode-free micro-battery ${state}`,
    FILE_MEMO: 'SS/Li3PO4/LiFePO4/SS on 200 nm SiO2/Si, generated by Strata (ground truth in truth.json)',
    FILE_OPERATOR: 'Strata generator',
    HW_GONIOMETER_NAME: 'Ultima III',
    HW_XG_WAVE_LENGTH_BETA: '1.392250',
    MEAS_COND_XG_VOLTAGE: '40',
    MEAS_COND_XG_CURRENT: '40',
    MEAS_SCAN_SPEED: '4.0000',
    MEAS_SCAN_SPEED_UNIT: 'deg/min',
    MEAS_SCAN_START_TIME: '03/15/25 09:00:00',
  };
}

function stateTruth(
  state: StateName,
  files: TruthState['files'],
  geo: Geometry,
  /** Expected Li counts over the analysis area integrated over each window (liInWindows). */
  liIn: (windows: { startS: number; endS: number }[]) => number[],
  endS: number,
  extra: {
    sem: { pixelSizeNm: number; tiltDeg: number; rotationDeg: number; dataBarRows: number; scaleBarPx: number; scaleBarNm: number; magnification: number };
    xrd: ReturnType<typeof simulateXrd>;
    sims: TruthState['sims'];
  },
): TruthState {
  const n = geo.layers.length;
  // The substrate's window runs to the end of the measurement (into the Si if it got there).
  const windows = geo.layers.map((l, i) => ({
    role: l.role,
    startNm: geo.depthNm[i],
    endNm: i === n - 1 ? depthAtTime(geo, endS) : geo.depthNm[i + 1],
    startS: geo.timeS[i],
    endS: i === n - 1 ? endS : geo.timeS[i + 1],
  }));
  const inWindows = liIn(windows);
  const liCounts = windows.map((w, i) => ({ role: w.role, counts: inWindows[i] }));
  const liTotal = liCounts.reduce((a, b) => a + b.counts, 0);
  return {
    state,
    files,
    layers: windows.map((w) => ({ role: w.role, startNm: round6(w.startNm), endNm: round6(w.endNm), startS: round6(w.startS), endS: round6(w.endS) })),
    boundaries: geo.layers.slice(0, -1).map((l, i) => ({
      upper: l.role,
      lower: geo.layers[i + 1].role,
      depthNm: round6(geo.depthNm[i + 1]),
      timeS: round6(timeAtDepth(geo, geo.depthNm[i + 1])),
    })),
    liFraction: liCounts.map((c) => ({ role: c.role, fraction: c.counts / liTotal })),
    liCounts: liCounts.map((c) => ({ role: c.role, counts: round6(c.counts) })),
    sem: {
      ...extra.sem,
      layers: geo.layers.map((l) => ({ role: l.role, thicknessNm: l.thicknessNm })),
    },
    xrd: {
      peaks: extra.xrd.peaks.map((p) => ({ twoThetaDeg: p.twoThetaDeg, fwhmDeg: p.fwhmDeg, area: round6(p.area), phase: p.phase, hkl: p.hkl })),
      amorphousFraction: round6(extra.xrd.amorphousFraction),
      humps: extra.xrd.humps.map((h) => ({ ...h, area: round6(h.area) })),
    },
    sims: extra.sims,
  };
}
