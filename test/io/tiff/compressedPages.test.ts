import { readFileSync } from 'node:fs';
import { zlibSync } from 'fflate';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { openTiffStack } from '../../../core/io/sims/tiffStack.js';
import { undoHorizontalDifferencing } from '../../../core/io/tiff/compressedPages.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import type { TiffPixels } from '../../../core/io/tiff/writeTiff.js';
import { FormatError } from '../../../core/model/errors.js';
import type { PlaneRunReader } from '../../../core/model/ionStack.js';
import { watchAllocations } from '../../helpers/fuzz.js';
import { ifdOffsets, lzwEncode, packBitsEncode, patchTag, recompressed, withStrip } from './tiffTestUtil.js';

const W = 24;
const H = 10;

/** Values that change along rows and between pages, with wrap-arounds for the differences. */
function values(page: number, max: number): number[] {
  return Array.from({ length: W * H }, (_, i) => (page * 7919 + i * i * 31 + (i % 5) * 1000) % (max + 1));
}

/** Each row's samples as differences from the one before (TIFF Predictor 2), modulo 2^bits. */
function differenced<T extends Uint8Array | Uint16Array>(data: T): T {
  const out = data.slice() as T;
  for (let y = 0; y < H; y++) for (let x = W - 1; x >= 1; x--) out[y * W + x] = data[y * W + x] - data[y * W + x - 1];
  return out;
}

describe('LZW and PackBits stacks', () => {
  it.each([
    ['LZW', lzwEncode, 5],
    ['PackBits', packBitsEncode, 32773],
  ] as const)('%s: every plane is the written one', async (_name, encode, compression) => {
    const planes = [0, 1, 2].map((k) => Uint16Array.from(values(k, 65535), (v, i) => (i % 7 < 3 ? 500 : v)));
    const plain = writeTiff(planes.map((data) => ({ width: W, height: H, data })));
    const stack = await openTiffStack(bytesSource('Li-.tif', recompressed(plain, encode, compression)));
    expect(stack.metadata.compression).toBe(String(compression));
    for (let k = 0; k < 3; k++) expect(Array.from((await stack.readPlane(0, k)).data)).toEqual(Array.from(planes[k]));
  });
});

describe('compressions an ion stack may not have', () => {
  // Counts must read back as written (JPEG and WebP are lossy, LERC may be), and geotiff's
  // decoders for these allocate what a few bytes claim (LERC, ZSTD): refused at open, by name.
  it.each([
    [7, 'JPEG'],
    [34887, 'LERC'],
    [50000, 'ZSTD'],
    [50001, 'WebP'],
    [12345, null],
  ] as const)('compression %i (%s) is refused by name at open', async (compression, name) => {
    const planes = [0, 1, 2].map((k) => Uint16Array.from(values(k, 65535)));
    const plain = writeTiff(planes.map((data) => ({ width: W, height: H, data })));
    const bytes = recompressed(plain, (raw) => raw.subarray(0, 64), compression);
    const label = `TIFF compression ${compression}${name ? ` (${name})` : ''}`;
    const opening = openTiffStack(bytesSource('Li-.tif', bytes));
    await expect(opening).rejects.toBeInstanceOf(FormatError);
    await expect(opening).rejects.toThrow(`${label} is not supported for ion images`);
    await expect(opening).rejects.toThrow(/^Li-\.tif @8: page at 8: /);
  });
});

