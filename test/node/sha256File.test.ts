import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../core/node/files.js';

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
});
