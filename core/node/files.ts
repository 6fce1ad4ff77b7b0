import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { InputRecord } from '../model/provenance.js';

/** SHA-256 of a file, streamed (never reads a large stack whole). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { flags: 'r' })) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
