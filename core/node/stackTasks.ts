import { bisectLeft, bisectRight } from 'd3-array';
import type { DeadTimeInfo, MapPayload, VolumePayload } from '../api/contract.js';
import { StrataError } from '../model/errors.js';
import type { IonStack } from '../model/ionStack.js';
import { findIon } from '../model/ions.js';
import { windowMapsFromStack } from '../sims/stack.js';
import { binStackVolume } from '../sims/volume.js';
import { scanWeights } from '../sims/windows.js';
import { openDataset } from './openDataset.js';

/**
 * The workbench's long passes over one 3-D stack (the 2-D maps of an ion, its binned volume),
 * as self-contained tasks: a file, an ion and options in, a payload out. The services run them
 * on worker threads (reductionPool.ts), one state per thread, or here when no worker can be had.
 */
export type StackTask = MapsTask | VolumeTask;

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

export type StackTaskResult = MapsTaskResult | { kind: 'volume'; payload: VolumePayload };

export interface TaskControl {
  signal?: AbortSignal;
  /** Planes done and to do, after each plane. */
  onPlane?: (done: number, total: number) => void | Promise<void>;
}

export async function runStackTask(task: StackTask, control: TaskControl = {}): Promise<StackTaskResult> {
  const opened = await openDataset(task.file, { displayName: task.displayName });
  try {
    if (opened.dataset.kind !== 'ionStack') throw new StrataError(`${task.displayName}: not an ion stack`);
    const stack = opened.dataset;
    return task.kind === 'maps' ? await mapsOf(stack, task, control) : { kind: 'volume', payload: await volumeOf(stack, task, control) };
  } finally {
    await opened.close();
  }
}

function deadTimeFor(stack: IonStack, task: TaskBase): DeadTimeInfo {
  const shots = task.studyShotsPerPixel ?? stack.shotsPerPixel ?? null;
  if (task.deadTime && shots === null) throw new StrataError(`${stack.source.fileName}: no shots per pixel (N) in the file or study.json: cannot correct dead time`);
  return { applied: task.deadTime && shots !== null, shotsPerPixel: shots, saturatedPixels: 0 };
}

/**
 * Sum of one ion over all scans, and over each time window, in one pass over the planes: the
 * analysis's own reduction (core/sims/stack.ts), so the view's maps are the report's numbers
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
    return { name: w.name, scans, valuesF32: f32ToBase64(f), min: scans ? min : 0, max: scans ? max : 0 };
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
    valuesF32: f32ToBase64(v.data),
    min: v.min,
    max: v.max,
    zTimeS: v.zTimeS,
    scanRange: v.scanRange,
    totalScans: stack.scans,
    widthUm: um(stack.width),
    heightUm: um(stack.height),
    deadTime: { applied: v.deadTimeCorrected, shotsPerPixel: dt.shotsPerPixel, saturatedPixels: v.saturatedPixels },
  };
}

/** The scans [first, end) whose time lies in [startS, endS]; refused when there are none. */
function scansWithin(stack: IonStack, [startS, endS]: [number, number]): [number, number] {
  // Scan times increase (the readers make sure of it).
  const first = bisectLeft(stack.timeS, startS);
  const end = bisectRight(stack.timeS, endS);
  if (end <= first) throw new StrataError(`${stack.source.fileName}: no scan between ${startS} and ${endS} s`);
  return [first, end];
}

export function f32ToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
