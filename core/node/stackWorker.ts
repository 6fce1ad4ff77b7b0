import { parentPort } from 'node:worker_threads';
import { StrataError } from '../model/errors.js';
import { runStackTask } from './stackTasks.js';
import type { StackTask } from './stackTasks.js';
import type { WorkerReply, WorkerRequest } from './stackPool.js';

/**
 * A worker thread of the stack pool (stackPool.ts): runs one task at a time, in the order they
 * came (the pool may send a lane's next task while this one runs: StackPool.run's `lane`), and
 * answers with progress now and then, and the result or the error's message. A cancel message
 * aborts the task between reads, or drops it before it starts.
 */
const port = parentPort;
if (!port) throw new Error('stackWorker.ts runs as a worker thread');
const controllers = new Map<number, AbortController>();
const waiting: Array<{ id: number; task: StackTask }> = [];
let running = false;

port.on('message', (message: WorkerRequest) => {
  if (message.task === undefined) {
    controllers.get(message.id)?.abort(new StrataError(message.cancel));
    return;
  }
  controllers.set(message.id, new AbortController());
  waiting.push({ id: message.id, task: message.task });
  if (!running) void runWaiting();
});

async function runWaiting(): Promise<void> {
  running = true;
  for (let next = waiting.shift(); next; next = waiting.shift()) await run(next.id, next.task);
  running = false;
}

async function run(id: number, task: StackTask): Promise<void> {
  const controller = controllers.get(id)!;
  let last = 0;
  try {
    // Cancelled while it waited: it does not start.
    controller.signal.throwIfAborted();
    const result = await runStackTask(task, {
      signal: controller.signal,
      // Each step of a figure at once: few, and each names what it does.
      onStep: (step, done, total) => port!.postMessage({ id, progress: { done, total, step } } satisfies WorkerReply),
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
    controllers.delete(id);
  }
}
