import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { openFileSource } from '../../core/node/fileSource.js';
import { availableParallelism } from 'node:os';
import { EARLY_LANE_WORKERS, laneWorkerCount, StackPool, startLaneWorkers, withLaneWorkers, WorkerLost } from '../../core/node/stackPool.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { withStateLanes } from '../../core/node/stateLanes.js';
import { runStackTask } from '../../core/node/stackTasks.js';
import type { MapsTask, VolumeTask } from '../../core/node/stackTasks.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

// The workbench's passes over 3-D stacks run on worker threads, the states side by side: the
// numbers must be those of the same task run here, progress must come back, and a cancel must
// stop a task under way.
describe('StackPool: stack passes on worker threads', () => {
  const pool = new StackPool(2);
  const dir = mkdtempSync(join(tmpdir(), 'strata-pool-'));
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const sample = (state: string): string => join(PROJECT_ROOT, 'samples', 'study', state, 'stack.ome.tif');
  const maps = (state: string): MapsTask => ({
    kind: 'maps',
    file: sample(state),
    displayName: `${state}/stack.ome.tif`,
    ion: 'Li-',
    deadTime: true,
    studyShotsPerPixel: null,
    windows: [{ name: 'top', startS: 0, endS: 2000 }],
  });

  it('gives the numbers of the same task run in this thread, three states at once, with progress', async () => {
    const states = ['pristine', 'charged', 'discharged'];
    const progress = states.map(() => ({ done: 0, total: 0 }));
    const inPool = await Promise.all(states.map((s, k) => pool.run(maps(s), { onProgress: (done, total) => (progress[k] = { done, total }) })));
    const here = await Promise.all(states.map((s) => runStackTask(maps(s))));
    expect(inPool).toEqual(here);
    for (const p of progress) expect(p.done).toBe(p.total);
    expect(progress[0].total).toBeGreaterThan(100);
  });

  it('passes errors on with their message', async () => {
    await expect(pool.run({ ...maps('pristine'), file: join(dir, 'missing.tif') })).rejects.toThrow(/missing\.tif/);
    const volume: VolumeTask = { kind: 'volume', file: sample('charged'), displayName: 'charged/stack.ome.tif', ion: 'Li-', deadTime: false, studyShotsPerPixel: null, state: 'charged', maxSize: 16, maxVoxels: 4096, timeRangeS: [1e9, 2e9] };
    await expect(pool.run(volume)).rejects.toThrow(/no scan between/);
  });

  it('a cancel stops a task under way between reads', async () => {
    // 300 planes of 256 × 256: long enough for progress to come back before the end.
    const file = join(dir, 'long.tif');
    const pages = Array.from({ length: 300 }, (_, s) => ({ width: 256, height: 256, data: new Uint16Array(256 * 256).fill(s % 50) }));
    writeFileSync(file, writeTiff(pages, { compression: 'none' }));
    let reports = 0;
    const task: VolumeTask = { kind: 'volume', file, displayName: 'long_Li-.tif', ion: 'Li-', deadTime: false, studyShotsPerPixel: null, state: 's', maxSize: 64, maxVoxels: 1 << 18 };
    const run = pool.run(task, { onProgress: () => reports++, cancelled: () => (reports > 0 ? 'volume: cancelled' : null) });
    await expect(run).rejects.toThrow('volume: cancelled');
    expect(reports).toBeGreaterThan(0);
    // The pool goes on working after a cancel.
    expect((await pool.run(maps('pristine'))).kind).toBe('maps');
  });

  it('a worker that cannot start fails its task as WorkerLost (the services then run it themselves), and after two no more are tried', async () => {
    const broken = new StackPool(1, new URL('file:///nonexistent/strata-stack-worker.js'));
    await expect(broken.run(maps('pristine'))).rejects.toBeInstanceOf(WorkerLost);
    await expect(broken.run(maps('pristine'))).rejects.toBeInstanceOf(WorkerLost);
    // The third is refused at once, with no worker tried (the message of that branch alone).
    await expect(broken.run(maps('pristine'))).rejects.toThrow(/cannot start here/);
    await broken.close();
  });

  it('tasks of one affinity go to the worker that took the last of them, when it is free', async () => {
    // A stand-in worker that answers every task with its thread id (as an input record's path).
    const url = join(dir, 'whoami-worker.mjs');
    writeFileSync(
      url,
      `import { parentPort, threadId } from 'node:worker_threads';
       parentPort.on('message', (m) => { if (m.task) setTimeout(() => parentPort.postMessage({ id: m.id, result: { kind: 'input', record: { path: String(threadId), sizeBytes: 0, sha256: '' } } }), 20); });`,
    );
    const two = new StackPool(2, new URL(`file://${url}`));
    const task = { kind: 'input' as const, input: { path: '/dev/null', displayPath: 'x' } };
    const who = async (affinity?: string): Promise<string> => {
      const r = await two.run(task, affinity === undefined ? {} : { affinity });
      if (r.kind !== 'input') throw new Error(r.kind);
      return r.record.path;
    };
    try {
      // Two at once: 'z' starts the first worker, 'a' the second.
      const [z, a] = await Promise.all([who('z'), who('a')]);
      expect(a).not.toBe(z);
      // Both free now: without an affinity the first takes it; 'a' goes back to its worker.
      expect(await who()).toBe(z);
      for (let k = 0; k < 3; k++) expect(await who('a')).toBe(a);
      expect(await who('z')).toBe(z);
      // Its worker busy: another one takes it, and is the one remembered.
      const [busy, other] = await Promise.all([who('z'), who('z')]);
      expect(other).not.toBe(busy);
      expect(await who('z')).toBe(other);
    } finally {
      await two.close();
    }
  });

  it('an ROI profile is every ion summed over the rectangle, scan by scan', async () => {
    const roi = { x0: 3, y0: 5, x1: 17, y1: 11 };
    const r = await pool.run({ kind: 'roi-profile', file: sample('charged'), displayName: 'charged/stack.ome.tif', state: 'charged', roi });
    if (r.kind !== 'roi-profile') throw new Error('not a profile');
    const source = await openFileSource(sample('charged'));
    try {
      const stack = await openTiffStack(source);
      const li = stack.ions.findIndex((i) => i.label === 'Li-');
      const got = r.payload.ions.find((i) => i.label === 'Li-')!.counts;
      for (const s of [0, 100, stack.scans - 1]) {
        const plane = await stack.readPlane(li, s);
        let sum = 0;
        for (let y = roi.y0; y < roi.y1; y++) for (let x = roi.x0; x < roi.x1; x++) sum += plane.get(y, x);
        expect(got[s]).toBe(sum);
      }
      expect(r.payload.timeS).toHaveLength(stack.scans);
    } finally {
      await source.close();
    }
  });
});

