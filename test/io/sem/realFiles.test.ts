import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readSemImage, readSemImageWithDataBar } from '../../../core/io/sem/index.js';
import { decodeGreyTiff } from '../../../core/io/sem/decode.js';
import { readRawTags } from '../../../core/io/sem/tiffTags.js';
import { describeShared, readSharedData, sharedDataPath } from '../../helpers/sharedData.js';

/** Reference pixel sizes and data-bar rows from ../shared/data/README.md. */
const FILES = [
  { file: 'tfs_scios_example.tif', pixelSizeNm: 269.792, source: 'metadata', width: 1536, rows: 1024, bar: 68, detail: /34682 \[Scan\] PixelWidth/ },
  { file: 'fei_helios_ebeam_8bits.tif', pixelSizeNm: 3372.4, source: 'metadata', width: 512, rows: 442, bar: 29, detail: /34682/ },
  { file: 'zeiss_crossbeam550_example.tif', pixelSizeNm: 593.3, source: 'metadata', width: 1024, rows: 708, bar: 60, detail: /34118 AP_IMAGE_PIXEL_SIZE/ },
  { file: 'zeiss_ultra55_512pix.tif', pixelSizeNm: 11.65, source: 'metadata', width: 512, rows: 350, bar: 34, detail: /AP_WIDTH/ },
  // No data bar strip (README: 0 rows), but its scale bar (row 896) and the text under it are
  // burned into the picture: from 29 rows above the bar down is annotation, cropped as a bar.
  { file: 'jeol_4700F_example.tif', pixelSizeNm: 2000, source: 'scalebar', width: 1280, rows: 867, bar: 93, detail: /500um = 250 px/ },
  { file: 'tescan_mira3_example.tif', pixelSizeNm: 2501.2, source: 'metadata', width: 1024, rows: 768, bar: 120, detail: /50431 MAIN PixelSizeX/ },
] as const;

/** The JEOL/Hitachi text beside a file, where the shared data has one. */
function sidecarOf(file: string): { name: string; bytes: Uint8Array } | undefined {
  const name = file.replace(/\.tif$/, '.txt');
  return existsSync(sharedDataPath('sem', name)) ? { name, bytes: readSharedData('sem', name) } : undefined;
}

describeShared('SEM reader on real instrument files', () => {
  for (const ref of FILES) {
    it(`${ref.file}: ${ref.pixelSizeNm} nm from ${ref.source}, ${ref.bar} data-bar rows cropped`, async () => {
      const sidecar = sidecarOf(ref.file);
      const img = await readSemImage(readSharedData('sem', ref.file), ref.file, sidecar);
      // 0.1 % is the acceptance tolerance of the issue.
      expect(Math.abs(img.pixelSizeNm! / ref.pixelSizeNm - 1)).toBeLessThan(1e-3);
      expect(img.pixelSizeSource).toBe(ref.source);
      expect(img.pixelSizeDetail).toMatch(ref.detail);
      expect(img.width).toBe(ref.width);
      expect(img.height).toBe(ref.rows);
      expect(img.dataBarRows).toBe(ref.bar);
      expect(img.pixels.length).toBe(ref.width * ref.rows);
    });
  }

  it('hands over the rows it cropped off: the file’s rows below the image, as decoded whole', async () => {
    for (const ref of FILES) {
      const bytes = readSharedData('sem', ref.file);
      const sidecar = sidecarOf(ref.file);
      const { image, dataBar } = await readSemImageWithDataBar(bytes, ref.file, sidecar);
      const full = await decodeGreyTiff(bytes, ref.file, readRawTags(bytes)!);
      expect(full.height, ref.file).toBe(image.height + image.dataBarRows);
      expect(dataBar, ref.file).not.toBeNull();
      expect(Array.from(dataBar!), ref.file).toEqual(Array.from(full.pixels.subarray(image.height * image.width)));
      expect(Array.from(image.pixels), ref.file).toEqual(Array.from((await readSemImage(bytes, ref.file, sidecar)).pixels));
    }
  });

  it('reads the 16-bit Tescan image as 16-bit and the palette JEOL image as grey', async () => {
    const tescan = await readSemImage(readSharedData('sem', 'tescan_mira3_example.tif'), 'tescan_mira3_example.tif');
    expect(tescan.bitsPerSample).toBe(16);
    expect(tescan.pixels).toBeInstanceOf(Uint16Array);
    const jeol = await readSemImage(readSharedData('sem', 'jeol_4700F_example.tif'), 'jeol_4700F_example.tif');
    expect(jeol.bitsPerSample).toBe(8);
    // The JEOL palette is a grey ramp, so the white scale bar is 255 after the colour map.
    expect(jeol.pixels[896 * 1280 + 400]).toBe(255);
  });

  it('takes the stage tilt from the metadata (Zeiss AP_STAGE_AT_T, FEI StageT in radians)', async () => {
    const zeiss = await readSemImage(readSharedData('sem', 'zeiss_crossbeam550_example.tif'), 'z.tif');
    expect(zeiss.tiltDeg).toBeCloseTo(2.0, 6);
    const fei = await readSemImage(readSharedData('sem', 'fei_helios_ebeam_8bits.tif'), 'f.tif');
    expect(fei.tiltDeg).toBeCloseTo((6.54498e-6 * 180) / Math.PI, 9);
  });

  it('without its sidecar the JEOL image has no calibration', async () => {
    const img = await readSemImage(readSharedData('sem', 'jeol_4700F_example.tif'), 'jeol_4700F_example.tif');
    expect(img.pixelSizeSource).toBe('none');
    expect(img.pixelSizeNm).toBeNull();
  });
});
