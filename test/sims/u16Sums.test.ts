import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../core/io/byteSource.js';
import type { IonStack } from '../../core/model/ionStack.js';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { u16Sums } from '../../core/sims/kernels/u16Sums.js';
import { profileFromStack } from '../../core/sims/stackProfile.js';
import { windowMapsFromStack } from '../../core/sims/windowMaps.js';
import { binStackVolume } from '../../core/sims/volume.js';
import { correctCount } from '../../core/sims/deadTime.js';
import { scanWeights } from '../../core/sims/windows.js';
import { compiledKernels } from '../../scripts/kernels.js';
import { omePages } from '../../samples/gen/omeTiff.js';
import { readIntoSource } from '../io/tiff/tiffTestUtil.js';

/** 7Li and 6Li over 12 scans as an OME-TIFF, 7Li counts up to and beyond N (40) so that some pixels saturate. */
function lithiumStack(): { file: Uint8Array; shots: number; sources: () => ReturnType<typeof bytesSource>[] } {
  const W = 37;
  const H = 29;
  const shots = 40;
  const meta = {
    name: 'kernel', width: W, height: H, scans: 12, pixelSizeNm: 100, pixelType: 'uint16' as const, scanPeriodS: 10, shotsPerPixel: shots,
    channels: [{ label: 'Li-', mz: 7.016 }, { label: '^6Li-', mz: 6.015 }],
  };
  const planeAt = (c: number, z: number) => Float32Array.from({ length: W * H }, (_, i) => (c === 0 ? (i * 13 + z * 7) % (shots + 6) : (i * 5 + z) % 9));
  const file = writeTiff([...omePages(meta, planeAt)], { compression: 'none' });
  const sources = () => [bytesSource('lithium.tif', file), readIntoSource('lithium.tif', file)];
  return { file, shots, sources };
}

