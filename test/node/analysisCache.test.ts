import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisCache } from '../../core/node/analysisCache.js';
import { analyzeStudyDetailedOnDisk, DEFAULT_STEPS, statesOneByOne } from '../../core/node/analyzeStudyOnDisk.js';
import type { AnalyzeOverrides, StatesRunner } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import type { StudyAnalysis } from '../../core/pipeline/analyzeStudy.js';
import { comparable } from '../helpers/analysis.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';


// The workbench analyses the study again at every edit of its settings. An edit that concerns one
// state (its interfaces, its SEM scale) must analyse that state alone, reuse the others, and give
// what a fresh analysis of the whole study gives.
describe('AnalysisCache: states kept between analyses', () => {
  let dir: string;
  let study: LoadedStudy;
  const analysed: string[] = [];
  const counting: StatesRunner = (s, options) => {
    analysed.push(...s.states.map((st) => st.state));
    return statesOneByOne(s, options);
  };
  const cache = new AnalysisCache(counting);
  const since = (n: number): string[] => analysed.slice(n);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-cache-'));
    cpSync(join(PROJECT_ROOT, 'samples/study'), join(dir, 'study'), { recursive: true });
    study = await loadStudy(join(dir, 'study'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Steps of our own (a copy of the default ones): nothing kept between analyses is used.
  const expectFresh = async (got: StudyAnalysis, overrides: AnalyzeOverrides): Promise<void> => {
    expect(comparable(got)).toEqual(comparable(await analyzeStudyDetailedOnDisk(study, { overrides, steps: { ...DEFAULT_STEPS } })));
  };

  it('analyses each state once, then only the state whose settings or files changed', async () => {
    const first = await cache.get(study, undefined);
    expect(analysed).toEqual(['pristine', 'charged', 'discharged']);
    expect(await cache.get(study, undefined)).toBe(first);
    expect(since(3)).toEqual([]);

    // The charged state's interfaces dragged: charged alone again.
    const charged = first.report.states[1].sims!.layers.slice(1).map((l) => l.startS + 12);
    const moved: AnalyzeOverrides = { interfacesS: { charged } };
    const a = await cache.get(study, moved);
    expect(since(3)).toEqual(['charged']);
    expect(a.report.states[1]).not.toEqual(first.report.states[1]);
    expect(a.report.states[0]).toEqual(first.report.states[0]);
    await expectFresh(a, moved);

    // An SEM scale set for discharged, the interfaces kept: discharged alone.
    const scaled: AnalyzeOverrides = { ...moved, semPixelSizeNm: { discharged: 5 } };
    const b = await cache.get(study, scaled);
    expect(since(4)).toEqual(['discharged']);
    await expectFresh(b, scaled);

    // A file of pristine touched on disk: pristine alone.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'study', 'pristine', 'xrd.ras'), later, later);
    const c = await cache.get(study, scaled);
    expect(c).not.toBe(b);
    expect(since(5)).toEqual(['pristine']);
    await expectFresh(c, scaled);

    // Back to no overrides: charged and discharged as first analysed are gone, so again.
    await cache.get(study, undefined);
    expect(since(6).sort()).toEqual(['charged', 'discharged']);
  }, 120_000);

  it('another reference state analyses no state again: only the comparison is new', async () => {
    const n = analysed.length;
    const before = await cache.get(study, undefined);
    const r = await cache.get(study, { referenceState: 'charged' });
    expect(since(n)).toEqual([]);
    expect(r.report.states).toEqual(before.report.states);
    expect(r.report.provenance.parameters).toMatchObject({ referenceState: 'charged' });
    expect([...new Set(r.report.comparison.li.map((c) => c.state))]).toEqual(['pristine', 'discharged']);
    await expectFresh(r, { referenceState: 'charged' });
  }, 120_000);

  it('a reference state the study no longer has (a project kept it) is left out and said, not the whole report lost', async () => {
    const n = analysed.length;
    const r = await cache.get(study, { referenceState: 'cycled-50' });
    expect(since(n)).toEqual([]);
    expect(r.report.states.map((s) => s.state)).toEqual(['pristine', 'charged', 'discharged']);
    expect(r.report.provenance.parameters).toMatchObject({ referenceState: 'pristine' });
    expect(r.report.warnings).toContain("the reference state 'cycled-50' chosen before is not a state of this study: compared against pristine");
    // The CLI's and the API's own path still refuses it (see referenceStateOnDisk.test.ts).
    await expect(analyzeStudyDetailedOnDisk(study, { overrides: { referenceState: 'cycled-50' } })).rejects.toThrow(/reference state/);
  }, 120_000);

  it('a setting for a state the study does not have analyses nothing again', async () => {
    const n = analysed.length;
    const r = await cache.get(study, { interfacesS: { cycled: [100, 200] } });
    expect(since(n)).toEqual([]);
    expect(r.report.provenance.parameters).toMatchObject({ interfacesS: { cycled: [100, 200] } });
  }, 120_000);
});
