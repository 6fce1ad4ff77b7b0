/**
 * Depth profiles and 2-D maps from a 3-D ion stack, in one streaming pass over its planes
 * (`readPlane`, one y × x plane at a time: the whole stack is never held). The dead-time
 * correction is applied per pixel (exact, N = shots per pixel per scan) before any sum.
 */
import type { IonPlane, IonStack, PlaneRun, PlaneRunReader } from '../model/ionStack.js';
import type { IonChannel } from '../model/ions.js';
import { saturatedValue } from './deadTime.js';
import { roiMask, roiPixelCount, type Roi } from './roi.js';
import { scanWeights } from './windows.js';
import { correctedMapSums, correctedPlaneSums, u16Sums, type CorrectedPlaneSums } from './kernels/u16Sums.js';

export type { PlaneRun, PlaneRunReader } from '../model/ionStack.js';

export function hasPlaneRuns(stack: IonStack): stack is IonStack & PlaneRunReader {
  return typeof (stack as Partial<PlaneRunReader>).readPlanes === 'function';
}

export interface StackProfileOptions {
  roi?: Roi;
  /** Ion indices to profile; default all of the stack's ions. */
  ions?: number[];
  /** N for the dead-time correction; default the stack's. Without one, counts stay raw. */
  shotsPerPixel?: number;
  /** Set false to skip the correction even when N is known. Default true. */
  deadTime?: boolean;
  /** Time of each scan, s, overriding the stack's (e.g. the matching profile's when the stack
   * file carried no times and the reader fell back to scan indices). */
  timeS?: Float64Array;
  /**
   * Minor isotope standing in for saturated pixels of the ion (e.g. 6Li for 7Li): a saturated
   * pixel gets the corrected minor-isotope count × `factor` (1 / abundance ratio), σ likewise,
   * instead of the lower bound. Still counted as saturated.
   */
  substitute?: { ionIndex: number; factor: number };
  /** Stops a long reduction (the UI's cancel): checked between reads, rejects with its reason. */
  signal?: AbortSignal;
  /** Called after each plane read (progress; throwing cancels), with the planes done and to do. */
  onPlane?: (done: number, total: number) => void | Promise<void>;
  /** False: sum in JavaScript only, not in the WebAssembly kernels (the same numbers). */
  simd?: boolean;
}

export interface StackProfile {
  timeS: Float64Array;
  ions: IonChannel[];
  /** Per ion (in `ions` order): counts per scan summed over the ROI. */
  counts: Float64Array[];
  /** Per ion: Poisson σ per scan (per-pixel σ added in quadrature). */
  sigma: Float64Array[];
  /** Per ion: saturated pixels per scan. */
  saturatedPixels: Int32Array[];
  saturatedTotal: number;
  pixelCount: number;
  deadTimeCorrected: boolean;
  shotsPerPixel?: number;
}

/** Per-pixel corrected values of one plane, row-major; reused from plane to plane. */
interface CorrectedPlane {
  value: Float64Array;
  variance: Float64Array;
  saturated: Uint8Array;
}

function planeBuffers(n: number): CorrectedPlane {
  return { value: new Float64Array(n), variance: new Float64Array(n), saturated: new Uint8Array(n) };
}

/**
 * Fills `out` with the plane's ROI pixels (`raw[base …]`), dead-time corrected (`shots`
 * undefined: raw counts, variance = counts); pixels outside the ROI get 0. One tight loop with
 * the correction inlined: this runs once per pixel of every plane of a stack, so it decides
 * the streaming speed. Returns the number of saturated pixels.
 */
function correctPlaneInto(raw: Samples, base: number, mask: Uint8Array, n: number, shots: number | undefined, out: CorrectedPlane, table: CorrectionTable | null = null): number {
  const { value, variance, saturated } = out;
  const plane = raw.subarray(base, base + n);
  saturated.fill(0);
  if (shots === undefined) {
    for (let k = 0; k < n; k++) {
      const r = plane[k];
      const i = mask[k] && r > 0 ? r : 0;
      value[k] = i;
      variance[k] = i;
    }
    return 0;
  }
  const satValue = saturatedValue(shots);
  let saturatedCount = 0;
  // Integer sample types always use the table; Float32 planes (read one at a time) where the
  // value is a whole count, as a 16-bit file's always is.
  const integers = usesTable(table, plane);
  for (let k = 0; k < n; k++) {
    const r = plane[k];
    saturatedCount += correctCountInto(mask[k] && r > 0 ? r : 0, shots, satValue, table, integers, out, k);
  }
  return saturatedCount;
}

/**
 * Count i dead-time corrected into out[at] (value, variance; `saturated` set to 1 when it is,
 * left as it is otherwise); returns 1 when saturated. One pixel of correctPlaneInto.
 */
