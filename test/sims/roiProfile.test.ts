/**
 * Depth profiles over an ROI sum only the ROI's pixels, run by run along the rows (roi.ts
 * maskRuns, stackProfile.ts sumRoiFast, the kernel's sumCorrectedU16Runs). They must give the
 * very numbers of the path they replaced: every pixel of the plane corrected into arrays
 * (outside the ROI: 0) and summed in four lanes, pixel k into lane k mod 4. That path is
 * rebuilt here from the per-pixel steps (planeCorrection.ts) as the reference.
 */
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../core/io/byteSource.js';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { ionStackFromArrays, type IonStack, type PlaneRun, type PlaneRunReader } from '../../core/model/ionStack.js';
import { saturatedValue } from '../../core/sims/deadTime.js';
import { correctedPlaneSums } from '../../core/sims/kernels/u16Sums.js';
import { correctionTable, correctMinorOverRoi, correctMinorPlaneInto, correctPlaneInto, minorIsotopeScans, planeBuffers } from '../../core/sims/planeCorrection.js';
import { planeByScan } from '../../core/sims/planeRuns.js';
import { maskPixelCount, maskRuns, roiMask, roiPixels, type Roi } from '../../core/sims/roi.js';
import { profileFromStack, type StackProfile, type StackProfileOptions } from '../../core/sims/stackProfile.js';
import { omePages } from '../../samples/gen/omeTiff.js';
import { readIntoSource } from '../io/tiff/tiffTestUtil.js';

/** Odd sizes, so that rows start at every pixel index mod 4 (the lanes). */
const W = 37;
const H = 29;
const SCANS = 12;
const SHOTS = 40;

/**
 * 7Li counts below N in scans 0 to 3, up to N + 5 after (saturating in ~1 pixel in 8), so that
 * some scans take the minor isotope and some do not; 6Li below 9, in a few pixels saturated too.
 */
function li7Count(z: number, i: number): number {
  return (i * 13 + z * 7) % (z < 4 ? SHOTS : SHOTS + 6);
}
function li6Count(z: number, i: number): number {
  return i % 97 === 5 ? SHOTS + 1 : (i * 5 + z) % 9;
}

/** The two ions as an OME-TIFF of 16-bit counts, read through the file reader (runs of planes). */
function lithiumTiff(): Uint8Array {
  const meta = {
    name: 'roi', width: W, height: H, scans: SCANS, pixelSizeNm: 100, pixelType: 'uint16' as const, scanPeriodS: 10, shotsPerPixel: SHOTS,
    channels: [{ label: 'Li-', mz: 7.016 }, { label: '^6Li-', mz: 6.015 }],
  };
  const planeAt = (c: number, z: number) => Float32Array.from({ length: W * H }, (_, i) => (c === 0 ? li7Count(z, i) : li6Count(z, i)));
  return writeTiff([...omePages(meta, planeAt)], { compression: 'none' });
}

type IntegerSamples = Uint8Array | Int8Array | Uint16Array | Int16Array;

/**
 * The same counts in memory, its runs of planes in the given sample type with a gap of 3 samples
 * before each plane (planes at odd offsets, as a file's IFDs between them leave them);
 * `shift` moves every count (negative counts in signed types: taken as 0).
 */
function arrayStack(make: (n: number) => IntegerSamples, shift = 0): IonStack & PlaneRunReader {
  const n = W * H;
  const volume = (count: (z: number, i: number) => number) => Float32Array.from({ length: SCANS * n }, (_, k) => count(Math.floor(k / n), k % n) + shift);
  const volumes = [volume(li7Count), volume(li6Count)];
  const stack = ionStackFromArrays({
    source: { fileName: 'roi.tif', format: 'synthetic' },
    ions: [{ label: 'Li-', mz: 7.016 }, { label: '^6Li-', mz: 6.015 }],
    scans: SCANS,
    height: H,
    width: W,
    volumes,
    shotsPerPixel: SHOTS,
  });
  const gap = 3;
  const readPlanes = async (ionIndex: number, scanStart: number, count: number): Promise<PlaneRun> => {
    const data = make(count * (n + gap));
    const starts = Array.from({ length: count }, (_, k) => gap + k * (n + gap));
    for (let k = 0; k < count; k++) data.set(volumes[ionIndex].subarray((scanStart + k) * n, (scanStart + k + 1) * n), starts[k]);
    return { data, starts };
  };
  return { ...stack, readPlanes };
}

