import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errnoText, StrataError } from '../model/errors.js';
import type { InputRecord } from '../model/provenance.js';
import { BoundedLru } from '../util/boundedLru.js';

/** Bytes per read while hashing; two such buffers are in use at once. */
const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 of a file, streamed (never reads a large stack whole). The next chunk is read (on
 * the I/O thread pool) while this one is hashed, into one of two reused buffers: a read
 * stream's 64 KiB chunks made hashing a 512 MB stack take 1.0 s, this takes 0.3 s (the hash
 * itself runs at ~1.6 GB/s here).
 */
export async function sha256File(path: string, options: { onChunk?: (doneBytes: number, totalBytes: number) => void | Promise<void> } = {}): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const totalBytes = (await handle.stat()).size;
    let doneBytes = 0;
    const hash = createHash('sha256');
    // No larger than the file (at least a byte: a file that grows meanwhile is still read to
    // its end): a study's small files each took two 4 MiB buffers, and that much memory, made
    // and dropped file after file, set off full garbage collections (three, ~40 ms, at the end
    // of `strata analyze samples/study`, as its checksums were taken).
    const chunkBytes = Math.max(1, Math.min(HASH_CHUNK_BYTES, totalBytes));
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let current = 0;
    let reading = handle.read(buffers[current], 0, chunkBytes, null);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      // Called between chunks (4 MiB, a few ms), when no read is under way: progress, and a
      // Cancel (it throws) stops a 2 GB file's checksum at once, not after the second or two
      // the rest of it takes.
      doneBytes += bytesRead;
      if (options.onChunk) await options.onChunk(doneBytes, Math.max(totalBytes, doneBytes));
      const chunk = buffers[current].subarray(0, bytesRead);
      current ^= 1;
      reading = handle.read(buffers[current], 0, chunkBytes, null);
      hash.update(chunk);
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * What identifies a file's content without reading it: device, inode, size, and the
 * modification and change times to the nanosecond. Writing to a file changes both times, and
 * the change time cannot be set back, so a file with the same stamp has the same bytes, but
 * for two writes within one tick of the file system's clock (see RECENT_CHANGE_MS).
 */
export async function fileStamp(path: string): Promise<string> {
  return (await stampAndSize(path)).stamp;
}

async function stampAndSize(path: string): Promise<{ stamp: string; sizeBytes: number; changedMs: number }> {
  const s = await stat(path, { bigint: true });
  return { stamp: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, sizeBytes: Number(s.size), changedMs: Number(s.ctimeNs / 1_000_000n) };
}

/** Files remembered at most (a few studies' inputs); the least recently used is forgotten first. */
const MAX_KNOWN_HASHES = 512;
/** Checksums of files already hashed in this thread, by path, with the stamp they were taken at. */
const knownHashes = new BoundedLru<string, { stamp: string; sha256: string }>(MAX_KNOWN_HASHES);
/**
 * A file changed less than this long before it is hashed is not remembered: file times tick
 * coarsely (a few ms on common file systems), so a second write of the same size within the
 * same tick could leave the stamp as it was.
 */
const RECENT_CHANGE_MS = 1000;
const hashCounts = { hashed: 0, reused: 0 };

/**
 * The file's stamp when what is read from it now may be remembered under that stamp: null when
 * it changed less than RECENT_CHANGE_MS before `nowMs` (or cannot be stamped). Take it before
 * reading, and remember only if the stamp is the same after.
 */
export async function settledStamp(path: string, nowMs = Date.now()): Promise<string | null> {
  try {
    const { stamp, changedMs } = await stampAndSize(path);
    return changedMs < nowMs - RECENT_CHANGE_MS ? stamp : null;
  } catch {
    return null;
  }
}

/**
 * A file's checksum with the stamp it may be remembered under (see inputRecord): what a worker
 * thread hands back so that the thread that asked remembers it too.
 */
export interface KnownHash {
  path: string;
  stamp: string;
  sha256: string;
}

/**
 * The provenance record of an input file: its size and SHA-256. A file unchanged since this
 * thread last hashed it (the same stamp) is not read again: the workbench analyses a study
 * afresh at every change of its settings, and hashing a 2 GB stack takes ~1.2 s.
 */
