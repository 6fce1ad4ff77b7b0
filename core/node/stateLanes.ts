import { availableParallelism } from 'node:os';
import { StrataError } from '../model/errors.js';
import type { InputRecord } from '../model/provenance.js';
import type { StateOutcome, StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import { analyzeStateFiles, stateInputs } from './analyzeStudyOnDisk.js';
import type { StateControl, StateInput, StatesControl, StatesRunner } from './analyzeStudyOnDisk.js';
import { inputRecord, knownInputRecord, rememberHash } from './files.js';
import type { LoadedStudy } from './loadStudy.js';
import { StackPool, WorkerLost } from './stackPool.js';

export interface StateLanes {
  /** Worker threads to use (the pool starts them when first needed). */
  pool: StackPool;
  workers: number;
  /**
   * Whether this thread analyses states too. It starts at once, while a worker first loads the
   * code (~0.3 s), and on two cores it is what makes side by side pay at all: two workers
   * each compiling the analysis afresh made the sample study slower than one thread (2.7
   * against 2.2 s). The workbench leaves it out, so that its main thread answers the UI.
   */
  inThisThread: boolean;
}

/** A piece of a study's analysis a lane takes: a state's analysis, or the checksum of one of its files. */
type LaneTask = { kind: 'state'; stateIndex: number } | { kind: 'input'; stateIndex: number; slot: number; input: StateInput };

/**
 * Analyses a study's states side by side: each lane (this thread, each worker) takes the next
 * task as soon as it is free: first the states' analyses, then the checksums of their files, so
 * that a lane done with its states hashes while another still analyses. Hashing is about a
 * third of the work on big stacks; with as many lanes as states, a state no longer waits for
 * its own files' hashes. On 2 cores, three 512 MB states gained only ~4 % (2.7 → 2.6 s): the
 * two lanes share the memory bandwidth, and each state took ~0.9 s, against ~0.57 s alone.
 * Outcomes come back in state order, each with its files' records in order. A task whose worker
 * cannot start, or is lost, runs in this thread afterwards (the same numbers, only later), and
 * so do the tasks left when no lane remains.
 */
export function statesOnLanes(lanes: StateLanes): StatesRunner {
  return async (study, options, control = {}) => {
    const count = study.states.length;
    const analyses: StateOutcome[] = new Array(count);
    const records: InputRecord[][] = [];
    const tasks: LaneTask[] = [];
    for (let i = 0; i < count; i++) tasks.push({ kind: 'state', stateIndex: i });
    for (let i = 0; i < count; i++) {
      const inputs = await stateInputs(study, i);
      const stateRecords: InputRecord[] = new Array(inputs.length);
      records.push(stateRecords);
      // Checksums this thread knows (taken here, or on any worker) are not taken again.
      for (const [slot, input] of inputs.entries()) {
        const known = await knownInputRecord(input.path, input.displayPath);
        if (known) stateRecords[slot] = known;
        else tasks.push({ kind: 'input', stateIndex: i, slot, input });
      }
    }
    const orphans: LaneTask[] = [];
    const progress = new StatesProgress(count, control.onProgress);
    const cancelled = (): string | null => control.cancelled?.() ?? null;
    let next = 0;
    // Cancelled: no lane takes another task (a worker's running one stops at its next plane).
    const take = (): LaneTask | null => (next < tasks.length && !cancelled() ? tasks[next++] : null);
    const runHere = async (t: LaneTask): Promise<void> => {
      if (t.kind === 'state') {
        analyses[t.stateIndex] = await analyzeStateFiles(study, t.stateIndex, options, undefined, controlHere(cancelled, (done, total) => progress.pass(t.stateIndex, done, total)));
        progress.finished(t.stateIndex);
      } else records[t.stateIndex][t.slot] = await inputRecord(t.input.path, t.input.displayPath, { onChunk: () => stopIfCancelled(cancelled) });
    };
    const here = async (): Promise<void> => {
      for (let t = take(); t; t = take()) await runHere(t);
    };
    const worker = async (): Promise<void> => {
      for (let t = take(); t; t = take()) {
        try {
          if (t.kind === 'state') {
            const onProgress = (done: number, total: number): void => progress.pass(t.stateIndex, done, total);
            analyses[t.stateIndex] = await stateOnWorker(lanes.pool, study, t.stateIndex, options, { cancelled, onProgress });
            progress.finished(t.stateIndex);
          } else records[t.stateIndex][t.slot] = await inputOnWorker(lanes.pool, study, t.input, cancelled);
        } catch (err) {
          if (!(err instanceof WorkerLost)) throw err;
          orphans.push(t);
          return;
        }
      }
    };
    const workers = Math.max(0, Math.min(lanes.workers, count - (lanes.inThisThread ? 1 : 0)));
    await Promise.all([...(lanes.inThisThread || workers === 0 ? [here()] : []), ...Array.from({ length: workers }, worker)]);
    stopIfCancelled(cancelled);
    // Left when workers were lost: their tasks, and those no lane was left to take.
    for (const t of orphans) await runHere(t);
    await here();
    // Cancelled while the last tasks ran: tasks were left untaken, so there is no whole answer.
    stopIfCancelled(cancelled);
    return analyses.map((outcome, i) => ({ ...outcome, inputs: records[i] }));
  };
}

function stopIfCancelled(cancelled: () => string | null): void {
  const why = cancelled();
  if (why) throw new StrataError(why);
}

/**
 * A state's control in this thread: its passes stop at the next plane once `cancelled` says why
 * (an abort, as a worker's cancel message does: stackWorker.ts), and report their planes.
 */
function controlHere(cancelled: () => string | null, onPlane: (done: number, total: number) => void): StateControl {
  const abort = new AbortController();
  return {
    signal: abort.signal,
    onPlane: async (done, total) => {
      const why = cancelled();
      if (why) abort.abort(new StrataError(why));
      onPlane(done, total);
      // A turn for the event loop now and then, so that progress and Cancel are answered.
      if (done % 8 === 0) await new Promise<void>((r) => setImmediate(r));
    },
  };
}

/** A state's share of its stack passes at most, until it is done: what follows them (maps, XRD) is the rest. */
export const PASSES_SHARE = 0.9;

/**
 * Progress of a study's states, as states done: each an equal share, moved on by the planes its
 * stack passes read. A state reads its stack in one to three passes, each counting from 0 again
 * and with totals of its own, so the share follows the furthest pass (never stepping back) and
 * stays below PASSES_SHARE until the state is done.
 */
export class StatesProgress {
  private readonly shares: number[];

  constructor(
    count: number,
    private readonly report: ((done: number, total: number) => void) | undefined,
  ) {
    this.shares = new Array<number>(count).fill(0);
  }

  /** A pass of state `i` has read `done` of its `total` planes. */
  pass(i: number, done: number, total: number): void {
    if (total <= 0) return;
    const share = Math.min(PASSES_SHARE, (PASSES_SHARE * done) / total);
    if (share <= this.shares[i]) return;
    this.shares[i] = share;
    this.tell();
  }

  finished(i: number): void {
    this.shares[i] = 1;
    this.tell();
  }

  /** States done, fractions included. */
  get done(): number {
    return this.shares.reduce((sum, x) => sum + x, 0);
  }

  private tell(): void {
    this.report?.(this.done, this.shares.length);
  }
}

async function stateOnWorker(pool: StackPool, study: LoadedStudy, stateIndex: number, options: StudyAnalysisOptions, control: StatesControl): Promise<StateOutcome> {
  // The same state to the same worker: it keeps what it computed from the state's files.
  const result = await pool.run({ kind: 'state', study, stateIndex, options }, { affinity: `state ${study.root} ${study.states[stateIndex].state}`, ...control });
  if (result.kind !== 'state') throw new StrataError(`${study.name}: a state's analysis came back as '${result.kind}'`);
  return result.outcome;
}

async function inputOnWorker(pool: StackPool, study: LoadedStudy, input: StateInput, cancelled: () => string | null): Promise<InputRecord> {
  // A checksum under way stops at its next chunk when cancelled; one still queued is dropped.
  const result = await pool.run({ kind: 'input', input }, { affinity: `input ${input.path}`, cancelled });
  if (result.kind !== 'input') throw new StrataError(`${study.name}: the checksum of ${input.displayPath} came back as '${result.kind}'`);
  if (result.known) rememberHash(result.known);
  return result.record;
}

/**
 * Runs `fn` with a runner that analyses a study's states side by side, in this thread and up to
 * `jobs` − 1 worker threads (default: the cores), one lane a state at most; no workers for one
 * state or one job (then `fn` gets undefined: one after another here). The workers are closed after.
 */
export async function withStateLanes<T>(states: number, jobs: number | undefined, fn: (runStates: StatesRunner | undefined) => Promise<T>): Promise<T> {
  // More lanes than cores only share them, each holding its own stack buffers (--jobs 100 on 2
  // cores: 24 s and 2.4 GB, against 1.1 s and 157 MB).
  const workers = Math.min(states, jobs ?? availableParallelism(), availableParallelism()) - 1;
  if (workers <= 0) return fn(undefined);
  const pool = new StackPool(workers);
  try {
    return await fn(statesOnLanes({ pool, workers, inThisThread: true }));
  } finally {
    await pool.close();
  }
}
