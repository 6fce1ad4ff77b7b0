import { readIntoOf } from '../byteSource.js';
import type { ByteSource } from '../byteSource.js';
import { ifdLayout, readIfdAt, readTiffHeader, readUint } from './ifd.js';
import type { IfdRead, TiffHeader, TiffIfd, TiffStructure } from './ifd.js';

/**
 * The IFD chain of a stack written page after page (IFD, pixels, IFD, pixels … at one stride,
 * as instrument exporters, tifffile and Bio-Formats write OME-TIFF), known from its first pages
 * and checked as it is read, instead of walked to the end at open.
 *
 * Walking the chain means one read per page (the next page's offset is in the previous IFD),
 * thousands of them: for a 64 MB stack of small planes that cost more than reading every pixel.
 * Here the first pages (1, 2, 3 after page 0, which holds the OME-XML and differs) and the last
 * are read at open. Every field of an IFD (entry count, each entry's tag, type, count and value,
 * the next offset, and the small out-of-line values kept with it) is then a linear function of
 * the page index, `v₁ + (k − 1)·(v₂ − v₁)`, fitted on pages 1 and 2 and confirmed on 3 and on
 * the last (whose next offset is 0). The number of pages follows from the file size.
 *
 * Nothing predicted is used unchecked: before the pixels of page k are used, `verifyThrough(k)`
 * compares the real bytes of every IFD up to k with the prediction (from the buffer the pixels
 * came in, since the IFDs lie between the planes, else by a small read). Checking in chain order
 * from page 0 proves the pages are the chain a full walk would find. A mismatch throws
 * `ChainMismatch`; the caller then walks the file the careful way.
 */
export class ChainMismatch extends Error {
  constructor(readonly page: number) {
    super(`IFD ${page} is not where or what the first pages predict`);
  }
}

interface Field {
  /** Byte offset from the IFD's start. */
  rel: number;
  size: 1 | 2 | 4 | 8;
  base: number;
  step: number;
}

/** Pages this reader must see before predicting: 0 (different), 1 and 2 (the fit), 3 (a check). */
const FIRST_PREDICTED = 4;

export interface RegularChain {
  /** The header and a sparse `ifds` (length = page count; only the pages read at open are set). */
  structure: TiffStructure;
  /** Indices of the pages read and parsed at open (0–3 and the last). */
  known: number[];
  count: number;
  /** File offset of IFD k. */
  offsetOf(k: number): number;
  /** Bytes from an IFD's offset that verification compares. */
  extentBytes: number;
  /**
   * Confirms that IFDs 0 … k are the chain predicted (in order, so the chain is proven). Uses
   * `buffer` (file bytes from `bufferAt`) for IFDs inside it, small reads for the rest.
   */
  verifyThrough(k: number, buffer?: Uint8Array, bufferAt?: number): Promise<void>;
}

