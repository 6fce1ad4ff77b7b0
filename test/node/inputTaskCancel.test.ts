import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StrataError } from '../../core/model/errors.js';
import { runStackTask } from '../../core/node/stackTasks.js';

describe("a file's checksum as a worker task", () => {
  it('reports its progress by the chunk (what the pool answers with a Cancel) and stops at the next chunk once cancelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-input-task-'));
    try {
      const path = join(dir, 'stack.ome.tif');
      const size = 13 * 1024 * 1024;
      await writeFile(path, randomBytes(size));
      const input = { path, displayPath: 'pristine/stack.ome.tif' };

      const progress: [number, number][] = [];
      const whole = await runStackTask({ kind: 'input', input }, { onPlane: (done, total) => void progress.push([done, total]) });
      expect(whole.kind === 'input' && whole.record.sizeBytes).toBe(size);
      expect(progress.map(([done]) => done)).toEqual([4, 8, 12, 13].map((m) => m * 1024 * 1024));
      expect(progress.every(([, total]) => total === size)).toBe(true);

      // Cancelled after the first chunk's progress, as the pool does on a Cancel: the task stops at
      // the next chunk. (Another file: the first one's checksum may be remembered by now.)
      const other = { path: join(dir, 'other.ome.tif'), displayPath: 'charged/stack.ome.tif' };
      await writeFile(other.path, randomBytes(size));
      const abort = new AbortController();
      let reports = 0;
      const stopped = runStackTask({ kind: 'input', input: other }, { signal: abort.signal, onPlane: () => void (++reports === 1 && abort.abort(new StrataError('Analysis of s: cancelled'))) });
      await expect(stopped).rejects.toThrow('Analysis of s: cancelled');
      expect(reports).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
