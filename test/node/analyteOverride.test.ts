import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSchema, validateRequest } from '../../core/api/contract.js';
import { AnalysisCache } from '../../core/node/analysisCache.js';
import { analyzeStudyOnDisk, statesOneByOne, withChosenAnalyte } from '../../core/node/analyzeStudyOnDisk.js';
import type { StatesRunner } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { withAnalyte } from '../../core/pipeline/studyChoices.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { WorkbenchServices } from '../../core/node/services.js';
import { StrataError } from '../../core/model/errors.js';
import { chosenAnalyteMissing } from '../../core/pipeline/analyzeStudy.js';
import type { SimsStateDetail } from '../../core/sims/analyze.js';
import { describeShared, PROJECT_ROOT, sharedDataPath } from '../helpers/sharedData.js';

/**
 * The analyte chosen over the stack's (overrides.analyteIon: `--analyte`, the Study tab's
 * "Analyte"): a solar cell's Na⁺, a ⁶Li tracer. Analysed for it, said in the notes, refused where
 * none of the study's data hold it.
 */
describe('overrides.analyteIon in the API and a project', () => {
  it('takes an ion label and refuses what is none', () => {
    expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { analyteIon: 'Na+' } })).not.toThrow();
    expect(() => validateRequest('exportFigure', { path: '/s', figure: 'li-bars', format: 'svg', widthMm: 120, dpi: 300, overrides: { analyteIon: '^6Li-' } })).not.toThrow();
    for (const bad of ['', '+', 'Na\n+', 'x'.repeat(65), 3]) expect(() => validateRequest('analyzeStudy', { path: '/s', overrides: { analyteIon: bad } }), JSON.stringify(bad)).toThrow(/^analyzeStudy: overrides\.analyteIon: /);
  });

  it('is kept in a project', () => {
    const view = {
      tab: 'study',
      profile: { states: [], ions: [], logY: true, normalise: false, axis: 'time', interfacesOf: '' },
      maps: { ion: 'Li-', colormap: 'viridis', window: 'all', logColour: false },
      volume: { ion: 'Li-', mode: 'mip', zExaggeration: 30, clipTop: 0, clipBottom: 1, azimuthDeg: 35, elevationDeg: 25 },
      xrd: { offsetFraction: 0.6, logY: true },
    };
    const parsed = projectSchema.parse({ schema: 'strata.project/1', study: '.', overrides: { stack: 'cigs-pos', analyteIon: 'Na+' }, view, annotations: [], savedAt: '', software: 'strata' });
    expect(parsed.overrides).toEqual({ stack: 'cigs-pos', analyteIon: 'Na+' });
  });
});

describe('an analyte the data lack', () => {
  const detail = (labels: string[], found: boolean) => ({ detail: { analyte: found ? {} : null, signals: { ions: labels.map((label) => ({ label, mz: null })) } } as unknown as SimsStateDetail });

  it('is said with the ions the data hold, each once, as the data name them', () => {
    expect(chosenAnalyteMissing('cell', 'Cs+', [detail(['Na+', 'total', 'Mg+'], false), detail(['Na+', 'K+'], false)])).toBe('cell: analyte Cs+ is in none of its ToF-SIMS data (they hold Na+, Mg+, K+)');
  });

  it('is nothing to say where one state holds it, or no state was read (its own failure says why)', () => {
    expect(chosenAnalyteMissing('cell', 'Na+', [detail(['Mg+'], false), detail(['Na+'], true)])).toBeNull();
    expect(chosenAnalyteMissing('cell', 'Na+', [{}, {}])).toBeNull();
  });
});

describe('the notes of a study analysed for another analyte', () => {
  const study = { name: 's', root: '/s', origin: 'manifest', notes: ['n'], states: [], stack: { id: 'x', name: 'x', layers: [], analyteIon: 'Li-' } } as unknown as LoadedStudy;
  it('say the analyte chosen and the stack\'s; nothing where it is the stack\'s own', () => {
    const na = withAnalyte(study, 'Na+');
    expect(na.stack.analyteIon).toBe('Na+');
    expect(na.notes).toEqual(['n', "analyte: Na⁺, chosen for this run (the stack's: Li⁻)"]);
    expect(withAnalyte(study, '7Li-')).toBe(study);
    expect(withChosenAnalyte(study, {})).toBe(study);
    expect(withChosenAnalyte(study, { analyteIon: 'Na+' }).stack.analyteIon).toBe('Na+');
  });
});

