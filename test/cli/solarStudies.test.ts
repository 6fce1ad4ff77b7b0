import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvParse } from 'd3-dsv';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { formulaNotation } from '../../core/model/formula.js';

/** The grapa CIGS profile in two states, with an inline stack whose analyte is Na⁺ (diffused from the glass). */
function sodiumStudy(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  cpSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'profile.txt'));
  const { id: _id, name: _name, ...stack } = CIGS_POS;
  writeFileSync(
    join(dir, 'study.json'),
    JSON.stringify({ schema: 'strata.study/1', name, stack: { ...stack, id: 'cigs-na', name: 'CIGS, Na+ analyte', analyteIon: 'Na+' }, states: ['pristine', 'annealed'].map((state) => ({ state, files: ['profile.txt'] })) }),
  );
  return dir;
}

describeShared('strata analyze with an analyte other than Li', () => {
  it('names the analyte in the change table and lines up long role names (it said "Li fraction change")', async () => {
    const dir = sodiumStudy(mkdtempSync(join(tmpdir(), 'strata-na-')), 'cigs-na');
    const r = await runCli(['analyze', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\nNa⁺ fraction change against pristine (percentage points):\n');
    expect(r.stdout).not.toMatch(/Li fraction change/);
    const rows = r.stdout.split('\n').filter((l) => /^ {2}annealed +\S+ +.* pp$/.test(l));
    // Layers by their labels, as the layer table above and the figures name them (role ids were
    // in these rows while the layer table had labels).
    expect(rows.map((l) => l.split(/\s+/)[2])).toEqual(CIGS_POS.layers.map((l) => formulaNotation(l.label)));
    // The values line up on their ± whatever the label's length (ZnO:Al/CdS is 10 characters).
    const columns = new Set(rows.map((l) => l.indexOf(' ± ')));
    expect(columns.size).toBe(1);
  });

  it('says in the summary which ion the fractions count', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-na-batch-'));
    sodiumStudy(root, 'a');
    sodiumStudy(root, 'b');
    const out = join(root, 'out');
    const r = await runCli(['analyze', root, '--out', out, '--jobs', '1']);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvParse(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(rows.length).toBe(2 * 2 * CIGS_POS.layers.length);
    for (const row of rows) {
      expect(row.analyteIon).toBe('Na+');
      expect(Number(row.liFraction)).toBeGreaterThanOrEqual(0);
      expect(row.depthCalibration).toBe('nominal');
    }
  }, 120_000);
});

describeShared("strata info on an imzML's binary part", () => {
  it('says which file to give instead (it said "not a data file Strata reads"), exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-ibd-'));
    for (const ext of ['imzML', 'ibd']) cpSync(sharedDataPath('imzml', `Example_Continuous.${ext}`), join(dir, `Example_Continuous.${ext}`));
    const r = await runCli(['info', join(dir, 'Example_Continuous.ibd')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`strata: ${join(dir, 'Example_Continuous.ibd')}: the binary part of an imzML: run strata info on its .imzML, which reads it`);
    // The .imzML itself reads (the .ibd with it).
    expect((await runCli(['info', join(dir, 'Example_Continuous.imzML')])).code).toBe(0);
  });
});

describeShared('strata figure of one state and one figure', () => {
  it('counts in the singular (it said "1 states", "wrote 1 files")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fig1-'));
    cpSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'profile.txt'));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'CIGS', stack: 'cigs-pos', states: [{ state: 'pristine', files: ['profile.txt'] }] }));
    const r = await runCli(['figure', dir, '--out', join(dir, 'out'), '--figures', 'profiles', '--format', 'svg']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('analysing CIGS (1 state)\n');
    expect(r.stderr).toContain(`wrote 1 file and figures.json to ${join(dir, 'out')}\n`);
  }, 60_000);
});
