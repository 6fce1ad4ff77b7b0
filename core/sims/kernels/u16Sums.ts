import { AddU16WasmBase64 } from './addU16.wasm.js';

/**
 * The reductions of 16-bit stacks run in WebAssembly (addU16.wat), each doing the scalar
 * JavaScript loop's very operations in its order, so either way gives the same numbers (the
 * tests compare them bit for bit):
 * - `u16Sums`: raw-count window maps, with 128-bit SIMD. For each window: `unit` (planes of
 *   weight 1, exact integer sums), and for the scans the window cuts, `part` (w·i) and `extra`
 *   ((w² − w)·i) (see core/sims/windowMaps.ts accumulateRaw). Whole-weight planes in the run buffers
 *   are batched per window and summed together into 32-bit integer sums (moved into `unit`'s
 *   float64 sums only before 32 bits could overflow, after 65 537 planes): a window's sums are
 *   read and written once per batch, at half the bytes of float64, so they stay in cache. The
 *   caller calls `flush` before a run buffer is read into again. Raw maps of the 512 MB bench
 *   stack: ~3 ms of kernel time, against ~6 ms with batches of 64 planes into float64 sums.
 * - `correctedMapSums`: dead-time corrected window maps (a table lookup per pixel: not SIMD,
 *   but without JavaScript's bounds checks, about four times its speed).
 * - `correctedPlaneSums`: a depth profile's corrected plane sums (in four lanes: stackProfile.ts laneTotal),
 *   over the whole plane or over an ROI's runs of pixels only (the same numbers as the whole plane
 *   with 0 outside: each pixel still goes into the lane of its index in the plane).
 * - `slabBins`: the 3-D view's binned volume, a z slab's bins (raw or corrected counts).
 *
 * Each instance's memory also holds two run buffers (`scratches`): a reader that reads into them
 * (file sources do) puts the planes where the kernel works on them, with no copy. Planes from
 * anywhere else are copied in first. Each reduction has its own instance; an idle one is kept
 * for the next (making one and growing its memory is not free).
 */
/** A pass's two run buffers (planeRuns.ts `Scratch`), here views of the kernel's memory. */
export type RunBuffers = [{ bytes?: Uint8Array }, { bytes?: Uint8Array }];

export interface U16Sums {
  /** Buffers for a pass's runs of planes (see planeRuns.ts ionPlaneRuns), inside the kernel's memory. */
  scratches: RunBuffers;
  /**
   * Adds a plane of n samples to window `index`, with weight w (1: an interior scan). A plane
   * in a run buffer may only be read when `flush` is called: keep it until then.
   */
  add(index: number, plane: Uint16Array, w: number): void;
  /** Sums the planes batched so far (before their run buffer is reused). */
  flush(): void;
  /**
   * The window's map made from its sums alone (no other part added in JavaScript): values
   * unit + part and variances extra + values, written into the two arrays, and their totals.
   * Run in the kernel because a JavaScript loop over a few maps of a megapixel is not yet
   * optimised by V8 in a process's first reductions, and was then the slowest step.
   */
  finishInto(index: number, values: Float64Array, variance: Float64Array): { total: number; varianceTotal: number };
  unit(index: number): Float64Array;
  part(index: number): Float64Array;
  extra(index: number): Float64Array;
  /** Hands the instance back: the views above are not to be used after. */
  release(): void;
}