function correctCountInto(i: number, shots: number, satValue: number, table: CorrectionTable | null, integers: boolean, out: CorrectedPlane, at: number): number {
  if (i >= shots) {
    out.value[at] = satValue;
    out.variance[at] = satValue * satValue;
    out.saturated[at] = 1;
    return 1;
  }
  if (table !== null && (integers || Number.isInteger(i))) {
    out.value[at] = table.value[i];
    out.variance[at] = table.variance[i];
  } else {
    // Same formulas as correctCount (deadTime.ts): I_true = −N ln(1 − I/N), σ = √I / (1 − I/N).
    const frac = i / shots;
    out.value[at] = -shots * Math.log1p(-frac);
    out.variance[at] = i / ((1 - frac) * (1 - frac));
  }
  return 0;
}

/**
 * The pixels of a plane flagged saturated, and the minor isotope's corrected counts there:
 * `at[j]` is the pixel, `minor` its value, variance and saturation at j. Only those pixels are
 * corrected (a few in a plane as a rule, where correcting the whole plane took most of an
 * analysis of a stack with saturated scans).
 */
interface SaturatedPixels {
  count: number;
  at: Int32Array;
  minor: CorrectedPlane;
}

/** Buffers for `count` saturated pixels: `reuse` when it is large enough. */
function saturatedBuffers(count: number, reuse: SaturatedPixels | null): SaturatedPixels {
  const out = reuse !== null && reuse.at.length >= count ? reuse : { count, at: new Int32Array(count), minor: planeBuffers(count) };
  out.count = count;
  return out;
}

/** The plane's first `out.count` flagged pixels (flags[k] ≠ 0), in pixel order, into `out.at`. */
function atFlagged(out: SaturatedPixels, flags: Uint8Array, n: number): SaturatedPixels {
  let j = 0;
  for (let k = 0; k < n && j < out.count; k++) if (flags[k]) out.at[j++] = k;
  return out;
}

/**
 * The first `out.count` pixels of a plane of integer counts at or above `size` (saturated, by
 * the test of the sums', the kernel's included), in pixel order, into `out.at`: no flags are
 * written for them first.
 */
function atOrAbove(out: SaturatedPixels, raw: Samples, base: number, n: number, size: number): SaturatedPixels {
  let j = 0;
  for (let k = 0; k < n && j < out.count; k++) if (raw[base + k] >= size) out.at[j++] = k;
  return out;
}

/** The minor isotope's corrected counts at the pixels `out.at`, from its plane of the same scan. */
function minorAt(out: SaturatedPixels, minor: PlaneSamples, shots: number, table: CorrectionTable | null): SaturatedPixels {
  out.minor.saturated.fill(0, 0, out.count);
  const satValue = saturatedValue(shots);
  const integers = usesTable(table, minor.samples);
  for (let j = 0; j < out.count; j++) {
    const r = minor.samples[minor.base + out.at[j]];
    correctCountInto(r > 0 ? r : 0, shots, satValue, table, integers, out.minor, j);
  }
  return out;
}

/** One plane's samples: `samples[base …]`. */
interface PlaneSamples {
  samples: Samples;
  base: number;
}

/**
 * The planes of one ion, read one at a time as a pass needs them (the minor isotope's, at the
 * scans with saturated pixels): into one buffer reused for every plane where the stack reads
 * runs, in the file's sample type (a fresh Float32 plane each, as readPlane gives, cost more
 * than the rest of the stand-in); else as readPlane gives them. A plane is valid until the next.
 */
function planeByScan(stack: IonStack, ionIndex: number): (scan: number) => Promise<PlaneSamples> {
  const scratch: Scratch = {};
  return async (scan) => {
    if (!hasPlaneRuns(stack)) return { samples: contiguousPlane(await stack.readPlane(ionIndex, scan), stack.width, stack.height), base: 0 };
    const run = await stack.readPlanes(ionIndex, scan, 1, scratch);
    return { samples: run.data, base: run.starts[0] };
  };
}

/** Samples of planes: Float32 planes, or a run's samples in the file's type (same values). */
type Samples = PlaneRun['data'];

/**
 * Bytes (at 4 a sample, the most a run's samples take) a reduction asks for per read: 4 MB runs
 * of 16-bit planes. Smaller than the 32 MB cache, so the planes are summed while still in it:
 * against 8 MB runs, the 512 MB stack's raw Li maps took ~10 % less and reading every plane ~15 %.
 */
const RUN_BYTES = 8 * 1024 * 1024;

/**
 * One plane of a pass: `raw[base …]`. `raw` stays as it is until the consumer asks for the plane
 * after the one with `runEnd` (then its buffer may be read into again).
 */
export interface PlaneInRun {
  scan: number;
  raw: Samples;
  base: number;
  runEnd: boolean;
}

/**
 * A run of planes of a pass: plane k (0 ≤ k < count) is scan `scans[k]`, at `raw[starts[k] …]`.
 * `raw` stays as it is until the consumer asks for the next run (then its buffer may be read
 * into again).
 */
