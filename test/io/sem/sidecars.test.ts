import { describe, expect, it } from 'vitest';
import { readSemImage } from '../../../core/io/sem/index.js';
import { FormatError } from '../../../core/model/errors.js';
import { latin1Bytes, makeGreyTiff, noiseImage, utf16leWithBom } from './makeTiff.js';

const W = 320;
const H = 240;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const jeol = (lines: string[]) => ({ name: 'img.txt', bytes: enc(lines.join('\r\n') + '\r\n') });

/** A noise image with a white 4-row bar of `barPx` pixels near the bottom (JEOL overlay). */
function imageWithBar(barPx: number, width = W, height = H): Uint8Array {
  const px = noiseImage(width, height);
  for (let y = height - 20; y < height - 16; y++) for (let x = 40; x < 40 + barPx; x++) px[y * width + x] = 255;
  return px;
}

describe('JEOL sidecar precedence', () => {
  const tiff = makeGreyTiff(W, H, imageWithBar(100));

  it('$$SM_MICRON_BAR with $$SM_MICRON_MARKER comes first, scaled by $CM_FULL_SIZE width / TIFF width', async () => {
    const img = await readSemImage(tiff, 'img.tif', jeol(['$CM_FORMAT JEOL-SEM', '$CM_VERSION 1.0', '$CM_MAG 1000', '$CM_FULL_SIZE 640 480', '$$SM_MICRON_BAR 160', '$$SM_MICRON_MARKER 2um', '$CM_FIELD_OF_VIEW 999.0 750.0']));
    // 2000 nm / 160 px of the 640-px frame = 12.5 nm; the TIFF is half as wide: 25 nm.
    expect(img.pixelSizeNm).toBeCloseTo(25, 9);
    expect(img.pixelSizeSource).toBe('sidecar');
    expect(img.pixelSizeDetail).toMatch(/MICRON_BAR/);
  });

  it('then $CM_FIELD_OF_VIEW (µm) over the TIFF width', async () => {
    const img = await readSemImage(tiff, 'img.tif', jeol(['$CM_MAG 1000', '$CM_FULL_SIZE 320 240', '$$SM_MICRON_MARKER 5um', '$CM_FIELD_OF_VIEW 12.8 9.6']));
    expect(img.pixelSizeNm).toBeCloseTo(40, 9);
    expect(img.pixelSizeSource).toBe('sidecar');
  });

  it('then the burned-in scale bar measured in the image', async () => {
    const img = await readSemImage(tiff, 'img.tif', jeol(['$CM_MAG 1000', '$CM_FULL_SIZE 320 240', '$$SM_MICRON_MARKER 500nm']));
    expect(img.pixelSizeNm).toBeCloseTo(5, 9);
    expect(img.pixelSizeSource).toBe('scalebar');
  });

  it('takes no marker length that is a finite number of µm but not of nm (1e308µm: the scale bar gave an infinite pixel size)', async () => {
    const img = await readSemImage(tiff, 'img.tif', jeol(['$CM_MAG 1000', '$CM_FULL_SIZE 320 240', '$$SM_MICRON_MARKER 1e308µm']));
    expect(img.pixelSizeNm === null || Number.isFinite(img.pixelSizeNm)).toBe(true);
    expect(img.pixelSizeSource).not.toBe('scalebar');
  });

  it('then 0.128 m / (Mag × width), flagged as an estimate', async () => {
    const plain = makeGreyTiff(W, H, noiseImage(W, H));
    const img = await readSemImage(plain, 'img.tif', jeol(['$CM_MAG 1000', '$CM_FULL_SIZE 320 240', '$$SM_MICRON_MARKER 5um']));
    expect(img.pixelSizeNm).toBeCloseTo(0.128e9 / (1000 * W), 6);
    expect(img.pixelSizeSource).toBe('estimate');
  });

  it('and says so when nothing calibrates the image', async () => {
    const img = await readSemImage(tiff, 'img.tif', jeol(['$CM_FORMAT JEOL-SEM', '$CM_FULL_SIZE 320 240']));
    expect(img.pixelSizeNm).toBeNull();
    expect(img.pixelSizeSource).toBe('none');
  });

  it('accepts the newer generation\'s single-$ keys and reads the tilt from $CM_STAGE_POS', async () => {
    const img = await readSemImage(tiff, 'img.tif', jeol(['$SEM_DATA_VERSION 1', '$CM_VERSION 3.0', '$SM_MICRON_BAR 80', '$SM_MICRON_MARKER 1um', '$CM_FULL_SIZE 320 240', '$CM_STAGE_POS 1.0 2.0 10.0 30.0 0.0 0']));
    expect(img.pixelSizeNm).toBeCloseTo(12.5, 9);
    expect(img.tiltDeg).toBe(30);
  });

  it('crops the data bar under the $CM_FULL_SIZE frame', async () => {
    const tall = makeGreyTiff(W, H + 16, noiseImage(W, H + 16));
    const img = await readSemImage(tall, 'img.tif', jeol(['$CM_FULL_SIZE 640 480', '$CM_FIELD_OF_VIEW 32 24']));
    expect(img.height).toBe(H);
    expect(img.dataBarRows).toBe(16);
    expect(img.pixelSizeNm).toBeCloseTo(100, 9);
  });
});