/** The same stack read plane by plane (Float32 planes: the full path, corrected into arrays). */
function planeByPlaneStack(stack: IonStack): IonStack {
  return { ...stack, readPlanes: undefined } as IonStack;
}

/**
 * The path ROI profiles took before: per scan, every pixel corrected into arrays with the ROI's
 * mask (outside: 0), summed in four lanes over the whole plane; scans that take the minor
 * isotope corrected from it with the mask, and summed the same way.
 */
async function referenceProfile(stack: IonStack, options: { roi?: Roi; deadTime: boolean; substitute?: { ionIndex: number; factor: number; scans?: ArrayLike<number> } }) {
  const n = stack.width * stack.height;
  const shots = options.deadTime ? SHOTS : undefined;
  const mask = roiMask(options.roi, stack.width, stack.height);
  const table = correctionTable(shots);
  const buffers = planeBuffers(n);
  const counts = new Float64Array(stack.scans);
  const variance = new Float64Array(stack.scans);
  const saturated = new Int32Array(stack.scans);
  const laneSums = (): [number, number] => {
    const c = new Float64Array(4);
    const v = new Float64Array(4);
    for (let k = 0; k < n; k++) {
      c[k & 3] += buffers.value[k];
      v[k & 3] += buffers.variance[k];
    }
    return [c[0] + c[1] + (c[2] + c[3]), v[0] + v[1] + (v[2] + v[3])];
  };
  const major = planeByScan(stack, 0);
  for (let s = 0; s < stack.scans; s++) {
    const plane = await major(s);
    saturated[s] = correctPlaneInto(plane.samples, plane.base, mask, n, shots, buffers, table);
    [counts[s], variance[s]] = laneSums();
  }
  const minorScans = new Uint8Array(stack.scans);
  const sub = options.substitute;
  if (sub && shots !== undefined) {
    minorScans.set(sub.scans ?? minorIsotopeScans(saturated));
    const majorAgain = planeByScan(stack, 0);
    const minor = planeByScan(stack, sub.ionIndex);
    for (let s = 0; s < stack.scans; s++) {
      if (!minorScans[s]) continue;
      correctMinorPlaneInto(await majorAgain(s), await minor(s), mask, n, shots, sub.factor, table, buffers);
      [counts[s], variance[s]] = laneSums();
    }
  }
  return { counts, sigma: variance.map(Math.sqrt), saturated, minorScans, saturatedTotal: saturated.reduce((a, b) => a + b, 0) };
}

/** A profile's numbers, to compare exactly (toEqual tells 0 from −0 and NaN from numbers). */
function numbersOf(p: StackProfile) {
  return { counts: Array.from(p.counts[0]), sigma: Array.from(p.sigma[0]), saturated: Array.from(p.saturatedPixels[0]), minorScans: Array.from(p.minorIsotopeScans[0]), saturatedTotal: p.saturatedTotal };
}
function referenceNumbers(r: Awaited<ReturnType<typeof referenceProfile>>) {
  return { counts: Array.from(r.counts), sigma: Array.from(r.sigma), saturated: Array.from(r.saturated), minorScans: Array.from(r.minorScans), saturatedTotal: r.saturatedTotal };
}

/** A disc of radius r about (cx, cy): a drawn ROI of a few runs a row. */
function discMask(cx: number, cy: number, r: number): Roi {
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * W + x] = 1;
  return { kind: 'mask', mask, width: W, height: H };
}

/** Every third pixel: more runs than rows (the minor isotope's whole-plane masked correction). */
function scatteredMask(): Roi {
  return { kind: 'mask', mask: Uint8Array.from({ length: W * H }, (_, k) => (k % 3 === 1 ? 1 : 0)), width: W, height: H };
}

