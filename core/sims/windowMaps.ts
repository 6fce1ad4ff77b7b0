/**
 * 2-D maps of one ion per time window (a layer's scans) from a 3-D ion stack, dead-time
 * corrected per pixel, in one streaming pass over its planes (planeRuns.ts).
 */
import type { IonStack } from '../model/ionStack.js';
import { correctedValue, correctedVariance, saturatedValue } from './deadTime.js';
import { correctedMapSums, u16Sums } from './kernels/u16Sums.js';
import { correctionTable, correctMinorOverRoi, minorIsotopeScans, planeBuffers, usesTable, type CorrectedPlane, type CorrectionTable } from './planeCorrection.js';
import { ionPlaneRuns, planeByScan, runBufferBytes, type Samples } from './planeRuns.js';
import { roiMask, roiPixelCount, roiPixels, type RoiPixels } from './roi.js';
import { profileFromStack, type StackProfileOptions } from './stackProfile.js';
import { scanWeights } from './windows.js';

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
 * (w·X has variance w²σ²). Fused into one loop with no intermediate arrays: this is the inner
 * loop of every per-layer map over a whole stack. `mask` null: every pixel. Returns the number
 * of saturated pixels.
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
  table: CorrectionTable | null,
): number {
  const w2 = w * w;
  const plane = raw.subarray(base, base + n);
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
      saturated++;
    } else if (table !== null && (integers || Number.isInteger(i))) {
      values[k] += w * table.value[i];
      variance[k] += w2 * table.variance[i];
    } else {
      // Same formulas as correctCount (deadTime.ts).
      values[k] += w * correctedValue(i, shots);
      variance[k] += w2 * correctedVariance(i, shots);
    }
  }
  return saturated;
}

/**
 * Adds w × a corrected plane's values (correctMinorOverRoi's, over the ROI) to a map, and w² ×
 * their variances: the ROI's runs where they are few (only those pixels were corrected), else
 * every pixel (0 outside the mask).
 */
function addCorrectedPlane(plane: CorrectedPlane, roi: RoiPixels, w: number, values: Float64Array, variance: Float64Array): void {
  const { value: pv, variance: pvar } = plane;
  const w2 = w * w;
  if (!roi.fewRuns) {
    for (let k = 0; k < values.length; k++) {
      values[k] += w * pv[k];
      variance[k] += w2 * pvar[k];
    }
    return;
  }
  const { runs } = roi;
  for (let r = 0; r < runs.length; r += 2) {
    for (let k = runs[r], end = runs[r] + runs[r + 1]; k < end; k++) {
      values[k] += w * pv[k];
      variance[k] += w2 * pvar[k];
    }
  }
}

/** A map's values and variances set to 0 outside the mask (its totals are then made over the mask). */
function clearOutside(m: WindowMap, mask: Uint8Array): void {
  for (let k = 0; k < mask.length; k++) {
    if (!mask[k]) {
      m.values[k] = 0;
      m.variance[k] = 0;
    }
  }
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
  const satValue = shots === undefined ? 0 : saturatedValue(shots);
  const n = width * height;
  const table = correctionTable(shots);
  // The ROI's pixels as runs; no ROI: the loops skip the mask (loopMask null).
  const roi = roiPixels(mask, roiPixelCount(options.roi, mask), height);
  const loopMask = roi.mask;
  // Raw counts: sums of 16-bit planes in the SIMD kernel where there is one, its memory also
  // holding the pass's run buffers (no copy); the parts of cut scans summed in JavaScript in
  // per-window arrays made when first needed (see accumulateRaw). With an ROI the kernel sums
  // whole planes (at memory speed, as they are read) and what lies outside is cleared at the end.
  const simd = shots === undefined && options.simd !== false ? u16Sums(maps.length, n, runBufferBytes(stack)) : null;
  // Dead-time corrected: the same per-pixel loop in the kernel, the maps in its memory meanwhile;
  // an ROI's pixels only, run by run (a rectangle's rows). A small ROI of a big stack took every
  // pixel of every plane through JavaScript's masked loop: most of the time of a new ROI's
  // analysis in the workbench (~4 s of 4.8 s on three 2 GB states).
  const corrected =
    shots !== undefined && table !== null && (loopMask === null || roi.fewRuns) && options.simd !== false
      ? correctedMapSums(maps.length, n, runBufferBytes(stack), table, satValue, roi.runs)
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
  // The scans that take the minor isotope: the caller's (its profile's), else found as the
  // profile finds them (a pass over the ion's planes first).
  const sub = options.substitute && shots !== undefined && options.substitute.ionIndex !== ionIndex ? options.substitute : undefined;
  const minorScans = sub
    ? (sub.scans ?? minorIsotopeScans((await profileFromStack(stack, { ions: [ionIndex], roi: options.roi, shotsPerPixel: shots, signal: options.signal, simd: options.simd })).saturatedPixels[0]))
    : null;
  const minorPlane = sub ? planeByScan(stack, sub.ionIndex) : null;
  const minorPixels = sub ? planeBuffers(n) : null;
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
      // A scan that takes the minor isotope: every pixel from it, added below into whichever
      // arrays the window's other planes go to (the kernel's or these) by the same expressions.
      const fromMinor = minorScans !== null && minorScans[s] === 1;
      const minor = fromMinor ? await minorPlane!(s) : null;
      // 16-bit planes into the kernel's maps: corrected and added in one loop per window there.
      const minorInKernel = corrected !== null && raw instanceof Uint16Array && minor !== null && minor.samples instanceof Uint16Array;
      const minorSaturated = minor && !minorInKernel ? correctMinorOverRoi({ samples: raw, base }, minor, roi, n, shots!, sub!.factor, table, minorPixels!) : 0;
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
        let saturated: number;
        if (minorInKernel) {
          saturated = corrected.addMinor(i, raw.subarray(base, base + n), minor.samples.subarray(minor.base, minor.base + n) as Uint16Array, sub!.factor, w);
        } else if (fromMinor) {
          addCorrectedPlane(minorPixels!, roi, w, values, variance);
          saturated = minorSaturated;
        } else {
          saturated = inKernel
            ? corrected.add(i, raw.subarray(base, base + n), w)
            : accumulateCorrected(raw, base, n, loopMask, shots, w, values, variance, table);
        }
        if (inKernel) correctedInKernel[i] = true;
        else summedInJs[i] = true;
        map.saturatedPixels += saturated;
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
      // Every plane went through the kernel (whole planes: an ROI is applied below).
      const { total, varianceTotal } = simd.finishInto(i, m.values, m.variance);
      m.total = total;
      m.totalSigma = Math.sqrt(varianceTotal);
    } else finishMap(m, mask, shots === undefined ? { fractional: fractional[i], simd: simd ? { unit: simd.unit(i), part: simd.part(i), extra: simd.extra(i) } : null } : null);
    // The kernel's raw sums are of whole planes: an ROI's map is 0 outside it, its totals its own.
    if (simd && loopMask !== null) {
      clearOutside(m, loopMask);
      finishMap(m, mask, null);
    }
  });
  simd?.release();
  corrected?.release();
  return { width, height, mask, maps, deadTimeCorrected: shots !== undefined };
}
