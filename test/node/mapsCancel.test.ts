import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeStateFiles, DEFAULT_STEPS } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { windowMapsFromStack } from '../../core/sims/windowMaps.js';
import type { WindowMapper } from '../../core/sims/analyze.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');

describe("a state's analysis stopped by its signal", () => {
  it('hands the signal to the per-layer maps pass too (the second read of the stack), which a Cancel then stops', async () => {
    const study = await loadStudy(STUDY);
    const pristine = study.states.findIndex((s) => s.state === 'pristine');
    const controller = new AbortController();
    let signalSeen: AbortSignal | undefined;
    // Cancelled as the maps pass begins, after the profiles' pass (the workbench's Cancel, pressed then).
    const windowMaps: WindowMapper = (stack, ion, windows, opts) => {
      signalSeen = opts?.signal;
      controller.abort();
      return windowMapsFromStack(stack, ion, windows, opts);
    };
    await expect(analyzeStateFiles(study, pristine, {}, { ...DEFAULT_STEPS, windowMaps }, { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(signalSeen).toBe(controller.signal);
    // A lane in this thread aborts the signal from onPlane (stateLanes.ts): the maps' pass reports its planes too.
    let planesSeen = 0;
    const counted: WindowMapper = (stack, ion, windows, opts) => windowMapsFromStack(stack, ion, windows, { ...opts, onPlane: async (done, total) => {
      planesSeen = Math.max(planesSeen, done);
      await opts?.onPlane?.(done, total);
    } });
    let reported = 0;
    await analyzeStateFiles(study, pristine, {}, { ...DEFAULT_STEPS, windowMaps: (s, i, w, o) => (o?.onPlane ? counted(s, i, w, o) : Promise.reject(new Error('no onPlane given to the maps pass'))) }, { onPlane: () => void reported++ });
    expect(planesSeen).toBeGreaterThan(0);
    expect(reported).toBeGreaterThanOrEqual(planesSeen);
    // Without a signal the same steps analyse the state to the end.
    const whole = await analyzeStateFiles(study, pristine, {}, { ...DEFAULT_STEPS, windowMaps: (s, i, w, o) => windowMapsFromStack(s, i, w, o) });
    expect(whole.report.sims?.maps?.length).toBe(5);
  }, 60_000);
});
