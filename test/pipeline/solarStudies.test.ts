import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { analyzeStudyOnDisk } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { Report } from '../../core/model/report.js';
import { reportTables } from '../../core/pipeline/reportTables.js';
import { batchSummary } from '../../core/pipeline/batchSummary.js';
import { layerName, STACK_PRESETS } from '../../core/model/layerStack.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { buildStudyFigures } from '../../core/node/figureFiles.js';
import { FIGURE_NAMES } from '../../core/figures/figureNames.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';

/**
 * A perovskite cell from the real files, as a surface scientist would put it together: the
 * electrode profile with an SEM image and an XRD pattern, the ROI export with an imzML (MALDI).
 */
function perovskiteStudy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-psc-'));
  const files: [string, string, string][] = [
    ['pristine', 'sims', 'uhasselt_psc_pos_electrode1.txt'],
    ['pristine', 'sem', 'tescan_mira3_example.tif'],
    ['roi', 'sims', 'uhasselt_psc_pos_roi.txt'],
    ['roi', 'imzml', 'Example_Continuous.imzML'],
    ['roi', 'imzml', 'Example_Continuous.ibd'],
  ];
  for (const [state, kind, name] of files) {
    mkdirSync(join(dir, state), { recursive: true });
    cpSync(sharedDataPath(kind, name), join(dir, state, name));
  }
  const listed = (state: string) => files.filter((f) => f[0] === state).map((f) => `${state}/${f[2]}`);
  writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'PSC', stack: 'perovskite-psc-pos', states: ['pristine', 'roi'].map((state) => ({ state, files: listed(state) })) }));
  return dir;
}

describeShared('a perovskite study from real files: what the report says', () => {
  let dir: string;
  let report: Report;
  beforeAll(async () => {
    dir = perovskiteStudy();
    report = await analyzeStudyOnDisk(await loadStudy(dir));
  }, 120_000);

  it('says once which SEM thicknesses are left out of the depth axis (a line each repeated the SEM warnings)', () => {
    // Named by label, as every warning names layers ("Perovskite", not "absorber").
    const implausible = report.states[0].sem!.layers.filter((l) => l.implausible).map((l) => layerName(STACK_PRESETS['perovskite-psc-pos'], l.role));
    expect(implausible.length).toBeGreaterThan(1);
    const said = report.warnings.filter((w) => /far off/.test(w));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^pristine: SEM thicknesses of .* are far off their nominal ones: not used for the depth axis$/);
    for (const name of implausible) expect(said[0]).toContain(`${name} (`);
    // The SEM's own warnings still give each layer's ratio.
    for (const name of implausible) expect(report.states[0].sem!.warnings!.some((w) => w.startsWith(`${name}: `))).toBe(true);
    expect(report.states[0].sims!.depthCalibration).toBe('nominal');
  });

  it("passes on the imzML reader's warning (its ion images are MALDI peaks, none of the stack's ions)", async () => {
    const { openDataset } = await import('../../core/node/openDataset.js');
    const opened = await openDataset(join(dir, 'roi', 'Example_Continuous.imzML'));
    const note = opened.dataset.kind === 'ionStack' ? opened.dataset.metadata['strata.windowsOutsideSpectra'] : undefined;
    await opened.close();
    expect(note).toBeTruthy();
    expect(report.warnings).toContain(`roi: ToF-SIMS stack roi/Example_Continuous.imzML: ${note}`);
    // Not said of the state without a stack.
    expect(report.warnings.filter((w) => w.startsWith('pristine: ToF-SIMS stack'))).toEqual([]);
  });

  it('records a profile the instrument exported Poisson-corrected as corrected by it (it said "on sums (N × pixels)", N unknown)', () => {
    for (const s of report.states) {
      expect(s.sims!.parameters!.shotsPerPixel).toBeUndefined();
      expect(s.sims!.parameters!.deadTime).toBe('by the instrument (Poisson-corrected export)');
    }
  });

  it('gives a boundary no marker steps at a null marker ion, not an empty string', () => {
    // The ROI export starts inside the absorber: its electrode | htl boundary has no marker step.
    const roi = report.states.find((s) => s.state === 'roi')!.sims!.interfaces;
    const unmarked = roi.filter((i) => i.markerIon === null);
    expect(unmarked.map((i) => `${i.upper}|${i.lower}`)).toContain('electrode|htl');
    expect(roi.every((i) => i.markerIon === null || i.markerIon.length > 0)).toBe(true);
  });

  it('puts the depth axis beside the depths in the tables and the summary, and flags the SEM thicknesses left out', () => {
    const tables = reportTables(report);
    for (const name of ['sims_layers.csv', 'sims_interfaces.csv']) {
      const rows = tables.find((t) => t.name === name)!.rows;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.depthCalibration).toBe(report.states.find((s) => s.state === row.state)!.sims!.depthCalibration);
    }
    const rows = batchSummary([{ studyPath: dir, outDir: join(dir, 'out'), report }]);
    for (const row of rows) {
      const s = report.states.find((x) => x.state === row.state)!;
      const layer = s.sims?.layers.find((l) => l.role === row.role);
      expect(row.depthCalibration).toBe(layer ? s.sims!.depthCalibration : null);
      const sem = s.sem?.layers.find((l) => l.role === row.role);
      expect(row.semImplausible).toBe(sem?.implausible ? 'true' : null);
      // No Li here: nothing counted, so no analyte named beside empty fractions.
      expect(row.liFraction).toBeNull();
      expect(row.analyteIon).toBeNull();
    }
    expect(rows.some((r) => r.semImplausible === 'true')).toBe(true);
  });

  it('marks the layer each profile ends in (its width only the depth sputtered into it), in the tables and the summary', () => {
    const layerRows = reportTables(report).find((t) => t.name === 'sims_layers.csv')!.rows;
    const summary = batchSummary([{ studyPath: dir, outDir: join(dir, 'out'), report }]);
    const ends = new Map<string, string>();
    for (const s of report.states) {
      const layers = s.sims!.layers;
      expect(layers.filter((l) => l.profileEndsInIt).map((l) => l.role), s.state).toEqual([layers[layers.length - 1].role]);
      ends.set(s.state, layers[layers.length - 1].role);
    }
    for (const rows of [layerRows, summary]) {
      const marked = rows.filter((r) => r.profileEndsInIt === 'true').map((r) => `${r.state}:${r.role}`);
      expect(marked.sort()).toEqual([...ends].map(([state, role]) => `${state}:${role}`).sort());
      expect(rows.every((r) => r.profileEndsInIt === 'true' || r.profileEndsInIt === null)).toBe(true);
    }
  });
});

