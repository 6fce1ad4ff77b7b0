import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readSemImage, readSemImageInfo } from '../../../core/io/sem/index.js';
import { bytesSource } from '../../../core/io/byteSource.js';
import type { SidecarFile } from '../../../core/io/sem/index.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import { FormatError } from '../../../core/model/errors.js';
import type { SemImage } from '../../../core/model/semImage.js';
import { MAX_DECODE_RATIO } from '../../../core/io/sem/decode.js';
import {
  allocBound,
  applyMutation,
  applyTextEdit,
  encodeText,
  ENCODINGS,
  FUZZ_RUNS,
  FuzzTally,
  mutationArb,
  textEditArb,
  watchAllocations,
} from '../../helpers/fuzz.js';
import { hasSharedData, PROJECT_ROOT, readSharedData } from '../../helpers/sharedData.js';
import { ifdOffsets, lzwEncode, packBitsEncode, withStrip } from '../tiff/tiffTestUtil.js';
import { blocky, jpegImageTiff, jpegTablesTiff } from './jpegTiff.js';
import { latin1, makeGreyTiff, noiseImage, tescanTagOf } from './makeTiff.js';

// Hostile input (issue 7) for the SEM reader: TIFFs with and without each vendor tag (FEI/Thermo
// 34682, Zeiss 34118, Tescan 50431) and with each sidecar kind (JEOL, Hitachi; UTF-8, UTF-16,
// Latin-1), edited the ways broken and crafted files are. Every input must give a consistent
// SemImage or a FormatError naming the TIFF, within the time bound, allocating no more than
// the file can justify (its pixels, at the best ratio a TIFF codec reaches).

const semAllocBound = allocBound(MAX_DECODE_RATIO);

const W = 96;
const H = 72;

/** Noise with a white scale bar in a flat data bar of 12 rows. */
function pixels(width = W, height = H): Uint8Array {
  const px = noiseImage(width, height, 7);
  for (let y = height - 12; y < height; y++) for (let x = 0; x < width; x++) px[y * width + x] = 20;
  for (let y = height - 8; y < height - 6; y++) for (let x = 10; x < 50; x++) px[y * width + x] = 255;
  for (let x = 60; x < 70; x += 2) px[(height - 4) * width + x] = 200;
  return px;
}

const FEI = ['[System]', 'SystemType="Helios"', '[Scan]', 'PixelWidth=2.5e-09', '[Image]', 'ResolutionX=96', 'ResolutionY=60', '[Stage]', 'StageT=0.6981'].join('\r\n');
const ZEISS = ['0', '0', '1', 'AP_IMAGE_PIXEL_SIZE', 'Image Pixel Size = 5.965 \u00b5m', 'AP_WIDTH', 'Width = 572.6 \u00b5m', 'AP_STAGE_AT_T', 'Stage at T = 2.0 \u00b0', 'SV_SERIAL_NUMBER', 'Serial No. = 4711'].join('\r\n');

function tescanTag(): Uint8Array {
  return tescanTagOf([[1, 'JP2 thumbnail'], [2, 'Device=MIRA3\r\nPixelSizeX=2.5e-08\r\nImageStripSize=12\r\n'], [3, 'StageTilt=30\r\n']]);
}

const JEOL = ['$CM_FORMAT JEOL-SEM', '$CM_VERSION 1.0', '$CM_INSTRUMENT JSM-7001F', '$CM_MAG 5000', '$CM_FULL_SIZE 192 120', '$$SM_MICRON_BAR 80', '$$SM_MICRON_MARKER 5\u00b5m', '$CM_FIELD_OF_VIEW 24.0 18.0', '$CM_STAGE_POS 1.0 2.0 10.0 30.0 0.0 0', '$CM_TITLE 標準'].join('\r\n') + '\r\n';
const HITACHI = ['[SemImageFile]', 'InstructName=S-4800', 'DataSize=192x120', 'PixelSize=9.921875', 'Magnification=10000', 'MicronMarker=5000', 'DataDisplayCombine=1', 'StagePositionT=5.0'].join('\r\n');

/** The test image (one strip) with its strip replaced by `strip`, of the given compression. */
function withImageStrip(strip: Uint8Array, compression: number): Uint8Array {
  const good = writeTiff([{ width: W, height: H, data: pixels() }]);
  return withStrip(good, ifdOffsets(good)[0], strip, compression);
}

