import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { revivedError, StrataError } from '../model/errors.js';
import type { StackTask, StackTaskResult } from './stackTasks.js';
import { BoundedLru } from '../util/boundedLru.js';

export type WorkerRequest = { id: number; task: StackTask; cancel?: undefined } | { id: number; cancel: string; task?: undefined };
export type WorkerReply =
  | { id: number; progress: { done: number; total: number; step?: string } }
  | { id: number; result: StackTaskResult }
  | { id: number; error: { name: string; message: string } };

/** The worker bootstrap beside the CLI entry (it loads the TypeScript sources, see loadEntry.js). */
const WORKER_URL = new URL('../../bin/strata-stack-worker.js', import.meta.url);

/** Affinities remembered at most (a few studies' states and files). */
const MAX_AFFINITIES = 1024;

/**
 * Worker threads for lanes of work beside this thread: `jobs` lanes in all (default: the cores)
 * and no more than `tasks`, minus this thread's. More lanes than cores only share them, each
 * holding its own stack buffers (--jobs 100 on 2 cores: 24 s and 2.4 GB, against 1.1 s and 157 MB).
 */
export function laneWorkerCount(jobs: number | undefined, tasks = Infinity, cores = availableParallelism()): number {
  return Math.max(0, Math.min(tasks, jobs ?? cores, cores) - 1);
}

/**
 * Lane workers started before the study is known (startLaneWorkers): a study of three states
 * with SEM, ToF-SIMS and XRD is six tasks, this thread's and five workers'. More are started
 * when a bigger study needs them; a smaller one closes those it does not (StackPool.limitTo).
 * Each costs ~17 MB and ~0.1–0.3 s of CPU to load: all the cores' worth at once (15 on a 16-core
 * machine) cost ~250 MB and seconds of CPU for a study that used five.
 */
export const EARLY_LANE_WORKERS = 5;

/**
 * A pool of the worker threads `jobs` allows beside this thread (laneWorkerCount), of which up to
 * EARLY_LANE_WORKERS are started now: each loads its code (~0.3 s) while the caller loads its own
 * and the study (`strata analyze`, `strata figure`: withStateLanes takes it and sizes it to the
 * study). None for one job or one core.
 */
export function startLaneWorkers(jobs: number | undefined, cores = availableParallelism()): StackPool | undefined {
  const workers = laneWorkerCount(jobs, Infinity, cores);
  return workers > 0 ? new StackPool(workers).start(EARLY_LANE_WORKERS) : undefined;
}

/** Runs `fn` with the lane workers `jobs` allows, started now (startLaneWorkers), and closes them after. */
export async function withLaneWorkers<T>(jobs: number | undefined, fn: (pool: StackPool | undefined) => Promise<T>): Promise<T> {
  const pool = startLaneWorkers(jobs);
  try {
    return await fn(pool);
  } finally {
    await pool?.close();
  }
}

/** Tasks a lane's worker holds at most: the one it runs and the lane's next (see StackPool.run). */
const LANE_DEPTH = 2;

/** The worker could not run the task (it failed to start or crashed): the caller may run it itself. */
export class WorkerLost extends Error {}

