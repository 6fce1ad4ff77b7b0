import type { JobProgress } from '../api/contract.js';

/** A long piece of backend work the UI shows progress of and may cancel. */
export interface Job {
  done: number;
  total: number;
  label: string;
  running: boolean;
  cancelled: boolean;
}

/** Finished jobs are forgotten past this many, so the table cannot grow without bound. */
const MAX_JOBS = 64;

/**
 * The jobs the UI named (by an id of its own), for their progress and their Cancel. Starting a
 * job under an id in use cancels the one before: the UI asked again (a new ROI, say), so the
 * old answer is no longer wanted.
 */
export class JobTable {
  private readonly jobs = new Map<string, Job>();

  /** A new running job, kept under `id` when one is given (else only the caller holds it). */
  start(id: string | undefined, label: string, total: number): Job {
    const job: Job = { done: 0, total, label, running: true, cancelled: false };
    if (id) {
      const old = this.jobs.get(id);
      if (old) old.cancelled = true;
      this.jobs.set(id, job);
      if (this.jobs.size > MAX_JOBS) for (const [k, j] of this.jobs) if (!j.running) this.jobs.delete(k);
    }
    return job;
  }

  /** Where the job stands; an unknown id reads as a job that is not running. */
  progress(jobId: string): JobProgress {
    const job = this.jobs.get(jobId);
    if (!job) return { jobId, done: 0, total: 0, running: false, label: '' };
    return { jobId, done: job.done, total: job.total, running: job.running, label: job.label };
  }

  /** Asks a running job to stop; false when there is none under the id (or it has ended). */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || !job.running) return false;
    job.cancelled = true;
    return true;
  }
}