interface Seed {
  name: string;
  tiff: Uint8Array;
  sidecar?: SidecarFile;
}

function seeds(): Seed[] {
  const px = pixels();
  const plain = makeGreyTiff(W, H, px);
  const out: Seed[] = [
    { name: 'plain', tiff: plain },
    { name: 'plain-16bit', tiff: makeGreyTiff(W, H, Uint16Array.from(px, (v) => v * 257)) },
    { name: 'deflate', tiff: writeTiff([{ width: W, height: H, data: px }], { compression: 'deflate' }) },
    { name: 'lzw', tiff: withImageStrip(lzwEncode(px), 5) },
    { name: 'packbits', tiff: withImageStrip(packBitsEncode(px), 32773) },
    // JPEG strips are checked before geotiff decodes them (jpegBounds.ts): one strip, and strips sharing tables.
    { name: 'jpeg', tiff: jpegImageTiff(blocky()) },
    { name: 'jpeg-tables', tiff: jpegTablesTiff(blocky(), 16) },
    { name: 'fei', tiff: makeGreyTiff(W, H, px, [{ tag: 34682, type: 2, bytes: latin1(FEI) }]) },
    { name: 'zeiss', tiff: makeGreyTiff(W, H, px, [{ tag: 34118, type: 2, bytes: latin1(ZEISS) }]) },
    { name: 'tescan', tiff: makeGreyTiff(W, H, px, [{ tag: 50431, type: 7, bytes: tescanTag() }]) },
  ];
  for (const encoding of ['utf-8', 'latin-1'] as const) out.push({ name: `jeol-${encoding}`, tiff: plain, sidecar: { name: 'fuzz.txt', bytes: encodeText(JEOL, encoding) } });
  for (const encoding of ['utf-16le-bom', 'utf-16be-bom', 'utf-16le', 'utf-8'] as const) out.push({ name: `hitachi-${encoding}`, tiff: plain, sidecar: { name: 'fuzz.txt', bytes: encodeText(HITACHI, encoding) } });
  // The sample study's JEOL-style image and sidecar (deflate TIFF), and real vendor files.
  const sample = resolve(PROJECT_ROOT, 'samples/study/pristine');
  out.push({ name: 'sample', tiff: new Uint8Array(readFileSync(resolve(sample, 'sem.tif'))), sidecar: { name: 'fuzz.txt', bytes: new Uint8Array(readFileSync(resolve(sample, 'sem.txt'))) } });
  if (hasSharedData) {
    out.push({ name: 'zeiss-real', tiff: readSharedData('sem', 'zeiss_ultra55_512pix.tif') });
    out.push({ name: 'fei-real', tiff: readSharedData('sem', 'fei_helios_ebeam_8bits.tif') });
    out.push({ name: 'jeol-real-sidecar', tiff: plain, sidecar: { name: 'fuzz.txt', bytes: readSharedData('sem', 'jeol_4700F_example.txt') } });
  }
  // A counterexample names its seed instead of printing megabytes of TIFF.
  return out.map((s) => Object.assign(s, { [fc.toStringMethod]: () => `seed '${s.name}'` }));
}

/** Offsets of the first IFD's entries in a classic TIFF (to aim edits at the tags). */
function ifdEntries(tiff: Uint8Array): number[] {
  const dv = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const le = tiff[0] === 0x49;
  const ifd = dv.getUint32(4, le);
  if (ifd + 2 > tiff.length) return [];
  const n = dv.getUint16(ifd, le);
  return Array.from({ length: n }, (_, i) => ifd + 2 + 12 * i).filter((at) => at + 12 <= tiff.length);
}

const HOSTILE_U32 = [0, 1, 2, 3, 7, 8, 16, 32, 64, 0xff, 0xffff, 0x10000, 30000, 46341, 65535, 0x7fffffff, 0x80000000, 0xffffffff];

