import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputHashCounts, inputRecord, sha256File } from '../../core/node/files.js';

describe('sha256File', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it.each([
    ['empty', 0],
    ['shorter than a chunk', 1000],
    // Several 4 MiB chunks and a partial one: each chunk must be hashed before its buffer is read into again.
    ['several chunks and a part', 9 * 1024 * 1024 + 123],
  ])('matches a one-shot hash of the whole file (%s)', async (_, size) => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-sha-'));
    dirs.push(dir);
    const bytes = randomBytes(size);
    const path = join(dir, 'data.bin');
    await writeFile(path, bytes);
    expect(await sha256File(path)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('reads a file that grows while it is hashed to its new end', async () => {
    // The buffers are sized to the file as it was when opened; what is appended still comes in.
    const dir = await mkdtemp(join(tmpdir(), 'strata-sha-'));
    dirs.push(dir);
    const path = join(dir, 'growing.bin');
    const first = randomBytes(1000);
    const more = randomBytes(5000);
    await writeFile(path, first);
    let appended = false;
    const digest = await sha256File(path, {
      onChunk: async () => {
        if (appended) return;
        appended = true;
        await appendFile(path, more);
      },
    });
    expect(digest).toBe(createHash('sha256').update(Buffer.concat([first, more])).digest('hex'));
  });

  it('reports each chunk hashed and stops when the report throws (a Cancel), the rest of the file unread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-sha-'));
    dirs.push(dir);
    const path = join(dir, 'data.bin');
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    await writeFile(path, bytes);
    const reports: [number, number][] = [];
    const going = await sha256File(path, { onChunk: (done, total) => void reports.push([done, total]) });
    expect(going).toBe(createHash('sha256').update(bytes).digest('hex'));
    // Once a chunk: 4 + 4 + 1 MiB.
    const MiB = 1024 * 1024;
    expect(reports).toEqual([[4 * MiB, bytes.length], [8 * MiB, bytes.length], [bytes.length, bytes.length]]);
    let askedThenStopped = 0;
    const stopping = sha256File(path, {
      onChunk: () => {
        if (++askedThenStopped === 2) throw new Error('Analysis of big: cancelled');
      },
    });
    await expect(stopping).rejects.toThrow('Analysis of big: cancelled');
    expect(askedThenStopped).toBe(2);
  });
});

describe('inputRecord', () => {
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

  it('hashes a file once while it is unchanged, and again once it changes in any way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-input-'));
    // As if hashed a minute after the writes: files changed just before are not remembered.
    const later = { nowMs: Date.now() + 60_000 };
    // File times tick coarsely: the writes below are a tick apart, as separate edits are.
    const tick = () => new Promise((r) => setTimeout(r, 30));
    try {
      const path = join(dir, 'stack.bin');
      const first = randomBytes(5000);
      await writeFile(path, first);
      const start = inputHashCounts();
      const a = await inputRecord(path, 'charged/stack.bin', later);
      expect(a).toEqual({ path: 'charged/stack.bin', sizeBytes: 5000, sha256: sha(first) });
      // Unchanged: the checksum is reused (and the display path is the caller's).
      const b = await inputRecord(path, 'other name', later);
      expect(b).toEqual({ path: 'other name', sizeBytes: 5000, sha256: sha(first) });
      expect(inputHashCounts()).toEqual({ hashed: start.hashed + 1, reused: start.reused + 1 });
      // The same size, other bytes, written in place: hashed again.
      await tick();
      const second = Uint8Array.from(first, (x) => x ^ 0xff);
      await writeFile(path, second);
      expect((await inputRecord(path, 'p', later)).sha256).toBe(sha(second));
      // Replaced by another file of the same size (a new inode): hashed again.
      await tick();
      const third = randomBytes(5000);
      await writeFile(join(dir, 'new.bin'), third);
      await rename(join(dir, 'new.bin'), path);
      expect((await inputRecord(path, 'p', later)).sha256).toBe(sha(third));
      expect(inputHashCounts()).toEqual({ hashed: start.hashed + 3, reused: start.reused + 1 });
      // Written just before it is hashed (now): hashed every time, never remembered.
      const fresh = join(dir, 'fresh.bin');
      await writeFile(fresh, first);
      expect((await inputRecord(fresh, 'p')).sha256).toBe(sha(first));
      expect((await inputRecord(fresh, 'p')).sha256).toBe(sha(first));
      expect(inputHashCounts()).toEqual({ hashed: start.hashed + 5, reused: start.reused + 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
