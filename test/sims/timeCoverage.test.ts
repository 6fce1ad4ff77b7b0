import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStudy } from '../../core/node/loadStudy.js';
import { analyzeStudyOnDisk } from '../../core/node/analyzeStudyOnDisk.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

describe('a stack that runs on past its state\'s profile', () => {
  it('leaves the scans beyond the profile out of the Li per layer, and says so (they all went into the last layer: 19.5 % substrate Li)', async () => {
    const sample = join(PROJECT_ROOT, 'samples/study');
    const dir = mkdtempSync(join(tmpdir(), 'strata-cut-'));
    mkdirSync(join(dir, 'charged'));
    // The profile cut at 2856 s (its first 120 scans of 24 s); the stack whole (250 scans).
    const lines = readFileSync(join(sample, 'charged/profile.txt'), 'utf8').split('\n');
    const header = lines.filter((l) => l.startsWith('#'));
    const rows = lines.filter((l) => /^\d/.test(l)).slice(0, 120);
    writeFileSync(join(dir, 'charged/profile.txt'), [...header, ...rows, ''].join('\n'));
    cpSync(join(sample, 'charged/stack.ome.tif'), join(dir, 'charged/stack.ome.tif'));
    writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'cut', stack: 'anode-free-ss-lfp', states: [{ state: 'charged', files: ['charged/profile.txt', 'charged/stack.ome.tif'], sims: { shotsPerPixel: 50 } }] }));
    const report = await analyzeStudyOnDisk(await loadStudy(dir));
    const sims = report.states[0].sims!;
    expect(sims.warnings!.some((w) => /stack\.ome\.tif: 130 of its scans lie outside the profile's time \(0–2880 s\), where no layer is known/.test(w))).toBe(true);
    const substrate = sims.li.find((l) => l.role === 'substrate')!;
    expect(substrate.fraction).toBeLessThan(0.01);
    // The whole profile's CC/AAM and SEI/SE hold 26 % and 44 % of the stack's Li; of the part
    // measured here they hold more, and together no more than all of it.
    const first = sims.li.filter((l) => l.role === 'cc_aam' || l.role === 'sei_se').reduce((s, l) => s + l.fraction, 0);
    expect(first).toBeGreaterThan(0.8);
    expect(first).toBeLessThanOrEqual(1);
  }, 60_000);
});