const ROIS: Array<[string, Roi | undefined]> = [
  ['the whole field', undefined],
  ['the whole field as a rectangle', { kind: 'rect', x0: 0, y0: 0, x1: W, y1: H }],
  ['an interior rectangle', { kind: 'rect', x0: 5, y0: 3, x1: 15, y1: 10 }],
  ['the top-left corner', { kind: 'rect', x0: 0, y0: 0, x1: 6, y1: 4 }],
  ['the bottom-right corner', { kind: 'rect', x0: 30, y0: 22, x1: W, y1: H }],
  ['the left edge, all rows', { kind: 'rect', x0: 0, y0: 0, x1: 3, y1: H }],
  ['the right edge, all rows', { kind: 'rect', x0: W - 2, y0: 0, x1: W, y1: H }],
  ['whole rows (one run)', { kind: 'rect', x0: 0, y0: 7, x1: W, y1: 19 }],
  ['a rectangle past the plane (clipped)', { kind: 'rect', x0: -4, y0: 20, x1: W + 9, y1: H + 3 }],
  ['one pixel at the first', { kind: 'rect', x0: 0, y0: 0, x1: 1, y1: 1 }],
  ['one pixel at the last', { kind: 'rect', x0: W - 1, y0: H - 1, x1: W, y1: H }],
  ['one pixel, lane 1', { kind: 'rect', x0: 1, y0: 4, x1: 2, y1: 5 }],
  ['one pixel, lane 2', { kind: 'rect', x0: 10, y0: 0, x1: 11, y1: 1 }],
  ['one pixel, lane 3', { kind: 'rect', x0: 3, y0: 8, x1: 4, y1: 9 }],
  ['one column', { kind: 'rect', x0: 17, y0: 0, x1: 18, y1: H }],
  ['an empty rectangle', { kind: 'rect', x0: 8, y0: 8, x1: 8, y1: 12 }],
  ['a disc mask', discMask(18, 14, 9)],
  ['a disc mask cut by the edges', discMask(2, 27, 6)],
  ['a scattered mask', scatteredMask()],
];

const SUBSTITUTES: Array<StackProfileOptions['substitute']> = [
  undefined,
  { ionIndex: 1, factor: 12.3 },
  // Scans given (as window maps pass their profile's): here every other one.
  { ionIndex: 1, factor: 12.3, scans: Uint8Array.from({ length: SCANS }, (_, s) => s % 2) },
];

describe('ROI runs', () => {
  it('are the mask’s maximal stretches of inside pixels, in pixel order', () => {
    for (const [name, roi] of ROIS) {
      const mask = roiMask(roi, W, H);
      const runs = maskRuns(mask);
      const rebuilt = new Uint8Array(W * H);
      let last = -2;
      for (let r = 0; r < runs.length; r += 2) {
        const [start, length] = [runs[r], runs[r + 1]];
        expect(length, name).toBeGreaterThan(0);
        // Apart from the one before (else it would be one run), and ascending.
        expect(start, name).toBeGreaterThan(last + 1);
        rebuilt.fill(1, start, start + length);
        last = start + length - 1;
      }
      expect(Array.from(rebuilt), name).toEqual(Array.from(mask));
    }
    expect(Array.from(maskRuns(roiMask({ kind: 'rect', x0: 0, y0: 7, x1: W, y1: 19 }, W, H)))).toEqual([7 * W, 12 * W]);
    expect(Array.from(maskRuns(new Uint8Array(5)))).toEqual([]);
  });
});

