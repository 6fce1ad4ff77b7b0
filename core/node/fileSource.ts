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

/** `read`s up to this size may be done synchronously (the read cache's 64 KiB blocks, IFDs, small planes). */
const SYNC_MAX_BYTES = 1 << 20;
/** `readInto`s (a reduction's runs of planes) up to this size may be done synchronously. */
const SYNC_INTO_MAX_BYTES = 16 << 20;
/** Most time spent in synchronous reads between two turns of the event loop, by default. */
const SYNC_BUDGET_MS = 4;
/** Asynchronous reads from this size on are split in two halves read at once (see readInto). */
const SPLIT_MIN_BYTES = 2 << 20;
const PAGE_BYTES = 4096;

export interface FileSourceOptions {
  /**
   * Most milliseconds of synchronous reads between two turns of the event loop (default 4):
   * once spent, the next read goes to the I/O thread pool, which yields. 0: every read async.
   */
  syncBudgetMs?: number;
}

export async function openFileSource(path: string, displayName = path, options: FileSourceOptions = {}): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  const budgetMs = options.syncBudgetMs ?? SYNC_BUDGET_MS;
  let syncSpentMs = 0;
  /**
   * Reads the first n bytes of `target` from file offset `offset` in place, if the budget allows
   * (returns the bytes read, fewer at the end of the file), else null. A read from the page
   * cache takes microseconds in place, against ~0.05–0.1 ms for a round trip through the I/O
   * thread pool; a stack's IFD walk makes thousands. A reduction's multi-MB runs gain too: the
   * planes are summed on this core while still in its cache, and the thread pool's wake-ups
   * cost more than its copies save (512 MB stack's Li maps: 27 ms this way, 32 ms async).
   * The budget bounds how long the event loop goes without a turn (a cold disk makes each
   * read slow): once spent, the next read goes async, which yields, and the budget starts again.
   */
  const readInPlace = (offset: number, target: Uint8Array, n: number): number | null => {
    // Over budget: the caller reads on the thread pool (readPart), which yields.
    if (syncSpentMs >= budgetMs) return null;
    const started = performance.now();
    let done = 0;
    while (done < n) {
      const bytesRead = readSync(handle.fd, target, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    syncSpentMs += performance.now() - started;
    return done;
  };
  /** Reads [from, to) of `target` from file offset `offset + from` on the I/O thread pool. */
  const readPart = async (offset: number, target: Uint8Array, from: number, to: number): Promise<number> => {
    // The event loop turns while this read runs: the budget starts again.
    syncSpentMs = 0;
    let done = from;
    while (done < to) {
      const { bytesRead } = await handle.read(target, done, to - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done - from;
  };
  /**
   * Reads into the whole of `target` from `offset` (less at the end of the file). On the I/O
   * thread pool, a big read goes as two halves at once: one thread copies from the page cache
   * at ~6 GB/s here, two together at nearly twice that.
   */
  const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
    const n = Math.max(0, Math.min(target.byteLength, size - offset));
    if (n <= SYNC_INTO_MAX_BYTES) {
      const done = readInPlace(offset, target, n);
      if (done !== null) return done;
    }
    if (n < SPLIT_MIN_BYTES) return readPart(offset, target, 0, n);
    const half = Math.ceil(n / 2 / PAGE_BYTES) * PAGE_BYTES;
    const [first, second] = await Promise.all([readPart(offset, target, 0, half), readPart(offset, target, half, n)]);
    // A short first half (the file shrank meanwhile) ends the bytes that can be used there.
    return first < half ? first : half + second;
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
      if (n <= SYNC_MAX_BYTES) {
        const done = readInPlace(offset, buf, n);
        if (done !== null) return done === n ? buf : buf.subarray(0, done);
      }
      const done = await readPart(offset, buf, 0, n);
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
