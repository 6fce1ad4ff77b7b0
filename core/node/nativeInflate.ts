/**
 * Node's zlib as the TIFF readers' inflater (boundedDecoders.ts): about three times pako's speed
 * (a strip of a 256 × 256 16-bit plane: ~250 against ~80 MB/s here), and a compressed stack
 * reads no faster than it inflates. Installed by importing this module (fileSource.ts does, so
 * every thread that reads files has it).
 */
import { constants, inflateSync } from 'node:zlib';
import { useWholeStreamInflater } from '../io/tiff/boundedDecoders.js';

/**
 * The stream inflated whole where it is good and inflates to at most `maxBytes` (zlib stops at
 * that bound: a bomb costs what the bound allows); null otherwise: a longer stream (its first
 * `maxBytes` are wanted), a damaged one, a bad checksum or one cut short, each left to pako, which
 * stops where the output is full and says what it found, as before.
 */
export function inflateWhole(stored: Uint8Array, maxBytes: number): Uint8Array | null {
  try {
    // Z_FINISH (the default) refuses a stream cut short rather than returning part of it.
    return inflateSync(stored, { maxOutputLength: Math.max(1, maxBytes), finishFlush: constants.Z_FINISH });
  } catch {
    return null;
  }
}

useWholeStreamInflater(inflateWhole);
