import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchReply } from './batchWorker.js';

export interface BatchProgress {
  done: number;
  total: number;
  failed: number;
  last: { studyPath: string; ok: boolean; error?: string };
}

/** The worker bootstrap beside the CLI entry (it loads the TypeScript sources). */
const WORKER_URL = new URL('../../bin/strata-worker.js', import.meta.url);

/**
 * Analyses studies in parallel on worker threads, one study per job, at most `concurrency` at
 * a time (default: the cores available). A failing study is reported and the rest finish.
 */
export async function runBatch(
  jobs: Omit<BatchJob, 'index'>[],
  opts: { concurrency?: number; onProgress?: (p: BatchProgress) => void } = {},
): Promise<BatchReply[]> {
  // At most the cores: more workers only share them, each with its own memory.
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), availableParallelism(), jobs.length));
  const replies: BatchReply[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  let failed = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // An (empty) workerData object: geotiff's `web-worker` dependency, when loaded inside a worker
      // thread, reads workerData to decide whether it is itself a web-worker shim; without one it throws.
      const worker = new Worker(WORKER_URL, { workerData: {} });
      let current = -1;
      const feed = (): void => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        current = next++;
        worker.postMessage({ ...jobs[current], index: current } satisfies BatchJob);
      };
      worker.on('message', (reply: BatchReply) => {
        replies[reply.index] = reply;
        done++;
        if (!reply.ok) failed++;
        opts.onProgress?.({ done, total: jobs.length, failed, last: { studyPath: jobs[reply.index].studyPath, ok: reply.ok, error: reply.ok ? undefined : reply.error } });
        feed();
      });
      worker.on('error', (err) => {
        // A crashed worker fails its current study only; the others go on in a fresh worker.
        if (current >= 0 && !replies[current]) {
          replies[current] = { index: current, ok: false, error: `worker crashed: ${err.message}` };
          done++;
          failed++;
          opts.onProgress?.({ done, total: jobs.length, failed, last: { studyPath: jobs[current].studyPath, ok: false, error: err.message } });
        }
        runWorker().then(resolve, reject);
      });
      feed();
    });
  await Promise.all(Array.from({ length: concurrency }, runWorker));
  return replies;
}

/** A one-line progress bar: `[#########-----------] 9/20 studies, 1 failed`. */
export function progressBar(p: { done: number; total: number; failed: number }, width = 24): string {
  const filled = Math.round((p.done / Math.max(1, p.total)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} studies${p.failed ? `, ${p.failed} failed` : ''}`;
}