type KernelExports = {
  memory: WebAssembly.Memory;
  addScaledU16ToF64: (src: number, dst: number, dst2: number, n: number, w: number, e: number) => void;
  addU16PlanesToU32: (list: number, count: number, dst: number, n: number) => void;
  drainU32ToF64: (src: number, dst: number, n: number) => void;
  finishSums: (int: number, unit: number, part: number, extra: number, n: number, has: number) => [number, number];
  sumCorrectedU16: (plane: number, n: number, table: number, size: number, satValue: number, satVariance: number) => [number, number, number];
  sumCorrectedU16Runs: (plane: number, runs: number, runCount: number, table: number, size: number, satValue: number, satVariance: number) => [number, number, number];
  sumMinorU16Runs: (major: number, minor: number, runs: number, runCount: number, table: number, size: number, factor: number, f2: number, satValue: number, satVariance: number) => [number, number, number];
  addMinorU16Runs: (
    major: number,
    minor: number,
    runs: number,
    runCount: number,
    table: number,
    size: number,
    factor: number,
    f2: number,
    satValue: number,
    satVariance: number,
    values: number,
    variance: number,
    w: number,
    w2: number,
  ) => number;
  addCorrectedU16: (
    plane: number,
    n: number,
    values: number,
    variance: number,
    saturated: number,
    tv: number,
    tvar: number,
    size: number,
    w: number,
    w2: number,
    satW: number,
    satW2: number,
  ) => number;
  binU16: (plane: number, width: number, height: number, by: number, cols: number, slab: number, rowBytes: number, tv: number, size: number, satValue: number) => number;
};

let compiled: WebAssembly.Module | null | undefined;
/** An instance no reduction is using. */
let idle: KernelExports | null = null;

/** The compiled kernel, or null where WebAssembly SIMD is not available. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(AddU16WasmBase64), (c) => c.charCodeAt(0));
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE_BYTES = 65536;
/** Most memory one reduction may take (32-bit addresses; far above a 512² stack's needs). */
const MAX_BYTES = 1 << 30;
/** Largest idle instance memory kept between reductions. */
const KEEP_BYTES = 128 << 20;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;
/**
 * Most planes summed in one batch: the batch's planes are read side by side, and more than
 * 16 streams at once made the kernel 2× slower (the hardware prefetches only so many).
 */
const MAX_BATCH = 16;
/** Most 16-bit planes a 32-bit sum holds exactly: 65 537 · 65 535 < 2^32. */
const MAX_U32_PLANES = 65537;

/** An instance with at least `need` bytes of memory (the idle one when there is one), or null. */
function acquire(need: number): KernelExports | null {
  const mod = kernelModule();
  if (!mod || need > MAX_BYTES) return null;
  try {
    const exports = idle ?? (new WebAssembly.Instance(mod).exports as KernelExports);
    idle = null;
    const pages = Math.ceil(need / PAGE_BYTES) - exports.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) exports.memory.grow(pages);
    return exports;
  } catch {
    return null;
  }
}

/** Hands an instance back. A big memory is not kept (it would stay as large as the largest reduction). */
function giveBack(exports: KernelExports): void {
  if (exports.memory.buffer.byteLength <= KEEP_BYTES) idle = exports;
}

/** The two run buffers at the start of an instance's memory. */
function runBuffers(buffer: ArrayBuffer, scratch: number): RunBuffers {
  return [{ bytes: new Uint8Array(buffer, 0, scratch) }, { bytes: new Uint8Array(buffer, scratch, scratch) }];
}

/**
 * Sums for `count` windows of `n` pixels, with run buffers of `scratchBytes` each; null where
 * there is no SIMD, or it would be too large: then sum in JavaScript.
 */
