import { FormatError } from '../../model/errors.js';
import type { PixelSizeSource, SemImage } from '../../model/semImage.js';
import type { ByteSource } from '../byteSource.js';
import { cropRows, decodeGreyTiff, readGreyLayout } from './decode.js';
import type { GreyImage } from './decode.js';
import { detectDataBarRows } from './dataBar.js';
import { FEI_TAG, parseFeiMetadata } from './fei.js';
import { isHitachiText, parseHitachiMetadata } from './hitachi.js';
import { parseJeolMetadata } from './jeol.js';
import { measureScaleBarPx } from './scaleBar.js';
import { TESCAN_TAG, parseTescanMetadata } from './tescan.js';
import { decodeSidecarText } from './text.js';
import { readRawTags, readRawTagsFrom, tagLatin1 } from './tiffTags.js';
import type { RawTiffHeader } from './tiffTags.js';
import type { VendorInfo } from './vendor.js';
import { ZEISS_TAG, parseZeissMetadata } from './zeiss.js';

export interface SidecarFile {
  name: string;
  bytes: Uint8Array;
}

/** Where the burned-in scale bar is searched when there is no data bar: the bottom fifth. */
const OVERLAY_SEARCH_FRACTION = 0.2;
/** Rows above an in-image scale bar taken as annotation too (its length label), as a fraction of the height. */
const OVERLAY_MARGIN_FRACTION = 0.03;

/**
 * The vendor metadata of a TIFF: a private tag when there is one (FEI/Thermo 34682, Zeiss
 * 34118, Tescan 50431), else the JEOL or Hitachi sidecar text. A tag wins over a sidecar:
 * it was written with the pixels.
 */
function vendorInfo(header: RawTiffHeader, width: number, height: number, sidecar?: SidecarFile): VendorInfo | null {
  const fei = tagLatin1(header.tags.get(FEI_TAG));
  if (fei) return parseFeiMetadata(fei, width);
  const zeiss = tagLatin1(header.tags.get(ZEISS_TAG));
  if (zeiss) return parseZeissMetadata(zeiss, width);
  const tescan = header.tags.get(TESCAN_TAG);
  if (tescan) return parseTescanMetadata(tescan.bytes, height);
  if (sidecar) {
    const text = decodeSidecarText(sidecar.bytes);
    return isHitachiText(text) ? parseHitachiMetadata(text, width, height) : parseJeolMetadata(text, width, height);
  }
  return null;
}

/** An SEM image's facts without its pixels: what `strata info` prints. */
export type SemImageInfo = Omit<SemImage, 'pixels'>;

/**
 * Everything of a SemImage but its pixels: the data bar, the pixel size with where it came
 * from, the tilt, the metadata. `pixels` (the whole grey image, data bar included) is needed
 * only where the vendor metadata does not give the data bar's height or calibrates through a
 * burned-in scale bar (measured off the pixels); without them that case gives null.
 */
function describeSem(
  vendor: VendorInfo | null,
  grey: { width: number; height: number; bitsPerSample: 8 | 16 | 32; pixels: GreyImage['pixels'] | null },
  source: SemImage['source'],
  sidecar?: SidecarFile,
): SemImageInfo | null {
  const { width, height, pixels } = grey;
  // Data bar: the vendor's frame height when it gives one, else detected from the pixels.
  let imageRows = vendor?.imageRows;
  let barDetail = imageRows !== undefined ? 'metadata' : 'detected';
  // Whole rows only: a vendor's strip height comes from text (`ImageStripSize=.2` gave 71.8 rows).
  if (imageRows === undefined || !(Number.isInteger(imageRows) && imageRows > 0 && imageRows <= height)) {
    if (!pixels) return null;
    imageRows = height - detectDataBarRows(pixels, width, height);
    barDetail = 'detected';
  }
  let dataBarRows = height - imageRows;

  let pixelSizeNm: number | null = null;
  let pixelSizeSource: PixelSizeSource = 'none';
  let pixelSizeDetail: string | undefined;
  for (const candidate of vendor?.candidates ?? []) {
    if (candidate.kind === 'value') {
      ({ pixelSizeNm, source: pixelSizeSource, detail: pixelSizeDetail } = candidate);
      break;
    }
    if (!pixels) return null;
    const [rowStart, rowEnd] = dataBarRows > 0 ? [imageRows, height] : [Math.floor(height * (1 - OVERLAY_SEARCH_FRACTION)), height];
    const bar = measureScaleBarPx(pixels, width, rowStart, rowEnd);
    if (bar) {
      pixelSizeNm = candidate.markerNm / bar.lengthPx;
      pixelSizeSource = 'scalebar';
      pixelSizeDetail = `${candidate.detail} = ${bar.lengthPx} px (row ${bar.row}, x ${bar.x0})`;
      if (dataBarRows === 0) {
        // A bar burned into the image itself (JEOL writes its scale bar and the kV, magnification
        // and length under it into the picture): everything from a little above it down is
        // annotation, not specimen. Measured as layers, the bar and the text were three "layers".
        const overlayTop = Math.max(0, bar.row - Math.max(4, Math.round(OVERLAY_MARGIN_FRACTION * height)));
        dataBarRows = height - overlayTop;
        imageRows = overlayTop;
        barDetail = `in-image annotation from row ${overlayTop}: the scale bar at row ${bar.row} and what is written under it`;
      }
      break;
    }
  }

  const metadata: Record<string, string> = { ...(vendor?.metadata ?? {}) };
  if (vendor) metadata['strata.vendor'] = vendor.vendor;
  if (sidecar) metadata['strata.sidecar'] = sidecar.name;
  metadata['strata.dataBar'] = `${dataBarRows} rows (${barDetail})`;

  return {
    kind: 'semImage',
    source,
    width,
    height: imageRows,
    bitsPerSample: grey.bitsPerSample,
    pixelSizeNm,
    pixelSizeSource,
    pixelSizeDetail,
    tiltDeg: vendor?.tiltDeg ?? null,
    ...(vendor?.tiltCorrection ? { instrumentTiltCorrection: vendor.tiltCorrection } : {}),
    // Square within 0.1 % is square (the vendors write both to a few digits).
    ...(vendor?.pixelAspect !== undefined && Math.abs(vendor.pixelAspect - 1) > 1e-3 ? { pixelAspect: vendor.pixelAspect } : {}),
    dataBarRows,
    instrument: vendor?.instrument,
    metadata,
  };
}

