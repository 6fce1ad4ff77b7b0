import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../core/cli.js';
import { STRATA_VERSION } from '../../core/version.js';
import { runCli } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import pkg from '../../package.json' with { type: 'json' };

const silent = { stdout: () => undefined, stderr: () => undefined, stderrIsTty: false };

describe('strata CLI', () => {
  it('keeps its version in step with package.json', () => {
    expect(STRATA_VERSION).toBe(pkg.version);
  });

  it('has --help for every command', async () => {
    const names = buildProgram(silent).commands.map((c) => c.name());
    expect(names).toContain('info');
    for (const name of names) {
      const r = await runCli([name, '--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`Usage: strata ${name}`));
    }
  });

  it('exits 2 on bad usage', async () => {
    expect((await runCli(['no-such-command'])).code).toBe(2);
    expect((await runCli(['info'])).code).toBe(2);
    expect((await runCli(['info', '--no-such-option', 'x'])).code).toBe(2);
  });

  it('exits 1 with a one-line error naming the file on bad input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, new Uint8Array([1, 2, 3, 4, 5]));
    const r = await runCli(['info', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('junk.bin');
    const missing = await runCli(['info', join(dir, 'missing.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing\.txt: no such file/);
    // A folder (its read failed with a bare EISDIR) and a named pipe (opening it waited for ever).
    mkdirSync(join(dir, 'a folder.tif'));
    for (const cmd of ['info', 'sem', 'xrd']) {
      const folder = await runCli([cmd, join(dir, 'a folder.tif')]);
      expect(folder.code, cmd).toBe(1);
      expect(folder.stderr.trim(), cmd).toBe(`strata: ${join(dir, 'a folder.tif')}: is a folder, not a file`);
    }
    const fifo = join(dir, 'pipe.txt');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      const piped = await runCli(['info', fifo]);
      expect(piped.code).toBe(1);
      expect(piped.stderr.trim()).toBe(`strata: ${fifo}: not a regular file`);
    }
  });

  it('runs as a real process through bin/strata.js with the same exit codes', () => {
    const ok = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/strata.js'), '--version'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe(STRATA_VERSION);
    const bad = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/strata.js'), 'info'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });

  it('as a real process, prints all it has before it ends, and ends quietly with its own code when the reader stops early', async () => {
    const bin = join(PROJECT_ROOT, 'bin/strata.js');
    const file = join(PROJECT_ROOT, 'samples/study/pristine/xrd.ras');
    const whole = spawnSync(process.execPath, [bin, 'xrd', file, '--json'], { encoding: 'utf8' });
    expect(whole.status).toBe(0);
    expect(JSON.parse(whole.stdout)).toEqual(JSON.parse((await runCli(['xrd', file, '--json'])).stdout));
    // `strata info … | head -c 0`: the pipe is closed before anything is printed.
    const child = spawn(process.execPath, [bin, 'info', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('files read whole', () => {
  it('refuses one larger than its kind can be, naming it and the limit, without reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-big-'));
    const big = join(dir, 'huge.xy');
    writeFileSync(big, '10 1\n20 2\n');
    truncateSync(big, 300 << 20); // sparse: no 300 MB written
    const r = await runCli(['info', big]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`strata: ${big}: ${300 << 20} bytes: more than the 256 MiB an XRD pattern is read up to`);
  });
});

describe('--normalize and --reference', () => {
  it('become the overrides of the analysis, and nothing where neither is given', async () => {
    const { flagOverrides } = await import('../../core/cli/context.js');
    expect(flagOverrides({})).toEqual({});
    expect(flagOverrides({ normalize: 'tic', reference: 'charged' })).toEqual({ normalization: 'tic', referenceState: 'charged' });
    expect(flagOverrides({ reference: 'as-deposited' })).toEqual({ referenceState: 'as-deposited' });
  });
});

describe('--normalize', () => {
  it('takes none and tic in any case, an ion by its label, and refuses the bare word reference', async () => {
    const { normalizationOf } = await import('../../core/cli/context.js');
    expect(normalizationOf('TIC')).toEqual({ normalization: 'tic' });
    expect(normalizationOf(' None ')).toEqual({ normalization: 'none' });
    expect(normalizationOf('C2-')).toEqual({ normalization: 'reference', referenceIon: 'C2-' });
    expect(() => normalizationOf('reference')).toThrow(/name the ion to divide by instead, e\.g\. --normalize C2-/);
    expect(() => normalizationOf('12')).toThrow(/--normalize wants none, tic or an ion label/);
  });
});
