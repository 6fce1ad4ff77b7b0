import { describe, expect, it } from 'vitest';
import type { StudySummary } from '../../core/api/contract.js';
import type { Report } from '../../core/model/report.js';
import type { RendererApi } from '../../renderer/src/api.js';
import { CancelledError } from '../../renderer/src/jobGroup.js';
import { analysisJobLabel, cancelledAnalysisText, defaultView, Store } from '../../renderer/src/store.js';
import type { AnalysisJobRunner, AppState } from '../../renderer/src/store.js';

describe('analysisJobLabel', () => {
  it('names the states analysed, and counts those past four', () => {
    expect(analysisJobLabel(['pristine', 'charged', 'discharged'])).toBe('Analysis: pristine, charged, discharged');
    expect(analysisJobLabel(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('Analysis: a, b, c, d and 2 more');
    expect(analysisJobLabel([])).toBe('Analysis');
  });
});

describe('cancelledAnalysisText', () => {
  it('says what is on screen and how to analyse again', () => {
    expect(cancelledAnalysisText(true)).toMatch(/^Analysis cancelled: the report shown is the one before it; .*Re-analyse/);
    expect(cancelledAnalysisText(false)).toMatch(/^Analysis cancelled: no report; .*next edit/);
  });
});

/** A job runner the test drives: each analysis waits until the test answers or cancels it. */
function heldRunner() {
  const held: { label: string; jobId: string; signal: AbortSignal; answer(r: Report): void; cancel(): void }[] = [];
  let n = 0;
  const run: AnalysisJobRunner = (label, call, signal) =>
    new Promise<Report>((resolve, reject) => {
      const jobId = `job-${++n}`;
      void call(jobId);
      const cancel = () => reject(new CancelledError(`${label}: cancelled`));
      signal.addEventListener('abort', cancel, { once: true });
      held.push({ label, jobId, signal, answer: resolve, cancel });
    });
  return { held, run };
}

function storeWith(run: AnalysisJobRunner) {
  const calls: unknown[] = [];
  const api = { analyzeStudy: async (r: unknown) => void calls.push(r) } as unknown as RendererApi;
  const study: StudySummary = { path: '/s', name: 'cell', origin: 'manifest', notes: [], stack: { id: 'x', name: 'x', analyteIon: 'Li-', layers: [] }, states: ['pristine', 'charged'].map((state) => ({ state, files: [] })) };
  const state: AppState = { study, report: null, reportError: null, analyzing: false, analysisCancelled: false, reportVersion: 0, overrides: {}, view: defaultView(study), annotations: [], focus: null };
  return { store: new Store(api, state, run), calls };
}

const reportNamed = (name: string) => ({ study: { name } }) as unknown as Report;

describe('Store.analyze as a job', () => {
  it('asks the backend under the job id, labelled with the states', async () => {
    const { held, run } = heldRunner();
    const { store, calls } = storeWith(run);
    const done = store.analyze();
    expect(held[0].label).toBe('Analysis: pristine, charged');
    expect(calls).toEqual([{ path: '/s', jobId: 'job-1' }]);
    held[0].answer(reportNamed('first'));
    await done;
    expect(store.state).toMatchObject({ analyzing: false, analysisCancelled: false, reportVersion: 1 });
  });

  it('a Cancel keeps the report before it and says the analysis was cancelled; the next one clears that', async () => {
    const { held, run } = heldRunner();
    const { store } = storeWith(run);
    const first = store.analyze();
    held[0].answer(reportNamed('first'));
    await first;
    const second = store.analyze({ normalization: 'tic' });
    expect(store.state.analyzing).toBe(true);
    held[1].cancel();
    await second;
    expect(store.state.report).toEqual(reportNamed('first'));
    expect(store.state).toMatchObject({ analyzing: false, analysisCancelled: true, reportError: null, reportVersion: 1 });
    const third = store.analyze();
    expect(store.state.analysisCancelled).toBe(false);
    held[2].answer(reportNamed('third'));
    await third;
    expect(store.state.report).toEqual(reportNamed('third'));
  });

  it('a newer analysis cancels the one under way, whose end changes nothing', async () => {
    const { held, run } = heldRunner();
    const { store } = storeWith(run);
    const older = store.analyze({ normalization: 'tic' });
    const newer = store.analyze({ normalization: 'none' });
    expect(held[0].signal.aborted).toBe(true);
    expect(held[1].signal.aborted).toBe(false);
    await older;
    // The older one's cancellation is not the user's: nothing says "cancelled", the newer one runs.
    expect(store.state).toMatchObject({ analyzing: true, analysisCancelled: false });
    held[1].answer(reportNamed('newer'));
    await newer;
    expect(store.state.report).toEqual(reportNamed('newer'));
  });

  it('a failure that is not a Cancel drops the report and says why', async () => {
    const { store } = storeWith(async () => {
      throw new Error('no profile');
    });
    await store.analyze();
    expect(store.state).toMatchObject({ report: null, reportError: 'no profile', analysisCancelled: false, analyzing: false });
  });
});
