import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { openTiffStack } from '../../../core/io/sims/tiffStack.js';
import { FormatError } from '../../../core/model/errors.js';
import type { IonStack } from '../../../core/model/ionStack.js';
import { hasPlaneRuns, ionPlanes } from '../../../core/sims/planeRuns.js';
import { profileFromStack } from '../../../core/sims/stackProfile.js';
import { windowMapsFromStack } from '../../../core/sims/windowMaps.js';
import { binStackVolume } from '../../../core/sims/volume.js';
import { correctCount } from '../../../core/sims/deadTime.js';
import { scanWeights } from '../../../core/sims/windows.js';
import { recordingSource } from './tiffTestUtil.js';

/**
 * A small TIFF writer for the reader's fast paths: either byte order, 8/16/32-bit integers and
 * 32/64-bit floats, several strips per page, and strips placed apart (`gap` bytes between
 * them) so a page whose strips are not back to back can be made.
 */
interface Spec {
  le: boolean;
  bits: 8 | 16 | 32 | 64;
  format: 1 | 2 | 3;
  width: number;
  height: number;
  pages: number;
  rowsPerStrip: number;
  gap?: number;
}

function value(spec: Spec, page: number, i: number): number {
  const v = (page * 37 + i * 11) % 120;
  return spec.format === 2 ? v - 60 : spec.format === 3 ? v + 0.25 : v;
}

function buildTiff(spec: Spec): Uint8Array {
  const { le, bits, format, width, height, pages, rowsPerStrip } = spec;
  const gap = spec.gap ?? 0;
  const bps = bits / 8;
  const strips = Math.ceil(height / rowsPerStrip);
  const entries = 10;
  const ifdBytes = 2 + entries * 12 + 4;
  const arrays = strips > 1 ? 2 * strips * 4 : 0;
  const pixelBytes = width * height * bps + gap * (strips - 1);
  const pageBytes = ifdBytes + arrays + pixelBytes + (gap ? 2 : 0);
  const out = new Uint8Array(8 + pages * pageBytes);
  const dv = new DataView(out.buffer);
  out[0] = out[1] = le ? 0x49 : 0x4d;
  dv.setUint16(2, 42, le);
  dv.setUint32(4, 8, le);
  for (let p = 0; p < pages; p++) {
    const at = 8 + p * pageBytes;
    const arraysAt = at + ifdBytes;
    const pixelsAt = arraysAt + arrays;
    const stripOffsets: number[] = [];
    const stripCounts: number[] = [];
    let cursor = pixelsAt;
    for (let s = 0; s < strips; s++) {
      const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
      stripOffsets.push(cursor);
      stripCounts.push(rows * width * bps);
      for (let k = 0; k < rows * width; k++) {
        const i = s * rowsPerStrip * width + k;
        const o = cursor + k * bps;
        const v = value(spec, p, i);
        if (format === 3) bits === 32 ? dv.setFloat32(o, v, le) : dv.setFloat64(o, v, le);
        else if (bits === 8) dv.setUint8(o, v & 0xff);
        else if (bits === 16) dv.setUint16(o, v & 0xffff, le);
        else dv.setUint32(o, v >>> 0, le);
      }
      cursor += rows * width * bps + gap;
    }
    const tags: Array<[number, number, number[] | number]> = [
      [256, 4, width],
      [257, 4, height],
      [258, 3, bits],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, stripOffsets],
      [277, 3, 1],
      [278, 4, rowsPerStrip],
      [279, 4, stripCounts],
      [339, 3, format],
    ];
    dv.setUint16(at, entries, le);
    let arrayCursor = arraysAt;
    tags.forEach(([tag, type, v], i) => {
      const e = at + 2 + i * 12;
      const values = typeof v === 'number' ? [v] : v;
      dv.setUint16(e, tag, le);
      dv.setUint16(e + 2, type, le);
      dv.setUint32(e + 4, values.length, le);
      const write = (o: number, x: number): void => (type === 3 ? dv.setUint16(o, x, le) : dv.setUint32(o, x, le));
      if (values.length * (type === 3 ? 2 : 4) <= 4) write(e + 8, values[0]);
      else {
        dv.setUint32(e + 8, arrayCursor, le);
        values.forEach((x, j) => write(arrayCursor + j * 4, x));
        arrayCursor += values.length * 4;
      }
    });
    dv.setUint32(at + 2 + entries * 12, p === pages - 1 ? 0 : at + pageBytes, le);
  }
  return out;
}

const expected = (spec: Spec, page: number): number[] => Array.from({ length: spec.width * spec.height }, (_, i) => Math.fround(value(spec, page, i)));

