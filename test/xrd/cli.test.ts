import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeShared, PROJECT_ROOT, sharedDataPath } from '../helpers/sharedData.js';

const STUDY = join(PROJECT_ROOT, 'samples/study');

describe('strata xrd', () => {
  it('prints each peak with the σ of its position, width, area and size', async () => {
    const r = await runCli(['xrd', join(STUDY, 'pristine/xrd.ras')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +35\.\d{3} ± 0\.\d{3} +0\.\d{3} ± 0\.\d{3} +[\d.]+ ± [\d.]+ +LiFePO4 +\(311\) +[\d.]+ ± [\d.]+$/m);
  });

  it('exits 1 naming the file when it is not an XRD pattern, 2 on a bad mask', async () => {
    const sem = join(STUDY, 'pristine/sem.tif');
    const wrongKind = await runCli(['xrd', sem]);
    expect(wrongKind.code).toBe(1);
    // Said in words (it said "(tiff)").
    expect(wrongKind.stderr.trim()).toMatch(/sem\.tif: not an XRD pattern: it is an SEM image$/);
    for (const mask of ['1.2.3-4', '44-43', '30']) expect((await runCli(['xrd', join(STUDY, 'pristine/xrd.ras'), '--mask', mask])).code, mask).toBe(2);
  });
});

describe('strata xrd options', () => {
  it('--min-significance lets weaker candidates through, and is checked', async () => {
    const file = join(STUDY, 'charged/xrd.ras');
    const count = (out: string): number => out.split('\n').filter((l) => /^ +\d+\.\d{3} ± /.test(l)).length;
    const standard = await runCli(['xrd', file]);
    const lenient = await runCli(['xrd', file, '--min-significance', '4']);
    expect(lenient.code).toBe(0);
    expect(count(lenient.stdout)).toBeGreaterThan(count(standard.stdout));
    expect((await runCli(['xrd', file, '--min-significance', '-1'])).code).toBe(2);
  });

  it('a user mask is printed once with its range', async () => {
    const r = await runCli(['xrd', join(STUDY, 'pristine/xrd.ras'), '--mask', '43.2-44.0']);
    expect(r.stdout.split('\n')[0]).toMatch(/, user mask 43\.2–44°$/);
  });

  it('--angle is refused for a format whose header gives its axis, and checked', async () => {
    const ras = await runCli(['xrd', join(STUDY, 'pristine/xrd.ras'), '--angle', 'theta']);
    expect(ras.code).toBe(2);
    expect(ras.stderr).toMatch(/--angle is for plain column files/);
    expect((await runCli(['xrd', join(STUDY, 'pristine/xrd.ras'), '--angle', 'omega'])).code).toBe(2);
  });
});

describeShared('strata xrd on a θ column', () => {
  it('says the angle column was read as θ from the file name, and --angle 2theta halves every angle', async () => {
    const file = sharedDataPath('xrd', 'gredig_MnPcTheta.txt');
    const guessed = await runCli(['xrd', file]);
    expect(guessed.stdout).toMatch(/angle column: θ \(file name 'gredig_MnPcTheta' says θ, not 2θ\): doubled to 2θ/);
    const told = await runCli(['xrd', file, '--angle', '2theta', '--json']);
    const first = JSON.parse(told.stdout).peaks[0].twoThetaDeg;
    const guessedJson = JSON.parse((await runCli(['xrd', file, '--json'])).stdout);
    const doubled = guessedJson.peaks[0].twoThetaDeg;
    expect(Math.abs(doubled / first - 2)).toBeLessThan(0.02);
    // The JSON says so too (it said nothing of the axis it had transformed), and what the user said.
    expect(guessedJson.angleColumn).toMatch(/^θ \(file name 'gredig_MnPcTheta' says θ, not 2θ\): doubled to 2θ$/);
    expect(JSON.parse(told.stdout).angleColumn).toBe('2θ (as the user said)');
    const info = await runCli(['info', '--json', file]);
    expect(JSON.parse(info.stdout)[0].angleColumn).toMatch(/^θ \(file name/);
  });
});

describeShared('strata xrd on a phase seen by a weak line alone', () => {
  it('marks the phase tentative with "?" in the table (gredig_MB120718Si3.ras: 28.87° is no γ-Li3PO4 without its strong lines)', async () => {
    const r = await runCli(['xrd', sharedDataPath('xrd', 'gredig_MB120718Si3.ras')]);
    expect(r.stdout).toMatch(/^ +28\.8\d\d ± .* γ-Li3PO4\? +\(211\)/m);
  });

  it('--stack matches the peaks against that stack\'s materials only, as a study does, and is checked', async () => {
    const file = sharedDataPath('xrd', 'gredig_MB120718Si3.ras');
    const perovskite = await runCli(['xrd', file, '--stack', 'perovskite-psc-pos']);
    expect(perovskite.code).toBe(0);
    // No reference phase is of the perovskite cell's materials: the 28.87° peak stays unassigned, and it is said.
    expect(perovskite.stdout).toMatch(/^ +28\.8\d\d ± \S+ +\S+ ± \S+ +\S+ ± \S+ +— +— /m);
    expect(perovskite.stdout).toMatch(/warning: no reference XRD phases for gold electrode;/);
    const unknown = await runCli(['xrd', file, '--stack', 'no-such-stack']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--stack: no preset 'no-such-stack' \(known: anode-free-ss-lfp, /);
  });
});

describe('strata xrd on peaks it cannot size', () => {
  it('says a peak not broader than the instrument is not resolved (it printed "— ± —")', async () => {
    const r = await runCli(['xrd', 'samples/study/pristine/xrd.ras', '--instrument-fwhm', '5']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d+\.\d{3} ±/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row, row).toMatch(/—   \(width not resolved: not broader than the instrument's\)$/);
  });
});