export function u16Sums(count: number, n: number, scratchBytes = 0): U16Sums | null {
  if (!(count >= 1) || !(n >= 1)) return null;
  const scratch = align16(Math.max(0, scratchBytes));
  const staging = align16(2 * n);
  const sumBytes = align16(8 * n);
  const intSumBytes = align16(4 * n);
  const listBytes = align16(4 * MAX_BATCH);
  const exports = acquire(2 * scratch + staging + listBytes + 3 * count * sumBytes + count * intSumBytes);
  if (!exports) return null;
  // Views made after the growth: they stay valid for the reduction.
  const { memory, addScaledU16ToF64, addU16PlanesToU32, drainU32ToF64, finishSums } = exports;
  const buffer = memory.buffer;
  const stagingAt = 2 * scratch;
  const listAt = stagingAt + staging;
  const listView = new Uint32Array(buffer, listAt, MAX_BATCH);
  const sumsAt = listAt + listBytes;
  const at = (kind: number, index: number): number => sumsAt + (kind * count + index) * sumBytes;
  const view = (kind: number, index: number): Float64Array => new Float64Array(buffer, at(kind, index), n);
  const intSumsAt = sumsAt + 3 * count * sumBytes;
  const intAt = (index: number): number => intSumsAt + index * intSumBytes;
  // Only the 32-bit sums are zeroed now (a reused instance holds the last reduction's numbers):
  // the float64 sums of most windows are never added to (no cut scans, fewer than 65 537 planes),
  // so each is zeroed when first used, and the finish reads only those that were.
  new Uint32Array(buffer, intSumsAt, (count * intSumBytes) / 4).fill(0);
  const hasUnit = new Array<boolean>(count).fill(false);
  const hasPart = new Array<boolean>(count).fill(false);
  const useUnit = (index: number): void => {
    if (!hasUnit[index]) view(0, index).fill(0);
    hasUnit[index] = true;
  };
  const usePart = (index: number): void => {
    if (!hasPart[index]) {
      view(1, index).fill(0);
      view(2, index).fill(0);
    }
    hasPart[index] = true;
  };
  /** Planes in each window's 32-bit sums since they were last moved into `unit`. */
  const inIntSums = new Array<number>(count).fill(0);
  const drain = (index: number): void => {
    if (inIntSums[index] === 0) return;
    useUnit(index);
    drainU32ToF64(intAt(index), at(0, index), n);
    inIntSums[index] = 0;
  };
  /** Addresses of the whole-weight planes of each window not yet summed. */
  const pending: number[][] = Array.from({ length: count }, () => []);
  const sumPending = (index: number): void => {
    const planes = pending[index];
    if (planes.length === 0) return;
    if (inIntSums[index] + planes.length > MAX_U32_PLANES) drain(index);
    listView.set(planes);
    addU16PlanesToU32(listAt, planes.length, intAt(index), n);
    inIntSums[index] += planes.length;
    planes.length = 0;
  };
  const flush = (): void => {
    for (let i = 0; i < count; i++) sumPending(i);
  };
  return {
    scratches: runBuffers(buffer, scratch),
    add(index, plane, w) {
      if (w === 1 && plane.buffer === buffer) {
        pending[index].push(plane.byteOffset);
        if (pending[index].length === MAX_BATCH) sumPending(index);
      } else if (w === 1) {
        // From elsewhere: copied to the staging area, so summed now, as a batch of one.
        sumPending(index);
        pending[index].push(planeAddress(buffer, plane, n, stagingAt));
        sumPending(index);
      } else {
        usePart(index);
        addScaledU16ToF64(planeAddress(buffer, plane, n, stagingAt), at(1, index), at(2, index), n, w, w * w - w);
      }
    },
    flush,
    finishInto(index, values, variance) {
      sumPending(index);
      const has = (hasUnit[index] ? 1 : 0) | (hasPart[index] ? 2 : 0);
      // Written over part and extra (used or not): the values and variances.
      const [total, varianceTotal] = finishSums(intAt(index), at(0, index), at(1, index), at(2, index), n, has);
      values.set(view(1, index));
      variance.set(view(2, index));
      return { total, varianceTotal };
    },
    unit: (index) => (sumPending(index), useUnit(index), drain(index), view(0, index)),
    part: (index) => (usePart(index), view(1, index)),
    extra: (index) => (usePart(index), view(2, index)),
    release: () => giveBack(exports),
  };
}

type Table = { value: Float64Array; variance: Float64Array };

/** Copies the correction table to `at` in the instance's memory: where its values and variances lie. */
function placeTable(buffer: ArrayBuffer, at: number, table: Table): { valueAt: number; varianceAt: number; size: number } {
  const size = table.value.length;
  const varianceAt = at + align16(8 * size);
  new Float64Array(buffer, at, size).set(table.value);
  new Float64Array(buffer, varianceAt, size).set(table.variance);
  return { valueAt: at, varianceAt, size };
}

