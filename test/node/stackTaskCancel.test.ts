import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStackTask } from '../../core/node/stackTasks.js';
import { makeImzml } from '../../samples/gen/imzml.js';

describe('a stack task cancelled while its imzML opens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cancel-imzml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops reading the spectra: the open ends with the cancel, not with maps', async () => {
    // An imzML is read whole into ion images as it opens; the task's signal reaches that read.
    const spectra = [];
    for (let y = 1; y <= 16; y++) for (let x = 1; x <= 16; x++) spectra.push({ x, y, mz: [6.015, 7.016, 12], intensity: [1, x + y, 2] });
    const { xml, ibd } = makeImzml(spectra, { mode: 'processed' });
    const file = join(dir, 'stack.imzML');
    writeFileSync(file, xml);
    writeFileSync(join(dir, 'stack.ibd'), ibd);
    // An ion the stack lacks: once open, the task ends at once with `missing`, reading no plane, so
    // only the open itself can answer the cancel.
    const task = { kind: 'maps' as const, file, displayName: 'stack.imzML', ion: 'Xe-', deadTime: false, studyShotsPerPixel: null, windows: [] };
    const done = await runStackTask(task);
    expect(done.kind === 'maps' && done.missing).toMatch(/has no Xe-/);
    const cancel = new AbortController();
    const reason = new Error('cancelled by the user');
    cancel.abort(reason);
    await expect(runStackTask(task, { signal: cancel.signal })).rejects.toBe(reason);
  });
});