export interface RunOfPlanes {
  scans: readonly number[];
  raw: Samples;
  starts: ArrayLike<number>;
  count: number;
}

/**
 * The planes of one ion at the given scans (ascending), in order, each as samples and the
 * index where it starts (see ionPlaneRuns; the signal is also checked before every plane).
 */
export async function* ionPlanes(
  stack: IonStack,
  ionIndex: number,
  scans: readonly number[],
  signal?: AbortSignal,
  /** Run buffers of the caller's (the SIMD kernel's memory); by default two from the pool. */
  buffers?: [Scratch, Scratch],
): AsyncGenerator<PlaneInRun> {
  for await (const run of ionPlaneRuns(stack, ionIndex, scans, signal, buffers)) {
    for (let k = 0; k < run.count; k++) {
      if (k > 0) signal?.throwIfAborted();
      yield { scan: run.scans[k], raw: run.raw, base: run.starts[k], runEnd: k === run.count - 1 };
    }
  }
}

/**
 * The planes of one ion at the given scans (ascending), in order, run by run: consecutive
 * scans are read as runs where the stack can (`readPlanes`), else plane by plane (runs of one);
 * the signal is checked before every read. Runs share two buffers, read into by turns (see
 * RunOfPlanes for how long a run stays valid); once the pass is done they go back to a pool
 * for the next pass. A reduction that takes a run at a time makes one generator step a run,
 * not one a plane.
 */
export async function* ionPlaneRuns(
  stack: IonStack,
  ionIndex: number,
  scans: readonly number[],
  signal?: AbortSignal,
  /** Run buffers of the caller's (the SIMD kernel's memory); by default two from the pool. */
  buffers?: [Scratch, Scratch],
): AsyncGenerator<RunOfPlanes> {
  const perRun = planesPerRun(stack);
  if (buffers) {
    yield* planeRuns(stack, ionIndex, scans, perRun, buffers, signal);
    return;
  }
  // Two buffers, sized by the reader: one run is used while the next is read into the other.
  // Both are handed on to the next pass: a reduction over every ion is a pass per ion, and the
  // workbench opens a stack afresh for each task; a fresh multi-MB buffer each time cost as
  // much as the reads (page faults on new memory: ~10 ms for the runs of a 64 MB stack, read
  // in ~15 ms).
  const scratches: [Scratch, Scratch] = [takeScratch(), takeScratch()];
  try {
    yield* planeRuns(stack, ionIndex, scans, perRun, scratches, signal);
  } finally {
    for (const s of scratches) giveBackScratch(s);
  }
}

/** Planes per read of a pass: RUN_BYTES at 4 bytes a sample. */
function planesPerRun(stack: IonStack): number {
  return Math.max(1, Math.floor(RUN_BYTES / (4 * stack.width * stack.height)));
}

export type Scratch = { bytes?: Uint8Array };
/**
 * Idle run buffers for the next pass of any stack (in this thread); passes running at once each
 * take their own. At most one pass's two are kept, each only up to KEEP_SCRATCH_BYTES (a run is
 * RUN_BYTES plus the gaps between planes), so what stays idle is bounded.
 */
const idleScratch: Scratch[] = [];
const MAX_IDLE_SCRATCH = 2;
const KEEP_SCRATCH_BYTES = 2 * RUN_BYTES;

function takeScratch(): Scratch {
  return idleScratch.pop() ?? {};
}

function giveBackScratch(scratch: Scratch): void {
  if (!scratch.bytes || scratch.bytes.byteLength > KEEP_SCRATCH_BYTES) return;
  if (idleScratch.length < MAX_IDLE_SCRATCH) idleScratch.push(scratch);
}

async function* planeRuns(
  stack: IonStack,
  ionIndex: number,
  scans: readonly number[],
  perRun: number,
  scratches: [Scratch, Scratch],
  signal: AbortSignal | undefined,
): AsyncGenerator<RunOfPlanes> {
  const { width, height } = stack;
  if (!hasPlaneRuns(stack)) {
    for (const scan of scans) {
      signal?.throwIfAborted();
      yield { scans: [scan], raw: contiguousPlane(await stack.readPlane(ionIndex, scan), width, height), starts: [0], count: 1 };
    }
    return;
  }
  const reader = stack;
  /** Starts reading the run from scans[i]: consecutive scans, at most perRun. */
  const startRun = (i: number, scratch: Scratch): { i: number; j: number; run: Promise<PlaneRun> } => {
    let j = i + 1;
    while (j < scans.length && j - i < perRun && scans[j] === scans[j - 1] + 1) j++;
    const run = reader.readPlanes(ionIndex, scans[i], j - i, scratch);
    // Awaited below; a failure while the previous run is in use must not go unhandled meanwhile.
    run.catch(() => undefined);
    return { i, j, run };
  };
  signal?.throwIfAborted();
  let slot = 0;
  let next = scans.length > 0 ? startRun(0, scratches[slot]) : null;
  try {
    while (next) {
      const { i, j } = next;
      const run = await next.run;
      next = null;
      signal?.throwIfAborted();
      slot ^= 1;
      next = j < scans.length ? startRun(j, scratches[slot]) : null;
      yield { scans: scans.slice(i, j), raw: run.data, starts: run.starts, count: j - i };
    }
  } finally {
    // A pass left early (break, cancel, error) still has a read writing into a buffer: it must
    // land before the buffer goes back to the pool for another pass.
    if (next) await next.run.catch(() => undefined);
  }
}