/** The chain of a regularly written multi-page TIFF, or null when it is not one (then walk it). */
export async function readRegularChain(source: ByteSource): Promise<RegularChain | null> {
  const header = await readTiffHeader(source);
  const reads: IfdRead[] = [];
  let next = header.firstIfdOffset;
  for (let k = 0; k < FIRST_PREDICTED; k++) {
    if (next === 0) return null;
    const read = await readIfdAt(source, header, next, k);
    reads.push(read);
    next = read.next;
  }
  const o1 = reads[1].ifd.offset;
  const stride = reads[2].ifd.offset - o1;
  if (!(stride > 0) || reads[3].ifd.offset - reads[2].ifd.offset !== stride || reads[0].ifd.offset >= o1) return null;
  const fields = fitFields(header, reads[1], reads[2], stride);
  if (fields === null) return null;
  const checker = makeChecker(header, fields, reads[1].block, nextOffsetRel(header, reads[1].ifd));
  const extentBytes = checker.extent;
  if (!matches(checker, 3, reads[3].block, 0, false)) return null;
  if (next !== o1 + 3 * stride) return null;

  // The last page: the furthest whose IFD fits in the file; its next offset must be 0.
  const last = Math.floor((source.size - extentBytes - o1) / stride) + 1;
  if (!(last >= FIRST_PREDICTED) || last + 1 > 1_000_000) return null;
  let lastRead: IfdRead;
  try {
    lastRead = await readIfdAt(source, header, o1 + (last - 1) * stride, last);
  } catch {
    return null;
  }
  if (!matches(checker, last, lastRead.block, 0, true)) return null;

  const count = last + 1;
  const ifds: TiffIfd[] = new Array(count);
  reads.forEach((r, k) => (ifds[k] = r.ifd));
  ifds[last] = lastRead.ifd;
  const offsetOf = (k: number): number => (k === 0 ? reads[0].ifd.offset : o1 + (k - 1) * stride);
  let verified = FIRST_PREDICTED - 1;
  // IFDs outside the caller's buffer are read alone, into one small buffer per call, past the
  // block cache where the source can: a pass over a later channel first checks the IFDs of all
  // channels before it (thousands, one per plane apart), and through the cache each one cost a
  // 64 KiB block or a fresh buffer.
  const readInto = readIntoOf(source);

  return {
    structure: { name: header.name, size: header.size, littleEndian: header.littleEndian, bigTiff: header.bigTiff, ifds },
    known: [0, 1, 2, 3, last],
    count,
    offsetOf,
    extentBytes,
    async verifyThrough(k, buffer, bufferAt = 0) {
      let alone: Uint8Array | null = null;
      for (let j = verified + 1; j <= k; j++) {
        const at = offsetOf(j);
        let bytes = buffer;
        let off = at - bufferAt;
        if (!bytes || off < 0 || off + extentBytes > bytes.byteLength) {
          if (readInto) {
            alone ??= new Uint8Array(extentBytes);
            bytes = alone.subarray(0, await readInto(at, alone));
          } else bytes = await source.read(at, extentBytes);
          off = 0;
          if (bytes.byteLength < extentBytes) throw new ChainMismatch(j);
        }
        if (!matches(checker, j, bytes, off, j === last)) throw new ChainMismatch(j);
        // Passes running at once may verify the same pages; the mark only moves forward.
        verified = Math.max(verified, j);
      }
    },
  };
}

function nextOffsetRel(header: TiffHeader, ifd: TiffIfd): number {
  const { countBytes, entryBytes } = ifdLayout(header.bigTiff);
  return countBytes + ifd.entries.size * entryBytes;
}

/** Bytes per element of each TIFF field type, as the unit values are compared in. */
const ELEMENT: Record<number, 1 | 2 | 4 | 8> = { 1: 1, 2: 1, 6: 1, 7: 1, 3: 2, 8: 2, 4: 4, 9: 4, 11: 4, 13: 4, 5: 4, 10: 4, 12: 8, 16: 8, 17: 8, 18: 8 };

/**
 * Every field of pages 1 and 2 as value and step; null when the pages are not alike (other
 * entries, or kept out-of-line values that do not move with the IFD).
 */
