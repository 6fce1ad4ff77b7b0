import type { Report } from '../../../core/model/report.js';
import { clipRect } from '../../../core/sims/roi.js';

/**
 * What the 3-D view's binned voxels are made from, so that they are binned again when, and only
 * when, that changes. The backend (core/node/services.ts getVolume → stackTasks.ts volumeOf →
 * core/sims/volume.ts binStackVolume) bins a state's stack file for one ion, dead-time corrected
 * or not (with N from study.json, else the file's), to a texture size and voxel budget, over a
 * time range and region when refined. It reads neither the layers nor the interfaces, the ROI (but for a region refined) or the
 * normalisation: a new report (an interface dragged) moves only the depth axis, which the page
 * computes (volumeDepth.ts). The voxels used to be binned anew for every report: ~1 s per drag
 * on three 512 MB stacks. Pure: tested alone (test/renderer/volumeRequest.test.ts).
 */
export interface VoxelSource {
  /** The request's terms: ion, dead time, texture limits, and each state's refined time range. */
  request: string;
  /**
   * Each state's stack as the last report read it (its file's SHA-256 and the N its counts are
   * corrected with), so that a file changed on disk is binned again once an analysis notices
   * it; null where no report says (none yet, or one being redone).
   */
  stacks: Record<string, string | null>;
}

export interface VoxelRequest {
  ion: string;
  deadTime: boolean;
  maxSize: number;
  maxVoxels: number;
  /** Each state's refined time range, s; none: the whole stack. */
  timeRangeS?: ReadonlyMap<string, readonly [number, number]>;
  /** The refined region of interest, px; null or none: the whole field. */
  region?: { x0: number; y0: number; x1: number; y1: number } | null;
}

export function voxelSource(request: VoxelRequest, stacks: Record<string, string | null>): VoxelSource {
  const ranges = request.timeRangeS ? [...request.timeRangeS].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : 'whole';
  const region = request.region ? [request.region.x0, request.region.y0, request.region.x1, request.region.y1] : 'field';
  return { request: JSON.stringify([request.ion, request.deadTime, request.maxSize, request.maxVoxels, ranges, region]), stacks };
}

/**
 * A state's stack as `report` read it: the SHA-256 its provenance gives `stackPath` (the study's
 * path of the state's stack file) and the shots per pixel its analysis used; null when the
 * report does not say (no report, or the file is not among its inputs).
 */
export function stackFingerprint(report: Report | null, state: string, stackPath: string | undefined): string | null {
  if (!report || stackPath === undefined) return null;
  const input = report.provenance.inputs.find((i) => i.path === stackPath);
  if (!input) return null;
  const shots = report.states.find((s) => s.state === state)?.sims?.parameters?.shotsPerPixel;
  return `${input.sha256}|N=${typeof shots === 'number' ? shots : ''}`;
}

/**
 * Whether voxels binned for `shown` are the ones `wanted` asks for: the same request, and no
 * state's stack known to differ. A stack one side does not know is taken as the same: while a
 * report is being redone its files have not changed, and volumes loaded before the first report
 * were read from the files that report reads.
 */
export function sameVoxels(shown: VoxelSource, wanted: VoxelSource): boolean {
  if (shown.request !== wanted.request) return false;
  for (const [state, stack] of Object.entries(wanted.stacks)) {
    const had = shown.stacks[state];
    if (stack !== null && had !== null && had !== undefined && had !== stack) return false;
  }
  return true;
}

/** `shown` with the stacks it did not know taken from `wanted` (for which sameVoxels holds). */
export function withKnownStacks(shown: VoxelSource, wanted: VoxelSource): VoxelSource {
  const stacks = { ...shown.stacks };
  for (const [state, stack] of Object.entries(wanted.stacks)) if (stacks[state] == null) stacks[state] = stack;
  return { request: shown.request, stacks };
}

/**
 * The states whose field `region` misses altogether (a state's stack may be smaller than the
 * one the ROI was drawn on): refining to it would bin nothing there, so the view refuses it and
 * names them. `fields`: each state's field, px (the volumes' payloads say it).
 */
export function statesOutsideRegion(fields: readonly { state: string; fieldPx: readonly [number, number] }[], region: { x0: number; y0: number; x1: number; y1: number }): string[] {
  return fields.filter(({ fieldPx: [w, h] }) => clipRect(region, w, h) === null).map((f) => f.state);
}
