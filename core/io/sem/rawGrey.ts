import { HOST_LITTLE_ENDIAN } from '../tiff/rawPlane.js';
import type { RawTag, RawTiffHeader } from './tiffTags.js';

/**
 * The samples of an uncompressed one-sample SEM TIFF (8- or 16-bit unsigned grey levels or
 * palette indices, in strips), as stored, copied strip by strip from the file's bytes. This is
 * how FEI/Thermo and Tescan save their images (Zeiss too, as a palette); geotiff's general
 * decoder took ~0.47 s for a 5120 × 3840 px 8-bit image (a value at a time through its sample
 * readers), this ~10 ms. Null for anything else (compressed, tiled, colour, other sample kinds,
 * strips that do not fit the file), which geotiff decodes and, where broken, refuses with its
 * message as before.
 */
export function uncompressedSamples(bytes: Uint8Array, header: RawTiffHeader, width: number, height: number): Uint8Array | Uint16Array | null {
  const tag = (id: number): number[] | null => numbers(header, header.tags.get(id));
  const one = (id: number, fallback: number): number | null => {
    const values = tag(id);
    return values === null ? (header.tags.has(id) ? null : fallback) : values.length === 1 ? values[0] : null;
  };
  const compression = one(259, 1);
  const samplesPerPixel = one(277, 1);
  const photometric = one(262, -1);
  const bits = one(258, 1);
  const sampleFormat = one(339, 1);
  const fillOrder = one(266, 1);
  // WhiteIsZero, BlackIsZero, palette.
  if (compression !== 1 || samplesPerPixel !== 1 || (photometric !== 0 && photometric !== 1 && photometric !== 3) || sampleFormat !== 1 || fillOrder !== 1) return null;
  if ((bits !== 8 && bits !== 16) || header.tags.has(322)) return null;
  const offsets = tag(273);
  const counts = tag(279);
  const rowsPerStrip = Math.min(height, one(278, height) ?? 0);
  if (!offsets || !counts || !(rowsPerStrip >= 1) || offsets.length !== Math.ceil(height / rowsPerStrip) || counts.length !== offsets.length) return null;
  const bytesPerSample = bits / 8;
  const rowBytes = width * bytesPerSample;
  const raw = new Uint8Array(width * height * bytesPerSample);
  for (let s = 0; s < offsets.length; s++) {
    const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
    const length = rows * rowBytes;
    if (counts[s] < length || offsets[s] + length > bytes.length) return null;
    raw.set(bytes.subarray(offsets[s], offsets[s] + length), s * rowsPerStrip * rowBytes);
  }
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
