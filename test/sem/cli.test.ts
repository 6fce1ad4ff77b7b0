import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';
import { makeGreyTiff } from '../io/sem/makeTiff.js';
import { syntheticSection } from './synthetic.js';

const TRUTH = [150, 200, 600, 150, 200];
let dir = '';
let tif = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-sem-'));
  const img = syntheticSection({ width: 400, height: 400, pixelSizeNm: 4, rotationDeg: 2, topNm: 160, thicknessesNm: TRUTH, levels: [16, 182, 70, 120, 182, 56, 98], noise: 6 });
  tif = join(dir, 'section.tif');
  writeFileSync(tif, makeGreyTiff(400, 400, Uint8Array.from(img.pixels, (v) => Math.round(v))));
  // 2 µm over 500 px of the 400-px frame: 4 nm per pixel.
  writeFileSync(join(dir, 'section.txt'), '$CM_FORMAT JEOL-SEM\r\n$CM_FULL_SIZE 400 400\r\n$$SM_MICRON_BAR 500\r\n$$SM_MICRON_MARKER 2um\r\n');
});

describe('strata sem', () => {
  it('prints the report\'s sem section as JSON', async () => {
    const r = await runCli(['sem', tif, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.file).toBe(tif);
    expect(out.pixelSizeNm).toBeCloseTo(4, 9);
    expect(out.pixelSizeSource).toBe('sidecar');
    expect(out.layers.map((l: { role: string }) => l.role)).toEqual(['cc_aam', 'sei_se', 'cam', 'cc', 'substrate']);
    out.layers.forEach((l: { thicknessNm: number; sigmaNm: number }, i: number) => {
      expect(Math.abs(l.thicknessNm - TRUTH[i])).toBeLessThanOrEqual(Math.max(0.03 * TRUTH[i], 8));
      expect(l.sigmaNm).toBeGreaterThanOrEqual(0);
    });
    expect(Math.abs(out.angleDeg - 2)).toBeLessThan(0.2);
  });

  it('prints a table, and applies --pixel-size and --tilt', async () => {
    const r = await runCli(['sem', tif, '--pixel-size', '8', '--tilt', '60']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/manual/);
    // Twice the pixel size, and 1/cos 60° = 2 for level layers (here 2° off level): ≈ 4 × 600.
    // Layers by label in formula notation, as `strata analyze` and the figures name them.
    expect(r.stdout.split('\n').filter((l) => /^ {2}\S.*\d+\.\d\s+[\d.—]+$/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['CC/AAM', 'SEI/SE', 'CAM', 'CC', 'SiO₂/Si']);
    const cam = /\n\s+CAM\s+([\d.]+)/.exec(r.stdout);
    expect(Number(cam?.[1])).toBeGreaterThan(4 * 600 * 0.97);
    expect(Number(cam?.[1])).toBeLessThan(4 * 600 * 1.03);
  });

  it('exits 1 with one line naming the file on bad input', async () => {
    const junk = join(dir, 'junk.tif');
    writeFileSync(junk, new Uint8Array([0x49, 0x49, 42, 0, 1, 2, 3]));
    const r = await runCli(['sem', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/junk\.tif/);
  });

  it('exits 1 naming the file when nothing calibrates the image', async () => {
    const bare = join(dir, 'bare.tif');
    writeFileSync(bare, makeGreyTiff(64, 64, new Uint8Array(64 * 64).map((_, i) => (i * 37) % 251)));
    const r = await runCli(['sem', bare]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bare\.tif.*pixel size/);
    // A CLI user is pointed at the flag, not only at the workbench's "Set scale".
    expect(r.stderr).toMatch(/strata sem --pixel-size/);
  });

  it('refuses --tilt with --section (the section was dropped in silence), and says when --roi reaches beyond the image', async () => {
    const both = await runCli(['sem', tif, '--tilt', '10', '--section', 'fib-trench']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--tilt gives the view angle itself/);
    const wide = await runCli(['sem', tif, '--roi', '0,0,5000,5000']);
    expect(wide.code).toBe(0);
    expect(wide.stderr).toMatch(/--roi 0,0,5000,5000 reaches beyond the image \(400 × 400 px\): only the part inside it is measured/);
    expect((await runCli(['sem', tif, '--roi', '0,0,100,100'])).stderr).not.toMatch(/reaches beyond/);
  });

  it('exits 2 on bad usage', async () => {
    expect((await runCli(['sem', tif, '--stack', 'no-such-stack'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--pixel-size', '-3'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--tilt', '95'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--roi', '1,2,3'])).code).toBe(2);
    // Number() took these: '' as 0, hex as 16, 1e308 overflowed the thicknesses to Infinity.
    expect((await runCli(['sem', tif, '--tilt', ''])).code).toBe(2);
    expect((await runCli(['sem', tif, '--tilt', '85'])).code).toBe(2); // beyond the ±84° the correction takes
    expect((await runCli(['sem', tif, '--pixel-size', '0x10'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--pixel-size', '1e308'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--roi', '-50,-50,100,100'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--roi', '0,0,100.5,100'])).code).toBe(2);
    expect((await runCli(['sem', tif, '--section', 'fib'])).code).toBe(2);
  });
});

describeShared('strata sem on the real images (none is a battery cross-section)', () => {
  it('refuses the FEI image, blank above its data bar, naming it; warns on the Tescan one, 5500× off the nominal', async () => {
    const blank = await runCli(['sem', sharedDataPath('sem', 'fei_helios_ebeam_8bits.tif')]);
    expect(blank.code).toBe(1);
    expect(blank.stderr.trim()).toMatch(/fei_helios_ebeam_8bits\.tif: no contrast across the layers in the image/);
    const other = await runCli(['sem', sharedDataPath('sem', 'tescan_mira3_example.tif')]);
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/warning: CC\/AAM: \d+ nm is 5500× its nominal 150 nm/);
  });
});

describe('strata sem on a file that is no SEM image', () => {
  it('says what the file is, in words (it said "read as xrdPattern")', async () => {
    const r = await runCli(['sem', 'samples/study/pristine/xrd.ras']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('strata: samples/study/pristine/xrd.ras: not an SEM image: it is an XRD pattern');
    const stack = await runCli(['sem', 'samples/study/pristine/stack.ome.tif']);
    expect(stack.stderr.trim()).toBe('strata: samples/study/pristine/stack.ome.tif: not an SEM image: it is a ToF-SIMS ion-image stack');
  });

  it('says an empty file is empty', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'strata-empty-')), 'empty.tif');
    writeFileSync(empty, '');
    for (const cmd of ['sem', 'info']) {
      const r = await runCli([cmd, empty]);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr.trim(), cmd).toBe(`strata: ${empty}: empty file (0 bytes)`);
    }
  });
});
