import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { readSemImage, readSemImageInfo } from '../../../core/io/sem/index.js';
import type { SidecarFile } from '../../../core/io/sem/index.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import { describeShared, readSharedData, sharedDataPath } from '../../helpers/sharedData.js';
import { makeGreyTiff, noiseImage } from './makeTiff.js';

const W = 96;
const H = 72;
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const FEI = ['[System]', 'SystemType="Helios"', '[Scan]', 'PixelWidth=2.5e-09', '[Image]', 'ResolutionX=96', 'ResolutionY=60', '[Stage]', 'StageT=0.6981'].join('\r\n');
const JEOL_BAR = (marker: string): SidecarFile => ({ name: 'img.txt', bytes: latin1(['$CM_MAG 1000', `$CM_FULL_SIZE ${W} ${H}`, `$$SM_MICRON_MARKER ${marker}`].join('\r\n') + '\r\n') });

/**
 * What readSemImageInfo gives is what readSemImage gives, less the pixels; or null, when a
 * fact needs the pixels. Returns whether it needed them.
 */
async function agrees(tiff: Uint8Array, sidecar?: SidecarFile): Promise<boolean> {
  const { pixels: _pixels, ...full } = await readSemImage(tiff, 'img.tif', sidecar);
  const info = await readSemImageInfo(bytesSource('img.tif', tiff), sidecar);
  if (info) expect(info).toEqual(full);
  return info === null;
}

describe('the facts of an SEM image without its pixels (strata info)', () => {
  const px = noiseImage(W, H, 3);

  it('are those of the decoded image where the metadata gives the data bar and the pixel size', async () => {
    expect(await agrees(makeGreyTiff(W, H, px, [{ tag: 34682, type: 2, bytes: latin1(FEI) }]))).toBe(false);
    expect(await agrees(writeTiff([{ width: W, height: H, data: Uint16Array.from(px, (v) => v * 257), extraTags: [{ tag: 34682, type: 'ascii', value: FEI }] }], { compression: 'deflate' }))).toBe(false);
    // A float image is read as 32-bit, as decoding makes it.
    const float = writeTiff([{ width: W, height: H, data: Float32Array.from(px), extraTags: [{ tag: 34682, type: 'ascii', value: FEI }] }]);
    expect(await agrees(float)).toBe(false);
    expect((await readSemImageInfo(bytesSource('img.tif', float)))!.bitsPerSample).toBe(32);
  });

  it('need the pixels for a data bar found in them, or a pixel size measured off a burned-in scale bar', async () => {
    expect(await agrees(makeGreyTiff(W, H, px))).toBe(true);
    expect(await agrees(makeGreyTiff(W, H, px), JEOL_BAR('500nm'))).toBe(true);
  });

  it('refuse what decoding refuses before it reads a pixel', async () => {
    const claimed = makeGreyTiff(W, H, px);
    // ImageWidth (first entry, LONG) made 50000: more pixels than the uncompressed file holds.
    new DataView(claimed.buffer).setUint32(10 + 8, 50000, true);
    await expect(readSemImage(claimed, 'img.tif')).rejects.toThrow(/more than a \d+-byte file can hold/);
    await expect(readSemImageInfo(bytesSource('img.tif', claimed))).rejects.toThrow(/more than a \d+-byte file can hold/);
  });
});

describeShared('the facts of real instrument files without their pixels', () => {
  it('are those of the decoded image, or need the pixels (Zeiss data bars, the JEOL scale bar)', async () => {
    const needPixels: string[] = [];
    for (const file of readdirSync(sharedDataPath('sem')).filter((f) => f.endsWith('.tif'))) {
      const txt = file.replace(/\.tif$/, '.txt');
      const sidecar = existsSync(sharedDataPath('sem', txt)) ? { name: txt, bytes: readSharedData('sem', txt) } : undefined;
      if (await agrees(readSharedData('sem', file), sidecar)) needPixels.push(file);
    }
    expect(needPixels.sort()).toEqual(['jeol_4700F_example.tif', 'zeiss_crossbeam550_example.tif', 'zeiss_ultra55_512pix.tif']);
  });
});

describe('the tags read for the facts, on a crafted header', () => {
  it('reads the values of the tags it needs only (a file of many large tags held each of them)', async () => {
    // Forty 256 kB private tags beside the FEI metadata: the facts need the FEI tag alone.
    const big = new Uint8Array(256 << 10).fill(65);
    const extra = [{ tag: 34682, type: 2 as const, bytes: latin1(FEI) }, ...Array.from({ length: 40 }, (_, i) => ({ tag: 40000 + i, type: 7 as const, bytes: big }))];
    const tiff = makeGreyTiff(W, H, noiseImage(W, H, 3), extra);
    let bytesRead = 0;
    const plain = bytesSource('img.tif', tiff);
    const counted = { ...plain, read: async (offset: number, length: number) => ((bytesRead += length), plain.read(offset, length)) };
    const info = await readSemImageInfo(counted);
    expect(info?.pixelSizeNm).toBeCloseTo(2.5, 9);
    // The header, the IFD and the FEI text (and geotiff's own reads of the IFD), far below one 256 kB tag.
    expect(bytesRead).toBeLessThan(128 << 10);
  });
});
