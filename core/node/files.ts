import { createHash, randomBytes } from 'node:crypto';
import { open, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { InputRecord } from '../model/provenance.js';

/** Bytes per read while hashing; two such buffers are in use at once. */
const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 of a file, streamed (never reads a large stack whole). The next chunk is read (on
 * the I/O thread pool) while this one is hashed, into one of two reused buffers: a read
 * stream's 64 KiB chunks made hashing a 512 MB stack take 1.0 s, this takes 0.3 s (the hash
 * itself runs at ~1.6 GB/s here).
 */
export async function sha256File(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(HASH_CHUNK_BYTES), Buffer.allocUnsafe(HASH_CHUNK_BYTES)];
    let current = 0;
    let reading = handle.read(buffers[current], 0, HASH_CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      const chunk = buffers[current].subarray(0, bytesRead);
      current ^= 1;
      reading = handle.read(buffers[current], 0, HASH_CHUNK_BYTES, null);
      hash.update(chunk);
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

export async function inputRecord(path: string, displayPath: string): Promise<InputRecord> {
  const { size } = await stat(path);
  return { path: displayPath, sizeBytes: size, sha256: await sha256File(path) };
}

/**
 * Writes a file atomically: data goes to a temporary file in the same folder, is flushed to
 * disk, then renamed over the target. A crash at any point leaves either the old file or the
 * new one, never a torn mix.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.strata-tmp-${basename(path)}-${randomBytes(6).toString('hex')}`);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
