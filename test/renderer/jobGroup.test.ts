import { describe, expect, it } from 'vitest';
import { JobTable } from '../../core/node/jobs.js';
import { JobGroup } from '../../renderer/src/jobGroup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The backend's job table behind a stand-in API, and a call per job that reaches the backend
 * after `arriveMs`, then works in steps until done or cancelled. (A Cancel that overtakes its
 * job's request is the backend's to keep: test/node/earlyCancel.test.ts.)
 */
function backend() {
  const table = new JobTable();
  const stopped: string[] = [];
  const asked: string[] = [];
  const api = {
    cancelJob: async ({ jobId }: { jobId: string }) => (asked.push(jobId), { cancelled: table.cancel(jobId) }),
    jobProgress: async ({ jobId }: { jobId: string }) => table.progress(jobId),
  };
  const call =
    (arriveMs: number, steps: number, fail?: string) =>
    async (jobId: string): Promise<string> => {
      await sleep(arriveMs);
      const job = table.start(jobId, jobId, steps);
      try {
        for (; job.done < steps; job.done++) {
          if (job.cancelled) {
            stopped.push(jobId);
            throw new Error(`${jobId}: cancelled`);
          }
          if (fail && job.done === 2) throw new Error(fail);
          await sleep(5);
        }
        return jobId;
      } finally {
        job.running = false;
      }
    };
  return { api, call, stopped, asked };
}

describe('JobGroup: backend jobs that stand or fall together (the 3-D view’s volumes)', () => {
  it('answers every call in order, with its own job id', async () => {
    const { api, call } = backend();
    const group = new JobGroup<string>(api, ['a', 'b', 'c']);
    expect(await group.run([call(0, 3), call(10, 1), call(0, 2)])).toEqual(['a', 'b', 'c']);
  });

  it('Cancel stops every job not answered yet, each once', async () => {
    const { api, call, stopped, asked } = backend();
    const group = new JobGroup<string>(api, ['pristine', 'charged', 'discharged']);
    const done = group.run([call(0, 1000), call(0, 1), call(0, 1000)]);
    done.catch(() => undefined);
    await sleep(40); // charged's volume is in
    void group.cancel();
    await group.cancel(); // a second click asks nothing more
    await expect(done).rejects.toThrow(/cancelled/);
    await sleep(30);
    expect(asked).toEqual(['pristine', 'discharged']);
    expect(stopped.sort()).toEqual(['discharged', 'pristine']);
  });

  it('one job failing stops the others, and the group fails with its error', async () => {
    const { api, call, stopped } = backend();
    const group = new JobGroup<string>(api, ['a', 'b', 'c']);
    await expect(group.run([call(0, 1000), call(0, 1000, 'b: no Li- channel'), call(0, 1000)])).rejects.toThrow('b: no Li- channel');
    await sleep(30);
    expect(stopped.sort()).toEqual(['a', 'c']);
  });

  it('gives progress as jobs done, each an equal share; none before any job knows its total', async () => {
    const table = new JobTable();
    const api = { cancelJob: async () => ({ cancelled: false }), jobProgress: async ({ jobId }: { jobId: string }) => table.progress(jobId) };
    const group = new JobGroup<string>(api, ['a', 'b']);
    expect(await group.progress()).toBeNull();
    const a = table.start('a', 'a', 1000);
    a.done = 500;
    expect(await group.progress()).toEqual({ done: 0.5, total: 2 });
    table.start('b', 'b', 4).done = 1;
    expect(await group.progress()).toEqual({ done: 0.75, total: 2 });
  });
});
