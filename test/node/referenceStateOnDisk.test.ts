import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeStudyOnDisk, studyOptions } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { readProject, writeProject } from '../../core/node/project.js';
import { projectSchema, validateRequest } from '../../core/api/contract.js';
import { referenceStateOf } from '../../core/model/report.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');

describe("study.json's referenceState", () => {
  it('is the state the analysis compares the others against', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-reference-'));
    cpSync(STUDY, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ ...manifest, referenceState: 'charged' }));
    const report = await analyzeStudyOnDisk(await loadStudy(dir));
    expect(referenceStateOf(report)).toBe('charged');
    expect(report.warnings.filter((w) => /no comparison/.test(w))).toEqual([]);
    expect([...new Set(report.comparison.li.map((c) => c.state))]).toEqual(['pristine', 'discharged']);
    // Pristine against charged: the change charged shows against pristine, with its sign turned.
    const li = (state: string, role: string) => report.states.find((s) => s.state === state)!.sims!.li.find((l) => l.role === role)!.fraction;
    const change = report.comparison.li.find((c) => c.state === 'pristine' && c.role === 'cc_aam')!;
    expect(change.deltaFraction).toBeCloseTo(li('pristine', 'cc_aam') - li('charged', 'cc_aam'), 12);
    expect(change.deltaFraction).toBeLessThan(0);
  }, 120_000);
});

describe('studyOptions: the reference state chosen', () => {
  const study = (referenceState?: string) =>
    ({ name: 'cell A', root: '/s', states: ['pristine', 'charged', 'discharged'].map((state) => ({ state, files: [] })), manifest: referenceState ? { referenceState } : {} }) as unknown as LoadedStudy;

  it("is the user's (overrides) over the caller's, over study.json's; none of them leaves composeStudy's default", () => {
    expect(studyOptions(study(), {}).referenceState).toBeUndefined();
    expect(studyOptions(study('discharged'), {}).referenceState).toBe('discharged');
    expect(studyOptions(study('discharged'), { options: { referenceState: 'pristine' } }).referenceState).toBe('pristine');
    expect(studyOptions(study('discharged'), { overrides: { referenceState: 'charged' }, options: { referenceState: 'pristine' } }).referenceState).toBe('charged');
    expect(studyOptions(study(), { overrides: { referenceState: 'charged' } }).referenceState).toBe('charged');
  });

  it('refuses a chosen state the study does not have, naming the study and its states', () => {
    expect(() => studyOptions(study('discharged'), { overrides: { referenceState: 'as-deposited' } })).toThrow("cell A: reference state 'as-deposited' is not one of the states (pristine, charged, discharged)");
  });
});

describe('overrides.referenceState in the API and a project', () => {
  it('is taken by the API as a state name, and kept by a project saved and opened again', async () => {
    expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { referenceState: 'charged' } })).not.toThrow();
    expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { referenceState: '' } })).toThrow(/referenceState/);
    expect(() => validateRequest('exportFigure', { path: '/s', figure: 'li-bars', format: 'svg', widthMm: 120, dpi: 300, overrides: { referenceState: 7 } })).toThrow(/referenceState/);
    const view = {
      tab: 'li',
      profile: { states: [], ions: [], logY: true, normalise: false, axis: 'time', interfacesOf: '' },
      maps: { ion: 'Li-', colormap: 'viridis', window: 'all', logColour: false },
      volume: { ion: 'Li-', mode: 'mip', zExaggeration: 30, clipTop: 0, clipBottom: 1, azimuthDeg: 35, elevationDeg: 25 },
      xrd: { offsetFraction: 0.6, logY: true },
    };
    const project = projectSchema.parse({ schema: 'strata.project/1', study: '.', overrides: { normalization: 'tic', referenceState: 'charged' }, view, annotations: [], savedAt: '', software: 'strata' });
    const path = join(mkdtempSync(join(tmpdir(), 'strata-reference-')), 'cell.strata.json');
    await writeProject(path, project);
    expect(JSON.parse(readFileSync(path, 'utf8')).overrides).toEqual({ normalization: 'tic', referenceState: 'charged' });
    expect((await readProject(path)).overrides).toEqual({ normalization: 'tic', referenceState: 'charged' });
  });
});
