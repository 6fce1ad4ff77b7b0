import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readSemImage } from '../../../core/io/sem/index.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import { FormatError } from '../../../core/model/errors.js';
import { watchAllocations } from '../../helpers/fuzz.js';

// Compressions other than the bounded Deflate, LZW and PackBits (../tiff/boundedDecoders.test.ts).
// JPEG is read, but a strip's frame may claim no more than the strip: geotiff allocated whatever
// the frame header said (a 140-byte strip claiming 65535 × 65535 pixels ended the process). LERC,
// ZSTD, WebP and the rest are refused by name before geotiff's decoders see a byte: its LERC and
// ZSTD decoders allocated what a few hundred bytes claimed.

const W = 96;
const H = 72;

/** Flat 8 × 8 blocks, so that a JPEG of DC coefficients alone holds them exactly. */
function blocky(width = W, height = H): Uint8Array {
  const px = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px[y * width + x] = ((x >> 3) * 37 + (y >> 3) * 91 + 13) & 255;
  return px;
}

// ---- A baseline JPEG writer for flat blocks: grey, quantization 1, DC codes and an end of block ----

const segment = (marker: number, payload: number[]): number[] => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const DQT = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
/** The luminance DC table of ITU T.81 annex K. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
/** One AC code, '0', for `symbol` (0: end of block). */
const dhtAc = (symbol = 0): number[] => segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), symbol]);
const DHT = [...segment(0xc4, [0x00, ...DC_BITS, ...Array.from({ length: 12 }, (_, i) => i)]), ...dhtAc()];
const sof = (width: number, height: number, components: number[][] = [[1, 0x11, 0]], marker = 0xc0): number[] =>
  segment(marker, [8, height >> 8, height & 255, width >> 8, width & 255, components.length, ...components.flat()]);
const sos = (first = 0, last = 63): number[] => segment(0xda, [1, 1, 0x00, first, last, 0]);

/** Entropy-coded data of the `width` × `height` block at (x0, y0) of an image of flat 8 × 8 blocks. */
function scanData(px: Uint8Array, imageWidth: number, x0: number, y0: number, width: number, height: number): number[] {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  const put = (value: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++bits === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0);
        acc = 0;
        bits = 0;
      }
    }
  };
  const imageHeight = px.length / imageWidth;
  let pred = 0;
  for (let by = 0; by < Math.ceil(height / 8); by++) {
    for (let bx = 0; bx < Math.ceil(width / 8); bx++) {
      // Blocks past the image's edge repeat its last row and column, as encoders pad.
      const v = px[Math.min(imageHeight - 1, y0 + by * 8) * imageWidth + Math.min(imageWidth - 1, x0 + bx * 8)];
      const diff = 8 * (v - 128) - pred;
      pred += diff;
      const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      // Annex K's DC codes: size 0 is '00', 1 to 5 are '010' to '110', then '1110', '11110', …
      if (size === 0) put(0, 2);
      else if (size <= 5) put(size + 1, 3);
      else put((1 << (size - 2)) - 2, size - 2);
      if (size > 0) put(diff > 0 ? diff : diff + (1 << size) - 1, size);
      put(0, 1);
    }
  }
  if (bits > 0) put(0xff, 8 - bits);
  return bytes;
}

// ---- A little-endian TIFF of given strips or tiles ----

interface Tag {
  tag: number;
  /** 3 SHORT, 4 LONG, 7 UNDEFINED. */
  type: 3 | 4 | 7;
  values: ArrayLike<number>;
}

function tiff(tags: Tag[], blocks: Uint8Array[], tiled = false): Uint8Array {
  const offsetsTag = tiled ? 324 : 273;
  const offsets: Tag = { tag: offsetsTag, type: 4, values: blocks.map(() => 0) };
  const counts: Tag = { tag: tiled ? 325 : 279, type: 4, values: blocks.map((b) => b.length) };
  const all = [...tags, offsets, counts].sort((a, b) => a.tag - b.tag);
  const width = (t: Tag): number => (t.type === 3 ? 2 : t.type === 4 ? 4 : 1);
  // IFD, then the values that do not fit in their entry, then the blocks; each at an even offset.
  let end = 8 + 2 + 12 * all.length + 4;
  const place = (length: number): number => {
    const at = end;
    end += length + (length & 1);
    return at;
  };
  const valueAt = all.map((t) => (t.values.length * width(t) > 4 ? place(t.values.length * width(t)) : -1));
  const blockAt = blocks.map((b) => place(b.length));
  const out = new Uint8Array(end);
  const dv = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  dv.setUint16(8, all.length, true);
  all.forEach((t, i) => {
    const e = 10 + 12 * i;
    dv.setUint16(e, t.tag, true);
    dv.setUint16(e + 2, t.type, true);
    dv.setUint32(e + 4, t.values.length, true);
    if (valueAt[i] >= 0) dv.setUint32(e + 8, valueAt[i], true);
    let p = valueAt[i] >= 0 ? valueAt[i] : e + 8;
    for (const v of t.tag === offsetsTag ? blockAt : Array.from(t.values)) {
      if (t.type === 3) dv.setUint16(p, v, true);
      else if (t.type === 4) dv.setUint32(p, v, true);
      else out[p] = v;
      p += width(t);
    }
  });
  blocks.forEach((b, i) => out.set(b, blockAt[i]));
  return out;
}