/** Copies the correction table to `at` as (value, variance) pairs, 16 bytes a count: a count's two numbers in one 128-bit load. */
function placePairs(buffer: ArrayBuffer, at: number, table: Table): void {
  const size = table.value.length;
  const pairs = new Float64Array(buffer, at, 2 * size);
  for (let c = 0; c < size; c++) {
    pairs[2 * c] = table.value[c];
    pairs[2 * c + 1] = table.variance[c];
  }
}

/** Where a plane's samples are in the kernel's memory: in place, or copied to the staging area. */
function planeAddress(buffer: ArrayBuffer, plane: Uint16Array, n: number, stagingAt: number): number {
  if (plane.buffer === buffer) return plane.byteOffset;
  new Uint16Array(buffer, stagingAt, n).set(plane.subarray(0, n));
  return stagingAt;
}

/** Dead-time corrected sums of whole 16-bit planes (a depth profile's), in the kernel. */
export interface CorrectedPlaneSums {
  /** Buffers for a pass's runs of planes, inside the kernel's memory (see U16Sums). */
  scratches: RunBuffers;
  /** The plane's corrected sum and variance over every pixel, and its saturated pixels. */
  sum(plane: Uint16Array, out: { counts: number; variance: number; saturated: number }): void;
  /** The same over the ROI's pixels only: the runs given when it was made (every pixel when none were). */
  sumRuns(plane: Uint16Array, out: { counts: number; variance: number; saturated: number }): void;
  /**
   * A scan that takes the minor isotope (× `factor`), summed over the runs as sumRuns sums: the
   * numbers of correctMinorOverRoi then sumValuesOverRuns (stackProfile.ts); `saturated`: the
   * runs' pixels where the major saturates.
   */
  sumMinorRuns(major: Uint16Array, minor: Uint16Array, factor: number, out: { counts: number; variance: number; saturated: number }): void;
  release(): void;
}

/**
 * Corrected plane sums of `n` pixels over `table` (values and variances of the counts below its
 * size; counts above: `satValue`, variance its square), with run buffers of `scratchBytes` each;
 * null where there is no kernel: then sum in JavaScript (the same numbers). `runs`: the ROI as
 * (first pixel, length) pairs in pixel order (roi.ts maskRuns), for `sumRuns`.
 */
export function correctedPlaneSums(
  n: number,
  scratchBytes: number,
  table: { value: Float64Array; variance: Float64Array },
  satValue: number,
  runs: Int32Array = Int32Array.of(0, n),
): CorrectedPlaneSums | null {
  if (!(n >= 1)) return null;
  const scratch = align16(Math.max(0, scratchBytes));
  const staging = align16(2 * n);
  const size = table.value.length;
  const runBytes = align16(4 * runs.length);
  // Two staging areas: a plane from elsewhere, or a minor-isotope scan's two planes.
  const exports = acquire(2 * scratch + 2 * staging + 16 * size + runBytes);
  if (!exports) return null;
  const { memory, sumCorrectedU16, sumCorrectedU16Runs, sumMinorU16Runs } = exports;
  const buffer = memory.buffer;
  const stagingAt = 2 * scratch;
  const minorStagingAt = stagingAt + staging;
  const tableAt = minorStagingAt + staging;
  placePairs(buffer, tableAt, table);
  const runsAt = tableAt + 16 * size;
  new Int32Array(buffer, runsAt, runs.length).set(runs);
  const runCount = runs.length >> 1;
  const satVariance = satValue * satValue;
  return {
    scratches: runBuffers(buffer, scratch),
    sum(plane, out) {
      const [counts, variance, saturated] = sumCorrectedU16(planeAddress(buffer, plane, n, stagingAt), n, tableAt, size, satValue, satVariance);
      out.counts = counts;
      out.variance = variance;
      out.saturated = saturated;
    },
    sumRuns(plane, out) {
      const [counts, variance, saturated] = sumCorrectedU16Runs(planeAddress(buffer, plane, n, stagingAt), runsAt, runCount, tableAt, size, satValue, satVariance);
      out.counts = counts;
      out.variance = variance;
      out.saturated = saturated;
    },
    sumMinorRuns(major, minor, factor, out) {
      const majorAt = planeAddress(buffer, major, n, stagingAt);
      const minorAt = planeAddress(buffer, minor, n, minorStagingAt);
      const [counts, variance, saturated] = sumMinorU16Runs(majorAt, minorAt, runsAt, runCount, tableAt, size, factor, factor * factor, satValue, satVariance);
      out.counts = counts;
      out.variance = variance;
      out.saturated = saturated;
    },
    release: () => giveBack(exports),
  };
}

