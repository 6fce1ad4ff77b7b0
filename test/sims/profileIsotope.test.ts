import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromMinorWhereShort, UNDERCOUNT_Z } from '../../core/sims/profileIsotope.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { analyzeStudyOnDisk } from '../../core/node/analyzeStudyOnDisk.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

const RATIO = 0.0811;
const series = (values: number[]) => ({ values: Float64Array.from(values), sigma: Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 1))) });

describe('a profile\'s major isotope where the minor says it is short', () => {
  it('takes minor ÷ ratio in the short scans and beside them, σ ÷ ratio, and leaves the rest', () => {
    // Scans 3–5: the major at 40 % of what the minor says (10 000 / 0.0811 = 123 305).
    const major = series([1000, 1000, 1000, 50_000, 50_000, 50_000, 1000, 1000, 1000]);
    const minor = series([81, 81, 81, 10_000, 10_000, 10_000, 81, 81, 81]);
    const r = fromMinorWhereShort(major, minor, RATIO);
    expect(r.short).toBe(3);
    expect(Array.from(r.scans)).toEqual([0, 0, 1, 1, 1, 1, 1, 0, 0]);
    expect(r.series.values[4]).toBeCloseTo(10_000 / RATIO, 6);
    expect(r.series.sigma[4]).toBeCloseTo(100 / RATIO, 6);
    // Beside them the minor's estimate stands in too (81 / 0.0811 ≈ 999).
    expect(r.series.values[2]).toBeCloseTo(81 / RATIO, 6);
    expect(r.series.values[0]).toBe(1000);
  });

  it('leaves a profile alone where the isotopes agree within counting (no scan beyond the test)', () => {
    const major = series([1000, 20_000, 40_000, 20_000]);
    // Natural ratio, off by about one σ.
    const minor = series([81 + 9, 1622 - 40, 3244 + 57, 1622]);
    const r = fromMinorWhereShort(major, minor, RATIO);
    expect(r.short).toBe(0);
    expect(r.series).toBe(major);
    expect(UNDERCOUNT_Z).toBe(3);
  });
});

describe('the sample study from its depth profiles alone', () => {
  it('gives the Li change against pristine within 1.5 pp of the truth (it was 6.5 pp off: Li⁻ under-counted ~2× where it is strong)', async () => {
    const sample = join(PROJECT_ROOT, 'samples/study');
    const dir = mkdtempSync(join(tmpdir(), 'strata-flat-'));
    const manifest = JSON.parse(readFileSync(join(sample, 'study.json'), 'utf8')) as { states: { state: string; files: string[] }[] };
    for (const s of manifest.states) {
      s.files = s.files.filter((f) => f.endsWith('profile.txt'));
      mkdirSync(join(dir, s.state));
      cpSync(join(sample, s.state, 'profile.txt'), join(dir, s.state, 'profile.txt'));
    }
    writeFileSync(join(dir, 'study.json'), JSON.stringify(manifest));
    const report = await analyzeStudyOnDisk(await loadStudy(dir));
    const truth = JSON.parse(readFileSync(join(sample, 'truth.json'), 'utf8')) as { states: { state: string; liFraction: { role: string; fraction: number }[] }[] };
    const fraction = (state: string, role: string) => truth.states.find((s) => s.state === state)!.liFraction.find((l) => l.role === role)!.fraction;
    for (const c of report.comparison.li) {
      const expected = fraction(c.state, c.role) - fraction('pristine', c.role);
      expect(Math.abs(c.deltaFraction - expected), `${c.state} ${c.role}`).toBeLessThan(0.015);
    }
    const charged = report.states.find((s) => s.state === 'charged')!;
    expect(charged.sims!.warnings!.some((w) => /under-counted in \d+ scans .*read from ⁶Li⁻ ÷ 0\.0811/.test(w))).toBe(true);
    expect(charged.sims!.parameters?.saturatedSubstitute).toEqual({ ion: '6Li-', abundanceRatio: RATIO });
  }, 60_000);
});