async function runValues(stack: IonStack, scanStart: number, count: number): Promise<number[][]> {
  if (!hasPlaneRuns(stack)) throw new Error('no readPlanes');
  const run = await stack.readPlanes(0, scanStart, count);
  const n = stack.width * stack.height;
  return Array.from({ length: count }, (_, k) => Array.from(run.data.subarray(run.starts[k], run.starts[k] + n)));
}

const base = { width: 5, height: 7, pages: 4, rowsPerStrip: 3 } as const;
const kinds: Array<Pick<Spec, 'bits' | 'format'>> = [
  { bits: 8, format: 1 },
  { bits: 8, format: 2 },
  { bits: 16, format: 1 },
  { bits: 16, format: 2 },
  { bits: 32, format: 1 },
  { bits: 32, format: 2 },
  { bits: 32, format: 3 },
  { bits: 64, format: 3 },
];

describe('uncompressed stacks: one read per plane, one read per run of planes', () => {
  for (const le of [true, false]) {
    for (const kind of kinds) {
      const spec: Spec = { ...base, ...kind, le };
      it(`${le ? 'little' : 'big'}-endian ${kind.bits}-bit format ${kind.format}, three strips a page: planes and runs hold the file's values`, async () => {
        const file = buildTiff(spec);
        const source = recordingSource('runs.tif', file);
        const stack = await openTiffStack(source);
        expect(stack.scans).toBe(spec.pages);
        for (let s = 0; s < spec.pages; s++) expect(Array.from((await stack.readPlane(0, s)).data)).toEqual(expected(spec, s));
        source.reads.length = 0;
        const runs = await runValues(stack, 1, 3);
        expect(runs).toEqual([1, 2, 3].map((s) => expected(spec, s)));
        // Pages share one layout: the whole run is one read, no tag is read again.
        expect(source.reads.length).toBe(1);
        source.reads.length = 0;
        await stack.readPlane(0, 2);
        expect(source.reads.length).toBe(1);
      });
    }
  }

  it('a page whose strips are not back to back is read the careful way, with the same values', async () => {
    const spec: Spec = { ...base, bits: 16, format: 1, le: true, gap: 6 };
    const stack = await openTiffStack(bytesSource('gaps.tif', buildTiff(spec)));
    for (let s = 0; s < spec.pages; s++) expect(Array.from((await stack.readPlane(0, s)).data)).toEqual(expected(spec, s));
    expect(await runValues(stack, 0, 4)).toEqual([0, 1, 2, 3].map((s) => expected(spec, s)));
  });

  it('a later page that stores fewer bytes than it claims is still refused with a FormatError, by plane and by run', async () => {
    const spec: Spec = { ...base, bits: 16, format: 1, le: true };
    const file = buildTiff(spec);
    const dv = new DataView(file.buffer);
    // Page 2's first strip count (out of line, right after its IFD) cut to 2 bytes.
    const page2 = dv.getUint32(8 + 2 + 10 * 12, true);
    const ifd2 = dv.getUint32(page2 + 2 + 10 * 12, true);
    const countsAt = dv.getUint32(ifd2 + 2 + 8 * 12 + 8, true);
    dv.setUint32(countsAt, 2, true);
    const stack = await openTiffStack(bytesSource('short.tif', file));
    expect(Array.from((await stack.readPlane(0, 1)).data)).toEqual(expected(spec, 1));
    await expect(stack.readPlane(0, 2)).rejects.toThrow(FormatError);
    await expect(runValues(stack, 1, 3)).rejects.toThrow(FormatError);
  });

  it('a truncated file gives a FormatError for the planes past its end', async () => {
    const spec: Spec = { ...base, bits: 16, format: 1, le: true };
    const file = buildTiff(spec);
    const stack = await openTiffStack(bytesSource('cut.tif', file));
    const cutStack = await openTiffStack({ ...bytesSource('cut.tif', file), size: file.length - 10, read: async (o, l) => file.subarray(o, Math.min(file.length - 10, o + l)) }).catch((e: unknown) => e);
    expect(stack.scans).toBe(4);
    // Either refused at open (the last page's pixels lie past the end) or when that page is read.
    if (cutStack instanceof Error) expect(cutStack).toBeInstanceOf(FormatError);
    else await expect((cutStack as IonStack).readPlane(0, 3)).rejects.toThrow(FormatError);
  });
});