/**
 * Dead-time corrected window maps of 16-bit planes, accumulated in the kernel: each window's
 * values and variances lie in its memory during the pass (with the run buffers, so no copy),
 * and the JavaScript around them (the scans a stand-in isotope takes) works on these
 * views. Null where there is no kernel: then the JavaScript loop (the same numbers).
 */
export interface CorrectedMapSums {
  scratches: RunBuffers;
  /**
   * Adds the plane's corrected counts to window `index` with weight w, over the runs given when
   * it was made (the others are left as they are: 0 for a map of an ROI); returns their
   * saturated pixels (flags in `saturated`).
   */
  add(index: number, plane: Uint16Array, w: number): number;
  /**
   * Adds a scan that takes the minor isotope (× `factor`) to window `index` with weight w, over
   * the runs given when it was made: the numbers of correctMinorOverRoi then addCorrectedPlane
   * (windowMaps.ts). Returns the runs' pixels where the major saturates.
   */
  addMinor(index: number, major: Uint16Array, minor: Uint16Array, factor: number, w: number): number;
  /** 1 where the plane last added was saturated. */
  saturated: Uint8Array;
  values(index: number): Float64Array;
  variance(index: number): Float64Array;
  release(): void;
}

export function correctedMapSums(count: number, n: number, scratchBytes: number, table: Table, satValue: number, runs: Int32Array = Int32Array.of(0, n)): CorrectedMapSums | null {
  if (!(count >= 1) || !(n >= 1)) return null;
  const scratch = align16(Math.max(0, scratchBytes));
  const staging = align16(2 * n);
  const flagBytes = align16(n);
  const tableBytes = 2 * align16(8 * table.value.length);
  const pairBytes = 16 * table.value.length;
  const runBytes = align16(4 * runs.length);
  const sumBytes = align16(8 * n);
  // Two staging areas (a plane from elsewhere; a minor-isotope scan's two planes), the table as
  // values and variances (addCorrectedU16) and as pairs (addMinorU16Runs), the runs, the sums.
  const exports = acquire(2 * scratch + 2 * staging + flagBytes + tableBytes + pairBytes + runBytes + 2 * count * sumBytes);
  if (!exports) return null;
  const { memory, addCorrectedU16, addMinorU16Runs } = exports;
  const buffer = memory.buffer;
  const stagingAt = 2 * scratch;
  const minorStagingAt = stagingAt + staging;
  const flagsAt = minorStagingAt + staging;
  const { valueAt, varianceAt, size } = placeTable(buffer, flagsAt + flagBytes, table);
  const pairsAt = flagsAt + flagBytes + tableBytes;
  placePairs(buffer, pairsAt, table);
  const runsAt = pairsAt + pairBytes;
  new Int32Array(buffer, runsAt, runs.length).set(runs);
  const runCount = runs.length >> 1;
  const sumsAt = runsAt + runBytes;
  const at = (kind: number, index: number): number => sumsAt + (kind * count + index) * sumBytes;
  new Float64Array(buffer, sumsAt, (2 * count * sumBytes) / 8).fill(0);
  return {
    scratches: runBuffers(buffer, scratch),
    add(index, plane, w) {
      // The JavaScript loop's very expressions for the weights and the saturated terms.
      const w2 = w * w;
      const satW = w * satValue;
      const satW2 = w2 * satValue * satValue;
      const planeAt = planeAddress(buffer, plane, n, stagingAt);
      // Run by run (the whole plane: one run): each pixel's terms are the same, wherever its run starts.
      let saturated = 0;
      for (let r = 0; r < runs.length; r += 2) {
        const start = runs[r];
        saturated += addCorrectedU16(planeAt + 2 * start, runs[r + 1], at(0, index) + 8 * start, at(1, index) + 8 * start, flagsAt + start, valueAt, varianceAt, size, w, w2, satW, satW2);
      }
      return saturated;
    },
    addMinor(index, major, minor, factor, w) {
      const majorAt = planeAddress(buffer, major, n, stagingAt);
      const minorAt = planeAddress(buffer, minor, n, minorStagingAt);
      return addMinorU16Runs(majorAt, minorAt, runsAt, runCount, pairsAt, size, factor, factor * factor, satValue, satValue * satValue, at(0, index), at(1, index), w, w * w);
    },
    saturated: new Uint8Array(buffer, flagsAt, n),
    values: (index) => new Float64Array(buffer, at(0, index), n),
    variance: (index) => new Float64Array(buffer, at(1, index), n),
    release: () => giveBack(exports),
  };
}