describe('SIMD sums of 16-bit planes (WebAssembly)', () => {
  it('the committed kernel bytes are what its .wat compiles to', async () => {
    for (const [path, text] of await compiledKernels()) expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('adds planes as the scalar loop does, whole groups of eight and the rest, into separate sums', () => {
    for (const n of [1, 7, 8, 9, 1000, 4099]) {
      const sums = u16Sums(3, n, 4096);
      expect(sums).not.toBeNull();
      const zero = () => Array.from({ length: 3 }, () => new Float64Array(n));
      const [unit, part, extra] = [zero(), zero(), zero()];
      for (let p = 0; p < 20; p++) {
        // Values over the whole 16-bit range, the top bit included (it must not read as a sign).
        const plane = Uint16Array.from({ length: n }, (_, k) => (k * 7919 + p * 104729) % 65536);
        const w = p % 4 === 0 ? 0.37 + p / 100 : 1;
        const i = p % 3;
        sums!.add(i, plane, w);
        for (let k = 0; k < n; k++) {
          if (w === 1) unit[i][k] += plane[k];
          else {
            part[i][k] += w * plane[k];
            extra[i][k] += (w * w - w) * plane[k];
          }
        }
      }
      for (let i = 0; i < 3; i++) {
        expect(Array.from(sums!.unit(i))).toEqual(Array.from(unit[i]));
        expect(Array.from(sums!.part(i))).toEqual(Array.from(part[i]));
        expect(Array.from(sums!.extra(i))).toEqual(Array.from(extra[i]));
      }
      sums!.release();
    }
    // A reused instance starts from zero, and its run buffers lie in its memory.
    const again = u16Sums(1, 9, 64)!;
    expect(Array.from(again.unit(0))).toEqual(new Array(9).fill(0));
    const inPlace = new Uint16Array(again.scratches[0].bytes!.buffer, again.scratches[0].bytes!.byteOffset, 9).fill(3);
    again.add(0, inPlace, 1);
    expect(Array.from(again.unit(0))).toEqual(new Array(9).fill(3));
    again.release();
  });

  it('batches whole-weight planes that lie in its run buffers and sums them as plane by plane would', () => {
    for (const n of [1, 15, 16, 17, 1000, 4099]) {
      const planes = 150;
      const sums = u16Sums(2, n, planes * 2 * n)!;
      const { bytes } = sums.scratches[0];
      const expected = [new Float64Array(n), new Float64Array(n)];
      for (let p = 0; p < planes; p++) {
        // In place, as a reader puts them: more planes than one batch holds, both windows in turn.
        const plane = new Uint16Array(bytes!.buffer, bytes!.byteOffset + p * 2 * n, n);
        for (let k = 0; k < n; k++) plane[k] = 65535 - ((k * 7919 + p * 104729) % 4096);
        sums.add(p % 5 === 0 ? 1 : 0, plane, 1);
        for (let k = 0; k < n; k++) expected[p % 5 === 0 ? 1 : 0][k] += plane[k];
      }
      expect(Array.from(sums.unit(0)), `n = ${n}`).toEqual(Array.from(expected[0]));
      expect(Array.from(sums.unit(1)), `n = ${n}`).toEqual(Array.from(expected[1]));
      sums.release();
    }
  });

  it('starts every reduction from zero on a reused instance, whichever sums the last one used', () => {
    const n = 33;
    const ramp = (p: number) => Uint16Array.from({ length: n }, (_, k) => (k * 101 + p * 7) % 1000);
    // Leaves numbers in every kind of sum: whole planes, a cut scan, and drained ones.
    const first = u16Sums(2, n, 64)!;
    first.add(0, ramp(1), 1);
    first.add(0, ramp(2), 0.25);
    first.add(1, ramp(3), 1);
    first.unit(1);
    first.finishInto(0, new Float64Array(n), new Float64Array(n));
    first.release();
    // Then whole planes only, then a cut scan only, each on the instance handed back.
    const whole = u16Sums(2, n, 64)!;
    whole.add(1, ramp(4), 1);
    const values = new Float64Array(n);
    const variance = new Float64Array(n);
    const totals = whole.finishInto(1, values, variance);
    expect(Array.from(values)).toEqual(Array.from(ramp(4)));
    expect(Array.from(variance)).toEqual(Array.from(ramp(4)));
    expect(totals.total).toBe(ramp(4).reduce((a, b) => a + b, 0));
    whole.release();
    const cut = u16Sums(2, n, 64)!;
    cut.add(0, ramp(5), 0.5);
    cut.finishInto(0, values, variance);
    expect(Array.from(values)).toEqual(Array.from(ramp(5), (c) => 0.5 * c));
    expect(Array.from(variance)).toEqual(Array.from(ramp(5), (c) => (0.25 - 0.5) * c + 0.5 * c));
    cut.release();
  });

  it('keeps integer sums exact past what 32 bits hold (more than 65 537 saturated planes in a window)', () => {
    // 70 000 planes of 65 535 sum to 4 587 450 000 > 2^32: the 32-bit sums must be moved into
    // the float64 ones before they wrap. One plane in the run buffer, batched again and again.
    for (const n of [17, 32]) {
      const sums = u16Sums(1, n, 2 * n)!;
      const { bytes } = sums.scratches[0];
      const plane = new Uint16Array(bytes!.buffer, bytes!.byteOffset, n).fill(65535);
      const planes = 70000;
      for (let p = 0; p < planes; p++) {
        sums.add(0, plane, 1);
        if (p % 50 === 49) sums.flush();
      }
      expect(Array.from(sums.unit(0)), `n = ${n}`).toEqual(new Array(n).fill(planes * 65535));
      sums.release();
    }
  });

  // Small planes (all in one run), and 600 × 500 planes (13 to a run: 40 scans are four runs
  // through the two buffers, so the batches must be flushed before a buffer is read again).
  const rawCases = [
    { name: 'one run', W: 13, H: 5, scans: 11, windows: [{ startS: -1, endS: 3.3 }, { startS: 3.3, endS: 7.5 }, { startS: 7.5, endS: 20 }] },
    { name: 'four runs', W: 600, H: 500, scans: 40, windows: [{ startS: -1, endS: 9.5 }, { startS: 9.5, endS: 31 }, { startS: 31, endS: 100 }] },
  ];
  for (const c of rawCases) {
    it(`raw-count window maps are the same to the last bit with and without the kernel (${c.name})`, async () => {
      const pages = Array.from({ length: c.scans }, (_, s) => ({ width: c.W, height: c.H, data: Uint16Array.from({ length: c.W * c.H }, (_, i) => (i * 31 + s * 977) % 60000) }));
      const file = writeTiff(pages, { compression: 'none' });
      // The maps as bytes (bit for bit, and fast to compare at 300 000 pixels), and the totals.
      const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
      const numbers = (r: Awaited<ReturnType<typeof windowMapsFromStack>>) => r.maps.map((m) => [bits(m.values), bits(m.variance), m.total, m.totalSigma]);
      const plain = numbers(await windowMapsFromStack(await openTiffStack(bytesSource('raw.tif', file)), 0, c.windows, { deadTime: false, simd: false }));
      for (const source of [bytesSource('raw.tif', file), readIntoSource('raw.tif', file)]) {
        const got = numbers(await windowMapsFromStack(await openTiffStack(source), 0, c.windows, { deadTime: false }));
        got.forEach((g, i) => expect(g[0] === plain[i][0] && g[1] === plain[i][1], `window ${i}: values and variances`).toBe(true));
        expect(got.map((g) => g.slice(2))).toEqual(plain.map((p) => p.slice(2)));
      }
      expect(plain[1][2]).toBeGreaterThan(0);
    });
  }

  it('dead-time corrected depth profiles are the same to the last bit with and without the kernel, saturated pixels and a stand-in isotope included', async () => {
    const { file, shots, sources } = lithiumStack();
    const numbers = (p: Awaited<ReturnType<typeof profileFromStack>>) => [p.counts.map((c) => Array.from(c)), p.sigma.map((c) => Array.from(c)), p.saturatedPixels.map((c) => Array.from(c)), p.saturatedTotal];
    for (const substitute of [undefined, { ionIndex: 1, factor: 12.3 }]) {
      const options = { shotsPerPixel: shots, ions: [0], substitute };
      const plain = numbers(await profileFromStack(await openTiffStack(bytesSource('lithium.tif', file)), { ...options, simd: false }));
      for (const source of sources()) expect(numbers(await profileFromStack(await openTiffStack(source), options))).toEqual(plain);
      expect(plain[3]).toBeGreaterThan(0);
    }
  });

  it('corrected plane sums agree to the last bit with and without the kernel at every plane size modulo 4 (the last pixels of the lanes)', async () => {
    const shots = 30;
    for (const [W, H] of [[1, 1], [2, 1], [3, 1], [4, 1], [5, 3], [7, 1], [33, 3]]) {
      const meta = { name: 'lanes', width: W, height: H, scans: 5, pixelSizeNm: 100, pixelType: 'uint16' as const, scanPeriodS: 10, shotsPerPixel: shots, channels: [{ label: 'Li-', mz: 7.016 }] };
      const file = writeTiff([...omePages(meta, (_, z) => Float32Array.from({ length: W * H }, (_, i) => (i * 11 + z * 5) % (shots + 3)))], { compression: 'none' });
      const numbers = (p: Awaited<ReturnType<typeof profileFromStack>>) => [Array.from(p.counts[0]), Array.from(p.sigma[0]), p.saturatedTotal];
      const plain = numbers(await profileFromStack(await openTiffStack(bytesSource('lanes.tif', file)), { shotsPerPixel: shots, simd: false }));
      expect(numbers(await profileFromStack(await openTiffStack(bytesSource('lanes.tif', file)), { shotsPerPixel: shots })), `${W} × ${H}`).toEqual(plain);
      // And the sums are the plane's corrected counts (to rounding).
      for (let z = 0; z < 5; z++) {
        let sum = 0;
        for (let i = 0; i < W * H; i++) sum += correctCount((i * 11 + z * 5) % (shots + 3), shots).value;
        expect((plain[0] as number[])[z], `${W} × ${H}, scan ${z}`).toBeCloseTo(sum, 10);
      }
    }
  });

  it('dead-time corrected window maps are the same to the last bit with and without the kernel, cut scans, saturated pixels and a stand-in isotope included', async () => {
    const { file, shots, sources } = lithiumStack();
    const windows = [{ startS: -3, endS: 33.3 }, { startS: 33.3, endS: 87.5 }, { startS: 87.5, endS: 200 }];
    const numbers = (r: Awaited<ReturnType<typeof windowMapsFromStack>>) => r.maps.map((m) => [Array.from(m.values), Array.from(m.variance), m.total, m.totalSigma, m.saturatedPixels]);
    for (const substitute of [undefined, { ionIndex: 1, factor: 12.3 }]) {
      const options = { shotsPerPixel: shots, substitute };
      const plain = numbers(await windowMapsFromStack(await openTiffStack(bytesSource('lithium.tif', file)), 0, windows, { ...options, simd: false }));
      for (const source of sources()) expect(numbers(await windowMapsFromStack(await openTiffStack(source), 0, windows, options))).toEqual(plain);
      expect(plain[1][4]).toBeGreaterThan(0);
    }
  });

  it('window maps over an ROI are the same to the last bit with and without the kernel, and the whole maps inside it, 0 outside (raw and corrected, a stand-in isotope included)', async () => {
    const { file, shots, sources } = lithiumStack();
    const [W, H] = [37, 29];
    const windows = [{ startS: -3, endS: 33.3 }, { startS: 33.3, endS: 87.5 }, { startS: 87.5, endS: 200 }];
    // A rectangle (a run per row: the kernel takes its runs) and a scattered mask (many runs: JavaScript's masked loop).
    const scattered = Uint8Array.from({ length: W * H }, (_, k) => ((k * 7) % 5 === 0 ? 1 : 0));
    const rois = [
      { kind: 'rect' as const, x0: 5, y0: 3, x1: 30, y1: 21 },
      { kind: 'mask' as const, mask: scattered, width: W, height: H },
    ];
    const numbers = (r: Awaited<ReturnType<typeof windowMapsFromStack>>) => r.maps.map((m) => [Array.from(m.values), Array.from(m.variance), m.total, m.totalSigma, m.saturatedPixels]);
    for (const roi of rois) {
      for (const deadTime of [false, true]) {
        for (const substitute of deadTime ? [undefined, { ionIndex: 1, factor: 12.3 }] : [undefined]) {
          const label = `${roi.kind}, ${deadTime ? 'corrected' : 'raw'}${substitute ? ', stand-in isotope' : ''}`;
          const options = { shotsPerPixel: shots, deadTime, substitute, roi };
          const plain = numbers(await windowMapsFromStack(await openTiffStack(bytesSource('lithium.tif', file)), 0, windows, { ...options, simd: false }));
          for (const source of sources()) expect(numbers(await windowMapsFromStack(await openTiffStack(source), 0, windows, options)), label).toEqual(plain);
          // The whole maps, pixel for pixel inside the ROI; 0 outside; the totals those of the ROI's pixels.
          const whole = await windowMapsFromStack(await openTiffStack(bytesSource('lithium.tif', file)), 0, windows, { ...options, roi: undefined });
          const mask = roi.kind === 'rect' ? Uint8Array.from({ length: W * H }, (_, k) => (k % W >= roi.x0 && k % W < roi.x1 && Math.floor(k / W) >= roi.y0 && Math.floor(k / W) < roi.y1 ? 1 : 0)) : scattered;
          plain.forEach(([values, variance, total], i) => {
            const inside = (a: ArrayLike<number>) => Array.from(a, (v, k) => (mask[k] ? v : 0));
            expect(values, `${label}, window ${i}`).toEqual(inside(whole.maps[i].values));
            expect(variance, `${label}, window ${i}`).toEqual(inside(whole.maps[i].variance));
            expect(total as number, `${label}, window ${i}`).toBeCloseTo(inside(whole.maps[i].values).reduce((a, b) => a + b, 0), 6);
          });
          expect(plain[1][2], label).toBeGreaterThan(0);
          if (deadTime) expect(plain[1][4], label).toBeGreaterThan(0);
        }
      }
    }
  });

  it('a stand-in isotope takes every pixel of the scans beside saturated ones, as defined (profiles and maps, kernel or not)', async () => {
    // Reference from the definition (minorIsotopeScans): a scan where 7Li saturates in any pixel,
    // and the scans either side, take factor × corrected 6Li at every pixel, σ = factor × σ(6Li),
    // unless 6Li is saturated too (then the pixel's 7Li, the lower bound where that saturates).
    // Other scans are 7Li as corrected. 7Li saturates from scan 4 on, in ~1 pixel in 8; 6Li in
    // ~1 pixel in 7. (Before, only the saturated pixels took max(lower bound, factor × 6Li).)
    const W = 37;
    const H = 29;
    const scans = 12;
    const shots = 40;
    const substitute = { ionIndex: 1, factor: 12.3 };
    const li7 = (z: number, i: number) => (i * 13 + z * 7) % (z < 4 ? shots : shots + 6);
    const li6 = (z: number, i: number) => (i * 5 + z) % (shots + 7);
    const meta = {
      name: 'stand-in', width: W, height: H, scans, pixelSizeNm: 100, pixelType: 'uint16' as const, scanPeriodS: 10, shotsPerPixel: shots,
      channels: [{ label: 'Li-', mz: 7.016 }, { label: '^6Li-', mz: 6.015 }],
    };
    const file = writeTiff([...omePages(meta, (c, z) => Float32Array.from({ length: W * H }, (_, i) => (c === 0 ? li7(z, i) : li6(z, i))))], { compression: 'none' });
    const fromMinor = (z: number) => z >= 3;
    let bothSaturated = 0;
    const pixel = (z: number, i: number): { value: number; variance: number } => {
      const major = correctCount(li7(z, i), shots);
      if (!fromMinor(z)) return { value: major.value, variance: major.sigma ** 2 };
      const minor = correctCount(li6(z, i), shots);
      if (minor.saturated) {
        if (major.saturated) bothSaturated++;
        return { value: major.value, variance: major.sigma ** 2 };
      }
      return { value: substitute.factor * minor.value, variance: (substitute.factor * minor.sigma) ** 2 };
    };
    const windows = [{ startS: -3, endS: 33.3 }, { startS: 33.3, endS: 200 }];
    for (const simd of [true, false]) {
      const stack = await openTiffStack(bytesSource('lithium.tif', file));
      const profile = await profileFromStack(stack, { shotsPerPixel: shots, ions: [0], substitute, simd });
      // Planes read one at a time (Float32, summed through per-pixel arrays): the very same sums.
      const planeByPlane = await profileFromStack({ ...stack, readPlanes: undefined } as IonStack, { shotsPerPixel: shots, ions: [0], substitute, simd });
      expect([Array.from(planeByPlane.counts[0]), Array.from(planeByPlane.sigma[0])]).toEqual([Array.from(profile.counts[0]), Array.from(profile.sigma[0])]);
      const maps = await windowMapsFromStack(stack, 0, windows, { shotsPerPixel: shots, substitute, simd });
      for (let z = 0; z < scans; z++) {
        let sum = 0;
        let variance = 0;
        for (let i = 0; i < W * H; i++) {
          const p = pixel(z, i);
          sum += p.value;
          variance += p.variance;
        }
        expect(profile.counts[0][z], `scan ${z}`).toBeCloseTo(sum, 8);
        expect(profile.sigma[0][z], `scan ${z}`).toBeCloseTo(Math.sqrt(variance), 8);
      }
      windows.forEach((win, j) => {
        const w = scanWeights(stack.timeS, win.startS, win.endS);
        for (let i = 0; i < W * H; i += 7) {
          let value = 0;
          let variance = 0;
          for (let z = 0; z < scans; z++) {
            const p = pixel(z, i);
            value += w[z] * p.value;
            variance += w[z] * w[z] * p.variance;
          }
          expect(maps.maps[j].values[i], `window ${j} pixel ${i}`).toBeCloseTo(value, 9);
          expect(maps.maps[j].variance[i], `window ${j} pixel ${i}`).toBeCloseTo(variance, 9);
        }
      });
      expect(profile.saturatedTotal).toBeGreaterThan(100);
      expect(Array.from(profile.minorIsotopeScans[0])).toEqual(Array.from({ length: scans }, (_, z) => (fromMinor(z) ? 1 : 0)));
      expect(maps.maps.reduce((a, m) => a + m.saturatedPixels, 0)).toBe(profile.saturatedTotal);
    }
    expect(bothSaturated).toBeGreaterThan(10);
  });

  it('binned volumes are the same to the last bit with and without the kernel: raw and corrected, saturated pixels, bins cut by the edges', async () => {
    const { file, shots, sources } = lithiumStack();
    const numbers = (v: Awaited<ReturnType<typeof binStackVolume>>) => [Array.from(v.data), v.min, v.max, v.saturatedPixels, v.binning];
    // 37 × 29 px in bins of 4 × 4 (the last column and row of bins hold fewer pixels), 12 scans
    // in slabs of 2; and unbinned.
    for (const size of [10, 64]) {
      for (const deadTime of [true, false]) {
        const options = { maxSize: size, maxVoxels: 1 << 20, shotsPerPixel: shots, deadTime };
        const plain = numbers(await binStackVolume(await openTiffStack(bytesSource('lithium.tif', file)), 0, { ...options, simd: false }));
        for (const source of sources()) expect(numbers(await binStackVolume(await openTiffStack(source), 0, options))).toEqual(plain);
        expect((plain[3] as number) > 0).toBe(deadTime);
      }
    }
  });

  it('a region of the field is binned as that region written as a stack of its own would be (kernel and JavaScript, raw and corrected)', async () => {
    const { file, shots } = lithiumStack();
    const W = 37;
    const H = 29;
    const region = { x0: 5, y0: 3, x1: 28, y1: 20 };
    const w = region.x1 - region.x0;
    const h = region.y1 - region.y0;
    const meta = {
      name: 'kernel', width: w, height: h, scans: 12, pixelSizeNm: 100, pixelType: 'uint16' as const, scanPeriodS: 10, shotsPerPixel: shots,
      channels: [{ label: 'Li-', mz: 7.016 }, { label: '^6Li-', mz: 6.015 }],
    };
    const whole = (c: number, z: number, i: number) => (c === 0 ? (i * 13 + z * 7) % (shots + 6) : (i * 5 + z) % 9);
    const cropAt = (c: number, z: number) => Float32Array.from({ length: w * h }, (_, k) => whole(c, z, (region.y0 + Math.floor(k / w)) * W + region.x0 + (k % w)));
    const croppedFile = writeTiff([...omePages(meta, cropAt)], { compression: 'none' });
    const numbers = (v: Awaited<ReturnType<typeof binStackVolume>>) => [Array.from(v.data), v.nx, v.ny, v.nz, v.min, v.max, v.saturatedPixels, v.binning];
    for (const [size, deadTime, simd] of [[8, true, true], [8, false, true], [64, true, false], [8, true, false]] as const) {
      const options = { maxSize: size, maxVoxels: 1 << 20, shotsPerPixel: shots, deadTime, simd };
      const alone = await binStackVolume(await openTiffStack(bytesSource('crop.tif', croppedFile)), 0, options);
      const inField = await binStackVolume(await openTiffStack(bytesSource('lithium.tif', file)), 0, { ...options, region });
      expect(numbers(inField)).toEqual(numbers(alone));
      expect(inField.region).toEqual(region);
    }
    // Clipped to the field, whole pixels; refused where it misses the field.
    const clipped = await binStackVolume(await openTiffStack(bytesSource('lithium.tif', file)), 0, { maxSize: 64, maxVoxels: 1 << 20, region: { x0: 30.5, y0: -4, x1: 60, y1: 2.2 } });
    expect(clipped.region).toEqual({ x0: 30, y0: 0, x1: W, y1: 3 });
    expect([clipped.nx, clipped.ny]).toEqual([7, 3]);
    await expect(binStackVolume(await openTiffStack(bytesSource('lithium.tif', file)), 0, { maxSize: 64, maxVoxels: 1 << 20, region: { x0: 40, y0: 0, x1: 50, y1: H } })).rejects.toThrow(/lithium\.tif: the region .* outside the 37×29 field/);
  });

  it('binned volume voxels are the means of their pixels, dead-time corrected one by one (bins cut by the edges included)', async () => {
    const { file, shots } = lithiumStack();
    const W = 37;
    const H = 29;
    const li7 = (z: number, i: number) => (i * 13 + z * 7) % (shots + 6);
    for (const simd of [true, false]) {
      const v = await binStackVolume(await openTiffStack(bytesSource('lithium.tif', file)), 0, { maxSize: 10, maxVoxels: 1 << 20, shotsPerPixel: shots, simd });
      const [bx, by, bz] = v.binning;
      expect([bx, by, bz]).toEqual([4, 4, 2]);
      for (let z = 0; z < v.nz; z++) {
        for (let j = 0; j < v.ny; j++) {
          for (let i = 0; i < v.nx; i++) {
            let sum = 0;
            let pixels = 0;
            for (let s = z * bz; s < Math.min(12, (z + 1) * bz); s++) {
              for (let y = j * by; y < Math.min(H, (j + 1) * by); y++) {
                for (let x = i * bx; x < Math.min(W, (i + 1) * bx); x++) {
                  sum += correctCount(li7(s, y * W + x), shots).value;
                  pixels++;
                }
              }
            }
            // The volume is float32 (a GPU texture): equal to its rounding, 2^-24 relative.
            const mean = sum / pixels;
            expect(Math.abs(v.data[(z * v.ny + j) * v.nx + i] - mean), `voxel ${i}, ${j}, ${z}`).toBeLessThanOrEqual(mean * 2 ** -24);
          }
        }
      }
    }
  });
});
