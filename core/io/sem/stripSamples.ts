import { inflateInto, lzwInto, packBitsInto } from '../tiff/boundedDecoders.js';
import { undoHorizontalDifferencing } from '../tiff/compressedPages.js';
import { HOST_LITTLE_ENDIAN } from '../tiff/rawPlane.js';
import type { RawTag, RawTiffHeader } from './tiffTags.js';

/** Lossless strip codecs decoded here: each fills `out` from a strip's stored bytes and returns the bytes written. */
const DECODERS: ReadonlyMap<number, (stored: Uint8Array, out: Uint8Array) => number> = new Map([
  [1, (stored: Uint8Array, out: Uint8Array) => (out.set(stored.subarray(0, out.length)), Math.min(stored.length, out.length))],
  [5, lzwInto],
  [8, inflateInto],
  [32946, inflateInto],
  [32773, packBitsInto],
]);

/**
 * The samples of a one-sample SEM TIFF in strips (8- or 16-bit unsigned grey levels or palette
 * indices; uncompressed, LZW, Deflate or PackBits, with or without the horizontal predictor),
 * as stored, each strip copied or decoded straight into the image. This is how SEM software
 * saves its images (FEI/Thermo, Tescan and Zeiss uncompressed, JEOL LZW); geotiff's general
 * decoder took ~0.47 s for a 5120 × 3840 px 8-bit image (a value at a time through its sample
 * readers), this ~10 ms uncompressed. Throws where a strip is not a stream of its codec or holds
 * fewer bytes than its rows (geotiff refused those too). Null for anything else (JPEG, tiles,
 * colour, other sample kinds, strips past the end of the file), which geotiff decodes and, where
 * broken, refuses as before.
 */
export function stripSamples(bytes: Uint8Array, header: RawTiffHeader, width: number, height: number): Uint8Array | Uint16Array | null {
  const tag = (id: number): number[] | null => numbers(header, header.tags.get(id));
  const one = (id: number, fallback: number): number | null => {
    const values = tag(id);
    return values === null ? (header.tags.has(id) ? null : fallback) : values.length === 1 ? values[0] : null;
  };
  const decode = DECODERS.get(one(259, 1) ?? -1);
  const samplesPerPixel = one(277, 1);
  const photometric = one(262, -1);
  const bits = one(258, 1);
  const sampleFormat = one(339, 1);
  const fillOrder = one(266, 1);
  const predictor = one(317, 1);
  // WhiteIsZero, BlackIsZero, palette.
  if (!decode || samplesPerPixel !== 1 || (photometric !== 0 && photometric !== 1 && photometric !== 3) || sampleFormat !== 1 || fillOrder !== 1) return null;
  if ((bits !== 8 && bits !== 16) || (predictor !== 1 && predictor !== 2) || header.tags.has(322)) return null;
  const offsets = tag(273);
  const counts = tag(279);
  const rowsPerStrip = Math.min(height, one(278, height) ?? 0);
  if (!offsets || !counts || !(rowsPerStrip >= 1) || offsets.length !== Math.ceil(height / rowsPerStrip) || counts.length !== offsets.length) return null;
  if (offsets.some((at, s) => at + counts[s] > bytes.length)) return null;
  const bytesPerSample = bits / 8;
  const rowBytes = width * bytesPerSample;
  const raw = new Uint8Array(width * height * bytesPerSample);
  for (let s = 0; s < offsets.length; s++) {
    const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
    const start = s * rowsPerStrip * rowBytes;
    const out = raw.subarray(start, start + rows * rowBytes);
    // Refused here, not handed to geotiff, which refuses them too: its raster beside this image
    // would double what a hostile header makes us hold.
    let written: number;
    try {
      written = decode(bytes.subarray(offsets[s], offsets[s] + counts[s]), out);
    } catch (err) {
      throw new Error(`strip ${s + 1} of ${offsets.length}: ${(err as Error).message}`);
    }
    if (written < out.length) throw new Error(`strip ${s + 1} of ${offsets.length} holds ${written} of the ${out.length} bytes of its ${rows} rows`);
  }
  // Rows are differenced on their own, so the whole image at once is each strip's rows.
  if (predictor === 2) undoHorizontalDifferencing(raw, width, height, bytesPerSample, header.littleEndian);
  if (bits === 8) return raw;
  // In the host's byte order (both little-endian, as nearly every file and machine): the bytes are the samples.
  if (header.littleEndian === HOST_LITTLE_ENDIAN) return new Uint16Array(raw.buffer);
  const out = new Uint16Array(width * height);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(2 * i, header.littleEndian);
  return out;
}

/** A SHORT, LONG or LONG8 tag's values; null for any other type. */
function numbers(header: RawTiffHeader, t: RawTag | undefined): number[] | null {
  if (!t) return null;
  const size = t.type === 3 ? 2 : t.type === 4 ? 4 : t.type === 16 ? 8 : 0;
  if (size === 0 || t.bytes.length < size * t.count) return null;
  const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const le = header.littleEndian;
  return Array.from({ length: t.count }, (_, i) => (size === 2 ? dv.getUint16(2 * i, le) : size === 4 ? dv.getUint32(4 * i, le) : Number(dv.getBigUint64(8 * i, le))));
}
