import { parentPort } from 'node:worker_threads';
import { StrataError } from '../model/errors.js';
import { runStackTask } from './stackTasks.js';
import type { StackTask } from './stackTasks.js';
import type { WorkerReply, WorkerRequest } from './stackPool.js';

/**
 * A worker thread of the stack pool (stackPool.ts): runs one task at a time and answers with
 * progress now and then, and the result or the error's message. A cancel message aborts the
 * task between reads.
 */
const port = parentPort;
if (!port) throw new Error('stackWorker.ts runs as a worker thread');
const running = new Map<number, AbortController>();

port.on('message', (message: WorkerRequest) => {
  if (message.task === undefined) running.get(message.id)?.abort(new StrataError(message.cancel));
  else void run(message.id, message.task);
});

async function run(id: number, task: StackTask): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  let last = 0;
  try {
    const result = await runStackTask(task, {
      signal: controller.signal,
      onPlane: (done, total) => {
        // Progress a few times a second at most: each message is a trip to the main thread.
        const now = performance.now();
        if (done === total || now - last > 50) {
          last = now;
          port!.postMessage({ id, progress: { done, total } } satisfies WorkerReply);
        }
      },
    });
    port!.postMessage({ id, result } satisfies WorkerReply);
  } catch (err) {
    port!.postMessage({ id, error: { name: (err as Error).name, message: (err as Error).message } } satisfies WorkerReply);
  } finally {
    running.delete(id);
  }
}