/** The plane's values in row-major order (readers return contiguous planes: then no copy). */
function contiguousPlane(plane: IonPlane, width: number, height: number): Float32Array {
  const [sy, sx] = plane.stride;
  if (plane.offset === 0 && sx === 1 && sy === width && plane.data.length === width * height) return plane.data;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = plane.data[plane.offset + y * sy + x * sx];
  return out;
}

/** The corrected value −N ln(1 − i/N) and its variance i / (1 − i/N)² for each integer count i below N. */
export interface CorrectionTable {
  value: Float64Array;
  variance: Float64Array;
}

/**
 * The dead-time correction of every possible integer count (a file's 8/16-bit samples), made
 * once per reduction when N is not absurd: the logarithm and the division were most of a
 * corrected reduction's time. Entries are computed with the very expressions of the per-pixel
 * paths, so a looked-up value is bit for bit the computed one.
 */
export function correctionTable(shots: number | undefined): CorrectionTable | null {
  if (shots === undefined || !(shots > 0) || shots > 1 << 20) return null;
  const size = Math.ceil(shots);
  const value = new Float64Array(size);
  const variance = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const frac = i / shots;
    value[i] = -shots * Math.log1p(-frac);
    variance[i] = i / ((1 - frac) * (1 - frac));
  }
  return { value, variance };
}

/** Whether the samples are integers the table covers (Float32 planes may hold fractions). */
function usesTable(table: CorrectionTable | null, samples: Samples): table is CorrectionTable {
  return table !== null && !(samples instanceof Float32Array);
}

/**
 * Raw counts of a plane added to a map. Interior scans of a window (w = 1) go to `unit`, the
 * scans it cuts to `fractional` (w·i) and `varianceExtra` ((w² − w)·i): at the end the map is
 * unit + fractional and its Poisson variance Σ w²·i is that plus `varianceExtra`. So the common
 * scan touches one array per pixel instead of two (most of the pass's memory traffic), and the
 * integer unit sums are exact whichever way they are made (here or in the SIMD kernel).
 * `mask` null: every pixel (no ROI), no mask load.
 */
function accumulateRaw(
  raw: Samples,
  base: number,
  n: number,
  mask: Uint8Array | null,
  w: number,
  unit: Float64Array,
  fractional: () => Float64Array,
  varianceExtra: Float64Array,
): void {
  // The plane as its own view, indexed from 0: `raw[base + k]` with a non-Smi base made every
  // load take V8's slow path (3× the time of the whole loop).
  const plane = raw.subarray(base, base + n);
  if (w === 1) {
    if (mask === null && plane instanceof Uint16Array) {
      // The usual case (16-bit counts, no ROI) on its own loop: one type, no clamp.
      for (let k = 0; k < n; k++) unit[k] += plane[k];
    } else if (mask === null) {
      for (let k = 0; k < n; k++) {
        const r = plane[k];
        unit[k] += r > 0 ? r : 0;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const r = plane[k];
        if (mask[k] && r > 0) unit[k] += r;
      }
    }
    return;
  }
  const part = fractional();
  const extra = w * w - w;
  for (let k = 0; k < n; k++) {
    const r = plane[k];
    if ((mask === null || mask[k]) && r > 0) {
      part[k] += w * r;
      varianceExtra[k] += extra * r;
    }
  }
}

/**
 * Adds w × the dead-time corrected ROI pixels of a plane to a map, and w² × their variance
 * (w·X has variance w²σ²), marking saturated pixels in `saturatedOut`. Fused into one loop with
 * no intermediate arrays: this is the inner loop of every per-layer map over a whole stack.
 * `mask` null: every pixel. Returns the number of saturated pixels.
 */
