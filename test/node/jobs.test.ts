import { describe, expect, it } from 'vitest';
import { JobTable } from '../../core/node/jobs.js';

describe('JobTable', () => {
  it('reports a job by its id, and cancels it only while it runs', () => {
    const jobs = new JobTable();
    const job = jobs.start('maps', 'Li- maps', 10);
    job.done = 4;
    expect(jobs.progress('maps')).toEqual({ jobId: 'maps', done: 4, total: 10, running: true, label: 'Li- maps' });
    expect(jobs.cancel('maps')).toBe(true);
    expect(job.cancelled).toBe(true);
    job.running = false;
    expect(jobs.cancel('maps')).toBe(false);
    expect(jobs.progress('nothing')).toEqual({ jobId: 'nothing', done: 0, total: 0, running: false, label: '' });
  });

  it('cancels the job before when one starts under the same id', () => {
    const jobs = new JobTable();
    const first = jobs.start('roi', 'ROI profile', 0);
    const second = jobs.start('roi', 'ROI profile', 0);
    expect(first.cancelled).toBe(true);
    expect(second.cancelled).toBe(false);
    expect(jobs.cancel('roi')).toBe(true);
    expect(second.cancelled).toBe(true);
  });

  it('forgets finished jobs once it holds many, and keeps running ones', () => {
    const jobs = new JobTable();
    const running = jobs.start('long', 'volume', 1);
    for (let k = 0; k < 100; k++) jobs.start(`j${k}`, 'short', 1).running = false;
    expect(jobs.progress('long').running).toBe(true);
    expect(running.cancelled).toBe(false);
    // Job j0 ended long ago: forgotten, it reads as an unknown job.
    expect(jobs.progress('j0').label).toBe('');
  });

  it('keeps no job started without an id', () => {
    const jobs = new JobTable();
    const job = jobs.start(undefined, 'analysis', 1);
    expect(job.running).toBe(true);
    expect(jobs.cancel('undefined')).toBe(false);
  });
});
