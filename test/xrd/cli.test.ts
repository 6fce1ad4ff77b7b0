import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');

describe('strata xrd', () => {
  it('prints each peak with the σ of its position, width, area and size', async () => {
    const r = await runCli(['xrd', join(STUDY, 'pristine/xrd.ras')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +35\.\d{3} ± 0\.\d{3} +0\.\d{3} ± 0\.\d{3} +[\d.]+ ± [\d.]+ +LiFePO4 +\(311\) +[\d.]+ ± [\d.]+$/m);
  });

  it('exits 1 naming the file when it is not an XRD pattern, 2 on a bad mask', async () => {
    const sem = join(STUDY, 'pristine/sem.tif');
    const wrongKind = await runCli(['xrd', sem]);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr.trim()).toMatch(/sem\.tif: not an XRD pattern \(tiff\)$/);
    for (const mask of ['1.2.3-4', '44-43', '30']) expect((await runCli(['xrd', join(STUDY, 'pristine/xrd.ras'), '--mask', mask])).code, mask).toBe(2);
  });
});
