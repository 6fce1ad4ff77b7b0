import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolder, prepareOutputFolder } from '../../core/node/files.js';
import { runCli } from '../helpers/cli.js';

describe('makeFolder: an output folder and its parents', () => {
  it('makes every missing level, and is content with one that is there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-mkdir-'));
    const deep = join(dir, 'a', 'b', 'c');
    await makeFolder(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeFolder(deep);
    await makeFolder(dir);
  });

  it('names a file in the way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-mkdir-'));
    writeFileSync(join(dir, 'file'), 'x');
    await expect(makeFolder(join(dir, 'file'))).rejects.toMatchObject({ code: 'EEXIST', message: `${join(dir, 'file')}: exists and is not a folder` });
    // Below it, the system's own error, with the path (the CLI words it "a part of the path is a file").
    await expect(makeFolder(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR', path: join(dir, 'file', 'sub') });
  });

  it('two at once into the same new parents both succeed (batch workers side by side)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-mkdir-'));
    await Promise.all([makeFolder(join(dir, 'p', 'q', 'one')), makeFolder(join(dir, 'p', 'q', 'two'))]);
    expect(existsSync(join(dir, 'p', 'q', 'one')) && existsSync(join(dir, 'p', 'q', 'two'))).toBe(true);
  });

  // Node's recursive mkdir retries for ever under /proc (its parent exists, the kernel says
  // ENOENT): `strata analyze --out /proc/x` spun at full CPU until killed.
  it.runIf(process.platform === 'linux')('fails at once, naming the folder, where the system takes none (/proc)', async () => {
    await expect(makeFolder('/proc/strata-no-such/deeper')).rejects.toThrow('/proc/strata-no-such: cannot make this folder (no such file or folder)');
    await expect(prepareOutputFolder('/proc/strata-no-such')).rejects.toThrow(/cannot make this folder/);
  });

  it.runIf(process.platform === 'linux')('strata analyze --out /proc/… exits 1 with one line, not a hang', async () => {
    const r = await runCli(['analyze', 'samples/study', '--out', '/proc/strata-no-such']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('strata: /proc/strata-no-such: cannot make this folder (no such file or folder)');
  }, 60_000);
});
