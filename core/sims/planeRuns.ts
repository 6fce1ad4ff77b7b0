/**
 * The planes of one ion of a 3-D stack, read a run of neighbouring planes at a time into two
 * buffers used by turns (one is read into while the other is in use): the streaming pass every
 * reduction of a stack (depth profiles, window maps, the 3-D volume) is built on. The whole
 * stack is never held.
 */
import type { IonPlane, IonStack, PlaneRun, PlaneRunReader } from '../model/ionStack.js';

export type { PlaneRun, PlaneRunReader } from '../model/ionStack.js';

export function hasPlaneRuns(stack: IonStack): stack is IonStack & PlaneRunReader {
  return typeof (stack as Partial<PlaneRunReader>).readPlanes === 'function';
}

/** Samples of planes: Float32 planes, or a run's samples in the file's type (same values). */
export type Samples = PlaneRun['data'];

/** One plane's samples: `samples[base …]`. */
export interface PlaneSamples {
  samples: Samples;
  base: number;
}

/**
 * The planes of one ion, read one at a time as a pass needs them (the minor isotope's, at the
 * scans with saturated pixels): into one buffer reused for every plane where the stack reads
 * runs, in the file's sample type (a fresh Float32 plane each, as readPlane gives, cost more
 * than the rest of the stand-in); else as readPlane gives them. A plane is valid until the next.
 */
export function planeByScan(stack: IonStack, ionIndex: number): (scan: number) => Promise<PlaneSamples> {
  const scratch: Scratch = {};
  return async (scan) => {
    if (!hasPlaneRuns(stack)) return { samples: contiguousPlane(await stack.readPlane(ionIndex, scan), stack.width, stack.height), base: 0 };
    const run = await stack.readPlanes(ionIndex, scan, 1, scratch);
    return { samples: run.data, base: run.starts[0] };
  };
}

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

/** Bytes of a pass's run buffer (planes per run, the gaps between them, slack): the kernels' memory holds two. */
export function runBufferBytes(stack: IonStack): number {
  return planesPerRun(stack) * (2 * stack.width * stack.height + 4096) + (1 << 20);
}