describe('a scan from the minor isotope, pixel by pixel', () => {
  it('is the same to the last bit on the 16-bit path (no mask, by table) as on the general one, at a base that is not 0', () => {
    const shots = 40;
    const n = 1000;
    const table = correctionTable(shots);
    // Major counts below, at and above N (saturated), minor counts below and above N (the major's value then).
    const majorCounts = Array.from({ length: n }, (_, k) => (k * 13) % (shots + 9));
    const minorCounts = Array.from({ length: n }, (_, k) => (k % 97 === 0 ? shots + 2 : (k * 7) % 23));
    const at = (counts: number[], base: number, Type: Uint16ArrayConstructor | Float32ArrayConstructor) => {
      const samples = new Type(base + n + 3);
      samples.set(counts, base);
      return { samples, base };
    };
    const fields = (out: ReturnType<typeof planeBuffers>) => [Array.from(out.value), Array.from(out.variance), Array.from(out.saturated)];
    const fast = planeBuffers(n);
    fast.saturated.fill(7);
    const fastSaturated = correctMinorPlaneInto(at(majorCounts, 517, Uint16Array), at(minorCounts, 3, Uint16Array), null, n, shots, 12.3, table, fast);
    // The general loop: with a mask of every pixel (the table), and Float32 samples (the formulas).
    for (const [name, major, minor, mask] of [
      ['mask', at(majorCounts, 517, Uint16Array), at(minorCounts, 3, Uint16Array), new Uint8Array(n).fill(1)],
      ['Float32', at(majorCounts, 517, Float32Array), at(minorCounts, 3, Float32Array), null],
    ] as const) {
      const general = planeBuffers(n);
      expect(correctMinorPlaneInto(major, minor, mask, n, shots, 12.3, table, general), name).toBe(fastSaturated);
      expect(fields(fast), name).toEqual(fields(general));
    }
    expect(fastSaturated).toBe(majorCounts.filter((c) => c >= shots).length);
    // Over a rectangle's runs (40 × 25 px): its pixels as on the whole plane, the others untouched.
    const rect = roiMask({ kind: 'rect', x0: 3, y0: 2, x1: 31, y1: 20 }, 40, 25);
    const roi = roiPixels(rect, maskPixelCount(rect), 25);
    expect(roi.fewRuns).toBe(true);
    const overRuns = planeBuffers(n);
    overRuns.value.fill(Number.NaN);
    const runsSaturated = correctMinorOverRoi(at(majorCounts, 517, Uint16Array), at(minorCounts, 3, Uint16Array), roi, n, shots, 12.3, table, overRuns);
    expect(runsSaturated).toBe(majorCounts.filter((c, k) => rect[k] && c >= shots).length);
    expect(Array.from(overRuns.value, (v, k) => (rect[k] ? v : 'outside'))).toEqual(Array.from(fast.value, (v, k) => (rect[k] ? v : 'outside')));
    expect(Array.from(overRuns.variance).filter((_, k) => rect[k])).toEqual(Array.from(fast.variance).filter((_, k) => rect[k]));
    expect(overRuns.value.filter((_, k) => !rect[k]).every(Number.isNaN)).toBe(true);
    // Where the minor saturates too: the major's value, the lower bound where that saturates as well.
    const both = majorCounts.findIndex((c, k) => c >= shots && minorCounts[k] >= shots);
    const minorOnly = minorCounts.findIndex((c, k) => c >= shots && majorCounts[k] < shots);
    expect(fast.value[both]).toBe(saturatedValue(shots));
    expect(fast.value[minorOnly]).toBe(table!.value[majorCounts[minorOnly]]);
  });
});

describe('the kernel’s corrected sums over runs of pixels', () => {
  it('are the JavaScript lanes’ over the same pixels, runs from every lane and of every length mod 4', () => {
    const shots = 30;
    const table = correctionTable(shots)!;
    const satValue = saturatedValue(shots);
    const n = 203;
    const plane = Uint16Array.from({ length: n }, (_, k) => (k * 11 + 3) % (shots + 4));
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length < 14; length++) {
        // Two runs: the second starts in another lane, after a gap.
        const runs = Int32Array.of(start, length, start + length + 5, (length * 3) % 11);
        const kernel = correctedPlaneSums(n, 0, table, satValue, runs);
        expect(kernel).not.toBeNull();
        const got = { counts: 0, variance: 0, saturated: 0 };
        kernel!.sumRuns(plane, got);
        kernel!.release();
        const c = new Float64Array(4);
        const v = new Float64Array(4);
        let saturated = 0;
        for (let r = 0; r < runs.length; r += 2) {
          for (let k = runs[r]; k < runs[r] + runs[r + 1]; k++) {
            const i = plane[k];
            c[k & 3] += i < table.value.length ? table.value[i] : satValue;
            v[k & 3] += i < table.value.length ? table.variance[i] : satValue * satValue;
            if (i >= table.value.length) saturated++;
          }
        }
        expect(got, `runs ${Array.from(runs)}`).toEqual({ counts: c[0] + c[1] + (c[2] + c[3]), variance: v[0] + v[1] + (v[2] + v[3]), saturated });
      }
    }
  });
});

