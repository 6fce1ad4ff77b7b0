import { StrataError } from '../model/errors.js';
import type { StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import { analyzeStateOnDisk } from './analyzeStudyOnDisk.js';
import type { StateOnDiskOutcome, StatesRunner } from './analyzeStudyOnDisk.js';
import type { LoadedStudy } from './loadStudy.js';
import { WorkerLost } from './stackPool.js';
import type { StackPool } from './stackPool.js';

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

/**
 * Analyses a study's states side by side: each lane (this thread, each worker) takes the next
 * state as soon as it is free; outcomes come back in state order. A state whose worker cannot
 * start, or is lost, is analysed in this thread afterwards (the same numbers, only later), and
 * so are the states left when no lane remains.
 */
export function statesOnLanes(lanes: StateLanes): StatesRunner {
  return async (study, options) => {
    const count = study.states.length;
    const outcomes: StateOnDiskOutcome[] = new Array(count);
    const orphans: number[] = [];
    let next = 0;
    const take = (): number => (next < count ? next++ : -1);
    const here = async (): Promise<void> => {
      for (let i = take(); i >= 0; i = take()) outcomes[i] = await analyzeStateOnDisk(study, i, options);
    };
    const worker = async (): Promise<void> => {
      for (let i = take(); i >= 0; i = take()) {
        try {
          outcomes[i] = await onWorker(lanes.pool, study, i, options);
        } catch (err) {
          if (!(err instanceof WorkerLost)) throw err;
          orphans.push(i);
          return;
        }
      }
    };
    const workers = Math.max(0, Math.min(lanes.workers, count - (lanes.inThisThread ? 1 : 0)));
    await Promise.all([...(lanes.inThisThread || workers === 0 ? [here()] : []), ...Array.from({ length: workers }, worker)]);
    // Left when workers were lost: their states, and those no lane was left to take.
    for (const i of orphans) outcomes[i] = await analyzeStateOnDisk(study, i, options);
    await here();
    return outcomes;
  };
}

async function onWorker(pool: StackPool, study: LoadedStudy, stateIndex: number, options: StudyAnalysisOptions): Promise<StateOnDiskOutcome> {
  const result = await pool.run({ kind: 'state', study, stateIndex, options });
  if (result.kind !== 'state') throw new StrataError(`${study.name}: a state's analysis came back as '${result.kind}'`);
  return result.outcome;
}