function accumulateCorrected(
  raw: Samples,
  base: number,
  n: number,
  mask: Uint8Array | null,
  shots: number,
  w: number,
  values: Float64Array,
  variance: Float64Array,
  saturatedOut: Uint8Array,
  table: CorrectionTable | null,
): number {
  const w2 = w * w;
  const plane = raw.subarray(base, base + n);
  saturatedOut.fill(0);
  const satValue = saturatedValue(shots);
  let saturated = 0;
  if (usesTable(table, plane) && mask === null && plane instanceof Uint16Array) {
    // The usual case (16-bit counts, no ROI) on its own loop, as in accumulateRaw.
    const { value: tv, variance: tvar } = table;
    // Integer counts below ceil(N) are exactly those below N: the table's size is the test.
    const size = tv.length;
    for (let k = 0; k < n; k++) {
      const i = plane[k];
      if (i < size) {
        values[k] += w * tv[i];
        variance[k] += w2 * tvar[i];
      } else {
        values[k] += w * satValue;
        variance[k] += w2 * satValue * satValue;
        saturatedOut[k] = 1;
        saturated++;
      }
    }
    return saturated;
  }
  // Integer sample types always use the table; Float32 planes where the value is a whole count
  // (the same numbers, see correctionTable).
  const integers = usesTable(table, plane);
  for (let k = 0; k < n; k++) {
    if (mask !== null && !mask[k]) continue;
    const r = plane[k];
    const i = r > 0 ? r : 0;
    if (i >= shots) {
      values[k] += w * satValue;
      variance[k] += w2 * satValue * satValue;
      saturatedOut[k] = 1;
      saturated++;
    } else if (table !== null && (integers || Number.isInteger(i))) {
      values[k] += w * table.value[i];
      variance[k] += w2 * table.variance[i];
    } else {
      // Same formulas as correctCount (deadTime.ts): I_true = −N ln(1 − I/N), σ = √I / (1 − I/N).
      const frac = i / shots;
      values[k] += w * (-shots * Math.log1p(-frac));
      variance[k] += w2 * (i / ((1 - frac) * (1 - frac)));
    }
  }
  return saturated;
}

/**
 * Replaces the lower bound of the plane's saturated pixels (`pixels.at`) by the minor isotope's
 * estimate in its sums: each pixel's change (the estimate, at least the lower bound, less the
 * bound; its variance less the bound's square) added in pixel order after the plane's sum, on
 * every path alike. Returns the pixels and the minor's counts there (buffers for the next plane).
 */
function substituteSaturated(
  pixels: SaturatedPixels,
  minorPlane: PlaneSamples,
  shots: number,
  factor: number,
  table: CorrectionTable | null,
  sums: PlaneSum,
): SaturatedPixels {
  const { minor } = minorAt(pixels, minorPlane, shots, table);
  const satValue = saturatedValue(shots);
  const satVariance = satValue * satValue;
  for (let j = 0; j < pixels.count; j++) {
    // A saturated minor isotope as well leaves the lower bound in place.
    if (minor.saturated[j]) continue;
    sums.counts += Math.max(satValue, minor.value[j] * factor) - satValue;
    sums.variance += minor.variance[j] * factor * factor - satVariance;
  }
  return pixels;
}

/**
 * A plane's corrected sum is made in four lanes: pixel k added into lane k mod 4, in pixel
 * order, and the total is (lane 0 + lane 1) + (lane 2 + lane 3). With one running sum each add
 * waited for the one before; four let them overlap (the kernel, sumCorrectedU16, takes half the
 * time). Every path sums a plane this way, so all give the very same numbers.
 */
function laneTotal(lanes: Float64Array): number {
  return lanes[0] + lanes[1] + (lanes[2] + lanes[3]);
}

interface PlaneSum {
  counts: number;
  variance: number;
  saturated: number;
}

/**
 * A plane's corrected sum, variance and saturated pixels in one loop, for 16-bit counts over
 * the whole image: the same terms added in the same lanes (laneTotal) as correctPlaneInto then
 * the sum, so the same numbers, without writing three per-pixel arrays (most of a profile's
 * time). False when the plane is not of this kind (then the caller takes the full path).
 */
function sumPlaneFast(
  raw: Samples,
  base: number,
  n: number,
  wholeMask: boolean,
  shots: number | undefined,
  table: CorrectionTable | null,
  out: PlaneSum,
  kernel: CorrectedPlaneSums | null,
): boolean {
  const plane = raw.subarray(base, base + n);
  if (!wholeMask || !(plane instanceof Uint16Array)) return false;
  if (kernel && shots !== undefined) {
    // The same loop in WebAssembly (the same numbers: see sumCorrectedU16).
    kernel.sum(plane, out);
    return true;
  }
  let c = 0;
  let v = 0;
  let saturated = 0;
  if (shots === undefined) {
    for (let k = 0; k < n; k++) c += plane[k];
    v = c;
  } else {
    if (table === null) return false;
    const { value: tv, variance: tvar } = table;
    const size = tv.length;
    const satValue = saturatedValue(shots);
    const satVariance = satValue * satValue;
    const cl = new Float64Array(4);
    const vl = new Float64Array(4);
    for (let k = 0; k < n; k++) {
      const i = plane[k];
      const lane = k & 3;
      if (i < size) {
        cl[lane] += tv[i];
        vl[lane] += tvar[i];
      } else {
        cl[lane] += satValue;
        vl[lane] += satVariance;
        saturated++;
      }
    }
    c = laneTotal(cl);
    v = laneTotal(vl);
  }
  out.counts = c;
  out.variance = v;
  out.saturated = saturated;
  return true;
}

