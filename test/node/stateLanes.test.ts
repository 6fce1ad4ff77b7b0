import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStudyDetailedOnDisk, mergeStateParts, splitsInParts, stateInputs } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { StackPool } from '../../core/node/stackPool.js';
import { analysisTaskCount, nextTask, statesOnLanes } from '../../core/node/stateLanes.js';
import type { LaneTask } from '../../core/node/stateLanes.js';
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

  /** A pool that notes the kinds of the tasks it is given, in order. */
  const counting = (onWorkers: string[]): StackPool => ({ run: (...args: Parameters<StackPool['run']>) => (onWorkers.push(args[0].kind), pool.run(...args)) }) as unknown as StackPool;
  /** Analysis tasks a study's states make: two parts (XRD, and SEM with ToF-SIMS) a sample state. */
  const analysisTasks = (s: LoadedStudy): string[] => s.states.flatMap(() => ['state', 'state']);

  /** Runs `fn` on a copy of the sample study (its folder), removed after: this thread has taken no checksum of its files yet. */
  const onACopy = async (fn: (dir: string) => Promise<void>): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lanes-'));
    try {
      cpSync(STUDY, dir, { recursive: true });
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('this thread fits the XRD patterns while a worker analyses the SEM images and ToF-SIMS data, and the merged parts are the analysis', async () => {
    const sent: string[] = [];
    const parts = { run: (...args: Parameters<StackPool['run']>) => (sent.push(args[0].kind === 'state' ? args[0].part : args[0].kind), pool.run(...args)) } as unknown as StackPool;
    const lanes = statesOnLanes({ pool: parts, workers: 1, inThisThread: true });
    expect(comparable(await analyzeStudyDetailedOnDisk(study, { runStates: lanes }))).toEqual(here);
    // Each lane begins with the code it is warm for; which lane takes what after depends on timing.
    expect(sent[0]).toBe('sem-sims');
    expect(analysisTaskCount(study)).toBe(2 * study.states.length);
    // A state without an XRD pattern is one task.
    const noXrd = { ...study, states: study.states.map((s) => ({ ...s, files: s.files.filter((f) => f.kind !== 'xrd') })) };
    expect(analysisTaskCount(noXrd)).toBe(study.states.length);
  }, 120_000);

  it('workers alone (the workbench) give it too: the analyses, then the checksums, came back from the workers', async () => {
    await onACopy(async (dir) => {
      const copy = await loadStudy(dir);
      const onWorkers: string[] = [];
      const lanes = statesOnLanes({ pool: counting(onWorkers), workers: 2, inThisThread: false });
      const report = comparable(await analyzeStudyDetailedOnDisk(copy, { runStates: lanes }));
      expect(report).toEqual(comparable(await analyzeStudyDetailedOnDisk(copy)));
      const inputs = (await Promise.all(copy.states.map((_, i) => stateInputs(copy, i)))).flat();
      expect(inputs.length).toBeGreaterThan(copy.states.length);
      // States' parts first (the long tasks), so that a lane done with them hashes while another
      // analyses; but for the last XRD pattern, which waits for the lane warm for patterns
      // (nextTask) and is sent after checksums when the other lane gets there first.
      expect([...onWorkers].sort()).toEqual([...analysisTasks(copy), ...inputs.map(() => 'input')].sort());
      const firstInput = onWorkers.indexOf('input');
      expect(onWorkers.slice(firstInput).filter((k) => k === 'state').length).toBeLessThanOrEqual(1);
    });
  }, 120_000);

  it('a checksum taken on any worker is not taken again while its file is unchanged, whichever worker is free next', async () => {
    await onACopy(async (dir) => {
      // A file changed within the last second is hashed afresh every time (files.ts): let the copies settle.
      await new Promise((r) => setTimeout(r, 1100));
      const copy = await loadStudy(dir);
      const first: string[] = [];
      const report = comparable(await analyzeStudyDetailedOnDisk(copy, { runStates: statesOnLanes({ pool: counting(first), workers: 2, inThisThread: false }) }));
      expect(first.filter((k) => k === 'input').length).toBeGreaterThan(copy.states.length);
      // Again: the states' analyses only (the workbench analyses afresh at every edit; a 2 GB
      // stack's checksum handed to the other worker took ~2 s again).
      const again: string[] = [];
      expect(comparable(await analyzeStudyDetailedOnDisk(copy, { runStates: statesOnLanes({ pool: counting(again), workers: 2, inThisThread: false }) }))).toEqual(report);
      expect(again).toEqual(analysisTasks(copy));
      // A file that changes is hashed again (its record then says its new checksum).
      const xrd = join(dir, copy.states[0].files.find((f) => f.kind === 'xrd')!.path);
      appendFileSync(xrd, ' ');
      const changed: string[] = [];
      const after = await analyzeStudyDetailedOnDisk(copy, { runStates: statesOnLanes({ pool: counting(changed), workers: 2, inThisThread: false }) });
      expect(changed.filter((k) => k === 'input')).toEqual(['input']);
      const record = after.report.provenance.inputs.find((i) => xrd.endsWith(i.path))!;
      expect(record.sha256).toBe(createHash('sha256').update(readFileSync(xrd)).digest('hex'));
    });
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

  it('where several states fail, the first of them in order is named, whichever lane met which first', async () => {
    // The last state's file is missing at once (no XRD fit before it); the first's only after its XRD part.
    const missing: LoadedStudy = {
      ...study,
      states: study.states.map((s, i) => (i === 0 ? { ...s, files: [...s.files, { ...s.files[0], path: `${s.state}/missing-first.ome.tif` }] } : i === study.states.length - 1 ? { ...s, files: [{ ...s.files[0], path: `${s.state}/missing-last.ome.tif` }, ...s.files] } : s)),
    };
    for (const lanes of [statesOnLanes({ pool, workers: 2, inThisThread: false }), statesOnLanes({ pool, workers: 1, inThisThread: true })]) {
      await expect(analyzeStudyDetailedOnDisk(missing, { runStates: lanes })).rejects.toThrow(/missing-first\.ome\.tif/);
    }
  }, 120_000);
});

describe('nextTask: which task a lane takes next', () => {
  const input = { path: '/a', displayPath: 'a' };
  const tasks: Array<LaneTask | null> = [
    { kind: 'state', stateIndex: 0, part: 'sem-sims' },
    { kind: 'state', stateIndex: 0, part: 'xrd' },
    { kind: 'state', stateIndex: 1, part: 'whole' },
    { kind: 'input', stateIndex: 0, slot: 0, input },
  ];
  it('the first task of the code the lane ran last', () => {
    expect(nextTask(tasks, 'xrd')).toBe(1);
    expect(nextTask(tasks, 'sem-sims')).toBe(0);
    expect(nextTask(tasks, 'input')).toBe(3);
    // A whole state runs the SEM and ToF-SIMS code too (and the XRD code after).
    expect(nextTask([null, tasks[1], tasks[2]], 'sem-sims')).toBe(2);
  });
  it('else the first analysis of another code but the last pattern, then the first checksum, then none', () => {
    expect(nextTask([tasks[0], null, tasks[2], tasks[3]], 'xrd')).toBe(0);
    // The last pattern is left to the lane that fits patterns: this one hashes meanwhile, or is done.
    expect(nextTask([null, tasks[1], null, tasks[3]], 'sem-sims')).toBe(3);
    expect(nextTask([null, tasks[1], null, null], 'sem-sims')).toBe(-1);
    // The last SEM and ToF-SIMS part is taken by a lane that is free (it may read gigabytes).
    expect(nextTask([tasks[0], null, null, tasks[3]], 'xrd')).toBe(0);
    expect(nextTask([null, null, null, tasks[3]], 'xrd')).toBe(3);
    expect(nextTask([null, null], 'xrd')).toBe(-1);
    expect(nextTask([], 'sem-sims')).toBe(-1);
  });
  it('every task left when sweeping up after the lanes', () => {
    expect(nextTask([null, tasks[1], null, null], 'sem-sims', { sweep: true })).toBe(1);
    expect(nextTask([null, null, null, tasks[3]], 'xrd', { sweep: true })).toBe(3);
  });
  it('only tasks of the states before the one given (after a failure)', () => {
    expect(nextTask(tasks, 'xrd', { beforeState: 1 })).toBe(1);
    expect(nextTask(tasks, 'xrd', { beforeState: 0 })).toBe(-1);
    expect(nextTask([null, null, tasks[2], tasks[3]], 'sem-sims', { beforeState: 1 })).toBe(3);
  });
});

describe("a state's analysis in two parts", () => {
  it('splits where there is an XRD pattern and something else to analyse', () => {
    const file = (kind: 'xrd' | 'sem' | 'sims-stack' | 'unknown') => ({ path: kind, kind, format: kind });
    expect(splitsInParts({ files: [file('sem'), file('xrd')] })).toBe(true);
    expect(splitsInParts({ files: [file('xrd'), file('unknown')] })).toBe(false);
    expect(splitsInParts({ files: [file('sims-stack'), file('sem')] })).toBe(false);
  });
  it('merges into the outcome of the whole: its sections, the SEM and ToF-SIMS warnings before the XRD ones', () => {
    const xrd = { file: 'x.ras', peaks: [], amorphousFraction: null };
    const merged = mergeStateParts({ report: { state: 'charged' }, warnings: ['charged: SEM a.tif: no scale bar'] }, { report: { state: 'charged', xrd }, warnings: ['charged: XRD x.ras: no peaks'] });
    expect(merged).toEqual({ report: { state: 'charged', xrd }, warnings: ['charged: SEM a.tif: no scale bar', 'charged: XRD x.ras: no peaks'] });
    expect(Object.keys(merged.report)).toEqual(['state', 'xrd']);
  });
});
