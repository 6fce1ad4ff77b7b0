import type { DeadTimeInfo, MapPayload, ProfilePayload, VolumePayload } from '../api/contract.js';
import { StrataError } from '../model/errors.js';
import type { IonStack } from '../model/ionStack.js';
import { findIon } from '../model/ions.js';
import { profileFromStack } from '../sims/stackProfile.js';
import { clipRect } from '../sims/roi.js';
import { windowMapsFromStack } from '../sims/windowMaps.js';
import { binStackVolume, scansWithin } from '../sims/volume.js';
import { scanWeights } from '../sims/windows.js';
import { viewToBase64 } from './base64.js';
import { pooledQuantile, VOLUME_SCALE_QUANTILE } from '../figures/stats.js';
import { openDataset } from './openDataset.js';
import { summarizeDataset } from '../pipeline/summarizeDataset.js';
import { analyzeStateFiles, DEFAULT_STEPS } from './analyzeStudyOnDisk.js';
import type { StateInput, StatePart } from './analyzeStudyOnDisk.js';
import { hashedInput, type KnownHash } from './files.js';
import type { LoadedStudy } from './loadStudy.js';
import type { StateOutcome, StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import type { InputRecord } from '../model/provenance.js';
import { figureSteps, figureTaskFile } from './figureTask.js';
import type { FigureTask, FigureTaskResult } from './figureTask.js';
import { semImagePayload } from './semImageTask.js';
import { figureFileTaskContent } from './figureFileTask.js';
import type { FigureFileTask, FigureFileTaskResult } from './figureFileTask.js';
import type { SemImageTask, SemImageTaskResult } from './semImageTask.js';

/**
 * The long tasks that run on worker threads (stackPool.ts), one state per thread, or here when
 * no worker can be had: the workbench's passes over one 3-D stack (the 2-D maps of an ion, its
 * binned volume, an ROI's profile), as self-contained tasks (a file, an ion and options in, a
 * payload out), one state's whole analysis (see StateTask), a figure (figureTask.ts), a figure's
 * SVG made into a file (figureFileTask.ts), the SEM view's image (semImageTask.ts) and a file's
 * summary (SummaryTask).
 */
export type StackTask = MapsTask | VolumeTask | RoiProfileTask | StateTask | InputTask | FigureTask | FigureFileTask | SemImageTask | SummaryTask;

interface TaskBase {
  /** Absolute path of the stack file, and its name as the user knows it (for messages). */
  file: string;
  displayName: string;
  ion: string;
  /** Dead-time correction wanted, and N from the study when it has one (else the file's). */
  deadTime: boolean;
  studyShotsPerPixel: number | null;
}

export interface MapsTask extends TaskBase {
  kind: 'maps';
  windows: { name: string; startS: number; endS: number }[];
}

export interface VolumeTask extends TaskBase {
  kind: 'volume';
  state: string;
  maxSize: number;
  maxVoxels: number;
  timeRangeS?: [number, number];
  /** Pixels to bin (the ROI), default the whole field. */
  region?: { x0: number; y0: number; x1: number; y1: number };
}

/** Every ion of the stack summed over a rectangle, scan by scan (raw counts, as the file's profile). */
export interface RoiProfileTask extends Omit<TaskBase, 'ion' | 'deadTime' | 'studyShotsPerPixel'> {
  kind: 'roi-profile';
  state: string;
  roi: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * One state of a study analysed from its files (SEM, ToF-SIMS, XRD), or one part of it (its XRD,
 * or its SEM and ToF-SIMS), as `strata analyze` and the workbench's report do: the states of a
 * study do not depend on one another until they are compared, nor a state's XRD on the rest, so
 * they run side by side (stateLanes.ts). Without the checksums of its files: those are tasks of
 * their own (InputTask).
 */
export interface StateTask {
  kind: 'state';
  study: LoadedStudy;
  stateIndex: number;
  options: StudyAnalysisOptions;
  /** All of the state, or one part of it (StatePart). */
  part: StatePart;
}

/**
 * One file of a study opened and summarised (summarizeDataset: the Study view's metadata line).
 * Opening decodes an SEM image whole (its data bar and scale bar are found in its pixels) and
 * reads an imzML's every spectrum (~3 s for 77 MB of XML).
 */
export interface SummaryTask {
  kind: 'summary';
  /** Absolute path of the file, and its name as the user knows it (for messages). */
  file: string;
  displayName: string;
}

/** The provenance record (size, SHA-256) of one input file of a study. */
export interface InputTask {
  kind: 'input';
  input: StateInput;
}

export interface MapsTaskResult {
  kind: 'maps';
  /** Null when the stack has no such ion (`missing` says so). */
  missing: string | null;
  width: number;
  height: number;
  pixelSizeNm: number | null;
  deadTime: DeadTimeInfo;
  maps: MapPayload[];
}

export type StackTaskResult =
  | MapsTaskResult
  | { kind: 'volume'; payload: VolumePayload }
  | { kind: 'roi-profile'; payload: ProfilePayload }
  | { kind: 'state'; outcome: StateOutcome }
  | { kind: 'input'; record: InputRecord; known: KnownHash | null }
  | FigureTaskResult
  | FigureFileTaskResult
  | SemImageTaskResult
  | { kind: 'summary'; summary: Record<string, unknown> };

export interface TaskControl {
  signal?: AbortSignal;
  /** Planes done and to do, after each plane. */
  onPlane?: (done: number, total: number) => void | Promise<void>;
  /** A figure's steps (figureTask.ts): what it reads or bins now, and its steps done and at most. May throw to stop it. */
  onStep?: (line: string, done: number, total: number) => void;
}

export async function runStackTask(task: StackTask, control: TaskControl = {}): Promise<StackTaskResult> {
  if (task.kind === 'figure') {
    const total = figureSteps(task);
    let done = 0;
    return figureTaskFile(task, (line) => {
      control.signal?.throwIfAborted();
      control.onStep?.(line, Math.min(++done, total), total);
    });
  }
  if (task.kind === 'figure-file') return figureFileTaskContent(task);
  if (task.kind === 'summary') {
    const opened = await openDataset(task.file, { displayName: task.displayName, imzml: { signal: control.signal } });
    try {
      return { kind: 'summary', summary: summarizeDataset(opened.format, opened.dataset) };
    } finally {
      await opened.close();
    }
  }
  if (task.kind === 'sem-image') return { kind: 'sem-image', payload: await semImagePayload(task) };
  if (task.kind === 'state') return { kind: 'state', outcome: await analyzeStateFiles(task.study, task.stateIndex, task.options, DEFAULT_STEPS, control, task.part) };
  if (task.kind === 'input') {
    // Progress by the chunk is what lets the pool send a Cancel (it answers progress with it); the signal then stops the checksum.
    const onChunk = async (done: number, total: number): Promise<void> => {
      control.signal?.throwIfAborted();
      await control.onPlane?.(done, total);
    };
    return { kind: 'input', ...(await hashedInput(task.input.path, task.input.displayPath, { onChunk })) };
  }
  // An imzML is read whole into ion images as it opens (its XML and every spectrum): a Cancel stops that too.
  const opened = await openDataset(task.file, { displayName: task.displayName, imzml: { signal: control.signal } });
  try {
    if (opened.dataset.kind !== 'ionStack') throw new StrataError(`${task.displayName}: not an ion stack`);
    const stack = opened.dataset;
    if (task.kind === 'maps') return await mapsOf(stack, task, control);
    if (task.kind === 'volume') return { kind: 'volume', payload: await volumeOf(stack, task, control) };
    return { kind: 'roi-profile', payload: await roiProfileOf(stack, task, control) };
  } finally {
    await opened.close();
  }
}

/**
 * The dead-time correction a task asked for, where it can be made. A stack without N (no shots
 * per pixel in the file or study.json, as an imzML) is read raw, `applied: false` saying so: a
 * throw here failed the maps of every state (one request holds them all) and left the view
 * blank on a checkbox that is on by default; the view tells the user which state lacks N.
 */
function deadTimeFor(stack: IonStack, task: TaskBase): DeadTimeInfo {
  const shots = task.studyShotsPerPixel ?? stack.shotsPerPixel ?? null;
  return { applied: task.deadTime && shots !== null, shotsPerPixel: shots, saturatedPixels: 0 };
}

/**
 * Sum of one ion over all scans, and over each time window, in one pass over the planes: the
 * analysis's own reduction (core/sims/windowMaps.ts), so the view's maps are the report's numbers
 * (boundary scans weighted by the part of them inside a window).
 */
async function mapsOf(stack: IonStack, task: MapsTask, control: TaskControl): Promise<MapsTaskResult> {
  const base = { kind: 'maps' as const, width: stack.width, height: stack.height, pixelSizeNm: stack.pixelSizeNm };
  const ionIndex = findIon(stack.ions, task.ion);
  if (ionIndex < 0) return { ...base, missing: `${task.displayName} has no ${task.ion}`, deadTime: { applied: false, shotsPerPixel: null, saturatedPixels: 0 }, maps: [] };
  const dt = deadTimeFor(stack, task);
  const wins = [{ name: 'all', startS: -Infinity, endS: Infinity }, ...task.windows];
  const result = await windowMapsFromStack(stack, ionIndex, wins, {
    deadTime: dt.applied,
    shotsPerPixel: dt.shotsPerPixel ?? undefined,
    signal: control.signal,
    onPlane: control.onPlane,
  });
  // Saturated pixels counted once (every plane is in the 'all' map).
  dt.saturatedPixels += result.maps[0].saturatedPixels;
  const maps = wins.map((w, k) => {
    const f = Float32Array.from(result.maps[k].values);
    let min = Infinity;
    let max = -Infinity;
    for (const v of f) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const scans = scanWeights(stack.timeS, w.startS, w.endS).reduce((a, b) => a + b, 0);
    const variance = viewToBase64(Float32Array.from(result.maps[k].variance));
    return { name: w.name, scans, valuesF32: viewToBase64(f), varianceF32: variance, min: scans ? min : 0, max: scans ? max : 0, total: result.maps[k].total, totalSigma: result.maps[k].totalSigma };
  });
  return { ...base, missing: null, deadTime: dt, maps };
}

async function volumeOf(stack: IonStack, task: VolumeTask, control: TaskControl): Promise<VolumePayload> {
  const ionIndex = findIon(stack.ions, task.ion);
  if (ionIndex < 0) throw new StrataError(`${task.displayName}: no ${task.ion} in this stack`);
  const dt = deadTimeFor(stack, task);
  const scanRange = task.timeRangeS ? scansWithin(stack, task.timeRangeS) : undefined;
  // The same binning as the figures' 3-D panels (core/sims/volume.ts), so the view and an
  // exported figure show the same voxels.
  const v = await binStackVolume(stack, ionIndex, {
    maxSize: task.maxSize,
    maxVoxels: task.maxVoxels,
    scanRange,
    region: task.region,
    deadTime: dt.applied,
    shotsPerPixel: dt.shotsPerPixel ?? undefined,
    signal: control.signal,
    onPlane: control.onPlane,
  });
  const um = (n: number) => (stack.pixelSizeNm ? (n * stack.pixelSizeNm) / 1000 : null);
  return {
    state: task.state,
    ion: stack.ions[ionIndex].label,
    size: [v.nx, v.ny, v.nz],
    binning: v.binning,
    valuesF32: viewToBase64(v.data),
    min: v.min,
    max: v.max,
    highQuantile: pooledQuantile([v.data], VOLUME_SCALE_QUANTILE),
    zTimeS: v.zTimeS,
    scanRange: v.scanRange,
    totalScans: stack.scans,
    region: v.region,
    fieldPx: [stack.width, stack.height],
    widthUm: um(v.region.x1 - v.region.x0),
    heightUm: um(v.region.y1 - v.region.y0),
    deadTime: { applied: v.deadTimeCorrected, shotsPerPixel: dt.shotsPerPixel, saturatedPixels: v.saturatedPixels },
  };
}

/** The analysis's stack profile (core/sims/stackProfile.ts) over the rectangle, raw counts. */
async function roiProfileOf(stack: IonStack, task: RoiProfileTask, control: TaskControl): Promise<ProfilePayload> {
  const clipped = clipRect(task.roi, stack.width, stack.height);
  if (!clipped) throw new StrataError(`${task.displayName}: the ROI lies outside the ${stack.width}×${stack.height} image`);
  const { x0, y0, x1, y1 } = clipped;
  const p = await profileFromStack(stack, { roi: { kind: 'rect', x0, y0, x1, y1 }, deadTime: false, signal: control.signal, onPlane: control.onPlane });
  // A stack may carry the total ion image as a channel: it is the total, not one more ion.
  const totalChannel = stack.ions.findIndex((ion) => /^total\b/i.test(ion.label.trim()));
  const total = totalChannel >= 0 ? Array.from(p.counts[totalChannel]) : Array.from({ length: stack.scans }, (_, s) => p.counts.reduce((sum, c) => sum + c[s], 0));
  return {
    state: task.state,
    file: task.displayName,
    source: 'stack-roi',
    roi: { x0, y0, x1, y1 },
    timeS: Array.from(stack.timeS),
    totalCounts: total,
    ions: p.ions.map((ion, i) => ({ label: ion.label, mz: ion.mz, counts: Array.from(p.counts[i]) })).filter((_, i) => i !== totalChannel),
  };
}