describe.skipIf(!existsSync(join(PROJECT_ROOT, 'samples/study/study.json')))('the sample study analysed for its ⁶Li⁻', () => {
  it('counts ⁶Li⁻ per layer with no ⁶Li ÷ 0.0811 stand-in (that is ⁷Li\'s alone), and names it so', async () => {
    const study = await loadStudy(join(PROJECT_ROOT, 'samples/study'));
    const li7 = await analyzeStudyOnDisk(study);
    const charged7 = li7.states.find((s) => s.state === 'charged')!.sims!;
    // The paper's cell saturates ⁷Li⁻ where it plates: ⁶Li stands in there.
    expect(charged7.parameters?.saturatedSubstitute).toEqual({ ion: '6Li-', abundanceRatio: 0.0811 });
    const li6 = await analyzeStudyOnDisk(study, { overrides: { analyteIon: '^6Li-' } });
    for (const s of li6.states) {
      expect(s.sims!.parameters?.analyteIon).toBe('^6Li-');
      expect(s.sims!.parameters?.saturatedSubstitute).toBeNull();
      expect(s.sims!.li.length).toBe(5);
      expect((s.sims!.warnings ?? []).filter((w) => /÷ 0\.0811|\bLi per layer/.test(w))).toEqual([]);
    }
    // Other numbers than ⁷Li's: the minor isotope does not saturate.
    expect(li6.states[1].sims!.li[0].counts).not.toBeCloseTo(charged7.li[0].counts, 0);
  }, 120_000);
});

describeShared('a CIGS profile analysed for its sodium', () => {
  let dir: string;
  let study: LoadedStudy;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-cigs-na-'));
    copyFileSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'pristine_profile.txt'));
    study = await loadStudy(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts Na⁺ per layer where the stack (cigs-pos, no analyte named) found no Li⁺', async () => {
    const own = await analyzeStudyOnDisk(study, { overrides: { stack: 'cigs-pos' } });
    expect(own.states[0].sims!.parameters?.analyteIon).toBe('Li+');
    expect(own.states[0].sims!.li).toEqual([]);
    const na = await analyzeStudyOnDisk(study, { overrides: { stack: 'cigs-pos', analyteIon: 'Na+' } });
    const sims = na.states[0].sims!;
    expect(sims.parameters?.analyteIon).toBe('Na+');
    expect(sims.parameters?.saturatedSubstitute).toBeNull();
    expect(sims.li.map((l) => l.role)).toEqual(['arc', 'window', 'absorber', 'back_contact']);
    expect(sims.li.reduce((s, l) => s + l.fraction, 0)).toBeCloseTo(1, 6);
  });

  it('refuses an analyte none of its data hold, naming the study and the ions they hold', async () => {
    const refused = analyzeStudyOnDisk(study, { overrides: { stack: 'cigs-pos', analyteIon: 'Cs+' } });
    await expect(refused).rejects.toBeInstanceOf(StrataError);
    await expect(refused).rejects.toThrow(new RegExp(`^${study.name}: analyte Cs\\+ is in none of its ToF-SIMS data \\(they hold F\\+, Na\\+, Mg\\+, .*, In\\+\\)$`));
  });

  it('the analysis cache tells the analytes apart, at the study and at each state', async () => {
    const analysed: string[] = [];
    const counting: StatesRunner = (s, options) => {
      analysed.push(...s.states.map((st) => `${st.state}@${s.stack.analyteIon ?? '-'}`));
      return statesOneByOne(s, options);
    };
    const cache = new AnalysisCache(counting);
    const na = await cache.get(study, { stack: 'cigs-pos', analyteIon: 'Na+' });
    expect(await cache.get(study, { stack: 'cigs-pos', analyteIon: 'Na+' })).toBe(na);
    const k = await cache.get(study, { stack: 'cigs-pos', analyteIon: 'K+' });
    expect(k.report.states[0].sims!.parameters?.analyteIon).toBe('K+');
    expect(analysed).toEqual(['pristine@Na+', 'pristine@K+']);
  });

  it('the workbench services analyse and export the bars per layer for the analyte chosen, named Na', async () => {
    const api = new WorkbenchServices({ mode: 'browser', startupStudy: dir });
    try {
      const overrides = { stack: 'cigs-pos', analyteIon: 'Na+' };
      expect((await api.analyzeStudy({ path: dir, overrides })).states[0].sims!.parameters?.analyteIon).toBe('Na+');
      const fig = await api.exportFigure({ path: dir, figure: 'li-bars', format: 'svg', widthMm: 114, dpi: 300, overrides });
      const svg = Buffer.from(fig.base64, 'base64').toString('utf8');
      expect(svg).toContain('<title>Na per layer across states</title>');
      expect(svg).toContain('Na share of the stack (%)');
      expect(svg).not.toMatch(/\bLi\b/);
      await expect(api.analyzeStudy({ path: dir, overrides: { stack: 'cigs-pos', analyteIon: 'Cs+' } })).rejects.toThrow(/analyte Cs\+ is in none of its ToF-SIMS data/);
    } finally {
      await api.close();
    }
  }, 60_000);
});
