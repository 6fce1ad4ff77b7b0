import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSchema, validateRequest } from '../../core/api/contract.js';
import { AnalysisCache } from '../../core/node/analysisCache.js';
import { analyzeStudyOnDisk, statesOneByOne } from '../../core/node/analyzeStudyOnDisk.js';
import type { StatesRunner } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { readProject, writeProject } from '../../core/node/project.js';
import { WorkbenchServices } from '../../core/node/services.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { describeShared, PROJECT_ROOT, sharedDataPath } from '../helpers/sharedData.js';

/**
 * The layer stack chosen in the workbench (overrides.stack): a folder without study.json is read
 * with the paper's cell, and a CIGS cell's every state was refused with no way to name its stack.
 */
describe('overrides.stack in the API and a project', () => {
  it('takes a preset id and refuses any other', () => {
    expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { stack: 'cigs-pos' } })).not.toThrow();
    expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { stack: 'cigs' } })).toThrow(/^analyzeStudy: overrides\.stack: .*cigs-pos/);
    expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { stack: { id: 'custom', layers: [] } } })).toThrow(/overrides\.stack/);
    expect(() => validateRequest('exportFigure', { path: '/s', figure: 'profiles', format: 'svg', widthMm: 120, dpi: 300, overrides: { stack: 'perovskite' } })).toThrow(/overrides\.stack/);
    expect(() => validateRequest('getSemImage', { path: '/s', state: 'pristine', maxSize: 256, stack: 'perovskite-psc-pos' })).not.toThrow();
    expect(() => validateRequest('getSemImage', { path: '/s', state: 'pristine', maxSize: 256, stack: 'toString' })).toThrow(/stack/);
  });

  it('is kept by a project saved and opened again; a project naming an unknown preset is refused', async () => {
    const view = {
      tab: 'study',
      profile: { states: [], ions: [], logY: true, normalise: false, axis: 'time', interfacesOf: '' },
      maps: { ion: 'Li-', colormap: 'viridis', window: 'all', logColour: false },
      volume: { ion: 'Li-', mode: 'mip', zExaggeration: 30, clipTop: 0, clipBottom: 1, azimuthDeg: 35, elevationDeg: 25 },
      xrd: { offsetFraction: 0.6, logY: true },
    };
    const project = (overrides: unknown) => ({ schema: 'strata.project/1', study: '.', overrides, view, annotations: [], savedAt: '', software: 'strata' });
    const path = join(mkdtempSync(join(tmpdir(), 'strata-stack-')), 'cell.strata.json');
    await writeProject(path, projectSchema.parse(project({ stack: 'cigs-pos', normalization: 'tic' })));
    expect((await readProject(path)).overrides).toEqual({ stack: 'cigs-pos', normalization: 'tic' });
    expect(projectSchema.safeParse(project({ stack: 'no-such-stack' })).success).toBe(false);
  });
});