/** The grapa CIGS profile in two states, with an inline stack whose analyte is Na⁺ (diffused from the glass into the absorber). */
function sodiumStudy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-na-'));
  cpSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'profile.txt'));
  const { id: _id, name: _name, ...stack } = CIGS_POS;
  writeFileSync(
    join(dir, 'study.json'),
    JSON.stringify({ schema: 'strata.study/1', name: 'CIGS Na', stack: { ...stack, id: 'cigs-na', name: 'CIGS, Na+ analyte', analyteIon: 'Na+' }, states: ['pristine', 'annealed'].map((state) => ({ state, files: ['profile.txt'] })) }),
  );
  return dir;
}

describeShared('a study whose inline stack names Na⁺ as its analyte: its figures', () => {
  it('say Na, never Li: titles, axes, colour bars, notes and warnings', async () => {
    const study = await loadStudy(sodiumStudy());
    const { data, built, warnings } = await buildStudyFigures(study, { figures: FIGURE_NAMES });
    expect(data.report.states.map((s) => s.sims?.parameters?.analyteIon)).toEqual(['Na+', 'Na+']);
    expect(built.map((b) => b.name)).toEqual(['fig4', 'profiles', 'li-bars']);
    const titleOf = (name: string) => /<title>([^<]*)<\/title>/.exec(built.find((b) => b.name === name)!.svg)![1];
    expect(titleOf('fig4')).toBe('Na distribution across cell states');
    expect(titleOf('li-bars')).toBe('Na per layer across states');
    expect(built.find((b) => b.name === 'li-bars')!.svg).toContain('Na share of the stack (%)');
    expect(built.find((b) => b.name === 'fig4')!.svg).toContain('Na⁺ counts (rel. to max.)');
    // What a reader sees: the drawn text (tags stripped; ids and file names such as li-bars are
    // machine keys, lower case), the notes figures.json carries, the warnings printed.
    const drawn = built.map((b) => b.svg.replace(/<[^>]*>/g, ' '));
    for (const text of [...drawn, ...built.flatMap((b) => b.notes ?? []), ...warnings]) expect(text).not.toMatch(/\bLi\b|Li⁺|Li⁻/);
    // The SEM and XRD figures have no data here: said, by name, without Li.
    expect(warnings).toEqual(expect.arrayContaining(['sem: no SEM image in any state', 'xrd: no XRD pattern in any state']));
  }, 120_000);
});
