import { StrataError } from '../model/errors.js';
import type { InputRecord } from '../model/provenance.js';
import type { StateOutcome, StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import { analyzeStateFiles, mergeStateParts, splitsInParts, stateInputs } from './analyzeStudyOnDisk.js';
import type { StateControl, StateInput, StatePart, StatesControl, StatesRunner } from './analyzeStudyOnDisk.js';
import { inputRecord, knownInputRecord, rememberHash } from './files.js';
import type { LoadedStudy } from './loadStudy.js';
import { laneWorkerCount, StackPool, WorkerLost } from './stackPool.js';

export interface StateLanes {
  /** Worker threads to use (the pool starts them when first needed, or at once: StackPool.start). */
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

/**
 * A piece of a study's analysis a lane takes: a part of a state's analysis (StatePart), or the
 * checksum of one of its files.
 */
export type LaneTask = { kind: 'state'; stateIndex: number; part: StatePart } | { kind: 'input'; stateIndex: number; slot: number; input: StateInput };

/** The code a task runs: a lane that ran it before runs it compiled (see nextTask). */
type TaskCode = 'xrd' | 'sem-sims' | 'input';
const codeOf = (t: LaneTask): TaskCode => (t.kind === 'input' ? 'input' : t.part === 'xrd' ? 'xrd' : 'sem-sims');

/**
 * Which of the tasks left a lane takes next (its index, or -1): the first whose code the lane
 * ran last (`warm`); else the first analysis task of another code, but not the last XRD pattern
 * left; else the first checksum. A fresh thread runs new code unoptimised for a while: the sample
 * study's first XRD pattern took ~0.9 s, its third ~0.3 s. With every state on one lane each
 * lane paid that for XRD and for SEM and ToF-SIMS alike; with the parts split by code, on two
 * cores this thread fits every pattern and a worker does the rest (`strata analyze
 * samples/study` on this project's 2-core machine: 3.2 → 2.8 s, medians of 8 runs each,
 * interleaved). This thread begins with the patterns because it is ready at once, while a worker
 * still loads; begun the other way round, or with this thread only handing out tasks to two
 * workers, it was slower. The last pattern is left to the lane that fits them warm: a worker
 * that took it fitted it in 0.8 s, where this thread, done 0.03 s later with the one before,
 * fitted it in 0.35 s (a pattern is small: its time is the code's). The other parts read
 * stacks that may be gigabytes, and a lane that is free takes them. `sweep`: any task (what
 * is left when the lanes are done). Only tasks of the states before `beforeState` are taken
 * (see statesOnLanes: after a failure).
 */
export function nextTask(tasks: readonly (LaneTask | null)[], warm: TaskCode, opts: { beforeState?: number; sweep?: boolean } = {}): number {
  const beforeState = opts.beforeState ?? Infinity;
  const usable = (t: LaneTask | null): t is LaneTask => t !== null && t.stateIndex < beforeState;
  const patternsLeft = tasks.filter((t) => usable(t) && codeOf(t) === 'xrd').length;
  const own = tasks.findIndex((t) => usable(t) && codeOf(t) === warm);
  if (own >= 0) return own;
  const other = tasks.findIndex((t) => usable(t) && t.kind === 'state' && (opts.sweep || codeOf(t) !== 'xrd' || patternsLeft > 1));
  if (other >= 0) return other;
  return tasks.findIndex((t) => usable(t) && (opts.sweep || t.kind === 'input'));
}

/** The analysis tasks of a state: its two parts where it has both (splitsInParts), else the whole. */
const stateTasks = (study: LoadedStudy, stateIndex: number): LaneTask[] =>
  splitsInParts(study.states[stateIndex])
    ? [
        { kind: 'state', stateIndex, part: 'sem-sims' },
        { kind: 'state', stateIndex, part: 'xrd' },
      ]
    : [{ kind: 'state', stateIndex, part: 'whole' }];

/** The analysis tasks of a study's states (their parts: stateTasks), which is the most lanes it can use. */
export function analysisTaskCount(study: LoadedStudy): number {
  return study.states.reduce((n, _, i) => n + stateTasks(study, i).length, 0);
}

/**
 * Analyses a study's states side by side: each lane (this thread, each worker) takes the next
 * task as soon as it is free (nextTask: the states' parts, by the code the lane ran last, then
 * the checksums of their files), so that a lane done with its parts hashes while another still
 * analyses. Hashing is about a third of the work on big stacks; with as many lanes as states, a
 * state no longer waits for its own files' hashes. On 2 cores, three 512 MB states gained only
 * ~4 % (2.7 → 2.6 s): the two lanes share the memory bandwidth, and each state took ~0.9 s,
 * against ~0.57 s alone. Outcomes come back in state order (the parts merged: mergeStateParts),
 * each with its files' records in order. A task whose worker cannot start, or is lost, runs in
 * this thread afterwards (the same numbers, only later), and so do the tasks left when no lane
 * remains.
 */
export function statesOnLanes(lanes: StateLanes): StatesRunner {
  return async (study, options, control = {}) => {
    const count = study.states.length;
    /** Each state's parts' outcomes, by part. */
    const parts: Array<Partial<Record<StatePart, StateOutcome>>> = Array.from({ length: count }, () => ({}));
    const records: InputRecord[][] = [];
    const tasks: Array<LaneTask | null> = [];
    for (let i = 0; i < count; i++) tasks.push(...stateTasks(study, i));
    const partsLeft = new Array<number>(count).fill(0);
    for (const t of tasks) if (t) partsLeft[t.stateIndex]++;
    // Worker lanes: one an analysis task at most (the tasks so far; checksums are added below), less this thread's.
    const workers = Math.max(0, Math.min(lanes.workers, tasks.length - (lanes.inThisThread ? 1 : 0)));
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
    /**
     * The first state (in state order) whose task failed, and why. Once one fails, lanes take
     * only the tasks of the states before it (one of them may fail too): the error reported is
     * the first state's in order that fails, whichever lane met which first.
     */
    const failure: { first: { stateIndex: number; error: unknown } | null } = { first: null };
    const fail = (t: LaneTask, error: unknown): void => {
      if (!failure.first || t.stateIndex < failure.first.stateIndex) failure.first = { stateIndex: t.stateIndex, error };
    };
    const failedFrom = (): number => failure.first?.stateIndex ?? Infinity;
    // Cancelled: no lane takes another task (a worker's running one stops at its next plane).
    const take = (warm: TaskCode, onlyWarm = false, sweep = false): LaneTask | null => {
      const i = cancelled() ? -1 : nextTask(tasks, warm, { beforeState: failedFrom(), sweep });
      if (i < 0 || (onlyWarm && codeOf(tasks[i]!) !== warm)) return null;
      const t = tasks[i];
      tasks[i] = null;
      return t;
    };
    const partDone = (t: Extract<LaneTask, { kind: 'state' }>, outcome: StateOutcome): void => {
      parts[t.stateIndex][t.part] = outcome;
      if (--partsLeft[t.stateIndex] === 0) progress.finished(t.stateIndex);
    };
    const runHere = async (t: LaneTask): Promise<void> => {
      try {
        if (t.kind === 'state') {
          const onPlane = (done: number, total: number): void => progress.pass(t.stateIndex, done, total);
          partDone(t, await analyzeStateFiles(study, t.stateIndex, options, undefined, controlHere(cancelled, onPlane), t.part));
        } else records[t.stateIndex][t.slot] = await inputRecord(t.input.path, t.input.displayPath, { onChunk: () => stopIfCancelled(cancelled) });
      } catch (err) {
        fail(t, err);
      }
    };
    // A lane begins warm for the code it is to run first: this thread (ready at once, while a
    // worker still loads) the XRD patterns, the workers the rest.
    const here = async (warm: TaskCode = 'xrd', sweep = false): Promise<void> => {
      for (let t = take(warm, false, sweep); t; t = take(warm, false, sweep)) {
        warm = codeOf(t);
        await runHere(t);
      }
    };
    /** A task sent to the lane's worker, and what it will do with the answer. */
    const sent = (t: LaneTask, lane: string | undefined): { t: LaneTask; answered: Promise<void> } => {
      const answered =
        t.kind === 'state'
          ? stateOnWorker(lanes.pool, study, t, options, { cancelled, onProgress: (done, total) => progress.pass(t.stateIndex, done, total) }, lane).then((outcome) => partDone(t, outcome))
          : inputOnWorker(lanes.pool, study, t.input, cancelled, lane).then((record) => void (records[t.stateIndex][t.slot] = record));
      // Awaited in turn below; until then its failure is not an unhandled one.
      answered.catch(() => undefined);
      return { t, answered };
    };
    // Where this thread runs tasks too, a worker lane sends its next task of the same code while
    // the current one runs: its worker starts it at once when done (StackPool.run's `lane`), not
    // when this thread, busy with a fit, hands it over. Only while as many of that code are left
    // as there are worker lanes (sent ahead, the second would wait behind the first while another
    // lane idled), and never another code's: sent ahead, it took a pattern this thread would have
    // fitted warm sooner.
    const untaken = (code: TaskCode): number => tasks.reduce((n, t) => n + (t && codeOf(t) === code ? 1 : 0), 0);
    const sendsAhead = (code: TaskCode): boolean => lanes.inThisThread && untaken(code) >= workers;
    // A lane keeps to one worker only where it sends tasks ahead: otherwise (the workbench) a
    // state's part goes back to the worker that keeps what it computed from the state's files.
    const worker = async (warm: TaskCode, laneKey: string): Promise<void> => {
      const lane = lanes.inThisThread ? laneKey : undefined;
      const next = (onlyWarm: boolean): { t: LaneTask; answered: Promise<void> } | null => {
        const t = take(warm, onlyWarm);
        if (!t) return null;
        warm = codeOf(t);
        return sent(t, lane);
      };
      for (let current = next(false); current; ) {
        const following = sendsAhead(warm) ? next(true) : null;
        try {
          await current.answered;
        } catch (err) {
          if (!(err instanceof WorkerLost)) fail(current.t, err);
          else {
            // The worker is gone: this task, and the one sent after it, run elsewhere.
            orphans.push(current.t);
            if (following) orphans.push(following.t);
            return;
          }
        }
        current = following ?? next(false);
      }
    };
    // Without this thread, the first worker takes the patterns.
    const workerLanes = Array.from({ length: workers }, (_, k) => worker(k === 0 && !lanes.inThisThread ? 'xrd' : 'sem-sims', `lane ${k}`));
    await Promise.all([...(lanes.inThisThread || workers === 0 ? [here()] : []), ...workerLanes]);
    stopIfCancelled(cancelled);
    // Left when workers were lost: their tasks, and those no lane was left to take.
    for (const t of orphans) if (t.stateIndex < failedFrom()) await runHere(t);
    await here('xrd', true);
    // Cancelled while the last tasks ran: tasks were left untaken, so there is no whole answer.
    stopIfCancelled(cancelled);
    if (failure.first) throw failure.first.error;
    return parts.map((p, i) => {
      const outcome = p.whole ?? mergeStateParts(p['sem-sims']!, p.xrd!);
      return { ...outcome, inputs: records[i] };
    });
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

/**
 * The pool's affinity of a state's part (StackPool.run): the same state's part goes to the same
 * worker where it is free, which keeps what it computed from the state's files.
 */
export function stateAffinity(study: LoadedStudy, stateIndex: number, part: StatePart): string {
  return `state ${study.root} ${study.states[stateIndex].state} ${part}`;
}

/** The affinity of the part of a state that measures its SEM image (the SEM view's task goes there: crossSectionMemo.ts). */
export function semAffinity(study: LoadedStudy, stateIndex: number): string {
  return stateAffinity(study, stateIndex, splitsInParts(study.states[stateIndex]) ? 'sem-sims' : 'whole');
}

async function stateOnWorker(pool: StackPool, study: LoadedStudy, task: { stateIndex: number; part: StatePart }, options: StudyAnalysisOptions, control: StatesControl, lane: string | undefined): Promise<StateOutcome> {
  const { stateIndex, part } = task;
  // A lane that sends tasks ahead keeps to its own worker instead.
  const result = await pool.run({ kind: 'state', study, stateIndex, options, part }, { affinity: stateAffinity(study, stateIndex, part), lane, ...control });
  if (result.kind !== 'state') throw new StrataError(`${study.name}: a state's analysis came back as '${result.kind}'`);
  return result.outcome;
}

async function inputOnWorker(pool: StackPool, study: LoadedStudy, input: StateInput, cancelled: () => string | null, lane: string | undefined): Promise<InputRecord> {
  // A checksum under way stops at its next chunk when cancelled; one still queued is dropped.
  const result = await pool.run({ kind: 'input', input }, { affinity: `input ${input.path}`, lane, cancelled });
  if (result.kind !== 'input') throw new StrataError(`${study.name}: the checksum of ${input.displayPath} came back as '${result.kind}'`);
  if (result.known) rememberHash(result.known);
  return result.record;
}

/**
 * Runs `fn` with a runner that analyses a study's states side by side, in this thread and up to
 * `jobs` − 1 worker threads (default: the cores), one lane an analysis task at most (a state, or
 * each of its parts: analysisTaskCount); no workers for one task or one job (then `fn` gets
 * undefined: one after another here). `started`: a pool whose workers were started early
 * (startLaneWorkers, for laneWorkerCount(jobs)), used instead of a new one and limited to what
 * the study's tasks can use. The workers are closed after.
 */
export async function withStateLanes<T>(study: LoadedStudy, jobs: number | undefined, fn: (runStates: StatesRunner | undefined) => Promise<T>, started?: StackPool): Promise<T> {
  const workers = laneWorkerCount(jobs, analysisTaskCount(study));
  const pool = workers > 0 ? (started ?? new StackPool(workers)) : null;
  if (started && started !== pool) await started.close();
  // Started before the study was known: no more workers than its tasks can use.
  else if (started) await started.limitTo(workers);
  try {
    return await fn(pool ? statesOnLanes({ pool, workers, inThisThread: true }) : undefined);
  } finally {
    await pool?.close();
  }
}