function checkImage(img: SemImage, inputBytes: number): void {
  expect(Number.isInteger(img.width) && img.width > 0).toBe(true);
  expect(Number.isInteger(img.height) && img.height > 0).toBe(true);
  expect(img.dataBarRows).toBeGreaterThanOrEqual(0);
  expect(img.pixels.length).toBe(img.width * img.height);
  expect([8, 16, 32]).toContain(img.bitsPerSample);
  if (img.pixelSizeNm !== null) expect(Number.isFinite(img.pixelSizeNm) && img.pixelSizeNm > 0).toBe(true);
  else expect(img.pixelSizeSource).toBe('none');
  if (img.tiltDeg !== null) expect(Number.isFinite(img.tiltDeg)).toBe(true);
  for (const v of Object.values(img.metadata)) expect(typeof v).toBe('string');
  // The kept pixels are bounded by what the file can hold (deflate's best ratio is 1032:1).
  expect(img.pixels.byteLength).toBeLessThanOrEqual(semAllocBound(inputBytes));
}

/** What `strata info` reads of an SEM TIFF without its pixels: null, or facts as consistent as checkImage's. */
function checkInfo(info: Awaited<ReturnType<typeof readSemImageInfo>>): void {
  if (info === null) return;
  expect(Number.isInteger(info.width) && info.width > 0).toBe(true);
  expect(Number.isInteger(info.height) && info.height > 0).toBe(true);
  expect(info.dataBarRows).toBeGreaterThanOrEqual(0);
  expect([8, 16, 32]).toContain(info.bitsPerSample);
  if (info.pixelSizeNm !== null) expect(Number.isFinite(info.pixelSizeNm) && info.pixelSizeNm > 0).toBe(true);
  else expect(info.pixelSizeSource).toBe('none');
  for (const v of Object.values(info.metadata)) expect(typeof v).toBe('string');
}