describe("a lane's tasks (strata analyze: a worker's next part sent while it runs one)", () => {
  const sample = (state: string): string => join(PROJECT_ROOT, 'samples', 'study', state, 'stack.ome.tif');
  const maps = (state: string): MapsTask => ({ kind: 'maps', file: sample(state), displayName: `${state}/stack.ome.tif`, ion: 'Li-', deadTime: false, studyShotsPerPixel: null, windows: [] });

  it('go to one worker, the next sent while the first runs, and run one after the other', async () => {
    const pool = new StackPool(2);
    try {
      const seen: string[] = [];
      const first = pool.run(maps('pristine'), { lane: 'L', onProgress: () => seen.push('first') });
      const second = pool.run(maps('charged'), { lane: 'L', onProgress: () => seen.push('second') });
      // Both went to the lane's worker: the pool's second worker was not needed.
      expect(pool.started).toBe(1);
      expect(await Promise.all([first, second])).toEqual(await Promise.all([runStackTask(maps('pristine')), runStackTask(maps('charged'))]));
      expect(seen.indexOf('second')).toBeGreaterThan(seen.lastIndexOf('first'));
    } finally {
      await pool.close();
    }
  });

  it('a task waiting behind another, cancelled meanwhile, is stopped; the one before it is not', async () => {
    const pool = new StackPool(1);
    try {
      let stop = false;
      const first = pool.run(maps('pristine'), { lane: 'L' });
      const second = pool.run(maps('charged'), { lane: 'L', cancelled: () => (stop ? 'stopped by the test' : null) });
      stop = true;
      expect((await first).kind).toBe('maps');
      await expect(second).rejects.toThrow('stopped by the test');
    } finally {
      await pool.close();
    }
  });
});