/** A grey 8-bit `W` × `H` TIFF of `compression`, in strips of `rows`. */
function greyTiff(compression: number, strips: Uint8Array[], rows = H, extra: Tag[] = []): Uint8Array {
  return tiff(
    [
      { tag: 256, type: 4, values: [W] },
      { tag: 257, type: 4, values: [H] },
      { tag: 258, type: 3, values: [8] },
      { tag: 259, type: 3, values: [compression] },
      { tag: 262, type: 3, values: [1] },
      { tag: 277, type: 3, values: [1] },
      { tag: 278, type: 4, values: [rows] },
      ...extra,
    ],
    strips,
  );
}

const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
/** A one-strip JPEG image whose strip is SOI, `middle` and EOI. */
const jpegTiff = (...middle: number[][]): Uint8Array => greyTiff(7, [bytes(SOI, ...middle, EOI)]);

/** Bytes allocated while `fn` runs, in all (see watchAllocations). */
async function allocatedWhile(fn: () => Promise<unknown>): Promise<{ bytes: number; error?: unknown }> {
  const { totalBytes, error } = await watchAllocations(fn);
  return { bytes: totalBytes, error };
}

/** What a legitimate JPEG strip of this image allocates, and a margin: the bound for a refused one. */
const SMALL = 2 << 20;

async function expectRefusedSmall(tif: Uint8Array, message: RegExp): Promise<void> {
  const { bytes: allocated, error } = await allocatedWhile(() => readSemImage(tif, 'hostile.tif'));
  expect(allocated).toBeLessThan(SMALL);
  expect(error).toBeInstanceOf(FormatError);
  expect((error as FormatError).message).toMatch(/^hostile\.tif: /);
  expect((error as FormatError).message).toMatch(message);
}

const plainPixels = async (px: Uint8Array): Promise<number[]> => Array.from((await readSemImage(writeTiff([{ width: W, height: H, data: px }]), 'plain.tif')).pixels);

