import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordInputs, stateInputs } from '../../core/node/analyzeStudyOnDisk.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { STACK_PRESETS, DEFAULT_STACK_ID } from '../../core/model/layerStack.js';

const root = mkdtempSync(join(tmpdir(), 'strata-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

// Provenance must name every file an analysis reads: an imzML's spectra are in its .ibd, and an
// SEM image's scale can come from its sidecar; the workbench's cached analysis watches the same list.
describe('stateInputs', () => {
  const files: Record<string, string> = {
    'charged/maps.imzML': '<imzML/>',
    'charged/maps.ibd': 'binary spectra',
    'charged/sem.tif': 'an SEM image',
    'charged/sem.txt': '$CM_FORMAT JEOL/SEM',
    'charged/notes.md': 'not data',
    'charged/bare.tif': 'an SEM image with no sidecar',
  };
  mkdirSync(join(root, 'charged'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  const study: LoadedStudy = {
    name: 'inputs',
    root,
    stack: STACK_PRESETS[DEFAULT_STACK_ID],
    origin: 'manifest',
    notes: [],
    states: [
      {
        state: 'charged',
        files: [
          { path: 'charged/maps.imzML', kind: 'sims-stack', format: 'imzml' },
          { path: 'charged/notes.md', kind: 'unknown', format: 'unknown' },
          { path: 'charged/sem.tif', kind: 'sem', format: 'tiff' },
          { path: 'charged/bare.tif', kind: 'sem', format: 'tiff' },
        ],
      },
    ],
  };

  it('lists each data file with the files its reader opens beside it, in manifest order', async () => {
    const inputs = await stateInputs(study, 0);
    expect(inputs.map((i) => i.displayPath)).toEqual(['charged/maps.imzML', 'charged/maps.ibd', 'charged/sem.tif', 'charged/sem.txt', 'charged/bare.tif']);
    for (const i of inputs) expect(i.path).toBe(join(root, i.displayPath));
  });

  it('records each with its size and checksum', async () => {
    const records = await recordInputs(await stateInputs(study, 0));
    const ibd = records.find((r) => r.path === 'charged/maps.ibd');
    expect(ibd).toEqual({ path: 'charged/maps.ibd', sizeBytes: files['charged/maps.ibd'].length, sha256: sha(files['charged/maps.ibd']) });
    expect(records.map((r) => r.sha256)).toEqual(['charged/maps.imzML', 'charged/maps.ibd', 'charged/sem.tif', 'charged/sem.txt', 'charged/bare.tif'].map((p) => sha(files[p])));
  });

  it('refuses a state the study does not have', async () => {
    await expect(stateInputs(study, 3)).rejects.toThrow(/no state number 3/);
  });
});
