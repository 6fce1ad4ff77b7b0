import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../core/node/files.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const KILLS = Number(process.env.STRATA_KILL_RUNS ?? 6);

function killMidSave(path: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test/fixtures/saveLoop.ts'), path], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
}

describe('atomic project saves', () => {
  it('replaces the file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-atomic-'));
    const path = join(dir, 'p.strata.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['p.strata.json']);
  });

  it(`leaves a valid project (old or new) when the saving process is killed at any point (${KILLS} kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-kill-'));
    const path = join(dir, 'study.strata.json');
    writeFileSync(path, JSON.stringify({ schema: 'strata.project/1', generation: 0 }));
    for (let k = 0; k < KILLS; k++) {
      // Each child has saved once before the timer starts (it says so), then is killed at some
      // point of the saves after: the file must hold one whole version, that first one or a later one.
      await killMidSave(path, k * 23);
      const project = JSON.parse(readFileSync(path, 'utf8')) as { schema: string; generation: number };
      expect(project.schema).toBe('strata.project/1');
      expect(project.generation).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});