function fitFields(header: TiffHeader, a: IfdRead, b: IfdRead, stride: number): Field[] | null {
  if (a.ifd.entries.size !== b.ifd.entries.size) return null;
  const { countBytes, entryBytes, offsetBytes } = ifdLayout(header.bigTiff);
  const countSize = header.bigTiff ? 8 : 4;
  const spans: Array<{ rel: number; size: 1 | 2 | 4 | 8; constant?: boolean; movesWithIfd?: boolean }> = [{ rel: 0, size: countBytes as 2 | 8, constant: true }];
  let i = 0;
  for (const e of a.ifd.entries.values()) {
    const rel = countBytes + i * entryBytes;
    spans.push({ rel, size: 2, constant: true }, { rel: rel + 2, size: 2, constant: true }, { rel: rel + 4, size: countSize, constant: true });
    const inline = e.byteLength <= offsetBytes;
    // An out-of-line value kept with the IFD is compared in place: its pointer must move with it.
    const kept = !inline && e.inlineBytes !== undefined;
    spans.push({ rel: rel + 4 + countSize, size: offsetBytes, movesWithIfd: kept });
    if (kept) {
      const unit = ELEMENT[e.type];
      const start = e.valueOffset - a.ifd.offset;
      for (let u = 0; u < e.byteLength; u += unit) spans.push({ rel: start + u, size: unit });
    }
    i++;
  }
  spans.push({ rel: countBytes + a.ifd.entries.size * entryBytes, size: offsetBytes });
  const fields: Field[] = [];
  const le = header.littleEndian;
  const da = viewOf(a.block);
  const db = viewOf(b.block);
  for (const s of spans) {
    if (s.rel + s.size > a.block.byteLength || s.rel + s.size > b.block.byteLength) return null;
    const va = fieldValue(da, s.rel, s.size, le);
    const vb = fieldValue(db, s.rel, s.size, le);
    if (va === null || vb === null) return null;
    const step = vb - va;
    if (s.constant && step !== 0) return null;
    if (s.movesWithIfd && step !== stride) return null;
    fields.push({ rel: s.rel, size: s.size, base: va, step });
  }
  return fields;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An unsigned field; null for 64-bit values beyond exact doubles (never predicted). */
function fieldValue(dv: DataView, at: number, size: 1 | 2 | 4 | 8, le: boolean): number | null {
  if (size === 1) return dv.getUint8(at);
  if (size === 2 || size === 4) return readUint(dv, at, size, le);
  const v = readUint(dv, at, 8, le);
  return v >= Number.MAX_SAFE_INTEGER ? null : v;
}

/**
 * The fit as a check: fields that do not change are compared with page 1's bytes four at a time
 * (this runs for every page of a stack, in a process's first passes before V8 has optimised it:
 * byte by byte, the 228 IFDs of the 64 MB bench stack's Li channel took ~2 ms there, about a
 * quarter of its Li maps), the few that do (pixel and next offsets) one by one.
 */
interface Checker {
  /** Offsets (from the IFD's start) of the 4-byte words equal on every page, and page 1's words there (little-endian). */
  wordRel: Int32Array;
  words: Uint32Array;
  /** The same for the bytes left over at the ends of the constant ranges. */
  byteRel: Int32Array;
  bytes: Uint8Array;
  varying: Field[];
  nextRel: number;
  extent: number;
  littleEndian: boolean;
}

function makeChecker(header: TiffHeader, fields: Field[], template: Uint8Array, nextRel: number): Checker {
  const constant = fields.filter((f) => f.step === 0 && f.rel !== nextRel).sort((a, b) => a.rel - b.rel);
  const constantRanges: Array<[number, number]> = [];
  for (const f of constant) {
    const last = constantRanges[constantRanges.length - 1];
    if (last && f.rel <= last[1]) last[1] = Math.max(last[1], f.rel + f.size);
    else constantRanges.push([f.rel, f.rel + f.size]);
  }
  const extent = fields.reduce((m, f) => Math.max(m, f.rel + f.size), 0);
  const wordRel: number[] = [];
  const byteRel: number[] = [];
  for (const [a, b] of constantRanges) {
    let i = a;
    for (; i + 4 <= b; i += 4) wordRel.push(i);
    for (; i < b; i++) byteRel.push(i);
  }
  const t = viewOf(template);
  return {
    wordRel: Int32Array.from(wordRel),
    words: Uint32Array.from(wordRel, (rel) => t.getUint32(rel, true)),
    byteRel: Int32Array.from(byteRel),
    bytes: Uint8Array.from(byteRel, (rel) => template[rel]),
    varying: fields.filter((f) => f.step !== 0 || f.rel === nextRel),
    nextRel,
    extent,
    littleEndian: header.littleEndian,
  };
}

/** Whether the IFD of page k (at `bytes[off]`) is what the fit predicts (the last: next offset 0). */
function matches(c: Checker, k: number, bytes: Uint8Array, off: number, isLast: boolean): boolean {
  if (off < 0 || off + c.extent > bytes.byteLength) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + off, c.extent);
  const { wordRel, words, byteRel } = c;
  for (let i = 0; i < wordRel.length; i++) if (dv.getUint32(wordRel[i], true) !== words[i]) return false;
  for (let i = 0; i < byteRel.length; i++) if (dv.getUint8(byteRel[i]) !== c.bytes[i]) return false;
  for (const f of c.varying) {
    const expected = f.rel === c.nextRel && isLast ? 0 : f.base + (k - 1) * f.step;
    if (fieldValue(dv, f.rel, f.size, c.littleEndian) !== expected) return false;
  }
  return true;
}
