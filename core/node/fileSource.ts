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

/** Reads up to this size may be done synchronously (the read cache's 64 KiB blocks, IFDs, small planes). */
const SYNC_MAX_BYTES = 1 << 20;
/** Most time spent in synchronous reads between two turns of the event loop. */
const SYNC_BUDGET_MS = 4;

export async function openFileSource(path: string, displayName = path): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  let syncSpentMs = 0;
  /** Reads into the whole of `target` from `offset` (less at the end of the file) on the I/O thread pool. */
  const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
    let done = 0;
    const n = Math.max(0, Math.min(target.byteLength, size - offset));
    while (done < n) {
      const { bytesRead } = await handle.read(target, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
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
      let done = 0;
      if (n <= SYNC_MAX_BYTES && syncSpentMs < SYNC_BUDGET_MS) {
        // A small read from the page cache takes microseconds when done in place, against
        // ~0.05–0.1 ms for a round trip through the I/O thread pool, and a stack's IFD walk
        // makes thousands of them. The budget bounds how long the event loop goes without a
        // turn (a cold disk makes each read slow): once spent, the next read goes async,
        // which yields, and the budget starts again.
        const started = performance.now();
        while (done < n) {
          const bytesRead = readSync(handle.fd, buf, done, n - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        syncSpentMs += performance.now() - started;
        return done === n ? buf : buf.subarray(0, done);
      }
      syncSpentMs = 0;
      done = await readInto(offset, buf);
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
