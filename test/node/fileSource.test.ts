import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  // Around the size from which an asynchronous read is split in two (2 MiB), odd offsets, the end.
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

  // In place (a clock that stands still: the budget never runs out), on the I/O thread pool (no
  // budget), and both: a clock that moves 3 ms at each look, so a read's first 1 MiB piece is
  // read in place and the rest on the thread pool.
  let tick = 0;
  const ways = [
    { how: 'in place', options: { now: () => 0 } },
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

  it('never writes to the file it reads', async () => {
    const before = statSync(path).mtimeMs;
    const source = await openFileSource(path);
    await source.readInto(0, new Uint8Array(bytes.length));
    await source.close();
    expect(statSync(path).mtimeMs).toBe(before);
    expect(digest(readFileSync(path))).toBe(digest(bytes));
  });
});