/** Depth profile of the chosen ions over an ROI, dead-time corrected per pixel. */
export async function profileFromStack(stack: IonStack, options: StackProfileOptions = {}): Promise<StackProfile> {
  const ionIdx = options.ions ?? stack.ions.map((_, i) => i);
  const shots = options.deadTime === false ? undefined : (options.shotsPerPixel ?? stack.shotsPerPixel);
  const mask = roiMask(options.roi, stack.width, stack.height);
  const counts = ionIdx.map(() => new Float64Array(stack.scans));
  const variance = ionIdx.map(() => new Float64Array(stack.scans));
  const saturatedPixels = ionIdx.map(() => new Int32Array(stack.scans));
  let saturatedTotal = 0;
  const n = stack.width * stack.height;
  const buffers = planeBuffers(n);
  // The lanes of a plane's sums on the full path (see laneTotal).
  const countLanes = new Float64Array(4);
  const varianceLanes = new Float64Array(4);
  // The saturated pixels of the last plane that had some, and buffers for the next.
  let saturatedAt: SaturatedPixels | null = null;
  const table = correctionTable(shots);
  const pixelCount = roiPixelCount(options.roi, mask);
  const wholeMask = pixelCount === n;
  const planeSum: PlaneSum = { counts: 0, variance: 0, saturated: 0 };
  // Corrected sums of whole 16-bit planes in the kernel, whose memory holds the run buffers.
  const kernel =
    shots !== undefined && table !== null && wholeMask && options.simd !== false
      ? correctedPlaneSums(n, runBufferBytes(stack), table, saturatedValue(shots))
      : null;
  const allScans = Array.from({ length: stack.scans }, (_, s) => s);
  const minorPlane = options.substitute ? planeByScan(stack, options.substitute.ionIndex) : null;
  // Ion by ion, each through all its scans: a channel's planes are neighbours in the file, so
  // they come in long runs. Every (ion, scan) sum is computed exactly as before.
  let planesDone = 0;
  const planesTotal = ionIdx.length * stack.scans;
  try {
    for (let j = 0; j < ionIdx.length; j++) {
      for await (const { scans: runScans, raw, starts, count } of ionPlaneRuns(stack, ionIdx[j], allScans, options.signal, kernel?.scratches)) {
        for (let p = 0; p < count; p++) {
          if (p > 0) options.signal?.throwIfAborted();
          const s = runScans[p];
          const base = starts[p];
          if (options.onPlane && planesDone > 0) await options.onPlane(planesDone, planesTotal);
          planesDone++;
          // The common planes summed in one loop with no per-pixel arrays (16-bit counts over the
          // whole image); other planes take the full path: corrected into arrays, then summed.
          let sat: number;
          const fast = sumPlaneFast(raw, base, n, wholeMask, shots, table, planeSum, kernel);
          if (fast) {
            sat = planeSum.saturated;
          } else {
            sat = correctPlaneInto(raw, base, mask, n, shots, buffers, table);
            countLanes.fill(0);
            varianceLanes.fill(0);
            for (let k = 0; k < n; k++) {
              countLanes[k & 3] += buffers.value[k];
              varianceLanes[k & 3] += buffers.variance[k];
            }
            planeSum.counts = laneTotal(countLanes);
            planeSum.variance = laneTotal(varianceLanes);
          }
          if (sat > 0 && minorPlane && options.substitute && shots !== undefined) {
            // The saturated pixels: on the fast path by the same test as its sum's (a count at or
            // above the table's size), else as the full path flagged them.
            const pixels = saturatedBuffers(sat, saturatedAt);
            if (fast) atOrAbove(pixels, raw, base, n, table!.value.length);
            else atFlagged(pixels, buffers.saturated, n);
            saturatedAt = substituteSaturated(pixels, await minorPlane(s), shots, options.substitute.factor, table, planeSum);
          }
          counts[j][s] = planeSum.counts;
          variance[j][s] = planeSum.variance;
          saturatedPixels[j][s] = sat;
          saturatedTotal += sat;
        }
      }
    }
  } finally {
    kernel?.release();
  }
  await options.onPlane?.(planesDone, planesTotal);
  return {
    timeS: Float64Array.from(options.timeS ?? stack.timeS),
    ions: ionIdx.map((i) => stack.ions[i]),
    counts,
    sigma: variance.map((v) => v.map(Math.sqrt)),
    saturatedPixels,
    saturatedTotal,
    pixelCount,
    deadTimeCorrected: shots !== undefined,
    shotsPerPixel: shots,
  };
}

