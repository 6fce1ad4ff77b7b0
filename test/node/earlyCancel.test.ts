import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchServices } from '../../core/node/services.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

// The workbench's Cancel of a load (the 3-D view's volumes, one job a state) can reach the
// backend before a job's own request: that job must not then run to its end.
const sample = join(PROJECT_ROOT, 'samples/study');

describe.skipIf(!existsSync(join(sample, 'study.json')))('cancelJob before the job has started', () => {
  let api: WorkbenchServices;
  beforeAll(() => {
    api = new WorkbenchServices({ mode: 'browser', startupStudy: sample });
  });
  afterAll(() => api.close());

  const volume = (state: string, jobId: string) => api.getVolume({ path: sample, state, ion: 'Li-', maxSize: 64, maxVoxels: 64 * 64 * 64, jobId });

  it('a job whose Cancel came first starts cancelled, and does no work', async () => {
    expect(await api.cancelJob({ jobId: 'early-1' })).toEqual({ cancelled: true });
    await expect(volume('charged', 'early-1')).rejects.toThrow(/Li- volume of charged: cancelled/);
    expect(await api.jobProgress({ jobId: 'early-1' })).toMatchObject({ running: false, done: 0 });
    // The cancel is spent: the id is not cancelled again (the renderer names each request anew).
    await expect(volume('charged', 'early-1')).resolves.toMatchObject({ state: 'charged' });
  });

  it('a job that has ended is not cancelled, and its id is not kept', async () => {
    await volume('pristine', 'done-1');
    expect(await api.cancelJob({ jobId: 'done-1' })).toEqual({ cancelled: false });
    await expect(volume('pristine', 'done-1')).resolves.toMatchObject({ state: 'pristine' });
  });

  it('other jobs run on', async () => {
    await api.cancelJob({ jobId: 'early-2' });
    const [stopped, other] = await Promise.allSettled([volume('discharged', 'early-2'), volume('discharged', 'other-2')]);
    expect(stopped.status).toBe('rejected');
    expect(other).toMatchObject({ status: 'fulfilled', value: { state: 'discharged' } });
  });
});