describeShared('a CIGS profile in a folder without study.json, analysed with the stack chosen', () => {
  let dir: string;
  let study: LoadedStudy;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-cigs-'));
    copyFileSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'pristine_profile.txt'));
    study = await loadStudy(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Report = Awaited<ReturnType<typeof analyzeStudyOnDisk>>;
  const roles = (r: Report) => r.states[0].sims?.layers.map((l) => l.role);
  /** The state's ToF-SIMS refused for the stack: no layers, and the warning that says to choose another. */
  const refused = (r: Report, stack: string) => {
    expect(r.stack).toBe(stack);
    expect(r.states[0].sims).toBeUndefined();
    expect(r.warnings.join('\n')).toMatch(new RegExp(`pristine: ToF-SIMS: .*none of the marker ions of stack '${stack}'`));
  };

  it("is refused with the default stack and gives the preset's layers with overrides.stack", async () => {
    expect(study.stack.id).toBe('anode-free-ss-lfp');
    refused(await analyzeStudyOnDisk(study), 'anode-free-ss-lfp');
    const report = await analyzeStudyOnDisk(study, { overrides: { stack: 'cigs-pos' } });
    expect(report.stack).toBe('cigs-pos');
    expect(roles(report)).toEqual(['arc', 'window', 'absorber', 'back_contact']);
  });

  it('the analysis cache tells the stacks apart, at the study and at each state', async () => {
    const analysed: string[] = [];
    const counting: StatesRunner = (s, options) => {
      analysed.push(...s.states.map((st) => `${st.state}@${s.stack.id}`));
      return statesOneByOne(s, options);
    };
    const cache = new AnalysisCache(counting);
    const cigs = await cache.get(study, { stack: 'cigs-pos' });
    expect(roles(cigs.report)).toEqual(['arc', 'window', 'absorber', 'back_contact']);
    expect(await cache.get(study, { stack: 'cigs-pos' })).toBe(cigs);
    expect(analysed).toEqual(['pristine@cigs-pos']);
    // The study's own stack again: not the CIGS analysis kept, but its own refusal.
    refused((await cache.get(study, undefined)).report, 'anode-free-ss-lfp');
    // Another preset: the state analysed again with it.
    expect((await cache.get(study, { stack: 'perovskite-psc-pos' })).report.stack).toBe('perovskite-psc-pos');
    expect(analysed).toEqual(['pristine@cigs-pos', 'pristine@anode-free-ss-lfp', 'pristine@perovskite-psc-pos']);
  });

  it("a study.json's inline stack with a preset's id gives way to that preset when it is chosen", async () => {
    const withManifest = mkdtempSync(join(tmpdir(), 'strata-cigs-inline-'));
    try {
      copyFileSync(join(dir, 'pristine_profile.txt'), join(withManifest, 'profile.txt'));
      // The preset's id, but the window and CIGS layers as one: three layers, not four.
      const [arc, , absorber, back] = CIGS_POS.layers;
      const stack = { id: 'cigs-pos', name: 'my CIGS cell', layers: [arc, { ...absorber, markerIons: [...absorber.markerIons, 'Zn+'] }, back] };
      writeFileSync(join(withManifest, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'inline', stack, states: [{ state: 'pristine', files: ['profile.txt'] }] }));
      const inline = await loadStudy(withManifest);
      expect(roles(await analyzeStudyOnDisk(inline))).toEqual(['arc', 'absorber', 'back_contact']);
      expect(roles(await analyzeStudyOnDisk(inline, { overrides: { stack: 'cigs-pos' } }))).toEqual(['arc', 'window', 'absorber', 'back_contact']);
    } finally {
      rmSync(withManifest, { recursive: true, force: true });
    }
  });

  it('the workbench services analyse and export figures with the stack chosen', async () => {
    const api = new WorkbenchServices({ mode: 'browser', startupStudy: dir });
    try {
      expect((await api.openStudy({ path: dir })).stack.id).toBe('anode-free-ss-lfp');
      const report = await api.analyzeStudy({ path: dir, overrides: { stack: 'cigs-pos' } });
      expect(roles(report)).toEqual(['arc', 'window', 'absorber', 'back_contact']);
      const fig = await api.exportFigure({ path: dir, figure: 'profiles', format: 'svg', widthMm: 180, dpi: 300, overrides: { stack: 'cigs-pos' } });
      const svg = Buffer.from(fig.base64, 'base64').toString('utf8');
      for (const label of ['MgF₂', 'CIGS', 'Mo']) expect(svg).toContain(`>${label}<`);
      // With the study's own stack no state has layers: there is no figure of profiles.
      await expect(api.exportFigure({ path: dir, figure: 'profiles', format: 'svg', widthMm: 180, dpi: 300 })).rejects.toThrow(/no profiles figure/);
    } finally {
      await api.close();
    }
  }, 60_000);
});

describe.skipIf(!existsSync(join(PROJECT_ROOT, 'samples/study/study.json')))('the SEM image with the stack chosen', () => {
  it("measures the boundaries between the chosen stack's layers", async () => {
    const study = join(PROJECT_ROOT, 'samples/study');
    const api = new WorkbenchServices({ mode: 'browser', startupStudy: study });
    try {
      const rolesOf = (img: Awaited<ReturnType<WorkbenchServices['getSemImage']>>) => [...new Set(img.boundaries?.lines.flatMap((l) => [l.upper, l.lower]) ?? [])];
      const own = await api.getSemImage({ path: study, state: 'pristine', maxSize: 256 });
      expect(rolesOf(own)).toContain('sei_se');
      const cigs = await api.getSemImage({ path: study, state: 'pristine', maxSize: 256, stack: 'cigs-pos' });
      // Between the CIGS layers (and what lies above and below the stack), not the battery's.
      expect(rolesOf(cigs)).toEqual(['above', ...CIGS_POS.layers.map((l) => l.role), 'bulk']);
    } finally {
      await api.close();
    }
  });
});
