import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../core/io/byteSource.js';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { u16Sums } from '../../core/sims/kernels/u16Sums.js';
import { windowMapsFromStack } from '../../core/sims/stack.js';
import { compiledKernels } from '../../scripts/kernels.js';

describe('SIMD sums of 16-bit planes (WebAssembly)', () => {
  it('the committed kernel bytes are what its .wat compiles to', async () => {
    for (const [path, text] of await compiledKernels()) expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('adds planes exactly, whole groups of eight and the rest, into separate sums', () => {
    for (const n of [1, 7, 8, 9, 1000, 4099]) {
      const sums = u16Sums(3, n);
      expect(sums).not.toBeNull();
      const want = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      for (let p = 0; p < 20; p++) {
        // Values over the whole 16-bit range, the top bit included (it must not read as a sign).
        const plane = Uint16Array.from({ length: n }, (_, k) => (k * 7919 + p * 104729) % 65536);
        sums!.add(p % 3, plane);
        for (let k = 0; k < n; k++) want[p % 3][k] += plane[k];
      }
      for (let i = 0; i < 3; i++) {
        expect(Array.from(sums!.sum(i))).toEqual(Array.from(want[i]));
      }
      sums!.release();
    }
    // A reused instance starts from zero.
    const again = u16Sums(1, 9)!;
    expect(Array.from(again.sum(0))).toEqual(new Array(9).fill(0));
  });

  it('window maps are the same to the last bit with and without the kernel', async () => {
    const W = 13;
    const H = 5;
    const pages = Array.from({ length: 11 }, (_, s) => ({ width: W, height: H, data: Uint16Array.from({ length: W * H }, (_, i) => (i * 31 + s * 977) % 60000) }));
    const stack = await openTiffStack(bytesSource('simd.tif', writeTiff(pages, { compression: 'none' })));
    const windows = [{ startS: -1, endS: 3.3 }, { startS: 3.3, endS: 7.5 }, { startS: 7.5, endS: 20 }];
    const a = await windowMapsFromStack(stack, 0, windows, { deadTime: false });
    const b = await windowMapsFromStack(stack, 0, windows, { deadTime: false, simd: false });
    expect(a.maps.map((m) => [Array.from(m.values), Array.from(m.variance), m.total, m.totalSigma])).toEqual(b.maps.map((m) => [Array.from(m.values), Array.from(m.variance), m.total, m.totalSigma]));
    expect(a.maps[1].total).toBeGreaterThan(0);
  });
});