describe('depth profiles over an ROI', () => {
  const file = lithiumTiff();
  // Through the file reader: planes copied in (bytesSource), or read into the kernel's memory.
  const tiffStacks = async (): Promise<Array<[string, IonStack]>> => [
    ['OME-TIFF', await openTiffStack(bytesSource('roi.tif', file))],
    ['OME-TIFF read in place', await openTiffStack(readIntoSource('roi.tif', file))],
  ];

  it('are the whole-plane path’s numbers to the last bit: 16-bit file, corrected, saturated pixels, stand-in isotope, kernel or not', async () => {
    const reference = await openTiffStack(bytesSource('roi.tif', file));
    for (const [roiName, roi] of ROIS) {
      for (const substitute of SUBSTITUTES) {
        const expected = referenceNumbers(await referenceProfile(reference, { roi, deadTime: true, substitute }));
        for (const [stackName, stack] of [...(await tiffStacks()), ['plane by plane', planeByPlaneStack(reference)] as [string, IonStack]]) {
          for (const simd of [true, false]) {
            const got = numbersOf(await profileFromStack(stack, { roi, ions: [0], substitute, simd }));
            expect(got, `${roiName}, ${stackName}, simd ${simd}, substitute ${JSON.stringify(substitute)}`).toEqual(expected);
          }
        }
      }
    }
  });

  it('cover the cases the comparison is for: saturated pixels in the ROI, scans from the minor isotope', async () => {
    const stack = await openTiffStack(bytesSource('roi.tif', file));
    const p = await profileFromStack(stack, { roi: { kind: 'rect', x0: 5, y0: 3, x1: 15, y1: 10 }, ions: [0], substitute: { ionIndex: 1, factor: 12.3 } });
    expect(p.saturatedTotal).toBeGreaterThan(0);
    expect(p.minorIsotopeScans[0].some((m) => m === 1)).toBe(true);
    expect(p.minorIsotopeScans[0].some((m) => m === 0)).toBe(true);
    expect(p.pixelCount).toBe(70);
    expect(p.deadTimeCorrected).toBe(true);
  });

  it('are the whole-plane path’s numbers for raw counts (no dead-time correction)', async () => {
    const reference = await openTiffStack(bytesSource('roi.tif', file));
    for (const [roiName, roi] of ROIS) {
      const expected = referenceNumbers(await referenceProfile(reference, { roi, deadTime: false }));
      for (const [stackName, stack] of [...(await tiffStacks()), ['plane by plane', planeByPlaneStack(reference)] as [string, IonStack]]) {
        for (const simd of [true, false]) {
          const got = numbersOf(await profileFromStack(stack, { roi, ions: [0], deadTime: false, simd }));
          expect(got, `${roiName}, ${stackName}, simd ${simd}`).toEqual(expected);
        }
      }
    }
  });

  it('are the whole-plane path’s numbers for 8-bit and signed samples (negative counts as 0), raw and corrected', async () => {
    const kinds: Array<[string, (n: number) => IntegerSamples, number]> = [
      ['uint8', (n) => new Uint8Array(n), 0],
      ['uint16 at odd offsets', (n) => new Uint16Array(n), 0],
      ['int16 with negative counts', (n) => new Int16Array(n), -3],
      ['int8 with negative counts', (n) => new Int8Array(n), -3],
    ];
    for (const [kind, make, shift] of kinds) {
      const stack = arrayStack(make, shift);
      for (const [roiName, roi] of ROIS) {
        for (const deadTime of [true, false]) {
          for (const substitute of deadTime ? SUBSTITUTES : [undefined]) {
            const expected = referenceNumbers(await referenceProfile(stack, { roi, deadTime, substitute }));
            for (const simd of [true, false]) {
              const got = numbersOf(await profileFromStack(stack, { roi, ions: [0], deadTime, substitute, simd }));
              expect(got, `${kind}, ${roiName}, dead time ${deadTime}, simd ${simd}, substitute ${JSON.stringify(substitute)}`).toEqual(expected);
            }
          }
        }
      }
    }
  });
});