describe('JPEG (compression 7) SEM images', () => {
  it('reads a baseline JPEG strip as the image it encodes', async () => {
    const px = blocky();
    const tif = jpegTiff(DQT, sof(W, H), DHT, sos(), scanData(px, W, 0, 0, W, H));
    const { bytes: allocated, error } = await allocatedWhile(() => readSemImage(tif, 'jpeg.tif'));
    expect(error).toBeUndefined();
    expect(Array.from((await readSemImage(tif, 'jpeg.tif')).pixels)).toEqual(await plainPixels(px));
    expect(allocated).toBeLessThan(SMALL);
  });

  it('reads strips of 16 rows sharing JPEGTables (as libtiff writes them), the last strip shorter', async () => {
    const px = blocky();
    const strips = [];
    for (let y = 0; y < H; y += 16) {
      const rows = Math.min(16, H - y);
      strips.push(bytes(SOI, sof(W, rows), sos(), scanData(px, W, 0, y, W, rows), EOI));
    }
    const tif = greyTiff(7, strips, 16, [{ tag: 347, type: 7, values: bytes(SOI, DQT, DHT, EOI) }]);
    expect(Array.from((await readSemImage(tif, 'strips.tif')).pixels)).toEqual(await plainPixels(px));
  });

  it('reads 32 × 32 tiles, those past the edge padded', async () => {
    const px = blocky();
    const tiles = [];
    for (let y = 0; y < H; y += 32) for (let x = 0; x < W; x += 32) tiles.push(bytes(SOI, DQT, sof(32, 32), DHT, sos(), scanData(px, W, x, y, 32, 32), EOI));
    const tags: Tag[] = [
      { tag: 256, type: 4, values: [W] },
      { tag: 257, type: 4, values: [H] },
      { tag: 258, type: 3, values: [8] },
      { tag: 259, type: 3, values: [7] },
      { tag: 262, type: 3, values: [1] },
      { tag: 277, type: 3, values: [1] },
      { tag: 322, type: 4, values: [32] },
      { tag: 323, type: 4, values: [32] },
    ];
    expect(Array.from((await readSemImage(tiff(tags, tiles, true), 'tiles.tif')).pixels)).toEqual(await plainPixels(px));
  });

  // The refusals below allocated hundreds of MB without the check; 65535 × 65535 ended the process.
  it('refuses a strip whose frame claims more pixels than the strip, before allocating them', async () => {
    await expectRefusedSmall(jpegTiff(DQT, sof(8192, 8192), DHT, sos(), [0, 0]), /JPEG frame of 8192 × 8192 pixels in a strip of 96 × 72/);
    await expectRefusedSmall(jpegTiff(sof(W, H + 8)), /JPEG frame of 96 × 80 pixels in a strip of 96 × 72/);
  });

  it('refuses a frame of more blocks than its strip has bytes to code (geotiff decodes past the end as zeros)', async () => {
    // 4096 × 4096 pixels in 8 kB: within what the file may claim at 2048:1, but 262 144 blocks
    // need 64 kB at 2 bits each. geotiff's own raster of 16 MB is allocated; its frame of 67 MB not.
    const n = 4096;
    const tif = tiff(
      [
        { tag: 256, type: 4, values: [n] },
        { tag: 257, type: 4, values: [n] },
        { tag: 258, type: 3, values: [8] },
        { tag: 259, type: 3, values: [7] },
        { tag: 262, type: 3, values: [1] },
      ],
      [bytes(SOI, DQT, sof(n, n), DHT, sos(), new Array<number>(8200).fill(0x20), EOI)],
    );
    const { bytes: allocated, error } = await allocatedWhile(() => readSemImage(tif, 'hostile.tif'));
    expect(allocated).toBeLessThan(n * n + SMALL);
    expect((error as Error).message).toMatch(/JPEG frame of 4096 × 4096 pixels \(262144 blocks\) cannot be coded in 8\d{3} bytes/);
  });

  it('refuses a frame hidden past a DQT segment (geotiff reads the table past the length the segment gives)', async () => {
    const hidden = sof(8192, 8192);
    // The DQT claims one byte; geotiff reads a whole table of 64 more, into the comment, and
    // takes the bytes it lands on for the frame header. Walking the segments by their lengths
    // would see the comment and the real frame after it.
    const comment = [0xff, 0xfe, 0, 2 + 60 + hidden.length, ...new Array<number>(60).fill(0x20), ...hidden];
    const px = blocky();
    await expectRefusedSmall(jpegTiff([0xff, 0xdb, 0, 3, 0], comment, DQT, sof(W, H), DHT, sos(), scanData(px, W, 0, 0, W, H)), /JPEG frame of 8192 × 8192 pixels/);
  });

  it('refuses more than one frame in a strip (geotiff kept each)', async () => {
    await expectRefusedSmall(jpegTiff(...new Array<number[]>(2000).fill(sof(W, H))), /holds more than one frame/);
  });

  it('refuses a frame of more components than the strip has samples, or sampled more than 4 × 4', async () => {
    const many = Array.from({ length: 255 }, (_, i) => [i, 0xff, 0]);
    await expectRefusedSmall(jpegTiff(sof(W, H, many)), /JPEG frame of 255 components in a strip of 1 sample a pixel/);
    await expectRefusedSmall(jpegTiff(DQT, sof(W, H, [[1, 0xff, 0]])), /JPEG component sampled 15 × 15/);
  });

  it('refuses JPEGTables that hold a frame (geotiff allocated it for the tables alone)', async () => {
    const px = blocky();
    const tif = greyTiff(7, [bytes(SOI, sof(W, H), sos(), scanData(px, W, 0, 0, W, H), EOI)], H, [{ tag: 347, type: 7, values: bytes(SOI, DQT, sof(8192, 8192), DHT, EOI) }]);
    await expectRefusedSmall(tif, /JPEGTables hold a frame/);
  });

  it('refuses a progressive strip of more than 100 scans (each had geotiff walk the whole frame)', async () => {
    // Each scan is 13 bytes: an end-of-band run of 32 767 blocks, more than the frame has.
    const scan = [...sos(1, 63), 0x7f, 0xff, 0x00];
    const tif = tiff(
      [
        { tag: 256, type: 4, values: [1024] },
        { tag: 257, type: 4, values: [1024] },
        { tag: 258, type: 3, values: [8] },
        { tag: 259, type: 3, values: [7] },
        { tag: 262, type: 3, values: [1] },
      ],
      [bytes(SOI, DQT, sof(1024, 1024, [[1, 0x11, 0]], 0xc2), dhtAc(0xe0), ...new Array<number[]>(2000).fill(scan), EOI)],
    );
    await expect(readSemImage(tif, 'scans.tif')).rejects.toThrow(/holds more than 100 scans/);
  });

  it('refuses truncated and garbage strips with a FormatError', async () => {
    for (const strip of [bytes(SOI, DQT, [0xff, 0xc0, 0]), bytes([0xff, 0xd8, 0xff, 0xff, 0xc5, 0x12]), Uint8Array.from({ length: 3000 }, (_, i) => (i * 2654435761) >>> 24)]) {
      await expect(readSemImage(greyTiff(7, [strip]), 'broken.tif')).rejects.toBeInstanceOf(FormatError);
    }
  });
});

