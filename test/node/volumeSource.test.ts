import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchServices } from '../../core/node/services.js';
import { stackFingerprint } from '../../renderer/src/views/volumeRequest.js';

/**
 * The 3-D view's volumes against the backend: what getVolume bins, and what the page keys its
 * voxels on (renderer/src/views/volumeRequest.ts). The backend keeps no volume of its own (each
 * getVolume bins the stack anew, reading study.json's N each time); the page asks again only when
 * the ion, dead time, range or a state's stack (its checksum and N, as a report gives them) changes,
 * not for every report: an interface dragged re-binned every state's volume (~1 s per drag).
 */
const sample = resolve(__dirname, '../../samples/study');
const STACK = 'pristine/stack.ome.tif';

describe.skipIf(!existsSync(join(sample, 'study.json')))('3-D volumes: the scans refined and what the voxels are keyed on', () => {
  let dir: string;
  let study: string;
  let api: WorkbenchServices;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-volume-source-'));
    study = join(dir, 'study');
    cpSync(sample, study, { recursive: true });
    api = new WorkbenchServices({ mode: 'browser', startupStudy: study });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const volume = (timeRangeS?: [number, number]) => api.getVolume({ path: study, state: 'pristine', ion: 'Li-', maxSize: 64, maxVoxels: 1 << 16, deadTime: true, timeRangeS });

  it("the top and bottom layers' time ranges, as the page now asks for them, take the first and the last scan", async () => {
    const report = await api.analyzeStudy({ path: study });
    const layers = report.states[0].sims!.layers;
    const whole = await volume();
    expect(whole.zTimeS[0][0]).toBe(layers[0].startS); // the profile and the stack start together
    const top = await volume([layers[0].startS, layers[0].endS]);
    expect(top.scanRange[0]).toBe(0); // scan 1
    expect(top.zTimeS[0][0]).toBe(whole.zTimeS[0][0]);
    expect(top.zTimeS[top.zTimeS.length - 1][1]).toBeLessThanOrEqual(layers[0].endS);
    const last = layers[layers.length - 1];
    const bottom = await volume([last.startS, last.endS]);
    expect(bottom.scanRange[1]).toBe(whole.totalScans);
    expect(top.scanRange[1]).toBeLessThan(bottom.scanRange[0]);
  });

  it('a dragged interface leaves the key of the voxels as it was; another N in study.json or another stack file changes it, and the voxels', async () => {
    const first = await api.analyzeStudy({ path: study });
    const key = stackFingerprint(first, 'pristine', STACK);
    expect(key).toMatch(/^[0-9a-f]{64}\|N=50$/);
    const interfaces = first.states[0].sims!.layers.slice(1).map((l) => l.startS + 30);
    const dragged = await api.analyzeStudy({ path: study, overrides: { interfacesS: { pristine: interfaces } } });
    expect(dragged.states[0].sims!.layers[1].startS).not.toBe(first.states[0].sims!.layers[1].startS);
    expect(stackFingerprint(dragged, 'pristine', STACK)).toBe(key);
    // Normalisation is not read by the binning (mean counts per voxel): no new key either.
    const tic = await api.analyzeStudy({ path: study, overrides: { normalization: 'tic' } });
    expect(stackFingerprint(tic, 'pristine', STACK)).toBe(key);

    const before = await volume();
    const manifest = join(study, 'study.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8'));
    json.states[0].sims.shotsPerPixel = 80;
    writeFileSync(manifest, JSON.stringify(json));
    const moreShots = await api.analyzeStudy({ path: study });
    expect(stackFingerprint(moreShots, 'pristine', STACK)).toMatch(/\|N=80$/);
    const after = await volume();
    expect(after.deadTime.shotsPerPixel).toBe(80);
    expect(after.max).not.toBe(before.max); // another N corrects the counts otherwise

    copyFileSync(join(study, 'charged', 'stack.ome.tif'), join(study, STACK));
    const otherFile = await api.analyzeStudy({ path: study });
    const fileKey = stackFingerprint(otherFile, 'pristine', STACK);
    expect(fileKey).not.toBe(stackFingerprint(moreShots, 'pristine', STACK));
    expect(fileKey?.split('|')[0]).toBe(stackFingerprint(otherFile, 'charged', 'charged/stack.ome.tif')?.split('|')[0]);
  });
});
