import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeStudyOnDisk } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
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
