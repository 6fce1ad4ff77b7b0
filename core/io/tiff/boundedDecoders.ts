import { addDecoder, BaseDecoder, getDecoder } from 'geotiff';
import type { ImageFileDirectory } from 'geotiff';
import { Inflate } from 'pako';
import { boundedJpegDecoder, type JpegBlockLimits } from './jpegBounds.js';

/**
 * Deflate (TIFF Compression 8 and 32946), LZW (5) and PackBits (32773) decoders for geotiff that
 * decode a strip or tile into the bytes its rows take and stop there, as libtiff does. geotiff's
 * own decode a stream to its end, so a few kB of a crafted file could claim gigabytes: deflate
 * gives up to 1 032 bytes a byte (a 2 MB SEM TIFF could have it allocate 2 GB), LZW up to ~2 700
 * and PackBits 64, those two into a JavaScript array of numbers (past ~170 M elements V8 ends
 * the process: the SEM fuzz test found it). Its LZW decoder also has no room for dictionary codes
 * 4093 and 4094, and a stream that uses them (8 MB of zeros, as an encoder that fills the
 * dictionary writes them) sent it round one entry forever, until the heap ran out.
 *
 * JPEG (7) blocks are checked before geotiff's decoder reads them (see `assertBoundedJpeg`).
 */

/** Thrown from pako's output callback to stop inflating: the block is complete. */
class BlockComplete extends Error {}

/**
 * A faster inflater of the platform's, where there is one (Node's zlib, see
 * core/node/nativeInflate.ts): the zlib stream `stored` inflated whole, if it inflates to at
 * most `maxBytes`; null where it does not (longer, damaged, cut short, not zlib data), and the
 * stream is then inflated here as before. It only makes good streams faster.
 */
export type WholeStreamInflater = (stored: Uint8Array, maxBytes: number) => Uint8Array | null;

let wholeStreamInflater: WholeStreamInflater | null = null;

/**
 * Has inflateInto try `inflater` first (once per thread; null: pako alone). pako inflates at
 * ~80 MB/s on one core here, zlib at ~250 MB/s, and a Deflate-compressed stack is read no faster
 * than it inflates.
 */
export function useWholeStreamInflater(inflater: WholeStreamInflater | null): void {
  wholeStreamInflater = inflater;
}

/**
 * Inflates the zlib stream `stored` into `out`, stopping once `out` is full (what follows, the
 * stream's checksum included, is not read). Returns the bytes written: fewer than `out` holds
 * when the stream ends early. Throws an Error when the stream is not zlib data.
 */
export function inflateInto(stored: Uint8Array, out: Uint8Array): number {
  const whole = wholeStreamInflater?.(stored, out.length);
  if (whole && whole.length <= out.length) {
    out.set(whole);
    return whole.length;
  }
  return pakoInflateInto(stored, out);
}

/** inflateInto with pako: a stream inflated only as far as `out` reaches, whatever it claims. */
function pakoInflateInto(stored: Uint8Array, out: Uint8Array): number {
  // pako hands on each chunk of output as soon as it is full; one of the block's size for a
  // small block (one call), of 64 kB at most for a large one (pako allocates it).
  const inflater = new Inflate({ chunkSize: Math.max(1, Math.min(out.length, 64 << 10)) });
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

/**
 * A block decoded by `into` (which fills the buffer it is given, no further, and says how much
 * it filled): exactly the bytes the stream gives, at most the block's size. The buffer starts at
 * four times the stored bytes (most blocks fit: images compress less than that) and grows four
 * times over, decoding again, while the stream fills it. A stream that claims rows it does not
 * hold thus costs what it holds, not the block's size, and a short one stays short, so geotiff
 * refuses the rows it lacks as it did.
 */
function decodeBounded(stored: ArrayBufferLike, parameters: unknown, into: (stored: Uint8Array, out: Uint8Array) => number): ArrayBuffer {
  const { blockBytes } = parameters as BoundedParameters;
  // Refused by the readers before this (walkableLayout.ts); a guard for any other caller.
  if (!(Number.isSafeInteger(blockBytes) && blockBytes >= 0 && blockBytes <= 1 << 30)) throw new Error(`a block of ${blockBytes} bytes`);
  const input = new Uint8Array(stored);
  let size = Math.min(blockBytes, Math.max(64 << 10, 4 * input.length));
  for (;;) {
    const out = new Uint8Array(size);
    const filled = into(input, out);
    if (filled === size && size < blockBytes) {
      size = Math.min(blockBytes, 4 * size);
      continue;
    }
    return filled === size ? out.buffer : out.slice(0, filled).buffer;
  }
}

/** A geotiff decoder whose blocks `into` decodes, bounded by decodeBounded. */
function boundedDecoder(into: (stored: Uint8Array, out: Uint8Array) => number): typeof BaseDecoder {
  return class BoundedDecoder extends BaseDecoder {
    override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
      return decodeBounded(buffer, this.parameters, into);
    }
  };
}

/**
 * PackBits (TIFF 6, section 9) decoded into `out`, stopping once it is full; returns the bytes
 * written. A header byte n of 0 … 127 copies the next n + 1 bytes, −127 … −1 repeats the next
 * byte 1 − n times, −128 does nothing (geotiff repeated the byte 129 times; no encoder writes it).
 */
