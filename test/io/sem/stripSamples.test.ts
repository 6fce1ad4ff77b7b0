import { readdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { decodeGreyTiff } from '../../../core/io/sem/decode.js';
import { stripSamples } from '../../../core/io/sem/stripSamples.js';
import { readRawTags } from '../../../core/io/sem/tiffTags.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import { describeShared, readSharedData, sharedDataPath } from '../../helpers/sharedData.js';
import { tiffOf, type Tag } from './makeTiff.js';
import { lzwEncode, packBitsEncode } from '../tiff/tiffTestUtil.js';

/** The samples geotiff's general decoder gives (band 0): what the copy must equal. */
async function geotiffSamples(bytes: Uint8Array): Promise<number[]> {
  const image = await (await fromArrayBuffer(bytes.slice().buffer)).getImage(0);
  const [band] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  return Array.from(band);
}

function randomSamples(n: number, bits: 8 | 16, seed: number): Uint8Array | Uint16Array {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  return bits === 8 ? Uint8Array.from({ length: n }, () => next() & 0xff) : Uint16Array.from({ length: n }, () => next() & 0xffff);
}

/**
 * A grey TIFF of `rowsPerStrip`-row strips (the last one short where they do not divide the
 * height), each through `encode` (say which in `more`'s Compression tag).
 */
function stripTiff(width: number, height: number, pixels: Uint8Array | Uint16Array, rowsPerStrip: number, more: Tag[] = [], encode = (strip: Uint8Array): Uint8Array => strip): Uint8Array {
  const bytesPerRow = width * pixels.BYTES_PER_ELEMENT;
  const raw = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const strips: Uint8Array[] = [];
  for (let y = 0; y < height; y += rowsPerStrip) strips.push(encode(raw.slice(y * bytesPerRow, Math.min(height, y + rowsPerStrip) * bytesPerRow)));
  const given = new Set(more.map((t) => t.tag));
  const tags: Tag[] = [
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: [pixels.BYTES_PER_ELEMENT * 8] },
    { tag: 259, type: 3, values: [1] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 4, values: [rowsPerStrip] },
  ].filter((t) => !given.has(t.tag)) as Tag[];
  return tiffOf([...tags, ...more], strips);
}

/** A big-endian 16-bit grey TIFF in one strip (tiffOf writes little-endian only). */
function bigEndianGrey16(width: number, height: number, pixels: Uint16Array): Uint8Array {
  const entries: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 16],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // the strip's offset, set below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, 2 * width * height],
  ];
  const ifdBytes = 2 + 12 * entries.length + 4;
  const stripAt = 8 + ifdBytes;
  const out = new Uint8Array(stripAt + 2 * pixels.length);
  const dv = new DataView(out.buffer);
  out.set([0x4d, 0x4d, 0, 42, 0, 0, 0, 8]);
  dv.setUint16(8, entries.length, false);
  entries.forEach(([tag, type, value], i) => {
    const e = 10 + 12 * i;
    dv.setUint16(e, tag, false);
    dv.setUint16(e + 2, type, false);
    dv.setUint32(e + 4, 1, false);
    if (type === 3) dv.setUint16(e + 8, value, false);
    else dv.setUint32(e + 8, tag === 273 ? stripAt : value, false);
  });
  pixels.forEach((v, i) => dv.setUint16(stripAt + 2 * i, v, false));
  return out;
}

const copyOf = (bytes: Uint8Array, width: number, height: number) => stripSamples(bytes, readRawTags(bytes)!, width, height);

/** Predictor 2 on little-endian samples: each sample after a row's first stored as its difference from the one before. */
function differenced(pixels: Uint8Array | Uint16Array, width: number): Uint8Array | Uint16Array {
  const out = pixels.slice();
  for (let i = out.length - 1; i >= 0; i--) if (i % width !== 0) out[i] = out[i] - pixels[i - 1];
  return out;
}

