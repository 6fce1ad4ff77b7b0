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
}

export async function openFileSource(path: string, displayName = path): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  return withReadCache({
    name: displayName,
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      const n = Math.max(0, end - offset);
      // Not zero-filled (zeroing cost 3× the read): only the bytes read are returned. Unpooled, so
      // the view starts at offset 0 of its own buffer.
      const buf = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    close: () => handle.close(),
  });
}

export async function withFileSource<T>(path: string, displayName: string, fn: (s: FileSource) => Promise<T>): Promise<T> {
  const source = await openFileSource(path, displayName);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}
