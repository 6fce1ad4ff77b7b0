import type { ByteSource, ReusableReads } from '../../../core/io/byteSource.js';
import { bytesSource } from '../../../core/io/byteSource.js';

/** A ByteSource that records every range read, to check that a reader reads only what it needs. */
export function recordingSource(name: string, bytes: Uint8Array): ByteSource & { reads: Array<[number, number]> } {
  const inner = bytesSource(name, bytes);
  const reads: Array<[number, number]> = [];
  return {
    name,
    size: inner.size,
    reads,
    async read(offset, length) {
      const out = await inner.read(offset, length);
      reads.push([offset, offset + out.byteLength]);
      return out;
    },
  };
}

/**
 * A ByteSource that also reads into the caller's buffer, as file sources do (readers then reuse
 * buffers and read small pieces past the block cache), recording the ranges read each way.
 */
export function readIntoSource(name: string, bytes: Uint8Array): ByteSource & ReusableReads & { reads: Array<[number, number]>; readIntos: Array<[number, number]> } {
  const source = recordingSource(name, bytes);
  const readIntos: Array<[number, number]> = [];
  return {
    ...source,
    readIntos,
    async readInto(offset, target) {
      const got = bytes.subarray(Math.min(offset, bytes.length), Math.min(bytes.length, offset + target.byteLength));
      target.set(got);
      readIntos.push([offset, offset + got.byteLength]);
      return got.byteLength;
    },
  };
}

/** Offset of the IFD entry for `tag` in page 0 of a little-endian classic TIFF (the test writer's layout). */
export function entryOffset(bytes: Uint8Array, tag: number, ifdOffset?: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = ifdOffset ?? dv.getUint32(4, true);
  const n = dv.getUint16(at, true);
  for (let i = 0; i < n; i++) {
    const e = at + 2 + i * 12;
    if (dv.getUint16(e, true) === tag) return e;
  }
  throw new Error(`tag ${tag} not in IFD at ${at}`);
}

/** Overwrites the inline SHORT/LONG value of a tag (count 1) in a copy of the file. */
export function patchTag(bytes: Uint8Array, tag: number, value: number, ifdOffset?: number): Uint8Array {
  const out = bytes.slice();
  const e = entryOffset(out, tag, ifdOffset);
  const dv = new DataView(out.buffer);
  const type = dv.getUint16(e + 2, true);
  if (type === 3) dv.setUint16(e + 8, value, true);
  else dv.setUint32(e + 8, value, true);
  return out;
}

/** IFD offsets of every page of a little-endian classic TIFF. */
export function ifdOffsets(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  let at = dv.getUint32(4, true);
  while (at !== 0 && out.length < 10000) {
    out.push(at);
    at = dv.getUint32(at + 2 + dv.getUint16(at, true) * 12, true);
  }
  return out;
}
