import { describe, expect, it } from 'vitest';
import { CallCancelled, cancelledReply } from '../../core/api/contract.js';
import { electronApi } from '../../renderer/src/api.js';
import type { RendererApi } from '../../renderer/src/api.js';
import { CancelledError } from '../../renderer/src/jobGroup.js';

// Inside Electron the page calls the preload's API: main answers a cancelled job's call with a
// CancelledReply, which the page must see as the CancelledError the browser client throws.
describe('electronApi: the preload API as the page uses it', () => {
  const preload = {
    startup: async () => ({ mode: 'electron' }),
    getVolume: async () => cancelledReply(new CallCancelled('Li- volume of charged: cancelled')),
    openStudy: async () => {
      throw new Error("Error invoking remote method 'strata:call': Error: /x: no study here");
    },
    pickStudy: async () => '/picked/study',
  } as unknown as RendererApi;
  const api = electronApi(preload);

  it('a cancelled call rejects with a CancelledError carrying the job’s message', async () => {
    const err = await api.getVolume({ path: '/s', state: 'charged', ion: 'Li-', maxSize: 64, maxVoxels: 4096 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).message).toBe('Li- volume of charged: cancelled');
  });

  it('answers pass through, errors stay errors (not cancellations), native extras are kept', async () => {
    expect(await api.startup({})).toEqual({ mode: 'electron' });
    const err = await api.openStudy({ path: '/x' }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(CancelledError);
    expect((err as Error).message).toMatch(/no study here/);
    expect(await api.pickStudy!()).toBe('/picked/study');
  });
});
