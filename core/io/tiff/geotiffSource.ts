import { GeoTIFF } from 'geotiff';
import type { ByteSource } from '../byteSource.js';

/** geotiff's source type, named through the one public function that takes it. */
export type GeotiffBaseSource = Parameters<typeof GeoTIFF.fromSource>[0];

/**
 * A ByteSource seen by geotiff: it asks for byte ranges and gets only those, so decoding one
 * page of a large stack reads that page's strips and nothing else. Ranges are clipped at the
 * end of the file (geotiff then fails on the short buffer, and the caller reports a FormatError).
 */
export function toGeotiffSource(source: ByteSource): GeotiffBaseSource {
  const fetchOne = async (offset: number, length: number): Promise<ArrayBuffer> => {
    if (!(offset >= 0 && length >= 0) || offset >= source.size) return new ArrayBuffer(0);
    const bytes = await source.read(offset, Math.min(length, source.size - offset));
    // geotiff wants a whole ArrayBuffer starting at the requested offset: copy the view out.
    return bytes.slice().buffer as ArrayBuffer;
  };
  const adapter = {
    async fetch(slices: { offset: number; length: number }[]): Promise<ArrayBuffer[]> {
      return Promise.all(slices.map((s) => fetchOne(s.offset, s.length)));
    },
    async fetchSlice(slice: { offset: number; length: number }) {
      return { ...slice, data: await fetchOne(slice.offset, slice.length) };
    },
    get fileSize(): number {
      return source.size;
    },
    async close(): Promise<void> {
      // The ByteSource's owner closes it.
    },
  };
  return adapter as unknown as GeotiffBaseSource;
}
