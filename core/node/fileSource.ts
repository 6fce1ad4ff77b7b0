import { closeSync, fstatSync, openSync, read, readSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import type { ByteSource } from '../io/byteSource.js';
import { withReadCache } from '../io/readCache.js';
// Deflate-compressed TIFFs inflate with zlib in every thread that reads files (nativeInflate.ts).
import './nativeInflate.js';

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
/** Reads from this size on are split in two halves read at once (see readInto). */
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

const readAsync = promisify(read);

/**
 * The file's descriptor, opened and stated in place: a microsecond each, against ~0.2–0.4 ms
 * for the two round trips of `fs.promises` (the workbench opens a stack afresh for each task;
 * opening was a tenth of the 64 MB bench stack's Li maps). So it is guarded here as a FileHandle
 * guards its own: no read starts once closing has begun, and the descriptor is closed once,
 * after the reads in flight have landed (a number closed early could be a new file's by then).
 */
function guardedDescriptor(path: string): { fd: number; size: number; use: <T>(read: () => Promise<T>) => Promise<T>; assertOpen: () => void; close: () => Promise<void> } {
  // Only regular files: a folder opens and then fails with EISDIR on the first read (without
  // its name), and opening a named pipe waits for a writer for ever.
  const st = statSync(path);
  if (!st.isFile()) throw Object.assign(new Error(`${path}: ${st.isDirectory() ? 'is a folder, not a file' : 'not a regular file'}`), { code: st.isDirectory() ? 'EISDIR' : 'EINVAL', path });
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  let closing: Promise<void> | null = null;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const assertOpen = (): void => {
    if (closing) throw Object.assign(new Error(`${path}: read after the file was closed`), { code: 'EBADF' });
  };
  return {
    fd,
    size,
    assertOpen,
    async use(readOp) {
      assertOpen();
      inFlight++;
      try {
        return await readOp();
      } finally {
        if (--inFlight === 0) drained?.();
      }
    },
    close() {
      closing ??= (async () => {
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        closeSync(fd);
      })();
      return closing;
    },
  };
}

export async function openFileSource(path: string, displayName = path, options: FileSourceOptions = {}): Promise<FileSource> {
  const file = guardedDescriptor(path);
  const { fd, size } = file;
  const budgetMs = options.syncBudgetMs ?? SYNC_BUDGET_MS;
  const now = options.now ?? (() => performance.now());
  /** When the event loop last turned, as far as this source knows (its last asynchronous step). */
  let turnedAt = now();
  /**
   * Reads [from, to) of `target` from file offset `offset + from` in place, in pieces of at most
   * SYNC_PIECE_BYTES, while the budget lasts; returns where it stopped and whether the file
   * ended there. A read from the page cache takes microseconds in place, against ~0.05–0.1 ms
   * for a round trip through the I/O thread pool; a stack's IFD walk makes thousands, and a
   * reduction's runs land in this core's cache, where they are summed next (with every run
   * read on the thread pool, the 512 MB bench stack's Li maps took about a fifth longer). The
   * budget bounds how long the event loop goes without a turn, the caller's work between reads
   * included (a cold disk makes each read slow; a worker reads its cancel message only then):
   * once spent, the rest is read async, which yields, and the budget starts again.
   */
  const readInPlace = (offset: number, target: Uint8Array, from: number, to: number): { at: number; ended: boolean } => {
    let at = from;
    file.assertOpen();
    while (at < to && now() - turnedAt < budgetMs) {
      const bytesRead = readSync(fd, target, at, Math.min(SYNC_PIECE_BYTES, to - at), offset + at);
      if (bytesRead === 0) return { at, ended: true };
      at += bytesRead;
    }
    return { at, ended: false };
  };
  /** Reads [from, to) of `target` from file offset `offset + from` on the I/O thread pool. */
  const readPart = async (offset: number, target: Uint8Array, from: number, to: number): Promise<number> => {
    let done = from;
    while (done < to) {
      const { bytesRead } = await file.use(() => readAsync(fd, target, done, to - done, offset + done));
      // The event loop turned while the read ran: the budget starts again.
      turnedAt = now();
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done - from;
  };
  /**
   * Reads into the whole of `target` from `offset` (less at the end of the file). A read of
   * SPLIT_MIN_BYTES or more goes as two halves at once, one on this thread and one on the I/O
   * thread pool: a copy from the page cache runs at ~4–6 GB/s on one core here, two at nearly
   * twice that (every plane of the 512 MB bench stack: ~100 → ~77 ms). The half here is read
   * in place while the budget lasts; the rest of it, and all of a smaller read once the budget
   * is spent, goes to the thread pool.
   */
  const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
    const n = Math.max(0, Math.min(target.byteLength, size - offset));
    if (n < SPLIT_MIN_BYTES) {
      const { at, ended } = readInPlace(offset, target, 0, n);
      return at === n || ended ? at : at + (await readPart(offset, target, at, n));
    }
    const half = Math.ceil(n / 2 / PAGE_BYTES) * PAGE_BYTES;
    // Started first, so the pool copies while this thread does.
    const second = readPart(offset, target, half, n);
    // Its failure is reported below (await second); meanwhile it must not count as unhandled.
    second.catch(() => undefined);
    let first: number;
    try {
      const { at, ended } = readInPlace(offset, target, 0, half);
      first = at === half || ended ? at : at + (await readPart(offset, target, at, half));
    } finally {
      // Never left writing into the caller's buffer after this returns or throws.
      await second.catch(() => undefined);
    }
    // A short first half (the file shrank meanwhile) ends the bytes that can be used there.
    return first < half ? first : half + (await second);
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
    close: () => file.close(),
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
