import type { StrataApi } from '../../core/api/contract.js';

/** A job the user cancelled rejects with this. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

type JobApi = Pick<StrataApi, 'cancelJob' | 'jobProgress'>;

/**
 * Backend jobs started together that stand or fall together (the 3-D view's volume of each
 * state: one answer, one Cancel). Cancel stops every one of them; one that fails stops the
 * others, whose answers nobody would use. No DOM here: jobs.ts shows it in the job bar.
 */
export class JobGroup<T> {
  private readonly settled: boolean[];
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly api: JobApi,
    readonly ids: string[],
  ) {
    this.settled = ids.map(() => false);
  }

  /** Every call with its job id: the answers in order, or the first failure (the others then cancelled). */
  run(calls: ((jobId: string) => Promise<T>)[]): Promise<T[]> {
    return Promise.all(
      calls.map((call, i) =>
        call(this.ids[i])
          .finally(() => (this.settled[i] = true))
          .catch((err: unknown) => {
            void this.cancel();
            throw err;
          }),
      ),
    );
  }

  /**
   * Asks the backend to stop every job not yet answered, once (a job whose request is still
   * under way starts stopped: WorkbenchServices.cancelJob).
   */
  cancel(): Promise<void> {
    this.stopping ??= Promise.all(this.ids.filter((_, i) => !this.settled[i]).map((jobId) => this.api.cancelJob({ jobId }).catch(() => undefined))).then(() => undefined);
    return this.stopping;
  }

  /**
   * The group's progress as jobs done, each job an equal share (a job learns its total only once
   * it runs, so summed counts would step back as the others start); null before any job knows its total.
   */
  async progress(): Promise<{ done: number; total: number } | null> {
    const all = await Promise.all(this.ids.map((jobId) => this.api.jobProgress({ jobId }).catch(() => null)));
    if (!all.some((p) => p && p.total > 0)) return null;
    const done = all.reduce((sum, p, i) => sum + (this.settled[i] ? 1 : p && p.total > 0 ? Math.min(1, p.done / p.total) : 0), 0);
    return { done, total: this.ids.length };
  }
}