describe('reductions give the same numbers with and without runs of planes', () => {
  const spec: Spec = { width: 6, height: 4, pages: 12, rowsPerStrip: 2, bits: 16, format: 1, le: true };
  const planeOnly = (stack: IonStack): IonStack => ({ ...stack, readPlane: stack.readPlane, readPlanes: undefined } as IonStack);

  it('window maps, profiles and the binned volume, raw and dead-time corrected', async () => {
    const stack = await openTiffStack(bytesSource('same.tif', buildTiff(spec)));
    expect(hasPlaneRuns(stack)).toBe(true);
    expect(hasPlaneRuns(planeOnly(stack))).toBe(false);
    const windows = [{ startS: 0, endS: 3.5 }, { startS: 3.5, endS: 8 }, { startS: 8, endS: 12 }];
    for (const deadTime of [false, true]) {
      const opts = { shotsPerPixel: 100, deadTime };
      const a = await windowMapsFromStack(stack, 0, windows, opts);
      const b = await windowMapsFromStack(planeOnly(stack), 0, windows, opts);
      expect(a.maps.map((m) => [Array.from(m.values), Array.from(m.variance), m.total, m.saturatedPixels])).toEqual(b.maps.map((m) => [Array.from(m.values), Array.from(m.variance), m.total, m.saturatedPixels]));
      expect(a.maps[0].total).toBeGreaterThan(0);
      const p = await profileFromStack(stack, opts);
      const q = await profileFromStack(planeOnly(stack), opts);
      expect([Array.from(p.counts[0]), Array.from(p.sigma[0]), p.saturatedTotal]).toEqual([Array.from(q.counts[0]), Array.from(q.sigma[0]), q.saturatedTotal]);
    }
    // Volumes: read in runs and plane by plane, with and without the dead-time correction.
    for (const deadTime of [true, false]) {
      const opts = { maxSize: 3, maxVoxels: 100, shotsPerPixel: 100, deadTime };
      const v = await binStackVolume(stack, 0, opts);
      const w = await binStackVolume(planeOnly(stack), 0, opts);
      expect([Array.from(v.data), v.min, v.max, v.saturatedPixels]).toEqual([Array.from(w.data), w.min, w.max, w.saturatedPixels]);
      expect(v.saturatedPixels > 0).toBe(deadTime);
    }
  });

  it('window maps match a plain per-pixel sum (fractional boundary scans, ROI or none, raw and corrected)', async () => {
    // Reference: every pixel of every scan corrected alone (correctCount) and summed with the
    // scan's window weight w (values) and w² (variance), outside the ROI nothing.
    const stack = await openTiffStack(bytesSource('ref.tif', buildTiff(spec)));
    const windows = [{ startS: 0.25, endS: 3.5 }, { startS: 3.5, endS: 11.6 }];
    const rect = { kind: 'rect' as const, x0: 1, y0: 1, x1: 5, y1: 3 };
    for (const roi of [undefined, rect]) {
      for (const deadTime of [false, true]) {
        const shots = 100;
        const got = await windowMapsFromStack(stack, 0, windows, { shotsPerPixel: shots, deadTime, roi });
        windows.forEach((win, j) => {
          const w = scanWeights(stack.timeS, win.startS, win.endS);
          const values = new Float64Array(24);
          const variance = new Float64Array(24);
          for (let s = 0; s < stack.scans; s++) {
            for (let i = 0; i < 24; i++) {
              const x = i % 6;
              const y = Math.floor(i / 6);
              if (roi && !(x >= 1 && x < 5 && y >= 1 && y < 3)) continue;
              const raw = value(spec, s, i);
              const c = deadTime ? correctCount(raw, shots) : { value: raw, sigma: Math.sqrt(raw) };
              values[i] += w[s] * c.value;
              variance[i] += w[s] * w[s] * c.sigma * c.sigma;
            }
          }
          const map = got.maps[j];
          for (let i = 0; i < 24; i++) {
            expect(map.values[i]).toBeCloseTo(values[i], 9);
            expect(map.variance[i]).toBeCloseTo(variance[i], 9);
          }
          expect(map.total).toBeCloseTo(values.reduce((a, b) => a + b, 0), 8);
          expect(map.totalSigma).toBeCloseTo(Math.sqrt(variance.reduce((a, b) => a + b, 0)), 8);
        });
        // The windows cut scans in parts: the fractional path was taken as well as w = 1.
        const w0 = Array.from(scanWeights(stack.timeS, windows[0].startS, windows[0].endS));
        expect(w0.some((x) => x > 0 && x < 1) && w0.includes(1)).toBe(true);
      }
    }
  });

  it('binned volume voxels are the means of their pixels (dead time off), slab by slab', async () => {
    const stack = await openTiffStack(bytesSource('vol.tif', buildTiff(spec)));
    const v = await binStackVolume(stack, 0, { maxSize: 4, maxVoxels: 1000 });
    expect([v.nx, v.ny, v.nz, ...v.binning]).toEqual([3, 2, 4, 2, 2, 3]);
    // Voxel (x 0, y 0, z 1): pixels x 0–1, y 0–1 of scans 3–5.
    let sum = 0;
    for (let s = 3; s < 6; s++) for (const i of [0, 1, 6, 7]) sum += Math.fround(value(spec, s, i));
    expect(v.data[1 * 6]).toBeCloseTo(sum / 12, 4);
  });

  it('a range of scans binned alone: the same voxels as the whole stack there, finer bins for the same budget', async () => {
    const stack = await openTiffStack(bytesSource('range.tif', buildTiff(spec)));
    const whole = await binStackVolume(stack, 0, { maxSize: 64, maxVoxels: 10_000, shotsPerPixel: 100 });
    const part = await binStackVolume(stack, 0, { maxSize: 64, maxVoxels: 10_000, shotsPerPixel: 100, scanRange: [3, 9] });
    expect(whole.binning).toEqual([1, 1, 1]);
    expect([part.nz, part.scanRange, part.zTimeS[0][0], part.zTimeS[5][1]]).toEqual([6, [3, 9], stack.timeS[3], stack.timeS[8]]);
    expect(Array.from(part.data)).toEqual(Array.from(whole.data.subarray(3 * 24, 9 * 24)));
    // A budget that bins the whole stack 2× in depth leaves the range at full depth resolution.
    const coarse = await binStackVolume(stack, 0, { maxSize: 6, maxVoxels: 10_000 });
    const fine = await binStackVolume(stack, 0, { maxSize: 6, maxVoxels: 10_000, scanRange: [3, 9] });
    expect([coarse.binning[2], fine.binning[2]]).toEqual([2, 1]);
    await expect(binStackVolume(stack, 0, { maxSize: 6, maxVoxels: 100, scanRange: [9, 3] })).rejects.toThrow(RangeError);
  });

  it('an aborted signal stops a reduction with its reason', async () => {
    const stack = await openTiffStack(bytesSource('abort.tif', buildTiff(spec)));
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(windowMapsFromStack(stack, 0, [{ startS: 0, endS: 12 }], { signal: controller.signal })).rejects.toThrow('cancelled by the user');
    await expect(profileFromStack(stack, { signal: controller.signal })).rejects.toThrow('cancelled by the user');
    await expect(binStackVolume(stack, 0, { maxSize: 4, maxVoxels: 100, signal: controller.signal })).rejects.toThrow('cancelled by the user');
    const scans: number[] = [];
    const later = new AbortController();
    await expect(
      (async () => {
        for await (const p of ionPlanes(stack, 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], later.signal)) {
          scans.push(p.scan);
          later.abort(new Error('stop'));
        }
      })(),
    ).rejects.toThrow('stop');
    // Planes of the run already read may still come; no further read is made.
    expect(scans.length).toBeLessThan(12);
  });
});

