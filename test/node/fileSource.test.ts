import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileSource } from '../../core/node/fileSource.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-filesource-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 5 MiB + 123 bytes that differ from place to place (a misplaced half would show). */
function patternedFile(): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(5 * 1024 * 1024 + 123);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  const path = join(dir, 'patterned.bin');
  writeFileSync(path, bytes);
  return { path, bytes };
}

const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('file source', () => {
  const { path, bytes } = patternedFile();
  // Around the size from which a read is split in two halves read at once (2 MiB), odd offsets, the end.
  const cases = [
    { offset: 0, length: 0 },
    { offset: 0, length: 1 },
    { offset: 3, length: 4095 },
    { offset: 7, length: 2 * 1024 * 1024 - 1 },
    { offset: 4096, length: 2 * 1024 * 1024 },
    { offset: 12345, length: 2 * 1024 * 1024 + 4097 },
    { offset: 0, length: bytes.length },
    { offset: bytes.length - 1000, length: 3 * 1024 * 1024 },
    { offset: bytes.length + 10, length: 64 },
  ];

  // In place (a clock that stands still: the budget never runs out; from 2 MiB on, one half in
  // place and the other on the I/O thread pool), on the I/O thread pool (no budget), and both: a
  // clock that moves 3 ms at each look, so a read's first 1 MiB piece is read in place and the
  // rest on the thread pool.
  let tick = 0;
  const ways = [
    { how: 'in place (big reads half in place, half on the I/O thread pool)', options: { now: () => 0 } },
    { how: 'on the I/O thread pool', options: { syncBudgetMs: 0 } },
    { how: 'first in place, the rest on the I/O thread pool', options: { now: () => (tick += 3) } },
  ];
  for (const { how, options } of ways) {
    it(`readInto and read give the file's bytes, fewer at its end, ${how}`, async () => {
      const source = await openFileSource(path, 'patterned.bin', options);
      try {
        for (const { offset, length } of cases) {
          const expected = bytes.subarray(Math.min(offset, bytes.length), Math.min(bytes.length, offset + length));
          const target = new Uint8Array(length).fill(0xaa);
          const got = await source.readInto(offset, target);
          expect(got, `readInto ${offset} + ${length}`).toBe(expected.length);
          expect(digest(target.subarray(0, got)), `readInto ${offset} + ${length}`).toBe(digest(expected));
          // Past what was read, the caller's buffer is left as it was.
          expect(target.subarray(got).every((b) => b === 0xaa)).toBe(true);
          const read = await source.read(offset, length);
          expect(digest(read), `read ${offset} + ${length}`).toBe(digest(expected));
        }
      } finally {
        await source.close();
      }
    });
  }

  // The size is taken at open: a file cut short afterwards gives fewer bytes, up to where it ends,
  // whichever half of a split read the cut falls in.
  for (const cutAt of [1024 * 1024, 2 * 1024 * 1024, 3 * 1024 * 1024 + 5]) {
    it(`a file cut to ${cutAt} bytes after opening reads up to its end`, async () => {
      const path2 = join(dir, `cut-${cutAt}.bin`);
      writeFileSync(path2, bytes);
      const source = await openFileSource(path2, 'cut.bin', { now: () => 0 });
      try {
        truncateSync(path2, cutAt);
        const target = new Uint8Array(4 * 1024 * 1024);
        const got = await source.readInto(0, target);
        expect(got).toBe(cutAt);
        expect(digest(target.subarray(0, got))).toBe(digest(bytes.subarray(0, cutAt)));
      } finally {
        await source.close();
      }
    });
  }

  it('never writes to the file it reads', async () => {
    const before = statSync(path).mtimeMs;
    const source = await openFileSource(path);
    await source.readInto(0, new Uint8Array(bytes.length));
    await source.close();
    expect(statSync(path).mtimeMs).toBe(before);
    expect(digest(readFileSync(path))).toBe(digest(bytes));
  });

  it('closes once, after the reads in flight have landed, and refuses reads from then on', async () => {
    // A clock that stands still, no budget: every read goes to the I/O thread pool.
    const source = await openFileSource(path, 'patterned.bin', { syncBudgetMs: 0 });
    const target = new Uint8Array(bytes.length);
    const reading = source.readInto(0, target);
    const closing = source.close();
    // The read started before the close: it gives the whole file.
    expect(await reading).toBe(bytes.length);
    expect(digest(target)).toBe(digest(bytes));
    await closing;
    await expect(source.readInto(0, new Uint8Array(16))).rejects.toThrow(/patterned\.bin|closed/);
    await expect(source.read(0, 16)).rejects.toThrow(/closed/);
    // A second close is harmless (a descriptor closed twice could be another file's by then).
    await source.close();
  });

  it('refuses reads in place after closing began, too', async () => {
    const source = await openFileSource(path, 'patterned.bin', { now: () => 0 });
    await source.close();
    await expect(source.readInto(0, new Uint8Array(16))).rejects.toThrow(/closed/);
  });

  it('names the file it cannot open', async () => {
    await expect(openFileSource(join(dir, 'missing.bin'))).rejects.toThrow(/missing\.bin/);
  });

  // Linux lists a process's descriptors in /proc; elsewhere the test has nothing to count.
  it.skipIf(!existsSync('/proc/self/fd'))('leaves no descriptor open after many opens and closes, reads that failed included', async () => {
    const open = (): number => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let k = 0; k < 500; k++) {
      const source = await openFileSource(path, 'patterned.bin', { syncBudgetMs: k % 2 ? 0 : 4 });
      await source.readInto(k * 997, new Uint8Array(64));
      if (k % 5 === 0) await source.close().then(() => source.readInto(0, new Uint8Array(8))).catch(() => undefined);
      await source.close();
    }
    expect(open()).toBe(before);
  });
});
