import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readSemImage } from '../../../core/io/sem/index.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import { FormatError } from '../../../core/model/errors.js';
import { watchAllocations } from '../../helpers/fuzz.js';
import { tiffOf } from './makeTiff.js';
import { W, H, blocky, SOI, EOI, DQT, dhtAc, DHT, sof, sos, scanData, greyTiff, bytes, jpegImageTiff, jpegTablesTiff, jpegTiff, jpegTilesTiff } from './jpegTiff.js';

// Compressions other than the bounded Deflate, LZW and PackBits (../tiff/boundedDecoders.test.ts).
// JPEG is read, but a strip's frame may claim no more than the strip: geotiff allocated whatever
// the frame header said (a 140-byte strip claiming 65535 × 65535 pixels ended the process). LERC,
// ZSTD, WebP and the rest are refused by name before geotiff's decoders see a byte: its LERC and
// ZSTD decoders allocated what a few hundred bytes claimed.

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
    const tif = jpegImageTiff(px);
    const { bytes: allocated, error } = await allocatedWhile(() => readSemImage(tif, 'jpeg.tif'));
    expect(error).toBeUndefined();
    expect(Array.from((await readSemImage(tif, 'jpeg.tif')).pixels)).toEqual(await plainPixels(px));
    expect(allocated).toBeLessThan(SMALL);
  });

  it('reads strips of 16 rows sharing JPEGTables (as libtiff writes them), the last strip shorter', async () => {
    const px = blocky();
    const tif = jpegTablesTiff(px, 16);
    expect(Array.from((await readSemImage(tif, 'strips.tif')).pixels)).toEqual(await plainPixels(px));
  });

  it('reads 32 × 32 tiles, those past the edge padded', async () => {
    const px = blocky();
    const tiles = [];
    for (let y = 0; y < H; y += 32) for (let x = 0; x < W; x += 32) tiles.push(bytes(SOI, DQT, sof(32, 32), DHT, sos(), scanData(px, W, x, y, 32, 32), EOI));
    expect(Array.from((await readSemImage(jpegTilesTiff(tiles), 'tiles.tif')).pixels)).toEqual(await plainPixels(px));
  });

  // The refusals below allocated hundreds of MB without the check; 65535 × 65535 ended the process.
  it('refuses a strip whose frame claims more pixels than the strip, before allocating them', async () => {
    await expectRefusedSmall(jpegTiff(DQT, sof(8192, 8192), DHT, sos(), [0, 0]), /JPEG frame of 8192 × 8192 pixels in a strip of 96 × 72/);
    await expectRefusedSmall(jpegTiff(sof(W, H + 8)), /JPEG frame of 96 × 80 pixels in a strip of 96 × 72/);
  });

  it('refuses a frame narrower than its strip, or short of its tile, saying so (geotiff read past its end)', async () => {
    const px = blocky();
    const narrow = jpegTiff(DQT, sof(W - 16, H), DHT, sos(), scanData(px, W, 0, 0, W - 16, H));
    await expect(readSemImage(narrow, 'narrow.tif')).rejects.toThrow(/^narrow\.tif: .*JPEG frame of 80 × 72 pixels does not fill its strip of 96 × 72/);
    const tiles = [];
    for (let y = 0; y < H; y += 32) for (let x = 0; x < W; x += 32) tiles.push(bytes(SOI, DQT, sof(32, 16), DHT, sos(), scanData(px, W, x, y, 32, 16), EOI));
    await expect(readSemImage(jpegTilesTiff(tiles), 'short.tif')).rejects.toThrow(/JPEG frame of 32 × 16 pixels does not fill its tile of 32 × 32/);
  });

  it('refuses a frame of more blocks than its strip has bytes to code (geotiff decodes past the end as zeros)', async () => {
    // 4096 × 4096 pixels in 8 kB: within what the file may claim at 2048:1, but 262 144 blocks
    // need 64 kB at 2 bits each. geotiff's own raster of 16 MB is allocated; its frame of 67 MB not.
    const n = 4096;
    const tif = tiffOf(
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
    const tif = tiffOf(
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

describe('SEM image size', () => {
  it('refuses more than 16384² pixels before decoding: a 1 MB Deflate strip of 32000² took 38 s and 3 GB', async () => {
    const side = 32000;
    // One strip of zeros, deflated: about a thousandth of its decoded size.
    const strip = zlibSync(new Uint8Array(side * 64));
    const tags = [
      { tag: 256, type: 4 as const, values: [side] },
      { tag: 257, type: 4 as const, values: [side] },
      { tag: 258, type: 3 as const, values: [8] },
      { tag: 259, type: 3 as const, values: [8] },
      { tag: 262, type: 3 as const, values: [1] },
      { tag: 277, type: 3 as const, values: [1] },
      { tag: 278, type: 4 as const, values: [side] },
    ];
    await expectRefusedSmall(tiffOf(tags, [strip]), /SEM image: header claims 1024000000 elements \(3\.8 GiB\), more than the 1 GiB read: refused/);
  });
});
