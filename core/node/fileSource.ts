import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../io/byteSource.js';
import { withReadCache } from '../io/readCache.js';

/**
 * A read-only ByteSource over a file on disk, behind a small block cache (see readCache.ts). Files are opened with flag 'r' only: raw data
 * is never written to. Call `close()` when done (or use `withFileSource`).
 */
export interface FileSource extends ByteSource {
  close(): Promise<void>;
  /**
   * Reads [offset, offset + target.byteLength) into the caller's buffer; returns the bytes
   * read (fewer at the end of the file). Streaming reductions reuse one buffer for every run
   * of planes: a fresh multi-MB buffer per read costs page faults on memory the kernel must
   * zero first, which made reading a 2 GB stack cost twice a plain `fs` read.
   */
  readInto(offset: number, target: Uint8Array): Promise<number>;
}

/** The most one synchronous read takes: a slow disk stalls the event loop for one such read at most. */
const SYNC_PIECE_BYTES = 1 << 20;
/** Most time between two turns of the event loop while reading in place, by default. */
const SYNC_BUDGET_MS = 4;
/** Asynchronous reads from this size on are split in two halves read at once (see readInto). */
const SPLIT_MIN_BYTES = 2 << 20;
const PAGE_BYTES = 4096;

export interface FileSourceOptions {
  /**
   * Most milliseconds between two turns of the event loop while reading in place (default 4):
   * past it, the rest goes to the I/O thread pool, which yields. 0: every read async.
   */
  syncBudgetMs?: number;
  /** The clock, in milliseconds, the budget is measured on (tests pass their own). */
  now?: () => number;
}

export async function openFileSource(path: string, displayName = path, options: FileSourceOptions = {}): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  const budgetMs = options.syncBudgetMs ?? SYNC_BUDGET_MS;
  const now = options.now ?? (() => performance.now());
  /** When the event loop last turned, as far as this source knows (its last asynchronous step). */
  let turnedAt = now();
  /**
   * Reads [from, to) of `target` from file offset `offset + from` in place, in pieces of at most
   * SYNC_PIECE_BYTES, while the budget lasts; returns where it stopped and whether the file
   * ended there. A read from the page cache takes microseconds in place, against ~0.05–0.1 ms
   * for a round trip through the I/O thread pool; a stack's IFD walk makes thousands. A
   * reduction's multi-MB runs gain too: the planes are summed on this core while still in its
   * cache, and the thread pool's wake-ups cost more than its copies save (the 512 MB bench
   * stack's Li maps took about a fifth less time than with every run read async). The budget bounds how long the event loop goes without
   * a turn, the caller's work between reads included (a cold disk makes each read slow; a
   * worker reads its cancel message only then): once spent, the rest is read async, which
   * yields, and the budget starts again.
   */
  const readInPlace = (offset: number, target: Uint8Array, from: number, to: number): { at: number; ended: boolean } => {
    let at = from;
    while (at < to && now() - turnedAt < budgetMs) {
      const bytesRead = readSync(handle.fd, target, at, Math.min(SYNC_PIECE_BYTES, to - at), offset + at);
      if (bytesRead === 0) return { at, ended: true };
      at += bytesRead;
    }
    return { at, ended: false };
  };
  /** Reads [from, to) of `target` from file offset `offset + from` on the I/O thread pool. */
  const readPart = async (offset: number, target: Uint8Array, from: number, to: number): Promise<number> => {
    let done = from;
    while (done < to) {
      const { bytesRead } = await handle.read(target, done, to - done, offset + done);
      // The event loop turned while the read ran: the budget starts again.
      turnedAt = now();
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done - from;
  };
  /**
   * Reads into the whole of `target` from `offset` (less at the end of the file): in place
   * while the budget lasts, the rest on the I/O thread pool. There, a big read goes as two
   * halves at once: one thread copies from the page cache at ~6 GB/s here, two together at
   * nearly twice that.
   */
  const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
    const n = Math.max(0, Math.min(target.byteLength, size - offset));
    const { at, ended } = readInPlace(offset, target, 0, n);
    if (at === n || ended) return at;
    if (n - at < SPLIT_MIN_BYTES) return at + (await readPart(offset, target, at, n));
    const half = at + Math.ceil((n - at) / 2 / PAGE_BYTES) * PAGE_BYTES;
    const [first, second] = await Promise.all([readPart(offset, target, at, half), readPart(offset, target, half, n)]);
    // A short first half (the file shrank meanwhile) ends the bytes that can be used there.
    return at + first < half ? at + first : half + second;
  };
  return withReadCache(
    {
    name: displayName,
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      const n = Math.max(0, end - offset);
      // Not zero-filled (zeroing cost 3× the read): only the bytes read are returned. Unpooled, so
      // the view starts at offset 0 of its own buffer.
      const buf = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
      const done = await readInto(offset, buf);
      return done === n ? buf : buf.subarray(0, done);
    },
    readInto,
    close: () => handle.close(),
  },
    // Small blocks: with small reads done in place (microseconds each), a block pays only when
    // several reads fall in it; a 1 MiB block costs as much as ~100 small reads.
    { blockBytes: 64 * 1024, maxBlocks: 16 },
  );
}

export async function withFileSource<T>(path: string, displayName: string, fn: (s: FileSource) => Promise<T>): Promise<T> {
  const source = await openFileSource(path, displayName);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}