describe('Hitachi sidecar', () => {
  const text = ['[SemImageFile]', 'InstructName=S-4800', 'DataSize=640x480', 'PixelSize=9.921875', 'Magnification=10000', 'MicronMarker=5000', 'DataDisplayCombine=1', 'StagePositionT=5.0'].join('\r\n');

  it('reads PixelSize (nm per DataSize pixel) from a UTF-16 file with BOM and crops rows below DataSize', async () => {
    const tiff = makeGreyTiff(640, 480 + 24, noiseImage(640, 504));
    const img = await readSemImage(tiff, 'h.tif', { name: 'h.txt', bytes: utf16leWithBom(text) });
    expect(img.pixelSizeNm).toBeCloseTo(9.921875, 9);
    expect(img.pixelSizeSource).toBe('sidecar');
    expect(img.height).toBe(480);
    expect(img.dataBarRows).toBe(24);
    expect(img.tiltDeg).toBe(5);
    expect(img.instrument).toBe('S-4800');
  });

  it('reads the ASCII generation and rescales to a TIFF saved at another width', async () => {
    const tiff = makeGreyTiff(320, 240, noiseImage(320, 240));
    const img = await readSemImage(tiff, 'h.tif', { name: 'h.txt', bytes: enc(text) });
    expect(img.pixelSizeNm).toBeCloseTo(2 * 9.921875, 9);
  });
});