export async function inputRecord(
  path: string,
  displayPath: string,
  options: { nowMs?: number; onChunk?: (doneBytes: number, totalBytes: number) => void | Promise<void> } = {},
): Promise<InputRecord> {
  return (await hashedInput(path, displayPath, options)).record;
}

/** inputRecord, and the checksum as this thread remembered it (null where it may not be: the file changed just before or meanwhile). */
export async function hashedInput(
  path: string,
  displayPath: string,
  options: { nowMs?: number; onChunk?: (doneBytes: number, totalBytes: number) => void | Promise<void> } = {},
): Promise<{ record: InputRecord; known: KnownHash | null }> {
  const hashedAtMs = options.nowMs ?? Date.now();
  const { stamp: before, sizeBytes, changedMs } = await stampAndSize(path);
  const known = knownHashes.get(path);
  if (known && known.stamp === before) {
    hashCounts.reused++;
    return { record: { path: displayPath, sizeBytes, sha256: known.sha256 }, known: { path, ...known } };
  }
  const sha256 = await sha256File(path, { onChunk: options.onChunk });
  hashCounts.hashed++;
  const record = { path: displayPath, sizeBytes, sha256 };
  // Remembered only when the file did not change while it was read, nor just before.
  if (changedMs < hashedAtMs - RECENT_CHANGE_MS && (await fileStamp(path)) === before) {
    knownHashes.set(path, { stamp: before, sha256 });
    return { record, known: { path, stamp: before, sha256 } };
  }
  return { record, known: null };
}

/** Remembers in this thread a checksum another thread took (hashedInput's `known`). */
export function rememberHash(known: KnownHash): void {
  knownHashes.set(known.path, { stamp: known.stamp, sha256: known.sha256 });
}

/**
 * The record of an input this thread remembers a checksum of, taken while the file had the
 * stamp it has now; null otherwise (then hash it). The workbench hands checksums to whichever
 * worker is free, and a worker other than the one that hashed a 2 GB stack before hashed it
 * again (~2 s of a new ROI's analysis): the thread that hands them out asks here first.
 */
export async function knownInputRecord(path: string, displayPath: string): Promise<InputRecord | null> {
  const known = knownHashes.get(path);
  if (!known) return null;
  try {
    const { stamp, sizeBytes } = await stampAndSize(path);
    if (stamp !== known.stamp) return null;
    hashCounts.reused++;
    return { path: displayPath, sizeBytes, sha256: known.sha256 };
  } catch {
    return null;
  }
}

/** Files hashed and hashes reused by `inputRecord` in this thread so far (for tests). */
export function inputHashCounts(): { hashed: number; reused: number } {
  return { ...hashCounts };
}

/**
 * Makes a folder and its missing parents, one level at a time. Node's `mkdir(…, { recursive })`
 * retries for ever where the system answers "no such file" for a folder whose parent exists
 * (anything under /proc): `strata analyze --out /proc/x` spun at full CPU until killed. Here
 * each missing level is made once, and the first failure is thrown, naming its path.
 */
export async function makeFolder(path: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(path); ; ) {
    const st = await stat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${at}: exists and is not a folder`), { code: 'EEXIST', path: at });
      break;
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const dir of missing.reverse()) {
    await mkdir(dir).catch(async (err: NodeJS.ErrnoException) => {
      // Made meanwhile by another process (two batch workers writing side by side): fine.
      if (err.code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
      // "no such file or folder" alone read as a typo where the parent is there but takes no folders.
      throw new StrataError(`${dir}: cannot make this folder (${errnoText(err.code ?? 'error')})`);
    });
  }
}

/**
 * The output folder, made (with its parents) and checked writable before any work: a path
 * that is a file, or a read-only folder, was found only once the whole analysis had run.
 * Returns its absolute path; throws the file-system error naming it.
 */
export async function prepareOutputFolder(path: string): Promise<string> {
  const abs = resolve(path);
  // makeFolder refuses a file in the way ("exists and is not a folder").
  await makeFolder(abs);
  await access(abs, constants.W_OK);
  return abs;
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
