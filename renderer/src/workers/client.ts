import { CancelledError, showJob } from '../jobs.js';
import type { WorkerReply, WorkerRequest } from './imageWorker.js';

type Op = Omit<Extract<WorkerRequest, { op: 'colourize' }>, 'id'> | Omit<Extract<WorkerRequest, { op: 'volumeToU8' }>, 'id'>;

/**
 * One image worker for the page. A cancelled task terminates the worker (the only way to stop
 * a loop in it) and the next task starts a fresh one.
 */
let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve(v: Uint8Array | Uint8ClampedArray): void; reject(e: Error): void; progress?(d: number, t: number): void }>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./imageWorker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (event: MessageEvent<WorkerReply>) => {
    const msg = event.data;
    const p = pending.get(msg.id);
    if (!p) return;
    if (msg.op === 'progress') p.progress?.(msg.done, msg.total);
    else {
      pending.delete(msg.id);
      if (msg.op === 'done') p.resolve(msg.result);
      else p.reject(new Error(msg.message));
    }
  };
  w.onerror = (event) => {
    for (const p of pending.values()) p.reject(new Error(event.message || 'image worker failed'));
    pending.clear();
  };
  worker = w;
  return w;
}

export function runInWorker(label: string | null, request: Op): Promise<Uint8Array | Uint8ClampedArray> {
  const id = ++nextId;
  const w = getWorker();
  // Only big tasks get a job-bar row; a small map is done before a row could be read.
  const big = label !== null && request.values.length > 1 << 18;
  return new Promise((resolve, reject) => {
    const job = big
      ? showJob(label!, () => {
          w.terminate();
          if (worker === w) worker = null;
          for (const [k, p] of pending) {
            p.reject(new CancelledError(`${label}: cancelled`));
            pending.delete(k);
          }
        })
      : null;
    pending.set(id, {
      resolve: (v) => (job?.end(), resolve(v)),
      reject: (e) => (job?.end(), reject(e)),
      progress: job ? (d, t) => job.progress(d, t) : undefined,
    });
    w.postMessage({ ...request, id } as WorkerRequest);
  });
}