describe('vendor TIFF tags', () => {
  it('Zeiss 34118: Latin-1 µ, AP_IMAGE_PIXEL_SIZE absent → AP_WIDTH / width, never AP_PIXEL_SIZE', async () => {
    const tag = latin1Bytes(['0', '0', 'AP_PIXEL_SIZE', 'Pixel Size = 1.000 nm', 'AP_WIDTH', 'Width = 6.400 \u00b5m', 'AP_STAGE_AT_T', 'Stage at T =  12.5 \u00b0', 'SV_SERIAL_NUMBER', 'Serial No. = TEST-1'].join('\r\n'));
    const img = await readSemImage(makeGreyTiff(W, H, noiseImage(W, H), [{ tag: 34118, type: 2, bytes: tag }]), 'z.tif');
    expect(img.pixelSizeNm).toBeCloseTo(20, 9);
    expect(img.pixelSizeDetail).toMatch(/AP_WIDTH/);
    expect(img.tiltDeg).toBeCloseTo(12.5, 9);
  });

  it('FEI 34682: PixelWidth in m, ResolutionY rows kept, StageT radians → degrees', async () => {
    const ini = ['[Scan]', 'PixelWidth=2.5e-009', '[Image]', `ResolutionX=${W}`, 'ResolutionY=200', '[Stage]', `StageT=${(52 * Math.PI) / 180}`].join('\r\n');
    const img = await readSemImage(makeGreyTiff(W, H, noiseImage(W, H), [{ tag: 34682, type: 2, bytes: enc(ini) }]), 'f.tif');
    expect(img.pixelSizeNm).toBeCloseTo(2.5, 9);
    expect(img.height).toBe(200);
    expect(img.dataBarRows).toBe(40);
    expect(img.tiltDeg).toBeCloseTo(52, 9);
  });

  /** A Tescan 50431 tag: [u32 size][u16 type] blocks, MAIN (type 2) holding `main`. */
  function tescanTag(main: string): Uint8Array {
    const block = (type: number, body: Uint8Array): Uint8Array => {
      const out = new Uint8Array(6 + body.length);
      new DataView(out.buffer).setUint32(0, body.length + 2, true);
      new DataView(out.buffer).setUint16(4, type, true);
      out.set(body, 6);
      return out;
    };
    const blocks = [block(1, new Uint8Array(37)), block(2, enc(main)), block(3, enc('StageTilt=45.0\r\n'))];
    const bytes = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of blocks) (bytes.set(b, at), (at += b.length));
    return bytes;
  }

  it('Tescan 50431: walks [u32 size][u16 type] blocks to MAIN PixelSizeX and ImageStripSize', async () => {
    const bytes = tescanTag('Device=MIRA3\r\nPixelSizeX=7.5e-9\r\nImageStripSize=40\r\n');
    const img = await readSemImage(makeGreyTiff(W, H, noiseImage(W, H), [{ tag: 50431, type: 7, bytes }]), 't.tif');
    expect(img.pixelSizeNm).toBeCloseTo(7.5, 9);
    expect(img.height).toBe(H - 40);
    expect(img.tiltDeg).toBe(45);
  });

  it('takes no strip of part of a row (ImageStripSize=.2 gave an image 239.8 rows high): the data bar is detected then', async () => {
    const bytes = tescanTag('Device=MIRA3\r\nPixelSizeX=7.5e-9\r\nImageStripSize=.2\r\n');
    const img = await readSemImage(makeGreyTiff(W, H, noiseImage(W, H), [{ tag: 50431, type: 7, bytes }]), 't.tif');
    expect(Number.isInteger(img.height)).toBe(true);
    expect(img.metadata['strata.dataBar']).toMatch(/detected/);
  });
});

describe('data bar detection and errors', () => {
  it('finds a flat data bar with text under an image whose metadata says nothing', async () => {
    const px = noiseImage(W, H);
    for (let y = H - 30; y < H; y++) for (let x = 0; x < W; x++) px[y * W + x] = y === H - 30 ? 255 : (x % 40 < 3 && y > H - 20 ? 255 : 0);
    const img = await readSemImage(makeGreyTiff(W, H, px), 'bar.tif');
    expect(img.dataBarRows).toBe(30);
    expect(img.height).toBe(H - 30);
  });

  it('keeps a flat, text-free bottom region as image', async () => {
    const px = noiseImage(W, H);
    px.fill(20, (H - 30) * W);
    const img = await readSemImage(makeGreyTiff(W, H, px), 'flat.tif');
    expect(img.dataBarRows).toBe(0);
  });

  it('rejects bytes that are not a TIFF with a FormatError naming the file', async () => {
    await expect(readSemImage(enc('hello, not an image'), 'note.tif')).rejects.toThrow(FormatError);
    await expect(readSemImage(enc('hello, not an image'), 'note.tif')).rejects.toThrow(/note\.tif/);
    const truncated = makeGreyTiff(W, H, noiseImage(W, H)).subarray(0, 400);
    await expect(readSemImage(truncated, 'cut.tif')).rejects.toThrow(/cut\.tif/);
  });
});