interface Pending {
  id: number;
  task: StackTask;
  affinity?: string;
  lane?: string;
  onProgress?: (done: number, total: number, step?: string) => void;
  cancelled?: () => string | null;
  resolve: (r: StackTaskResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Its tasks, in the order sent: the first runs, the others wait in the worker (a lane's next). */
  jobs: Pending[];
  /** Tasks it has answered. */
  finished: number;
}

/**
 * Worker threads for the long tasks of stackTasks.ts: the workbench's passes over 3-D stacks and
 * the analysis of whole states (the workbench's and `strata analyze`'s). The states of a study
 * are worked on side by side, one per core, while the main thread stays free to answer the UI. Workers start
 * when first needed and stay (starting one loads the code, ~0.2 s); they do not keep the process
 * alive. Tasks beyond the pool's size wait their turn. Cancellation is passed on at the next
 * progress report and stops the task between reads.
 */
export class StackPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** Workers lost before finishing any task: after two, no more are started (they cannot load here). */
  private failedStarts = 0;
  /** The worker that last took a task of each affinity (see `run`); the oldest forgotten first. */
  private readonly lastSlotFor = new BoundedLru<string, Slot>(MAX_AFFINITIES);
  /** The worker of each lane (see `run`). */
  private readonly laneSlots = new BoundedLru<string, Slot>(MAX_AFFINITIES);

  constructor(
    private maxWorkers = Math.max(1, Math.min(4, availableParallelism())),
    private readonly workerUrl: URL = WORKER_URL,
  ) {}

  /** The most worker threads it runs at once (they start as tasks need them, or with start). */
  get size(): number {
    return this.maxWorkers;
  }

  /**
   * Lowers the pool's size to `size` (never raises it, nor below one: its tasks would wait for
   * ever): idle workers beyond it are closed now, busy ones once they are done. For a pool started
   * before its work was known (startLaneWorkers).
   */
  async limitTo(size: number): Promise<void> {
    this.maxWorkers = Math.max(1, Math.min(this.maxWorkers, size));
    const surplus = this.slots.filter((s) => s.jobs.length === 0).slice(0, Math.max(0, this.slots.length - this.maxWorkers));
    for (const s of surplus) this.slots.splice(this.slots.indexOf(s), 1);
    await Promise.all(surplus.map((s) => s.worker.terminate()));
  }

  /**
   * Runs the task on a worker. `affinity`: tasks with the same one go to the same worker when it
   * is free: a worker keeps what it computed from unchanged files (a state's profiles, a file's
   * checksum: stateMemo.ts, files.ts), and another would compute it again. `lane`: the tasks of a
   * lane all go to one worker (the first free one its first task finds), which takes the next
   * while it still runs one (LANE_DEPTH) and starts it as soon as it is done, without waiting
   * for this thread to hand it over (stateLanes.ts: this thread fits XRD patterns meanwhile, and
   * cannot answer a worker until a fit is done).
   */
  run(
    task: StackTask,
    opts: { onProgress?: (done: number, total: number, step?: string) => void; cancelled?: () => string | null; affinity?: string; lane?: string } = {},
  ): Promise<StackTaskResult> {
    if (this.failedStarts >= 2) return Promise.reject(new WorkerLost('stack workers cannot start here'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, ...opts, resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts the pool's workers now (up to `count` of them), idle, instead of at the first task:
   * each loads its code (~0.3 s) while the caller gets its work ready (the CLI: its own code and
   * the study).
   */
  start(count = this.maxWorkers): this {
    while (this.slots.length < Math.min(count, this.maxWorkers)) this.spawn();
    return this;
  }

  /** Worker threads started (idle or busy). */
  get started(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      const { affinity, lane } = this.queue[0];
      const preferred = affinity === undefined ? undefined : this.lastSlotFor.get(affinity);
      const laneSlot = lane === undefined ? undefined : this.laneSlots.get(lane);
      let slot: Slot | undefined;
      if (laneSlot && this.slots.includes(laneSlot) && laneSlot.jobs.every((j) => j.lane === lane)) {
        // A lane keeps to its worker, there or waiting, unless the worker took other tasks meanwhile (the workbench's maps).
        if (laneSlot.jobs.length >= LANE_DEPTH) return;
        slot = laneSlot;
      } else slot = preferred && preferred.jobs.length === 0 && this.slots.includes(preferred) ? preferred : this.slots.find((s) => s.jobs.length === 0);
      if (!slot && this.slots.length < this.maxWorkers) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      const why = job.cancelled?.();
      if (why) {
        job.reject(new StrataError(why));
        continue;
      }
      slot.jobs.push(job);
      if (job.affinity !== undefined) this.lastSlotFor.set(job.affinity, slot);
      if (job.lane !== undefined) this.laneSlots.set(job.lane, slot);
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, task: job.task } satisfies WorkerRequest);
    }
  }

  private spawn(): Slot {
    // An (empty) workerData object: geotiff's `web-worker` dependency reads it inside a worker.
    const worker = new Worker(this.workerUrl, { workerData: {} });
    worker.unref();
    const slot: Slot = { worker, jobs: [], finished: 0 };
    this.slots.push(slot);
    worker.on('message', (reply: WorkerReply) => {
      const at = slot.jobs.findIndex((j) => j.id === reply.id);
      if (at < 0) return;
      const job = slot.jobs[at];
      if ('progress' in reply) {
        job.onProgress?.(reply.progress.done, reply.progress.total, reply.progress.step);
        const why = job.cancelled?.();
        if (why) worker.postMessage({ id: job.id, cancel: why } satisfies WorkerRequest);
        return;
      }
      slot.jobs.splice(at, 1);
      slot.finished++;
      // A task waiting behind it, cancelled meanwhile, is dropped before it starts.
      for (const waiting of slot.jobs) {
        const why = waiting.cancelled?.();
        if (why) worker.postMessage({ id: waiting.id, cancel: why } satisfies WorkerRequest);
      }
      if (slot.jobs.length === 0) worker.unref();
      // Beyond a size lowered while it was busy (limitTo): closed now that it is idle.
      if (slot.jobs.length === 0 && this.slots.length > this.maxWorkers) {
        this.slots.splice(this.slots.indexOf(slot), 1);
        void worker.terminate();
      }
      if ('result' in reply) job.resolve(reply.result);
      else job.reject(revivedError(reply.error.name, reply.error.message));
      this.pump();
    });
    const lost = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      if (slot.finished === 0) this.failedStarts++;
      for (const job of slot.jobs.splice(0)) job.reject(new WorkerLost(`stack worker ${why}`));
      if (this.failedStarts >= 2) for (const queued of this.queue.splice(0)) queued.reject(new WorkerLost('stack workers cannot start here'));
      else this.pump();
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited (${code})`));
    return slot;
  }
}
