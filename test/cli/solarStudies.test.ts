import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvParse } from 'd3-dsv';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { formulaNotation } from '../../core/model/formula.js';
import type { Report } from '../../core/model/report.js';

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

describeShared('strata analyze and figure of a study whose stack names Na⁺: every text says Na', () => {
  it('analyze: the layer shares, the change table and the notes name Na⁺, never Li', async () => {
    const dir = sodiumStudy(mkdtempSync(join(tmpdir(), 'strata-na-text-')), 'cigs-na');
    const r = await runCli(['analyze', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  Na⁺ per layer (fraction ± σ):\n');
    expect(r.stdout + r.stderr).not.toMatch(/\bLi\b|Li⁺|Li⁻/);
  }, 60_000);

  it('figure: the titles, axes and figures.json (notes, warnings) name Na, never Li; the file names stay', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-na-fig-'));
    const dir = sodiumStudy(root, 'cigs-na');
    const out = join(root, 'figures');
    const r = await runCli(['figure', dir, '--out', out, '--format', 'svg']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'figures.json'), 'utf8')) as { files: { name: string; notes?: string[] }[]; warnings: string[] };
    expect(manifest.files.map((f) => f.name)).toEqual(['fig4', 'profiles', 'li-bars']);
    const svg = (name: string) => readFileSync(join(out, `${name}.svg`), 'utf8');
    expect(svg('li-bars')).toContain('<title>Na per layer across states</title>');
    expect(svg('fig4')).toContain('<title>Na distribution across cell states</title>');
    const said = [...manifest.files.flatMap((f) => f.notes ?? []), ...manifest.warnings, r.stderr, ...['fig4', 'profiles', 'li-bars'].map((n) => svg(n).replace(/<[^>]*>/g, ' '))];
    for (const text of said) expect(text).not.toMatch(/\bLi\b|Li⁺|Li⁻/);
  }, 120_000);
});

/** The grapa CIGS profile in two states under the cigs-pos preset, which names no analyte (Li⁺ is taken, and not there). */
function cigsStudy(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  cpSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(dir, 'profile.txt'));
  writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name, stack: 'cigs-pos', states: ['pristine', 'annealed'].map((state) => ({ state, files: ['profile.txt'] })) }));
  return dir;
}

describeShared('strata analyze|figure --analyte', () => {
  it('analyses for the ion given, says so in a note, and names it in the text', async () => {
    const dir = cigsStudy(mkdtempSync(join(tmpdir(), 'strata-analyte-')), 'cigs');
    const without = await runCli(['analyze', dir, '--json']);
    expect(without.code, without.stderr).toBe(0);
    expect((JSON.parse(without.stdout) as Report).states[0].sims!.li).toEqual([]);
    const r = await runCli(['analyze', dir, '--analyte', 'Na+', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: analyte: Na⁺, chosen for this run\n');
    const report = JSON.parse(r.stdout) as Report;
    for (const s of report.states) {
      expect(s.sims!.parameters?.analyteIon).toBe('Na+');
      expect(s.sims!.li.map((l) => l.role)).toEqual(CIGS_POS.layers.map((l) => l.role));
    }
    const text = await runCli(['analyze', dir, '--analyte', 'Na+']);
    expect(text.stdout).toContain('  Na⁺ per layer (fraction ± σ):\n');
    expect(text.stdout).toContain('\nNa⁺ fraction change against pristine (percentage points):\n');
  }, 60_000);

  it('refuses an ion none of the profiles hold: exit 1, one line naming the study and the ions there are', async () => {
    const dir = cigsStudy(mkdtempSync(join(tmpdir(), 'strata-analyte-')), 'cigs');
    const r = await runCli(['analyze', dir, '--analyte', 'Cs+']);
    expect(r.code).toBe(1);
    const line = r.stderr.trim().split('\n').pop()!;
    expect(line).toMatch(/^strata: cigs: analyte Cs\+ is in none of its ToF-SIMS data \(they hold F\+, Na\+, Mg\+, \^25Mg\+, .*, In\+\)$/);
    expect(r.stdout).toBe('');
    const fig = await runCli(['figure', dir, '--analyte', 'Cs+', '--out', join(dir, 'fig'), '--format', 'svg']);
    expect(fig.code).toBe(1);
    expect(fig.stderr.trim().split('\n').pop()).toBe(line);
  }, 60_000);

  it('refuses what is no ion label as a usage error (exit 2), before reading anything', async () => {
    for (const bad of ['', 'Na +', '++']) {
      const r = await runCli(['analyze', '/no/such/study', '--analyte', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim()).toBe(`strata: --analyte wants an ion label as the data name it, such as Na+ or ^6Li-, got '${bad}'`);
    }
  });

  it('figure: the figures are of the ion given and named by it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-analyte-fig-'));
    const dir = cigsStudy(root, 'cigs');
    const out = join(root, 'figures');
    const r = await runCli(['figure', dir, '--analyte', 'Na+', '--out', out, '--format', 'svg', '--figures', 'fig4,li-bars']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: analyte: Na⁺, chosen for this run\n');
    expect(readFileSync(join(out, 'li-bars.svg'), 'utf8')).toContain('<title>Na per layer across states</title>');
    expect(readFileSync(join(out, 'fig4.svg'), 'utf8')).toContain('<title>Na distribution across cell states</title>');
  }, 120_000);

  it('over many studies, each analysed for it (the summary says which ion it counted)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-analyte-batch-'));
    cigsStudy(root, 'a');
    cigsStudy(root, 'b');
    const out = join(root, 'out');
    const r = await runCli(['analyze', root, '--analyte', 'K+', '--out', out, '--jobs', '1']);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvParse(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(rows.length).toBe(2 * 2 * CIGS_POS.layers.length);
    for (const row of rows) expect(row.analyteIon).toBe('K+');
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
