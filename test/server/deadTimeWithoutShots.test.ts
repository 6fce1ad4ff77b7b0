import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchServices } from '../../core/node/services.js';
import { makeImzml } from '../../samples/gen/imzml.js';

/**
 * A study whose states' stacks differ in what they say of N (shots per pixel): the sample's
 * OME-TIFF gives N = 50, an imzML gives none (as the real imzML files do). The maps and volume
 * with "dead-time corrected" ticked (the views' default) used to fail for every state, and the
 * 2-D and 3-D views stayed blank on an error; now the stack without N comes back raw, marked so.
 */
const sample = resolve(__dirname, '../../samples/study');
const haveSample = existsSync(join(sample, 'study.json'));

describe.skipIf(!haveSample)('dead-time correction asked of a stack without N', () => {
  let dir: string;
  let api: WorkbenchServices;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-noshots-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    copyFileSync(join(sample, 'pristine/stack.ome.tif'), join(dir, 'a/stack.ome.tif'));
    // 2 × 2 pixels, one spectrum each, with a Li⁻ peak (7.016) of known height.
    const mz = [6.9, 7.016, 7.1, 12.0];
    const spectra = [1, 2].flatMap((y) => [1, 2].map((x) => ({ x, y, mz, intensity: [0, 10 * x + y, 0, 5] })));
    const { xml, ibd } = makeImzml(spectra, { mode: 'processed' });
    writeFileSync(join(dir, 'b/stack.imzML'), xml);
    writeFileSync(join(dir, 'b/stack.ibd'), ibd);
    writeFileSync(
      join(dir, 'study.json'),
      JSON.stringify({ schema: 'strata.study/1', name: 'mixed N', stack: 'anode-free-ss-lfp', states: [{ state: 'pristine', files: ['a/stack.ome.tif'] }, { state: 'charged', files: ['b/stack.imzML'] }] }),
    );
    api = new WorkbenchServices({ mode: 'browser', startupStudy: dir, stateDir: join(dir, 'state') });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps: the stack with N corrected, the one without read raw and marked, none failing', async () => {
    const maps = await api.getIonMaps({ path: dir, ion: 'Li-', deadTime: true });
    expect(maps.missing).toEqual([]);
    const byState = Object.fromEntries(maps.states.map((s) => [s.state, s]));
    expect(byState.pristine.deadTime).toMatchObject({ applied: true, shotsPerPixel: 50 });
    expect(byState.charged.deadTime).toEqual({ applied: false, shotsPerPixel: null, saturatedPixels: 0 });
    // Raw: the imzML's own intensities, summed (11 + 12 + 21 + 22).
    expect(byState.charged.maps[0].total).toBeCloseTo(66, 6);
  });

  it('volume: the stack without N comes back raw, marked so', async () => {
    const vol = await api.getVolume({ path: dir, state: 'charged', ion: 'Li-', maxSize: 8, maxVoxels: 4096, deadTime: true });
    expect(vol.deadTime.applied).toBe(false);
    expect(vol.deadTime.shotsPerPixel).toBeNull();
    expect(vol.max).toBeCloseTo(22, 6);
  });
});