/**
 * Completes a window map in one pass: for raw counts the unit sums (JavaScript's, then the
 * kernel's: exact integers either way), then the cut scans' parts, then the variance as those
 * parts' extra term plus the values (see accumulateRaw); and the ROI totals. The kernel's and
 * JavaScript's terms meet in the same order, so either way gives the same numbers.
 */
function finishMap(
  m: WindowMap,
  mask: Uint8Array,
  raw: { fractional: Float64Array | null; simd: { unit: Float64Array; part: Float64Array; extra: Float64Array } | null } | null,
): void {
  const { values, variance } = m;
  const n = values.length;
  let t = 0;
  let v = 0;
  if (raw) {
    // Arrays in locals, one loop per case: property loads in the loop made it the slowest
    // part of a SIMD reduction.
    const part = raw.fractional;
    if (raw.simd) {
      const { unit, part: simdPart, extra: simdExtra } = raw.simd;
      for (let k = 0; k < n; k++) {
        let value = values[k] + unit[k] + simdPart[k];
        if (part) value += part[k];
        values[k] = value;
        variance[k] = variance[k] + simdExtra[k] + value;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const value = part ? values[k] + part[k] : values[k];
        values[k] = value;
        variance[k] += value;
      }
    }
  }
  for (let k = 0; k < n; k++) {
    if (mask[k]) {
      t += values[k];
      v += variance[k];
    }
  }
  m.total = t;
  m.totalSigma = Math.sqrt(v);
}

/** Bytes a run of planes of the stack takes as read (16-bit samples, a few KiB of IFD between planes, OME-XML before the first). */
/** Bytes of a pass's run buffer (planes per run, the gaps between them, slack): the kernels' memory holds two. */
export function runBufferBytes(stack: IonStack): number {
  return planesPerRun(stack) * (2 * stack.width * stack.height + 4096) + (1 << 20);
}

export interface TimeWindow {
  startS: number;
  endS: number;
}

export interface WindowMap {
  /** y × x, row-major: the ion's counts summed over the window's scans (0 outside the ROI). */
  values: Float64Array;
  /** Poisson variance per pixel, same layout. */
  variance: Float64Array;
  /** Sum over the ROI and its σ. */
  total: number;
  totalSigma: number;
  saturatedPixels: number;
}

export interface WindowMapsResult {
  width: number;
  height: number;
  mask: Uint8Array;
  maps: WindowMap[];
  deadTimeCorrected: boolean;
}

/**
 * 2-D maps of one ion, one per time window (a layer's time range), summed over the scans in
 * it (boundary scans by their fractional weight, see windows.ts). One pass over the ion's
 * planes; planes that no window touches are not read.
 */