describe('one-sample SEM TIFF strips are decoded straight into the image, not a value at a time', () => {
  it('gives geotiff’s samples: 8 and 16 bit, strips that do not divide the height, WhiteIsZero, big-endian', async () => {
    const [w, h] = [37, 29];
    const cases: [string, Uint8Array][] = [
      ['8-bit, 8 strips', stripTiff(w, h, randomSamples(w * h, 8, 1), 4)],
      ['16-bit, 3 strips', stripTiff(w, h, randomSamples(w * h, 16, 2), 10)],
      ['8-bit WhiteIsZero', stripTiff(w, h, randomSamples(w * h, 8, 3), 7, [{ tag: 262, type: 3, values: [0] }])],
      ['16-bit WhiteIsZero', stripTiff(w, h, randomSamples(w * h, 16, 4), h, [{ tag: 262, type: 3, values: [0] }])],
      ['16-bit big-endian', bigEndianGrey16(w, h, randomSamples(w * h, 16, 5) as Uint16Array)],
      ['writeTiff, 64 KiB strips', writeTiff([{ width: 300, height: 250, data: randomSamples(300 * 250, 16, 6) }])],
      ['8-bit Deflate', stripTiff(w, h, randomSamples(w * h, 8, 9), 5, [{ tag: 259, type: 3, values: [8] }], (b) => deflateSync(b))],
      ['16-bit Deflate, predictor', stripTiff(w, h, differenced(randomSamples(w * h, 16, 10), w), 6, [{ tag: 259, type: 3, values: [8] }, { tag: 317, type: 3, values: [2] }], (b) => deflateSync(b))],
      ['8-bit LZW, predictor', stripTiff(w, h, differenced(randomSamples(w * h, 8, 11), w), 9, [{ tag: 259, type: 3, values: [5] }, { tag: 317, type: 3, values: [2] }], lzwEncode)],
      ['8-bit PackBits', stripTiff(w, h, randomSamples(w * h, 8, 12), 4, [{ tag: 259, type: 3, values: [32773] }], packBitsEncode)],
    ];
    for (const [what, bytes] of cases) {
      const header = readRawTags(bytes)!;
      const width = what.startsWith('writeTiff') ? 300 : w;
      const height = what.startsWith('writeTiff') ? 250 : h;
      const copied = stripSamples(bytes, header, width, height);
      expect(copied, what).not.toBeNull();
      const samples = await geotiffSamples(bytes);
      expect(Array.from(copied!), what).toEqual(samples);
      // Through the reader's decode, which takes this path: WhiteIsZero inverted.
      const max = copied instanceof Uint16Array ? 65535 : 255;
      const whiteIsZero = what.includes('WhiteIsZero');
      expect(Array.from((await decodeGreyTiff(bytes, 'x.tif', header)).pixels), what).toEqual(samples.map((v) => (whiteIsZero ? max - v : v)));
    }
  });

  it('copies a palette image’s indices, which the reader maps through its colour map', async () => {
    const [w, h] = [23, 17];
    const indices = randomSamples(w * h, 8, 8) as Uint8Array;
    // A grey ramp in the map's three channels, as Zeiss and JEOL write it, but scrambled: the map must be applied.
    const level = (i: number): number => ((i * 37) % 256) * 257;
    const colourMap = [...Array.from({ length: 256 }, (_, i) => level(i)), ...Array.from({ length: 256 }, (_, i) => level(i)), ...Array.from({ length: 256 }, (_, i) => level(i))];
    const bytes = stripTiff(w, h, indices, 6, [{ tag: 262, type: 3, values: [3] }, { tag: 320, type: 3, values: colourMap }]);
    const header = readRawTags(bytes)!;
    const copied = stripSamples(bytes, header, w, h);
    expect(Array.from(copied!)).toEqual(await geotiffSamples(bytes));
    expect(Array.from((await decodeGreyTiff(bytes, 'x.tif', header)).pixels)).toEqual(Array.from(indices, (i) => (i * 37) % 256));
  });

  it('leaves everything else to geotiff: JPEG, a float predictor, colour, tiled, signed, strips past the end of the file or not decoding to their rows', () => {
    const [w, h] = [16, 12];
    const grey = randomSamples(w * h, 8, 7);
    expect(copyOf(stripTiff(w, h, grey, h, [{ tag: 259, type: 3, values: [7] }]), w, h)).toBeNull();
    expect(copyOf(stripTiff(w, h, grey, h, [{ tag: 317, type: 3, values: [3] }]), w, h)).toBeNull();
    expect(copyOf(stripTiff(w, h, grey, h, [{ tag: 277, type: 3, values: [3] }, { tag: 262, type: 3, values: [2] }]), w, h)).toBeNull();
    expect(copyOf(stripTiff(w, h, grey, h, [{ tag: 339, type: 3, values: [2] }]), w, h)).toBeNull();
    expect(copyOf(stripTiff(w, h, grey, h, [{ tag: 322, type: 4, values: [16] }]), w, h)).toBeNull();
    expect(copyOf(stripTiff(w, h, grey, h, [{ tag: 262, type: 3, values: [1] }]).subarray(0, 200), w, h)).toBeNull();
    // Strips that do not match the rows they must hold.
    expect(copyOf(stripTiff(w, h, grey, 5), w, h + 5)).toBeNull();
  });

  it('refuses a strip that is not a stream of its codec, or holds fewer bytes than its rows, saying which', async () => {
    const [w, h] = [16, 12];
    const grey = randomSamples(w * h, 8, 13);
    const deflated = [{ tag: 259, type: 3, values: [8] }] as Tag[];
    expect(() => copyOf(stripTiff(w, h, grey, 4, deflated, (b) => b), w, h)).toThrow(/^strip 1 of 3: /);
    expect(() => copyOf(stripTiff(w, h, grey, 4, deflated, (b) => deflateSync(b.subarray(0, 40))), w, h)).toThrow('strip 1 of 3 holds 40 of the 64 bytes of its 4 rows');
    // Through the reader: a FormatError naming the file.
    const bytes = stripTiff(w, h, grey, 4, [{ tag: 259, type: 3, values: [32773] }], (b) => packBitsEncode(b.subarray(0, 10)));
    await expect(decodeGreyTiff(bytes, 'short.tif', readRawTags(bytes)!)).rejects.toThrow('short.tif: TIFF pixels could not be decoded (strip 1 of 3 holds 10 of the 64 bytes of its 4 rows)');
  });
});

describeShared('one-sample SEM TIFF strips on real instrument files', () => {
  it('gives geotiff’s samples for every file', async () => {
    const taken: string[] = [];
    for (const name of readdirSync(sharedDataPath('sem')).filter((n) => n.endsWith('.tif')).sort()) {
      const bytes = new Uint8Array(readSharedData('sem', name));
      const header = readRawTags(bytes)!;
      const image = await (await fromArrayBuffer(bytes.slice().buffer)).getImage(0);
      const copied = stripSamples(bytes, header, image.getWidth(), image.getHeight());
      if (!copied) continue;
      taken.push(name);
      expect(Array.from(copied), name).toEqual(await geotiffSamples(bytes));
    }
    // FEI/Thermo and Tescan save uncompressed grey, Zeiss an uncompressed palette, this JEOL file an LZW palette.
    expect(taken).toEqual(['fei_helios_ebeam_8bits.tif', 'jeol_4700F_example.tif', 'tescan_mira3_example.tif', 'tfs_scios_example.tif', 'zeiss_crossbeam550_example.tif', 'zeiss_ultra55_512pix.tif']);
  });
});
