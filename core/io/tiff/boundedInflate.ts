import { addDecoder, BaseDecoder } from 'geotiff';
import type { ImageFileDirectory } from 'geotiff';
import { Inflate } from 'pako';

/**
 * Deflate (TIFF Compression 8 and 32946) that inflates a strip or tile into the bytes its rows
 * take and stops there, as libtiff does. Inflating a stream to its end lets a few kB of a
 * crafted file claim gigabytes (deflate gives up to 1 032 bytes a byte): geotiff's own decoder
 * does, and a 2 MB SEM TIFF could have it allocate 2 GB.
 */

/** Thrown from pako's output callback to stop inflating: the block is complete. */
class BlockComplete extends Error {}

/**
 * Inflates the zlib stream `stored` into `out`, stopping once `out` is full (what follows, the
 * stream's checksum included, is not read). Returns the bytes written: fewer than `out` holds
 * when the stream ends early. Throws an Error when the stream is not zlib data.
 */
export function inflateInto(stored: Uint8Array, out: Uint8Array): number {
  // Output in chunks of the block's size: pako hands one on as soon as it is full.
  const inflater = new Inflate({ chunkSize: Math.max(out.length, 1) });
  let filled = 0;
  inflater.onData = (chunk: Uint8Array): void => {
    out.set(chunk.subarray(0, out.length - filled), filled);
    filled += chunk.length;
    if (filled >= out.length) throw new BlockComplete();
  };
  try {
    inflater.push(stored, true);
  } catch (err) {
    if (err instanceof BlockComplete) return out.length;
    throw err;
  }
  if (inflater.err) throw new Error(`does not inflate: ${inflater.msg || `zlib error ${inflater.err}`}`);
  return Math.min(filled, out.length);
}

interface BoundedParameters {
  tileWidth: number;
  tileHeight: number;
  planarConfiguration: number;
  bitsPerSample: number | number[];
  predictor: number;
  /** Bytes one strip or tile inflates to: its rows (the last strip's may be fewer). */
  blockBytes: number;
}

/** geotiff's decoder parameters, and the size of a block; a strip is at most the image's height. */
async function boundedParameters(directory: ImageFileDirectory): Promise<BoundedParameters> {
  const tiled = !directory.hasTag('StripOffsets');
  const tileWidth = Number(await directory.loadValue(tiled ? 'TileWidth' : 'ImageWidth'));
  const imageHeight = Number(await directory.loadValue('ImageLength'));
  const rowsPerStrip = Number((await directory.loadValue('RowsPerStrip')) || imageHeight);
  const tileHeight = tiled ? Number(await directory.loadValue('TileLength')) : Math.min(rowsPerStrip, imageHeight);
  const planarConfiguration = Number((await directory.loadValue('PlanarConfiguration')) ?? 1);
  const bits = await directory.loadValue('BitsPerSample');
  const bitsList = typeof bits === 'number' ? [bits] : Array.from(bits as ArrayLike<number>, Number);
  const bitsPerPixel = planarConfiguration === 2 ? (bitsList[0] ?? 1) : bitsList.reduce((a, b) => a + b, 0);
  return {
    tileWidth,
    tileHeight,
    planarConfiguration,
    bitsPerSample: typeof bits === 'number' ? bits : bitsList,
    predictor: Number((await directory.loadValue('Predictor')) || 1),
    blockBytes: Math.ceil((tileWidth * bitsPerPixel) / 8) * tileHeight,
  };
}

class BoundedDeflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const { blockBytes } = this.parameters as unknown as BoundedParameters;
    // Refused by the readers before this (walkableLayout.ts); a guard for any other caller.
    if (!(Number.isSafeInteger(blockBytes) && blockBytes >= 0 && blockBytes <= 1 << 30)) throw new Error(`a block of ${blockBytes} bytes`);
    const out = new Uint8Array(blockBytes);
    // A stream that ends early leaves zeros past it (a last strip's missing rows are not read).
    inflateInto(new Uint8Array(buffer), out);
    return out.buffer;
  }
}

let registered = false;

/** Has geotiff inflate Deflate blocks with BoundedDeflateDecoder (once per thread; call before decoding). */
export function useBoundedDeflate(): void {
  if (registered) return;
  addDecoder([8, 32946], async () => BoundedDeflateDecoder, boundedParameters as never, false);
  registered = true;
}
