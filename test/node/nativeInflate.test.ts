import { zlibSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { inflateInto, useWholeStreamInflater } from '../../core/io/tiff/boundedDecoders.js';
import { inflateWhole } from '../../core/node/nativeInflate.js';
import { openFileSource } from '../../core/node/fileSource.js';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';

/** Runs, ramps and noise, as counts planes compress: some of it repeats, some does not. */
function sample(n: number, seed = 3): Uint8Array {
  let s = seed;
  const random = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  return Uint8Array.from({ length: n }, (_, i) => (i % 900 < 300 ? 0 : i % 900 < 600 ? i & 255 : Math.floor(random() * 256)));
}

/** What inflateInto makes of `stored` into `size` bytes: the count and the bytes, or the error. */
function outcome(stored: Uint8Array, size: number): { filled: number; bytes: number[] } | { error: string } {
  const out = new Uint8Array(size);
  try {
    const filled = inflateInto(stored, out);
    return { filled, bytes: Array.from(out) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe("inflateInto with Node's zlib first (nativeInflate.ts)", () => {
  afterEach(() => useWholeStreamInflater(inflateWhole));

  const data = sample(20_000);
  const good = zlibSync(data);
  const corrupt = good.slice();
  corrupt[40] ^= 0x55;
  const badChecksum = good.slice();
  badChecksum[badChecksum.length - 1] ^= 1;
  const cases: [string, Uint8Array, number][] = [
    ['a stream of exactly the output', good, 20_000],
    ['a stream shorter than the output', zlibSync(data.subarray(0, 7000)), 20_000],
    ['a stream longer than the output (its start is wanted)', good, 12_345],
    ['a stream cut short', good.subarray(0, good.length >> 1), 20_000],
    ['a stream with a bad checksum', badChecksum, 20_000],
    ['a damaged stream', corrupt, 20_000],
    ['bytes that are not zlib data', Uint8Array.from([1, 2, 3]), 20_000],
    ['no bytes', new Uint8Array(0), 100],
    ['a zero-length output', good, 0],
  ];
  it.each(cases)('gives what pako alone gives for %s', (_, stored, size) => {
    useWholeStreamInflater(null);
    const pakoAlone = outcome(stored, size);
    useWholeStreamInflater(inflateWhole);
    expect(outcome(stored, size)).toEqual(pakoAlone);
  });

  it('inflates good streams itself and leaves the rest to pako', () => {
    expect(inflateWhole(good, 20_000)?.length).toBe(20_000);
    expect(inflateWhole(good, 19_999)).toBeNull();
    expect(inflateWhole(badChecksum, 20_000)).toBeNull();
    expect(inflateWhole(good.subarray(0, 100), 20_000)).toBeNull();
  });

  it("reads the sample study's Deflate stack to the same planes as pako", async () => {
    let used = 0;
    const readAll = async (): Promise<Float32Array[]> => {
      const source = await openFileSource('samples/study/pristine/stack.ome.tif');
      try {
        const stack = await openTiffStack(source);
        const planes: Float32Array[] = [];
        for (let ion = 0; ion < stack.ions.length; ion++) for (let scan = 0; scan < stack.scans; scan += 7) planes.push((await stack.readPlane(ion, scan)).data.slice());
        return planes;
      } finally {
        await source.close();
      }
    };
    useWholeStreamInflater((stored, max) => {
      used++;
      return inflateWhole(stored, max);
    });
    const withZlib = await readAll();
    expect(used).toBeGreaterThan(100);
    useWholeStreamInflater(null);
    const withPako = await readAll();
    expect(withZlib.length).toBe(withPako.length);
    expect(withZlib.every((p, k) => p.length === withPako[k].length && p.every((v, i) => v === withPako[k][i]))).toBe(true);
  });
});