/**
 * SEM TIFF (+ optional JEOL/Hitachi sidecar) → SemImage: grey pixels with the data bar
 * cropped off, the pixel size with where it came from, and the stage tilt when recorded.
 * An image nothing calibrates has `pixelSizeNm: null`, `pixelSizeSource: 'none'`; the user
 * then sets the scale (`core/sem/calibration.ts`).
 */
export async function readSemImage(bytes: Uint8Array, fileName: string, sidecar?: SidecarFile): Promise<SemImage> {
  return (await readSemImageWithDataBar(bytes, fileName, sidecar)).image;
}

/**
 * readSemImage's image, and the rows it cropped off (the data bar, or an annotation burned into
 * the image; null where there are none), as the file holds them: the SEM view shows the data bar
 * for its scale bar to be clicked, which it had decoded the whole file again to get.
 */
export async function readSemImageWithDataBar(bytes: Uint8Array, fileName: string, sidecar?: SidecarFile): Promise<{ image: SemImage; dataBar: GreyImage['pixels'] | null }> {
  const header = readRawTags(bytes);
  if (!header) throw new FormatError(fileName, 'not a TIFF file (no II*/MM* header)', { offset: 0 });
  if (header.impossibleTag) {
    const { tag, count, bytes: claimed } = header.impossibleTag;
    throw new FormatError(fileName, `TIFF tag ${tag} claims ${count} values (${claimed} bytes), more than the whole file (${bytes.length} bytes)`);
  }
  const grey = await decodeGreyTiff(bytes, fileName, header);
  const vendor = vendorInfo(header, grey.width, grey.height, sidecar);
  const info = describeSem(vendor, grey, { fileName, format: 'tiff', sizeBytes: bytes.byteLength }, sidecar)!;
  const cropped = info.dataBarRows > 0;
  return {
    image: { ...info, pixels: cropped ? cropRows(grey.pixels, grey.width, info.height) : grey.pixels },
    dataBar: cropped ? grey.pixels.subarray(info.height * grey.width) : null,
  };
}

/**
 * The tags whose values the facts come from: photometric and colour map (the grey image's
 * depth), and the vendors' metadata. Strip and tile counts need no values.
 */
const INFO_TAGS: ReadonlySet<number> = new Set([262, 320, FEI_TAG, ZEISS_TAG, TESCAN_TAG]);

/**
 * The facts of an SEM TIFF as readSemImage gives them, less the pixels, read from its tags
 * and sidecar without decoding the image (a few kB of a file of hundreds of MB). Null where
 * one of them needs the pixels (readSemImage then): a data bar whose height the metadata does
 * not give is found in them, and a pixel size from a burned-in scale bar is measured on them.
 */
export async function readSemImageInfo(source: ByteSource, sidecar?: SidecarFile): Promise<SemImageInfo | null> {
  const header = await readRawTagsFrom(source, INFO_TAGS);
  if (header.oversized !== undefined) return null;
  const layout = await readGreyLayout(source, header);
  const vendor = vendorInfo(header, layout.width, layout.height, sidecar);
  return describeSem(vendor, { ...layout, pixels: null }, { fileName: source.name, format: 'tiff', sizeBytes: source.size }, sidecar);
}
