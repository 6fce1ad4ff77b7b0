import { FormatError } from '../../model/errors.js';
import type { ByteSource } from '../byteSource.js';
import { readTagNumbers, TAG } from './ifd.js';
import type { TiffIfd, TiffStructure } from './ifd.js';
import type { TiffPageInfo } from './page.js';

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Uncompressed single-sample strip pages, as instruments export big stacks, read with one
 * `read` and one typed-array conversion. A general decoder (geotiff) costs about a millisecond
 * of bookkeeping per page, which is most of the time for a stack of thousands of small planes;
 * this path brings a page to the speed of reading its bytes. Returns null when the page is not
 * of this simple kind (compressed, tiled, strips not contiguous), so the caller decodes it.
 */
export async function readUncompressedPlane(source: ByteSource, tiff: TiffStructure, ifd: TiffIfd, info: TiffPageInfo): Promise<Float32Array | null> {
  if (info.compression !== 1 || info.samplesPerPixel !== 1 || ifd.entries.has(TAG.TileOffsets)) return null;
  const offsets = await readTagNumbers(source, tiff, ifd, TAG.StripOffsets);
  const counts = await readTagNumbers(source, tiff, ifd, TAG.StripByteCounts);
  if (offsets.length === 0 || offsets.length !== counts.length) return null;
  for (let i = 1; i < offsets.length; i++) if (offsets[i] !== offsets[i - 1] + counts[i - 1]) return null;
  const bytesPerSample = info.bitsPerSample / 8;
  const n = info.width * info.height;
  const planeBytes = n * bytesPerSample;
  const start = offsets[0];
  if (start + planeBytes > source.size) throw new FormatError(source.name, `page pixels (${planeBytes} bytes at ${start}) run past the end of the file`, { offset: start });
  const bytes = await source.read(start, planeBytes);
  if (bytes.byteLength < planeBytes) throw new FormatError(source.name, 'page pixels: file truncated', { offset: start });
  return toFloat32(bytes, n, info, tiff.littleEndian);
}

/** Samples of one plane as Float32 (what IonPlane holds). */
export function toFloat32(bytes: Uint8Array, n: number, info: TiffPageInfo, littleEndian: boolean): Float32Array {
  const out = new Float32Array(n);
  const { bitsPerSample: bits, sampleFormat: format } = info;
  if (bits === 8) {
    if (format === 2) for (let i = 0; i < n; i++) out[i] = (bytes[i] << 24) >> 24;
    else out.set(bytes.subarray(0, n));
    return out;
  }
  // Same byte order as the host: view the bytes as the sample type (copied to align them).
  if (littleEndian === HOST_LITTLE_ENDIAN) {
    const aligned = bytes.byteOffset % (bits / 8) === 0 ? bytes : bytes.slice();
    const buf = aligned.buffer;
    const off = aligned.byteOffset;
    const typed =
      format === 3 ? (bits === 32 ? new Float32Array(buf, off, n) : new Float64Array(buf, off, n))
      : format === 2 ? (bits === 16 ? new Int16Array(buf, off, n) : new Int32Array(buf, off, n))
      : bits === 16 ? new Uint16Array(buf, off, n) : new Uint32Array(buf, off, n);
    out.set(typed);
    return out;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    const at = i * (bits / 8);
    out[i] =
      format === 3 ? (bits === 32 ? dv.getFloat32(at, littleEndian) : dv.getFloat64(at, littleEndian))
      : format === 2 ? (bits === 16 ? dv.getInt16(at, littleEndian) : dv.getInt32(at, littleEndian))
      : bits === 16 ? dv.getUint16(at, littleEndian) : dv.getUint32(at, littleEndian);
  }
  return out;
}

/** Typed arrays whose values are exactly the Float32 values a plane would hold. */
export type ExactSamples = Uint8Array | Int8Array | Uint16Array | Int16Array | Float32Array;

/**
 * Several planes read in one piece (`bytes`, plane k's pixels at byte `starts[k]`) as one
 * array of samples and the element index where each plane starts. Where the file's samples
 * are exactly what Float32 would hold (8/16-bit integers, 32-bit floats) in the host's byte
 * order, the array is a view over the bytes: no conversion, no copy. Otherwise (32-bit
 * integers, 64-bit floats, the other byte order, misaligned planes) each plane is converted
 * to Float32 as readPlane would, so a reduction gets the same numbers either way.
 */
export function planesFromBytes(
  bytes: Uint8Array,
  starts: ArrayLike<number>,
  n: number,
  info: TiffPageInfo,
  littleEndian: boolean,
): { data: ExactSamples; starts: Int32Array | Float64Array } {
  const { bitsPerSample: bits, sampleFormat: format } = info;
  const size = bits / 8;
  const count = starts.length;
  const exact = bits === 8 || (bits === 16 && format !== 3) || (bits === 32 && format === 3);
  const aligned = bytes.byteOffset % size === 0 && Array.prototype.every.call(starts, (s: number) => s % size === 0);
  if (exact && aligned && (bits === 8 || littleEndian === HOST_LITTLE_ENDIAN)) {
    const buf = bytes.buffer;
    const off = bytes.byteOffset;
    const len = Math.floor(bytes.byteLength / size);
    const data =
      bits === 8 ? (format === 2 ? new Int8Array(buf, off, len) : new Uint8Array(buf, off, len))
      : bits === 16 ? (format === 2 ? new Int16Array(buf, off, len) : new Uint16Array(buf, off, len))
      : new Float32Array(buf, off, len);
    return { data, starts: Float64Array.from(starts, (s) => s / size) };
  }
  const data = new Float32Array(count * n);
  for (let k = 0; k < count; k++) {
    data.set(toFloat32(bytes.subarray(starts[k], starts[k] + n * size), n, info, littleEndian), k * n);
  }
  return { data, starts: Float64Array.from({ length: count }, (_, k) => k * n) };
}