describe('runs read ahead into two buffers', () => {
  // 512 × 512 16-bit planes: 16 to a run (RUN_BYTES), so 40 scans make three runs and the next
  // run is being read while one is in use.
  const spec: Spec = { width: 512, height: 512, pages: 40, rowsPerStrip: 512, bits: 16, format: 1, le: true };
  const file = buildTiff(spec);
  const n = spec.width * spec.height;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  /** A source that copies into the caller's buffer (as files do), the second copy slowly. */
  function slowSource(delays: number[]) {
    let calls = 0;
    const inner = bytesSource('ahead.tif', file);
    return {
      ...inner,
      async readInto(offset: number, target: Uint8Array): Promise<number> {
        await sleep(delays[calls++] ?? 0);
        const bytes = file.subarray(offset, Math.min(file.length, offset + target.byteLength));
        target.set(bytes);
        return bytes.byteLength;
      },
    };
  }

  it('a pass left early lets its read-ahead land before the buffers serve the next pass', async () => {
    const source = slowSource([0, 80]);
    const stack = await openTiffStack(source);
    const scans = Array.from({ length: 40 }, (_, s) => s);
    // Leave after the first plane: the second run's read (slow) is in flight.
    for await (const p of ionPlanes(stack, 0, scans)) {
      expect(p.scan).toBe(0);
      break;
    }
    let checked = 0;
    for await (const { scan, raw, base } of ionPlanes(stack, 0, scans)) {
      // Slow consumer: were the late write let into a buffer in use, it would land meanwhile.
      if (scan < 16) await sleep(6);
      for (const i of [0, 1, 777, n - 1]) expect(raw[base + i]).toBe(value(spec, scan, i));
      checked++;
    }
    expect(checked).toBe(40);
  });
});