/** A LERC 2 blob (version 2: no checksum) of `width` × `height` bytes, all masked out. */
function lercBlob(width: number, height: number): Uint8Array {
  const out = new Uint8Array(6 + 4 + 8 + 16 + 24 + 4);
  const dv = new DataView(out.buffer);
  out.set(Array.from('Lerc2 ', (c) => c.charCodeAt(0)));
  [2, height, width, 0, 8, out.length, 1].forEach((v, i) => dv.setInt32(6 + 4 * i, v, true));
  dv.setFloat64(34, 0.5, true);
  return out;
}

/** A ZSTD frame of `blocks` RLE blocks of 128 kB, its content size in the header. */
function zstdFrame(blocks: number): Uint8Array {
  const out = [0x28, 0xb5, 0x2f, 0xfd, 0xe0];
  const size = BigInt(blocks) << 17n;
  for (let i = 0n; i < 8n; i++) out.push(Number((size >> (8n * i)) & 0xffn));
  for (let i = 0; i < blocks; i++) {
    const header = (i === blocks - 1 ? 1 : 0) | (1 << 1) | (1 << 20);
    out.push(header & 255, (header >> 8) & 255, header >> 16, 0);
  }
  return Uint8Array.from(out);
}

describe('compressions no SEM software writes', () => {
  it.each([
    [6, 'old-style JPEG', () => bytes(SOI, sof(W, H), EOI)],
    // 8192 × 8192 pixels claimed by 62 bytes: geotiff allocated them (60000 × 60000: 7.6 GB).
    [34887, 'LERC', () => lercBlob(8192, 8192)],
    // 64 MB of ZSTD content in 2 kB: geotiff decoded it all.
    [50000, 'ZSTD', () => zstdFrame(512)],
    [50001, 'WebP', () => bytes([0x52, 0x49, 0x46, 0x46, 0xff, 0xff, 0xff, 0x7f])],
    [3, 'CCITT Group 3', () => bytes([0, 1, 2, 3])],
  ] as const)('refuses compression %i (%s) by name, before decoding', async (compression, name, strip) => {
    const tif = greyTiff(compression, [strip()], H, [{ tag: 50674, type: 4, values: [4, 0] }]);
    const message = `hostile.tif: TIFF compression ${compression} (${name}) is not supported for SEM images`;
    await expectRefusedSmall(tif, new RegExp(`^${message.replace(/[.()]/g, '\\$&')}$`));
  });

  it('refuses an unknown compression by its number', async () => {
    await expect(readSemImage(greyTiff(12345, [bytes([0, 1, 2, 3])]), 'odd.tif')).rejects.toThrow(/^odd\.tif: TIFF compression 12345 is not supported for SEM images$/);
  });

  it('goes by the compression geotiff decodes with, whatever the tag type (LONG here)', async () => {
    // A private tag makes the file larger than the image, which it could then hold uncompressed.
    const tif = greyTiff(1, [zstdFrame(512)], H, [{ tag: 65000, type: 7, values: new Uint8Array(W * H) }]);
    const dv = new DataView(tif.buffer);
    const entry = 10 + 12 * 3; // tag 259: the fourth entry
    expect(dv.getUint16(entry, true)).toBe(259);
    dv.setUint16(entry + 2, 4, true);
    dv.setUint32(entry + 8, 50000, true);
    await expectRefusedSmall(tif, /TIFF compression 50000 \(ZSTD\) is not supported/);
  });

  it('still reads Deflate strips', async () => {
    const px = blocky();
    expect(Array.from((await readSemImage(greyTiff(8, [zlibSync(px)]), 'deflate.tif')).pixels)).toEqual(await plainPixels(px));
  });
});