export function packBitsInto(input: Uint8Array, out: Uint8Array): number {
  let written = 0;
  let i = 0;
  while (i < input.length && written < out.length) {
    const n = (input[i] << 24) >> 24;
    i++;
    if (n >= 0) {
      const end = Math.min(i + n + 1, input.length);
      const count = Math.min(end - i, out.length - written);
      out.set(input.subarray(i, i + count), written);
      written += count;
      i = end;
    } else if (n > -128) {
      if (i >= input.length) break;
      const count = Math.min(1 - n, out.length - written);
      out.fill(input[i], written, written + count);
      written += count;
      i++;
    }
  }
  return written;
}

const CLEAR = 256;
const END = 257;
const NO_PREFIX = 0xffff;

/**
 * TIFF LZW (codes of 9 to 12 bits, most significant bit first, wider one code early; Clear 256,
 * end 257) decoded into `out`, stopping once it is full; returns the bytes written. The same
 * bytes as geotiff's decoder for any stream it decodes (an input that ends without the end code
 * ends there; a dictionary full at 12 bits takes no more entries until a Clear), and the streams
 * it cannot (codes 4093 and 4094); a code past the dictionary is refused, where geotiff decoded
 * garbage.
 */
export function lzwInto(input: Uint8Array, out: Uint8Array): number {
  // Each entry: the entry it extends (NO_PREFIX for the 256 bytes), its last byte, its length
  // and its first byte; strings are written backwards from their last byte.
  const prefix = new Uint16Array(4096).fill(NO_PREFIX);
  const last = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  const first = new Uint8Array(4096);
  for (let i = 0; i < 256; i++) {
    last[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let size = 258;
  let width = 9;
  let bit = 0;
  let written = 0;
  let previous = -1;
  const totalBits = input.length * 8;
  const nextCode = (): number => {
    // Past the input's last byte: the end (a code cut short reads zeros for its missing bits).
    if (bit >= totalBits) return END;
    let code = 0;
    for (let k = 0; k < width; k++, bit++) code = (code << 1) | (bit < totalBits ? (input[bit >> 3] >> (7 - (bit & 7))) & 1 : 0);
    return code;
  };
  /** Writes the string of `code`, as far as `out` reaches. */
  const emit = (code: number): void => {
    let at = written + length[code] - 1;
    let i = code;
    // The tail that does not fit is skipped.
    for (; at >= out.length && i !== NO_PREFIX; at--) i = prefix[i];
    for (; i !== NO_PREFIX; at--) {
      out[at] = last[i];
      i = prefix[i];
    }
    written += length[code];
  };
  const add = (from: number, byte: number): void => {
    if (size >= 4096) return;
    prefix[size] = from;
    last[size] = byte;
    length[size] = length[from] + 1;
    first[size] = first[from];
    size++;
  };
  let code = nextCode();
  while (code !== END && written < out.length) {
    if (code === CLEAR) {
      size = 258;
      width = 9;
      do code = nextCode();
      while (code === CLEAR);
      if (code === END) break;
      if (code > CLEAR) throw new Error(`LZW code ${code} right after a Clear`);
      emit(code);
      previous = code;
    } else if (code < size) {
      emit(code);
      if (previous >= 0) add(previous, first[code]);
      previous = code;
    } else {
      // The one code not yet in the dictionary an encoder may send: the previous string and its first byte.
      if (previous < 0) throw new Error(`LZW code ${code} with no string before it`);
      if (code !== size) throw new Error(`LZW code ${code} is past the dictionary (${size} entries)`);
      const byte = first[previous];
      add(previous, byte);
      emit(code);
      previous = code;
    }
    if (size + 1 >= 1 << width) {
      // At 12 bits the dictionary is full: nothing more is added until a Clear.
      if (width === 12) previous = -1;
      else width++;
    }
    code = nextCode();
  }
  return Math.min(written, out.length);
}

/** geotiff's JPEG decoder parameters, and what a block's frame may claim (see jpegBounds.ts). */
async function jpegParameters(directory: ImageFileDirectory): Promise<BoundedParameters & JpegBlockLimits> {
  const parameters = await boundedParameters(directory);
  const samples = Number((await directory.loadValue('SamplesPerPixel')) ?? 1);
  return {
    ...parameters,
    JPEGTables: await directory.loadValue('JPEGTables'),
    samplesPerBlock: parameters.planarConfiguration === 2 ? 1 : samples,
    kind: directory.hasTag('StripOffsets') ? 'strip' : 'tile',
  };
}

let registered = false;

/** Has geotiff decode Deflate, LZW, PackBits and JPEG blocks with the decoders above (once per thread; call before decoding). */
export function useBoundedDecoders(): void {
  if (registered) return;
  // geotiff's own JPEG decoder, to wrap: getDecoder looks it up as it is called, before ours replaces it.
  const jpeg = getDecoder(7, {} as never).then((decoder) => boundedJpegDecoder(decoder.constructor as typeof BaseDecoder));
  // Read when a JPEG block is; until then a failure would go unhandled.
  jpeg.catch(() => undefined);
  addDecoder(7, () => jpeg, jpegParameters as never, false);
  const [deflate, lzw, packBits] = [inflateInto, lzwInto, packBitsInto].map(boundedDecoder);
  addDecoder([8, 32946], async () => deflate, boundedParameters as never, false);
  addDecoder(5, async () => lzw, boundedParameters as never, false);
  addDecoder(32773, async () => packBits, boundedParameters as never, false);
  registered = true;
}
