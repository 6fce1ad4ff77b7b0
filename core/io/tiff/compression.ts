/**
 * TIFF compressions by what the readers allow. Only those with bounded decoders are read
 * (boundedDecoders.ts, compressedPages.ts, jpegBounds.ts): geotiff's others allocate what a few
 * bytes claim (a 204-byte LERC TIFF had it allocate 7.6 GB, a 49 kB ZSTD one 3.2 GB).
 */

/** Lossless and bounded: none, LZW, Deflate (8 and the old 32946) and PackBits. */
export const LOSSLESS_COMPRESSIONS: ReadonlySet<number> = new Set([1, 5, 8, 32946, 32773]);

/** JPEG (7), lossy: an SEM picture may be stored so, never counts. */
export const JPEG_COMPRESSION = 7;

const NAMES: Record<number, string> = {
  1: 'none',
  2: 'CCITT RLE',
  3: 'CCITT Group 3',
  4: 'CCITT Group 4',
  5: 'LZW',
  6: 'old-style JPEG',
  7: 'JPEG',
  8: 'Deflate',
  32773: 'PackBits',
  32946: 'Deflate',
  34712: 'JPEG 2000',
  34887: 'LERC',
  34925: 'LZMA',
  50000: 'ZSTD',
  50001: 'WebP',
  50002: 'JPEG XL',
};

/** "TIFF compression 50000 (ZSTD)", or the number alone when it has no known name. */
export function compressionLabel(compression: number): string {
  const name = NAMES[compression];
  return `TIFF compression ${compression}${name ? ` (${name})` : ''}`;
}