describe('deflated stacks', () => {
  it.each([
    ['8-bit', (v: number[]) => Uint8Array.from(v), 255],
    ['16-bit', (v: number[]) => Uint16Array.from(v), 65535],
  ] as const)('%s, predictor 2, several strips: every plane is the written one', async (_name, make, max) => {
    const planes = [0, 1, 2].map((k) => make(values(k, max)));
    const bytes = writeTiff(
      planes.map((p) => ({ width: W, height: H, data: differenced(p) as TiffPixels, extraTags: [{ tag: 317, type: 'short' as const, value: 2 }] })),
      { compression: 'deflate', stripBytes: 3 * W * planes[0].BYTES_PER_ELEMENT },
    );
    const stack = await openTiffStack(bytesSource('Li-.tif', bytes));
    for (let k = 0; k < 3; k++) expect(Array.from((await stack.readPlane(0, k)).data)).toEqual(Array.from(planes[k]));
  });

  it('a run of planes (what the streaming reductions read) is the planes, in the file\'s 16-bit samples, in the buffer given', async () => {
    const planes = [0, 1, 2, 3].map((k) => Uint16Array.from(values(k, 65535)));
    const bytes = writeTiff(
      planes.map((p) => ({ width: W, height: H, data: differenced(p), extraTags: [{ tag: 317, type: 'short' as const, value: 2 }] })),
      { compression: 'deflate', stripBytes: 3 * W * 2 },
    );
    const stack = (await openTiffStack(bytesSource('Li-.tif', bytes))) as Awaited<ReturnType<typeof openTiffStack>> & PlaneRunReader;
    const scratch: { bytes?: Uint8Array } = {};
    const run = await stack.readPlanes(0, 1, 3, scratch);
    // Summed as counts by the kernels (no Float32 copy), read into the caller's buffer.
    expect(run.data).toBeInstanceOf(Uint16Array);
    expect(run.data.buffer).toBe(scratch.bytes!.buffer);
    for (let k = 0; k < 3; k++) expect(Array.from(run.data.subarray(run.starts[k], run.starts[k] + W * H))).toEqual(Array.from(planes[k + 1]));
    // The buffer is used again for the next run.
    const again = await stack.readPlanes(0, 0, 2, scratch);
    expect(again.data.buffer).toBe(scratch.bytes!.buffer);
    expect(Array.from(again.data.subarray(again.starts[1], again.starts[1] + W * H))).toEqual(Array.from(planes[1]));
  });

  it('a run with a damaged page fails as reading that page does (file, offset, what is wrong)', async () => {
    const good = writeTiff([0, 1, 2].map((k) => ({ width: W, height: H, data: Uint16Array.from(values(k, 65535)) })), { compression: 'deflate' });
    const bad = withStrip(good, ifdOffsets(good)[2], new Uint8Array([1, 2, 3, 4, 5, 6]));
    const stack = (await openTiffStack(bytesSource('run.tif', bad))) as Awaited<ReturnType<typeof openTiffStack>> & PlaneRunReader;
    const err = await stack.readPlanes(0, 0, 3, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^run\.tif @\d+: strip 0 does not inflate/);
    expect((err as Error).message).toBe(((await stack.readPlane(0, 2).catch((e: unknown) => e)) as Error).message);
  });

  it('32-bit unsigned integers, predictor 2: every plane is the written one', async () => {
    // Written as Float32 planes of the differenced integers' bytes, then marked unsigned (SampleFormat 1).
    const planes = [0, 1].map((k) => Uint32Array.from(values(k, 65535), (v, i) => v * 65537 + i * 40_000_000));
    const diffs = planes.map((p) => p.map((v, i) => (i % W === 0 ? v : v - p[i - 1])));
    const bytes = writeTiff(
      diffs.map((d) => ({ width: W, height: H, data: new Float32Array(d.buffer), extraTags: [{ tag: 317, type: 'short' as const, value: 2 }] })),
      { compression: 'deflate', stripBytes: 4 * W * 4 },
    );
    const unsigned = ifdOffsets(bytes).reduce((b, at) => patchTag(b, 339, 1, at), bytes);
    const stack = await openTiffStack(bytesSource('Li-.tif', unsigned));
    for (let k = 0; k < 2; k++) expect(Array.from((await stack.readPlane(0, k)).data)).toEqual(Array.from(Float32Array.from(planes[k])));
  });

  it('undoes horizontal differencing of big-endian samples as of little-endian ones', () => {
    const samples = [1, 65535, 3, 0, 40000, 30000];
    const diffs = samples.map((v, i) => (i % 3 === 0 ? v : (v - samples[i - 1] + 65536) % 65536));
    for (const littleEndian of [true, false]) {
      const bytes = new Uint8Array(12);
      const dv = new DataView(bytes.buffer);
      diffs.forEach((d, i) => dv.setUint16(2 * i, d, littleEndian));
      undoHorizontalDifferencing(bytes, 3, 2, 2, littleEndian);
      expect(samples.map((_, i) => dv.getUint16(2 * i, littleEndian))).toEqual(samples);
    }
  });

  /** A two-page 16-bit stack, one strip a page, page 1's strip replaced by `strip`. */
  function withStripOfPage1(strip: Uint8Array): Uint8Array {
    const good = writeTiff([0, 1].map((k) => ({ width: W, height: H, data: Uint16Array.from(values(k, 65535)) })), { compression: 'deflate' });
    return withStrip(good, ifdOffsets(good)[1], strip);
  }

  it('refuses a strip that inflates to fewer bytes than its rows take, naming the file', async () => {
    const stack = await openTiffStack(bytesSource('short.tif', withStripOfPage1(zlibSync(new Uint8Array(W * H)))));
    const err = await stack.readPlane(0, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).message).toMatch(/short\.tif.*decodes to 240 bytes, not the 480/);
    // The other page is intact.
    expect(Array.from((await stack.readPlane(0, 0)).data)).toEqual(values(0, 65535));
  });

  it('stops inflating once the rows are complete (a deflate bomb costs no more than its plane)', async () => {
    // Twice the plane's samples, its checksum broken: a decoder that read the stream to its end
    // would fail there; one that stops when the rows are complete, as libtiff does, never sees it.
    const longer = Uint16Array.from({ length: 2 * W * H }, (_, i) => i);
    const strip = zlibSync(new Uint8Array(longer.buffer));
    strip[strip.length - 1] ^= 0xff;
    const stack = await openTiffStack(bytesSource('bomb.tif', withStripOfPage1(strip)));
    expect(Array.from((await stack.readPlane(0, 1)).data)).toEqual(Array.from(longer.subarray(0, W * H)));
  });

  it('refuses a strip whose stream is cut or damaged before its rows are complete', async () => {
    const strip = zlibSync(new Uint8Array(Uint16Array.from(values(1, 65535)).buffer));
    const stack = await openTiffStack(bytesSource('cut.tif', withStripOfPage1(strip.subarray(0, strip.length >> 1))));
    await expect(stack.readPlane(0, 1)).rejects.toThrow(/cut\.tif.*(inflates to|does not inflate)/);
  });

  it('refuses a strip that is not zlib data', async () => {
    const stack = await openTiffStack(bytesSource('junk.tif', withStripOfPage1(new Uint8Array([1, 2, 3, 4, 5, 6]))));
    await expect(stack.readPlane(0, 1)).rejects.toThrow(/junk\.tif/);
  });

  it('the sample stack (2 250 deflated pages): every plane as geotiff decodes it', async () => {
    const bytes = readFileSync(new URL('../../../samples/study/charged/stack.ome.tif', import.meta.url));
    const stack = await openTiffStack(bytesSource('stack.ome.tif', new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    // OME order XYZCT: page k is channel ⌊k / scans⌋, scan k mod scans.
    for (let c = 0; c < stack.ions.length; c++) {
      for (let s = 0; s < stack.scans; s++) {
        const image = await tiff.getImage(c * stack.scans + s);
        const [expected] = (await image.readRasters()) as unknown as ArrayLike<number>[];
        const got = (await stack.readPlane(c, s)).data;
        if (!got.every((v, i) => v === expected[i])) expect.fail(`channel ${c}, scan ${s} differs from geotiff's decode`);
      }
    }
  });
});

describe('hostile strip counts', () => {
  it('a page whose strip counts pass the end of the file cannot claim a plane larger than the file could hold', async () => {
    // A 1 kB Deflate stack edited to say 8192 × 8192 px in one strip of 2 GB: its plane (128 MiB)
    // was allocated before the decoder found the strip missing.
    const data = Uint16Array.from(values(0, 65535));
    let bytes = writeTiff([0, 1].map(() => ({ width: W, height: H, data })), { compression: 'deflate' });
    for (const [tag, value] of [[256, 8192], [257, 8192], [278, 8192], [279, 0x7fffffff]]) bytes = patchTag(bytes, tag, value);
    const stack = await openTiffStack(bytesSource('claims.tif', bytes));
    const { error, largestBytes } = await watchAllocations(() => stack.readPlane(0, 0));
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(new RegExp(`claims\\.tif.*page claims 134217728 bytes of pixels but its strips claim 2147483647, more than the whole ${bytes.length}-byte file`));
    expect(largestBytes).toBeLessThan(1024 ** 2);
  });
});
