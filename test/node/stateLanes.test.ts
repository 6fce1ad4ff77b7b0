import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStudyDetailedOnDisk, stateInputs } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { StackPool } from '../../core/node/stackPool.js';
import { statesOnLanes } from '../../core/node/stateLanes.js';
import { comparable } from '../helpers/analysis.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');


// `strata analyze` and the workbench analyse a study's states side by side on worker threads:
// the report and the per-state intermediates (maps, analyte, calibration) must be those of the
// states analysed one after another in this thread, whichever lane took which state.
describe('statesOnLanes: the states of a study side by side', () => {
  let study: LoadedStudy;
  let here: unknown;
  const pool = new StackPool(2);
  beforeAll(async () => {
    study = await loadStudy(STUDY);
    here = comparable(await analyzeStudyDetailedOnDisk(study));
  }, 120_000);
  afterAll(() => pool.close());

  it('this thread and a worker give the analysis of this thread alone', async () => {
    const lanes = statesOnLanes({ pool, workers: 1, inThisThread: true });
    expect(comparable(await analyzeStudyDetailedOnDisk(study, { runStates: lanes }))).toEqual(here);
  }, 120_000);

  it('workers alone (the workbench) give it too: the analyses, then the checksums, came back from the workers', async () => {
    const onWorkers: string[] = [];
    const counting = { run: (...args: Parameters<StackPool['run']>) => (onWorkers.push(args[0].kind), pool.run(...args)) } as unknown as StackPool;
    const lanes = statesOnLanes({ pool: counting, workers: 2, inThisThread: false });
    expect(comparable(await analyzeStudyDetailedOnDisk(study, { runStates: lanes }))).toEqual(here);
    const inputs = (await Promise.all(study.states.map((_, i) => stateInputs(study, i)))).flat();
    expect(inputs.length).toBeGreaterThan(study.states.length);
    // States first (the long tasks), so that a lane done with them hashes while another analyses.
    expect(onWorkers).toEqual([...study.states.map(() => 'state'), ...inputs.map(() => 'input')]);
  }, 120_000);

  it('states whose worker cannot start are analysed in this thread, with the same result', async () => {
    const broken = new StackPool(1, new URL('file:///nonexistent/strata-stack-worker.js'));
    try {
      const lanes = statesOnLanes({ pool: broken, workers: 1, inThisThread: false });
      expect(comparable(await analyzeStudyDetailedOnDisk(study, { runStates: lanes }))).toEqual(here);
    } finally {
      await broken.close();
    }
  }, 120_000);

  it('a state that cannot be read fails the analysis with the file named, on a worker as here', async () => {
    const missing: LoadedStudy = {
      ...study,
      states: study.states.map((s, i) => (i === 1 ? { ...s, files: [...s.files, { ...s.files[0], path: `${s.state}/missing.ome.tif` }] } : s)),
    };
    const onWorkers = statesOnLanes({ pool, workers: 2, inThisThread: false });
    await expect(analyzeStudyDetailedOnDisk(missing, { runStates: onWorkers })).rejects.toThrow(/missing\.ome\.tif/);
    await expect(analyzeStudyDetailedOnDisk(missing)).rejects.toThrow(/missing\.ome\.tif/);
  }, 120_000);
});