describe('workers started early (strata analyze: they load their code while the study loads)', () => {
  it('start() starts the pool\'s workers at once, no more than its size, and they take tasks', async () => {
    const pool = new StackPool(2).start().start();
    try {
      expect(pool.started).toBe(2);
      const task = { kind: 'input' as const, input: { path: join(PROJECT_ROOT, 'samples', 'study', 'study.json'), displayPath: 'study.json' } };
      const [a, b] = await Promise.all([pool.run(task), pool.run(task)]);
      expect(a).toEqual(b);
      expect(pool.started).toBe(2);
    } finally {
      await pool.close();
    }
    expect(pool.started).toBe(0);
  });

  it('as many as the jobs and the tasks allow beside this thread, never more than the cores', () => {
    const cores = availableParallelism();
    expect(laneWorkerCount(1)).toBe(0);
    expect(laneWorkerCount(undefined, 1)).toBe(0);
    expect(laneWorkerCount(undefined)).toBe(cores - 1);
    expect(laneWorkerCount(100, 100)).toBe(cores - 1);
    expect(laneWorkerCount(2, 6)).toBe(Math.min(2, cores) - 1);
  });

  it('startLaneWorkers: a pool of that many, at most EARLY_LANE_WORKERS of them started at once, none for one job', async () => {
    expect(startLaneWorkers(1)).toBeUndefined();
    const pool = startLaneWorkers(undefined);
    try {
      expect(pool?.size ?? 0).toBe(laneWorkerCount(undefined));
      expect(pool?.started ?? 0).toBe(Math.min(laneWorkerCount(undefined), EARLY_LANE_WORKERS));
    } finally {
      await pool?.close();
    }
    // A 16-core machine: 15 lanes allowed, not all started before the study is known.
    const big = startLaneWorkers(undefined, 16)!;
    try {
      expect(big.size).toBe(15);
      expect(big.started).toBe(EARLY_LANE_WORKERS);
    } finally {
      await big.close();
    }
  });

  it('a pool started early is limited to what the study can use: idle workers closed before it runs', async () => {
    const study = await loadStudy(join(PROJECT_ROOT, 'samples', 'study'));
    const big = startLaneWorkers(undefined, 16)!;
    const lanes = laneWorkerCount(undefined, 6);
    try {
      // Six tasks (three states, each SEM + ToF-SIMS and XRD); this machine's cores bound the lanes too.
      const during = await withStateLanes(study, undefined, async () => ({ size: big.size, started: big.started }), big);
      expect(during).toEqual({ size: lanes, started: Math.min(lanes, EARLY_LANE_WORKERS) });
      expect(big.started).toBe(0);
    } finally {
      await big.close();
    }
  });

  it('limitTo: busy workers beyond the new size finish their tasks, then close; the pool never grows past it', async () => {
    const pool = new StackPool(3).start();
    const task = { kind: 'input' as const, input: { path: join(PROJECT_ROOT, 'samples', 'study', 'pristine', 'stack.ome.tif'), displayPath: 'pristine/stack.ome.tif' } };
    try {
      const runs = [pool.run(task), pool.run(task)];
      // Two busy, one idle: the idle one goes at once (before the call returns), a busy one when done.
      const limiting = pool.limitTo(1);
      expect(pool.size).toBe(1);
      expect(pool.started).toBe(2);
      await limiting;
      const [a, b] = await Promise.all(runs);
      expect(a).toEqual(b);
      expect(pool.started).toBe(1);
      // Tasks queue for the one worker left; never raised by a later, larger limit, nor lowered to none.
      await pool.limitTo(4);
      expect(pool.size).toBe(1);
      await pool.limitTo(0);
      expect(pool.size).toBe(1);
      const more = await Promise.all([pool.run(task), pool.run(task), pool.run(task)]);
      expect(more.every((r) => JSON.stringify(r) === JSON.stringify(a))).toBe(true);
      expect(pool.started).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('withLaneWorkers: the started pool while fn runs, closed after it, also when it throws', async () => {
    let seen: StackPool | undefined;
    await expect(
      withLaneWorkers(undefined, async (pool) => {
        seen = pool;
        expect(pool?.started ?? 0).toBe(Math.min(laneWorkerCount(undefined), EARLY_LANE_WORKERS));
        throw new Error('fn failed');
      }),
    ).rejects.toThrow('fn failed');
    expect(seen?.started ?? 0).toBe(0);
    expect(await withLaneWorkers(1, async (pool) => pool)).toBeUndefined();
  });

  it('a study with one analysis task runs in this thread alone, and the workers started for it are closed', async () => {
    const study = await loadStudy(join(PROJECT_ROOT, 'samples', 'study'));
    const one = { ...study, states: [{ ...study.states[0], files: study.states[0].files.filter((f) => f.kind !== 'xrd') }] };
    const pool = new StackPool(1).start();
    const given = await withStateLanes(one, undefined, async (runStates) => runStates, pool);
    expect(given).toBeUndefined();
    expect(pool.started).toBe(0);
  });
});