export async function windowMapsFromStack(
  stack: IonStack,
  ionIndex: number,
  windows: TimeWindow[],
  options: Omit<StackProfileOptions, 'ions'> & {
    /** Per-scan factor applied to every pixel (normalisation, e.g. mean TIC / TIC of the scan). */
    scanScale?: ArrayLike<number>;
  } = {},
): Promise<WindowMapsResult> {
  const shots = options.deadTime === false ? undefined : (options.shotsPerPixel ?? stack.shotsPerPixel);
  const { width, height } = stack;
  const mask = roiMask(options.roi, width, height);
  const weights = windows.map((w) => scanWeights(options.timeS ?? stack.timeS, w.startS, w.endS));
  const maps: WindowMap[] = windows.map(() => ({
    values: new Float64Array(width * height),
    variance: new Float64Array(width * height),
    total: 0,
    totalSigma: 0,
    saturatedPixels: 0,
  }));
  const saturatedHere = new Uint8Array(width * height);
  // The saturated pixels of the last plane that had some (buffers for the next), and the
  // minor isotope's counts there.
  let saturatedAt: SaturatedPixels | null = null;
  const satValue = shots === undefined ? 0 : saturatedValue(shots);
  const n = width * height;
  const table = correctionTable(shots);
  // No ROI: the loops skip the mask.
  const loopMask = roiPixelCount(options.roi, mask) === n ? null : mask;
  // Raw counts: sums of 16-bit planes in the SIMD kernel where there is one, its memory also
  // holding the pass's run buffers (no copy); the parts of cut scans summed in JavaScript in
  // per-window arrays made when first needed (see accumulateRaw).
  const simd = shots === undefined && loopMask === null && options.simd !== false ? u16Sums(maps.length, n, runBufferBytes(stack)) : null;
  // Dead-time corrected: the same per-pixel loop in the kernel, the maps in its memory meanwhile.
  const corrected =
    shots !== undefined && table !== null && loopMask === null && options.simd !== false
      ? correctedMapSums(maps.length, n, runBufferBytes(stack), table, satValue)
      : null;
  const fractional: (Float64Array | null)[] = maps.map(() => null);
  /** Windows with planes summed in JavaScript (not 16-bit), and with planes corrected in the kernel. */
  const summedInJs = maps.map(() => false);
  const correctedInKernel = maps.map(() => false);
  const fractionalOf = (i: number) => (): Float64Array => (fractional[i] ??= new Float64Array(n));
  // The windows each scan counts in, listed once (a plane's own work is a few microseconds).
  const activeAt: number[][] = Array.from({ length: stack.scans }, () => []);
  weights.forEach((w, i) => {
    for (let s = 0; s < stack.scans; s++) if (w[s] > 0) activeAt[s].push(i);
  });
  const minorPlane = options.substitute ? planeByScan(stack, options.substitute.ionIndex) : null;
  // Planes that no window touches are not read.
  const needed = Array.from({ length: stack.scans }, (_, s) => s).filter((s) => activeAt[s].length > 0);
  let planesDone = 0;
  for await (const { scans: runScans, raw, starts, count } of ionPlaneRuns(stack, ionIndex, needed, options.signal, simd?.scratches ?? corrected?.scratches)) {
    for (let p = 0; p < count; p++) {
      if (p > 0) options.signal?.throwIfAborted();
      const s = runScans[p];
      const base = starts[p];
      const active = activeAt[s];
      const scale = options.scanScale ? options.scanScale[s] : 1;
      /** This scan's saturated pixels (the same plane, so the same pixels, in every window). */
      let pixels: SaturatedPixels | null = null;
      for (const i of active) {
        const w = weights[i][s] * scale;
        const map = maps[i];
        if (shots === undefined) {
          // Raw counts: variance is values + the extra term kept in `variance` (added below).
          if (simd && raw instanceof Uint16Array) simd.add(i, raw.subarray(base, base + n), w);
          else {
            accumulateRaw(raw, base, n, loopMask, w, map.values, fractionalOf(i), map.variance);
            summedInJs[i] = true;
          }
          continue;
        }
        const inKernel = corrected !== null && raw instanceof Uint16Array;
        const values = inKernel ? corrected.values(i) : map.values;
        const variance = inKernel ? corrected.variance(i) : map.variance;
        const saturatedFlags = inKernel ? corrected.saturated : saturatedHere;
        const saturated = inKernel
          ? corrected.add(i, raw.subarray(base, base + n), w)
          : accumulateCorrected(raw, base, n, loopMask, shots, w, values, variance, saturatedHere, table);
        if (inKernel) correctedInKernel[i] = true;
        else summedInJs[i] = true;
        map.saturatedPixels += saturated;
        if (saturated > 0 && options.substitute) {
          // Replace the lower bound of saturated pixels by the minor isotope's estimate.
          if (pixels === null) {
            const flagged = atFlagged(saturatedBuffers(saturated, saturatedAt), saturatedFlags, n);
            pixels = saturatedAt = minorAt(flagged, await minorPlane!(s), shots, table);
          }
          const { at, minor } = pixels;
          const f = options.substitute.factor;
          for (let j = 0; j < pixels.count; j++) {
            // A saturated minor isotope as well leaves the lower bound in place.
            if (minor.saturated[j]) continue;
            const k = at[j];
            const replaced = Math.max(satValue, minor.value[j] * f);
            values[k] += w * (replaced - satValue);
            variance[k] += w * w * (minor.variance[j] * f * f - satValue * satValue);
          }
        }
      }
      planesDone++;
      // Awaited only when there is a callback: an await per plane is a microtask turn per plane.
      if (options.onPlane) await options.onPlane(planesDone, needed.length);
    }
    // The kernel's batched planes are summed before their run buffer is read into again.
    simd?.flush();
  }
  maps.forEach((m, i) => {
    if (corrected && correctedInKernel[i]) {
      if (summedInJs[i]) {
        // Not met with real stacks (one sample type throughout), but summed correctly if it were.
        const kv = corrected.values(i);
        const kvar = corrected.variance(i);
        for (let k = 0; k < n; k++) {
          m.values[k] += kv[k];
          m.variance[k] += kvar[k];
        }
      } else {
        m.values.set(corrected.values(i));
        m.variance.set(corrected.variance(i));
      }
      finishMap(m, mask, null);
    } else if (simd && !summedInJs[i]) {
      // Every plane went through the kernel (no ROI, so every pixel counts in the totals).
      const { total, varianceTotal } = simd.finishInto(i, m.values, m.variance);
      m.total = total;
      m.totalSigma = Math.sqrt(varianceTotal);
    } else finishMap(m, mask, shots === undefined ? { fractional: fractional[i], simd: simd ? { unit: simd.unit(i), part: simd.part(i), extra: simd.extra(i) } : null } : null);
  });
  simd?.release();
  corrected?.release();
  return { width, height, mask, maps, deadTimeCorrected: shots !== undefined };
}
