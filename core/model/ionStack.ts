import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import type { IonChannel } from './ions.js';
import type { SourceInfo } from './provenance.js';

/** A y × x image of one ion in one scan, counts per pixel. */
export type IonPlane = NdArray<Float32Array>;

/**
 * A 3-D ToF-SIMS ion-image stack: for each ion, scans × y × x counts. Planes are read one at
 * a time (`readPlane`) so a stack backed by a large file is never held whole; an in-memory
 * stack (`ionStackFromArrays`) answers from ndarray views over its typed arrays.
 */
export interface IonStack {
  kind: 'ionStack';
  source: SourceInfo;
  ions: IonChannel[];
  scans: number;
  height: number;
  width: number;
  /** Lateral pixel size, nm; null when the file does not say. */
  pixelSizeNm: number | null;
  /** Sputter time at each scan, s. Falls back to the scan index when the file has no times. */
  timeS: Float64Array;
  /** Primary pulses per pixel per scan (dead-time N), when known. */
  shotsPerPixel?: number;
  metadata: Record<string, string>;
  /** Counts of one ion in one scan as a y × x view. The returned array is the caller's. */
  readPlane(ionIndex: number, scanIndex: number): Promise<IonPlane>;
}

/**
 * Consecutive planes of one ion read in one piece: plane k (scan `scanStart + k`) is
 * `data[starts[k] … starts[k] + width·height)`, row-major. The values are exactly those
 * `readPlane` would give (its Float32 values), possibly in the file's own integer type.
 */
export interface PlaneRun {
  data: Uint8Array | Int8Array | Uint16Array | Int16Array | Float32Array;
  starts: ArrayLike<number>;
}

/**
 * An optional capability of an IonStack (file-backed stacks have it): read `count` scans of
 * one ion at once. Reductions use it when present, as one read of a run of planes costs
 * about what one read of one plane does; they fall back to `readPlane` otherwise.
 */
export interface PlaneRunReader {
  /**
   * `scratch`, when given, is a buffer the reader may read into (and grow, keeping the grown
   * one in `scratch.bytes`), so the run is only valid until the caller passes the same
   * scratch again: streaming reductions pass one for every run.
   */
  readPlanes(ionIndex: number, scanStart: number, count: number, scratch?: { bytes?: Uint8Array }): Promise<PlaneRun>;
}

/** Checks plane indices; shared by every IonStack implementation. */
export function assertPlaneIndex(stack: Pick<IonStack, 'ions' | 'scans' | 'source'>, ionIndex: number, scanIndex: number): void {
  if (!Number.isInteger(ionIndex) || ionIndex < 0 || ionIndex >= stack.ions.length) {
    throw new RangeError(`${stack.source.fileName}: ion index ${ionIndex} outside 0..${stack.ions.length - 1}`);
  }
  if (!Number.isInteger(scanIndex) || scanIndex < 0 || scanIndex >= stack.scans) {
    throw new RangeError(`${stack.source.fileName}: scan index ${scanIndex} outside 0..${stack.scans - 1}`);
  }
}

/**
 * An in-memory stack. `volumes[i]` holds ion i as scans × height × width, row-major (x fastest).
 */
export function ionStackFromArrays(init: {
  source: SourceInfo;
  ions: IonChannel[];
  scans: number;
  height: number;
  width: number;
  volumes: Float32Array[];
  pixelSizeNm?: number | null;
  timeS?: Float64Array;
  shotsPerPixel?: number;
  metadata?: Record<string, string>;
}): IonStack {
  const { scans, height, width } = init;
  const planeSize = height * width;
  init.volumes.forEach((v, i) => {
    if (v.length !== scans * planeSize) {
      throw new RangeError(`ion ${init.ions[i]?.label}: ${v.length} values, expected ${scans}×${height}×${width}`);
    }
  });
  const views = init.volumes.map((v) => ndarray(v, [scans, height, width]));
  const stack: IonStack = {
    kind: 'ionStack',
    source: init.source,
    ions: init.ions,
    scans,
    height,
    width,
    pixelSizeNm: init.pixelSizeNm ?? null,
    timeS: init.timeS ?? Float64Array.from({ length: scans }, (_, i) => i),
    shotsPerPixel: init.shotsPerPixel,
    metadata: init.metadata ?? {},
    async readPlane(ionIndex, scanIndex) {
      assertPlaneIndex(stack, ionIndex, scanIndex);
      const start = scanIndex * planeSize;
      return ndarray(init.volumes[ionIndex].slice(start, start + planeSize), [height, width]);
    },
  };
  // Exposed for callers that want whole-volume views without copying (3-D views, tests).
  Object.defineProperty(stack, 'volumes', { value: views, enumerable: false });
  return stack;
}