describe('hostile input: SEM reader', () => {
  const all = seeds();
  // Small seeds most of the time; the larger real files often enough to be exercised.
  const seedArb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...all.filter((s) => s.tiff.length < 40_000)) },
    { weight: 1, arbitrary: fc.constantFrom(...all.filter((s) => s.tiff.length >= 40_000)) },
  );

  it(`TIFF bytes, with and without sidecars: ${FUZZ_RUNS} mutated images`, async () => {
    const tally = new FuzzTally('sem-tiff', { maxAllocBytes: semAllocBound });
    await fc.assert(
      fc.asyncProperty(
        seedArb,
        fc.oneof(
          // Anywhere in the file, or aimed at the header and first IFD.
          fc.record({ m: mutationArb(1 << 21) }),
          fc.record({ m: mutationArb(512) }),
          // One IFD entry's count or value replaced: huge dimensions, offsets past the end, …
          fc.record({ entry: fc.nat({ max: 40 }), field: fc.constantFrom(2, 4, 8), value: fc.oneof(fc.constantFrom(...HOSTILE_U32), fc.nat()) }),
        ),
        fc.boolean(),
        async (seed, edit, keepSidecar) => {
          let tiff: Uint8Array;
          if ('m' in edit) tiff = applyMutation(seed.tiff, edit.m);
          else {
            tiff = seed.tiff.slice();
            const entries = ifdEntries(tiff);
            if (entries.length > 0) {
              const at = entries[edit.entry % entries.length] + edit.field;
              const dv = new DataView(tiff.buffer);
              if (edit.field === 2) dv.setUint16(at, edit.value & 0xffff, tiff[0] === 0x49);
              else dv.setUint32(at, edit.value >>> 0, tiff[0] === 0x49);
            }
          }
          const sidecar = keepSidecar ? seed.sidecar : undefined;
          await tally.run(['fuzz.tif'], async () => checkImage(await readSemImage(tiff, 'fuzz.tif', sidecar), tiff.length), tiff.length);
          // `strata info`'s reading of the tags alone: a fact sheet, null (the pixels are needed), or a FormatError.
          await tally.run(['fuzz.tif'], async () => checkInfo(await readSemImageInfo(bytesSource('fuzz.tif', tiff), sidecar)), tiff.length);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(2 * FUZZ_RUNS); // each input read whole and by its tags alone
  });

  it(`JEOL and Hitachi sidecars: ${FUZZ_RUNS} mutated sidecars in several encodings`, async () => {
    const tiff = makeGreyTiff(W, H, pixels());
    const texts = [JEOL, HITACHI, readFileSync(resolve(PROJECT_ROOT, 'samples/study/pristine/sem.txt'), 'utf8')];
    if (hasSharedData) texts.push(new TextDecoder().decode(readSharedData('sem', 'jeol_4700F_example.txt')));
    const tally = new FuzzTally('sem-sidecar', { maxAllocBytes: semAllocBound });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: texts.length - 1 }),
        fc.array(textEditArb(3000), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...ENCODINGS),
        fc.option(mutationArb(3000), { nil: undefined }),
        async (which, edits, encoding, m) => {
          let bytes = encodeText(edits.reduce(applyTextEdit, texts[which]), encoding);
          if (m) bytes = applyMutation(bytes, m);
          await tally.run(['fuzz.tif', 'fuzz.txt'], async () => checkImage(await readSemImage(tiff, 'fuzz.tif', { name: 'fuzz.txt', bytes }), tiff.length), tiff.length + bytes.length);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });

  it(`vendor tags: ${FUZZ_RUNS} images whose FEI, Zeiss or Tescan metadata is edited`, async () => {
    const px = pixels();
    const tally = new FuzzTally('sem-vendor-tags', { maxAllocBytes: semAllocBound });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(34682, 34118, 50431),
        fc.array(textEditArb(400), { maxLength: 4 }),
        fc.option(mutationArb(400), { nil: undefined }),
        async (tag, edits, m) => {
          let body = tag === 50431 ? tescanTag() : latin1(edits.reduce(applyTextEdit, tag === 34682 ? FEI : ZEISS));
          if (m) body = applyMutation(body, m);
          const tiff = makeGreyTiff(W, H, px, [{ tag, type: tag === 50431 ? 7 : 2, bytes: body }]);
          await tally.run(['fuzz.tif'], async () => checkImage(await readSemImage(tiff, 'fuzz.tif'), tiff.length), tiff.length);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });

  // Inputs the fuzzing found, kept as fixed cases.
  const edited = (edit: (dv: DataView, at: number, tag: number) => void): Uint8Array => {
    const tiff = makeGreyTiff(W, H, pixels());
    const dv = new DataView(tiff.buffer);
    for (const at of ifdEntries(tiff)) edit(dv, at, dv.getUint16(at, true));
    return tiff;
  };
  it('refuses a tag whose count claims more than the file (ImageWidth count 2982927)', async () => {
    const tiff = edited((dv, at, tag) => tag === 256 && dv.setUint32(at + 4, 2982927, true));
    const tally = new FuzzTally('sem-found', { maxAllocBytes: semAllocBound });
    await tally.run(['fuzz.tif'], async () => checkImage(await readSemImage(tiff, 'fuzz.tif'), tiff.length), tiff.length);
    expect(tally.refused).toBe(1);
    await expect(readSemImage(tiff, 'fuzz.tif')).rejects.toThrow(/tag 256 claims 2982927 values/);
  });
  it('refuses SamplesPerPixel with count 0 with a FormatError', async () => {
    const tiff = edited((dv, at, tag) => tag === 277 && dv.setUint32(at + 4, 0, true));
    await expect(readSemImage(tiff, 'fuzz.tif')).rejects.toBeInstanceOf(FormatError);
  });

  it('refuses a RowsPerStrip of type DOUBLE (2e-306 rows a strip: geotiff looped over 1e307 strips until memory ran out)', async () => {
    const tiff = edited((dv, at, tag) => tag === 278 && dv.setUint16(at + 2, 12, true));
    const tally = new FuzzTally('sem-found', { maxAllocBytes: semAllocBound });
    await tally.run(['fuzz.tif'], async () => checkImage(await readSemImage(tiff, 'fuzz.tif'), tiff.length), tiff.length);
    expect(tally.refused).toBe(1);
    await expect(readSemImage(tiff, 'fuzz.tif')).rejects.toThrow(/strips of 96 × .* pixels: not a whole number/);
  });

  it('refuses more strips than the file gives offsets for', async () => {
    const tiff = edited((dv, at, tag) => tag === 278 && dv.setUint32(at + 8, 1, true));
    await expect(readSemImage(tiff, 'fuzz.tif')).rejects.toThrow(/needs 72 strips; the file gives the offsets of 1/);
  });

  it('refuses SamplesPerPixel 0, leaving no strip decoding behind (it failed later, unhandled)', async () => {
    const tiff = writeTiff([{ width: W, height: H, data: pixels() }], { compression: 'deflate' });
    const dv = new DataView(tiff.buffer);
    for (const at of ifdEntries(tiff)) {
      const tag = dv.getUint16(at, true);
      if (tag === 277) dv.setUint16(at + 8, 0, true);
      // The compressed strip made undecodable: geotiff's inflate rejects.
      if (tag === 273) for (let k = 2; k < 40; k++) tiff[dv.getUint32(at + 8, true) + k] ^= 0x5a;
    }
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(readSemImage(tiff, 'fuzz.tif')).rejects.toThrow(/SamplesPerPixel 0/);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  const plainPixels = async (): Promise<number[]> => Array.from((await readSemImage(writeTiff([{ width: W, height: H, data: pixels() }]), 'plain.tif')).pixels);

  it('refuses a deflated image that claims rows its strip does not hold, allocating what it holds (ImageWidth 65535: the strip buffer was sized by the claim)', async () => {
    const tiff = writeTiff([{ width: W, height: H, data: pixels() }], { compression: 'deflate' });
    const dv = new DataView(tiff.buffer);
    for (const at of ifdEntries(tiff)) if (dv.getUint16(at, true) === 256) dv.setUint32(at + 8, 65535, true);
    const { error, largestBytes } = await watchAllocations(() => readSemImage(tiff, 'fuzz.tif'));
    expect(error).toBeInstanceOf(FormatError);
    // geotiff's raster of the claimed 65535 × 72 pixels (4.7 MB), and no strip buffer of that size beside it.
    expect(largestBytes).toBeLessThan(6 << 20);
  });

  it('reads Deflate, LZW and PackBits strips as the uncompressed image', async () => {
    const raw = pixels();
    for (const [compression, strip] of [[8, zlibSync(raw)], [5, lzwEncode(raw)], [32773, packBitsEncode(raw)]] as const) {
      expect(Array.from((await readSemImage(withImageStrip(strip, compression), 'packed.tif')).pixels), `compression ${compression}`).toEqual(await plainPixels());
    }
  });

  // Bombs: strips that decode to far more than the image. geotiff decoded each to its end: Deflate
  // into one buffer, LZW and PackBits into arrays of numbers (the fuzz test crashed V8 on a
  // PackBits one: "invalid size error 169220804").
  it.each([
    ['Deflate: 32 MB of zeros in 32 kB', 8, () => zlibSync(new Uint8Array(32 << 20), { level: 9 })],
    ['LZW: 4 MB of zeros in 3 kB', 5, () => lzwEncode(new Uint8Array(4 << 20))],
    ['PackBits: 128 MB in 2 MB', 32773, () => new Uint8Array(2 << 20).map((_, i) => (i % 2 === 0 ? 0x81 : 0))],
  ] as const)('decodes a %s bomb strip only as far as the image needs', async (_name, compression, bomb) => {
    const strip = bomb();
    const { result, error, largestBytes } = await watchAllocations(() => readSemImage(withImageStrip(strip, compression), 'bomb.tif'));
    expect(error).toBeUndefined();
    expect((result as SemImage).pixels.every((v) => v === 0)).toBe(true);
    // The image is 7 kB; the file's bytes are copied a few times (the readers' own copies).
    expect(largestBytes).toBeLessThan(4 * strip.length + (1 << 20));
  });

  it('reads a deflated image in several strips, with the horizontal predictor, as the uncompressed one', async () => {
    const plain = pixels();
    const differenced = plain.map((v, i) => (i % W === 0 ? v : v - plain[i - 1]));
    const tiff = writeTiff([{ width: W, height: H, data: differenced, extraTags: [{ tag: 317, type: 'short', value: 2 }] }], { compression: 'deflate', stripBytes: 5 * W });
    expect(Array.from((await readSemImage(tiff, 'predicted.tif')).pixels)).toEqual(await plainPixels());
  });

  it('refuses a tiny TIFF that claims a huge image, without allocating it', async () => {
    const tiff = makeGreyTiff(W, H, pixels());
    const dv = new DataView(tiff.buffer);
    for (const at of ifdEntries(tiff)) {
      const tag = dv.getUint16(at, true);
      if (tag === 256 || tag === 257) dv.setUint32(at + 8, 30000, true);
      if (tag === 278) dv.setUint32(at + 8, 30000, true);
    }
    const tally = new FuzzTally('sem-huge', { maxAllocBytes: semAllocBound });
    await tally.run(['fuzz.tif'], async () => checkImage(await readSemImage(tiff, 'fuzz.tif'), tiff.length), tiff.length);
    expect(tally.refused).toBe(1);
  });
});
