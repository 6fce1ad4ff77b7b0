import { zlibSync } from 'fflate';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { inflateInto, lzwInto, packBitsInto, useBoundedDecoders } from '../../../core/io/tiff/boundedDecoders.js';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';
import { lzwEncode, packBitsEncode } from './tiffTestUtil.js';

/** Runs, ramps and noise: strings long and short, and enough of them to fill the dictionary. */
function sample(n: number, seed = 1): Uint8Array {
  let s = seed;
  const random = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  return Uint8Array.from({ length: n }, (_, i) => (i % 3000 < 1000 ? 7 : i % 3000 < 2000 ? i & 255 : Math.floor(random() * 256)));
}

describe('lzwInto', () => {
  it('decodes what the reference encoder wrote, across Clears', () => {
    for (const n of [1, 2, 300, 5000, 200_000]) {
      const data = sample(n, n);
      const out = new Uint8Array(n);
      expect(lzwInto(lzwEncode(data), out)).toBe(n);
      expect(out.every((v, i) => v === data[i]), `${n} bytes`).toBe(true);
    }
  });

  it('stops once its output is full: a stream damaged past that point decodes, one read to its end would not', () => {
    const data = sample(20_000);
    const stream = lzwEncode(data);
    // Codes of all ones near the end: past the dictionary.
    stream.fill(0xff, stream.length - 8);
    expect(() => lzwInto(stream, new Uint8Array(data.length))).toThrow(/past the dictionary/);
    const half = new Uint8Array(10_000);
    expect(lzwInto(stream, half)).toBe(10_000);
    expect(half.every((v, i) => v === data[i])).toBe(true);
  });

  it('decodes a stream that uses the last dictionary codes, 4093 and 4094 (8 MB of zeros: geotiff\'s decoder ran out of heap on it)', () => {
    const out = new Uint8Array(8_000_000).fill(1);
    expect(lzwInto(lzwEncode(new Uint8Array(8_000_000)), out)).toBe(8_000_000);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('decodes an LZW bomb (a million zeros in a few kB) only as far as asked', () => {
    const stream = lzwEncode(new Uint8Array(1_000_000));
    expect(stream.length).toBeLessThan(20_000);
    const out = new Uint8Array(4096).fill(1);
    expect(lzwInto(stream, out)).toBe(4096);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('returns fewer bytes for a stream that ends early, and refuses codes it cannot have', () => {
    const data = sample(5000);
    expect(lzwInto(lzwEncode(data).subarray(0, 100), new Uint8Array(5000))).toBeLessThan(5000);
    // Clear (256), then code 300: nothing is in the dictionary yet.
    expect(() => lzwInto(Uint8Array.from([0x80, 0x4b, 0x00, 0x00]), new Uint8Array(10))).toThrow(/after a Clear/);
  });
});

describe('packBitsInto', () => {
  const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' '), (h) => parseInt(h, 16));
  it('decodes the example of the TIFF 6 specification', () => {
    const packed = hex('FE AA 02 80 00 2A FD AA 03 80 00 2A 22 F7 AA');
    const unpacked = hex('AA AA AA 80 00 2A AA AA AA AA 80 00 2A 22 AA AA AA AA AA AA AA AA AA AA');
    const out = new Uint8Array(unpacked.length);
    expect(packBitsInto(packed, out)).toBe(unpacked.length);
    expect(Array.from(out)).toEqual(Array.from(unpacked));
  });

  it('skips −128, decodes what the reference encoder wrote, and stops once its output is full', () => {
    const skipped = new Uint8Array(3);
    expect(packBitsInto(hex('80 00 07 80'), skipped)).toBe(1);
    expect(Array.from(skipped)).toEqual([7, 0, 0]);
    const data = sample(50_000);
    const out = new Uint8Array(data.length);
    expect(packBitsInto(packBitsEncode(data), out)).toBe(data.length);
    expect(out.every((v, i) => v === data[i])).toBe(true);
    // 10 000 runs of 128 bytes each from 20 kB: only the 100 bytes asked for are written.
    const bomb = new Uint8Array(20_000).map((_, i) => (i % 2 === 0 ? 0x81 : 9));
    const small = new Uint8Array(100);
    expect(packBitsInto(bomb, small)).toBe(100);
    expect(small.every((v) => v === 9)).toBe(true);
    // Cut short: what is there.
    expect(packBitsInto(hex('05 01 02'), new Uint8Array(6))).toBe(2);
  });
});

describe('inflateInto', () => {
  it('fills its output from a zlib stream, and says how much a short stream gave', () => {
    const data = sample(10_000);
    const out = new Uint8Array(10_000);
    expect(inflateInto(zlibSync(data), out)).toBe(10_000);
    expect(out.every((v, i) => v === data[i])).toBe(true);
    expect(inflateInto(zlibSync(data.subarray(0, 4000)), new Uint8Array(10_000))).toBe(4000);
    expect(() => inflateInto(Uint8Array.from([1, 2, 3]), out)).toThrow(/does not inflate/);
  });
});

describeShared('geotiff with the bounded decoders', () => {
  it('decodes a real LZW SEM image (JEOL) to the same pixels as its own decoder', async () => {
    const bytes = readSharedData('sem', 'jeol_4700F_example.tif');
    const decode = async (): Promise<number[]> => {
      const tiff = await fromArrayBuffer(bytes.slice().buffer);
      const [band] = (await (await tiff.getImage(0)).readRasters()) as unknown as ArrayLike<number>[];
      return Array.from(band);
    };
    // This file's module graph is its own: geotiff starts with its own decoders here.
    const own = await decode();
    useBoundedDecoders();
    const bounded = await decode();
    expect(bounded.length).toBe(own.length);
    expect(bounded.every((v, i) => v === own[i])).toBe(true);
  });
});