/**
 * The bins of one z slab of a binned volume (core/sims/volume.ts), summed in the kernel from
 * 16-bit planes: the slab lies in the kernel's memory, next to the run buffers; the caller reads
 * and zeroes it when the slab is complete, and adds other planes to the same array itself.
 */
export interface SlabBins {
  scratches: RunBuffers;
  /** nx × ny float64 bins (row-major), a view of the kernel's memory. */
  slab: Float64Array;
  /** Adds every pixel of the plane to its bin: its count, or corrected over the table; returns the saturated pixels. */
  add(plane: Uint16Array): number;
  release(): void;
}

/**
 * Bins of bx × by pixels over a width × height plane; `table` null: raw counts. Null where there
 * is no kernel: then the JavaScript loop (the same numbers).
 */
export function slabBins(geometry: { width: number; height: number; bx: number; by: number; nx: number; ny: number }, scratchBytes: number, table: Table | null, satValue: number): SlabBins | null {
  const { width, height, bx, by, nx, ny } = geometry;
  const n = width * height;
  if (!(n >= 1) || !(bx >= 1) || !(by >= 1)) return null;
  const scratch = align16(Math.max(0, scratchBytes));
  const staging = align16(2 * n);
  const colBytes = align16(4 * width);
  const tableBytes = table ? align16(8 * table.value.length) : 0;
  const exports = acquire(2 * scratch + staging + colBytes + tableBytes + align16(8 * nx * ny));
  if (!exports) return null;
  const { memory, binU16 } = exports;
  const buffer = memory.buffer;
  const stagingAt = 2 * scratch;
  const colsAt = stagingAt + staging;
  const cols = new Int32Array(buffer, colsAt, width);
  for (let x = 0; x < width; x++) cols[x] = 8 * Math.floor(x / bx);
  const tableAt = colsAt + colBytes;
  if (table) new Float64Array(buffer, tableAt, table.value.length).set(table.value);
  const size = table ? table.value.length : 0;
  const slabAt = tableAt + tableBytes;
  const slab = new Float64Array(buffer, slabAt, nx * ny);
  slab.fill(0);
  return {
    scratches: runBuffers(buffer, scratch),
    slab,
    add: (plane) => binU16(planeAddress(buffer, plane, n, stagingAt), width, height, by, colsAt, slabAt, 8 * nx, tableAt, size, satValue),
    release: () => giveBack(exports),
  };
}
