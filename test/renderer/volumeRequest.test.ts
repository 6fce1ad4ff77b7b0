import { describe, expect, it } from 'vitest';
import type { Report } from '../../core/model/report.js';
import { sameVoxels, stackFingerprint, statesOutsideRegion, voxelSource, withKnownStacks } from '../../renderer/src/views/volumeRequest.js';

/** A report as far as the 3-D view's voxels read it: the stacks' checksums, each state's N, and layers they do not read. */
const report = (o: { sha?: string; shots?: number; interfaceS?: number; normalization?: string } = {}): Report =>
  ({
    provenance: { inputs: [{ path: 'pristine/profile.txt', sizeBytes: 1, sha256: 'p0' }, { path: 'pristine/stack.ome.tif', sizeBytes: 2, sha256: o.sha ?? 'aef4' }] },
    states: [{ state: 'pristine', sims: { layers: [{ role: 'cc_aam', startS: 0, endS: o.interfaceS ?? 1249 }], parameters: { shotsPerPixel: o.shots ?? 50, normalization: o.normalization ?? 'none' } } }],
  }) as unknown as Report;

const STACK = 'pristine/stack.ome.tif';
const request = { ion: 'Li-', deadTime: true, maxSize: 2048, maxVoxels: 96 * 96 * 160 };
const source = (r: Report | null, over: Partial<typeof request> & { timeRangeS?: Map<string, [number, number]>; region?: { x0: number; y0: number; x1: number; y1: number } | null } = {}) =>
  voxelSource({ ...request, ...over }, { pristine: stackFingerprint(r, 'pristine', STACK) });

describe('3-D view: what the voxels are binned from', () => {
  const shown = source(report());

  it('a new report with the interfaces dragged (or another normalisation, which the volume does not read) bins nothing again', () => {
    expect(sameVoxels(shown, source(report({ interfaceS: 1300 })))).toBe(true);
    expect(sameVoxels(shown, source(report({ normalization: 'tic' })))).toBe(true);
  });

  it('another ion, dead time, texture limit or refined range bins again', () => {
    expect(sameVoxels(shown, source(report(), { ion: 'Fe-' }))).toBe(false);
    expect(sameVoxels(shown, source(report(), { deadTime: false }))).toBe(false);
    expect(sameVoxels(shown, source(report(), { maxSize: 256 }))).toBe(false);
    expect(sameVoxels(shown, source(report(), { maxVoxels: 1 << 16 }))).toBe(false);
    const top = source(report(), { timeRangeS: new Map([['pristine', [0, 1249]]]) });
    expect(sameVoxels(shown, top)).toBe(false);
    expect(sameVoxels(top, source(report(), { timeRangeS: new Map([['pristine', [0, 1249]]]) }))).toBe(true);
    // The same layer refined after its interface moved: other scans, binned again.
    expect(sameVoxels(top, source(report(), { timeRangeS: new Map([['pristine', [0, 1300]]]) }))).toBe(false);
    // The states' ranges in any order are one request.
    const two = (order: [string, [number, number]][]) => source(report(), { timeRangeS: new Map(order) });
    expect(sameVoxels(two([['pristine', [0, 9]], ['charged', [1, 9]]]), two([['charged', [1, 9]], ['pristine', [0, 9]]]))).toBe(true);
  });

  it('a refined region bins again, and another region too; none is the whole field', () => {
    const roi = { x0: 8, y0: 6, x1: 22, y1: 18 };
    const refined = source(report(), { region: roi });
    expect(sameVoxels(shown, refined)).toBe(false);
    expect(sameVoxels(refined, source(report(), { region: { ...roi } }))).toBe(true);
    expect(sameVoxels(refined, source(report(), { region: { ...roi, x1: 23 } }))).toBe(false);
    expect(sameVoxels(shown, source(report(), { region: null }))).toBe(true);
  });

  it('a stack file changed on disk, or another N in study.json, bins again once a report says so', () => {
    expect(sameVoxels(shown, source(report({ sha: 'b00f' })))).toBe(false);
    expect(sameVoxels(shown, source(report({ shots: 80 })))).toBe(false);
  });

  it('no report (one being redone, or none yet) is no reason to bin again; the first report then fills in the stacks', () => {
    const redoing = source(null);
    expect(redoing.stacks.pristine).toBeNull();
    expect(sameVoxels(shown, redoing)).toBe(true);
    // Volumes loaded before the first report: it does not bin them again, and is theirs from then on.
    expect(sameVoxels(redoing, shown)).toBe(true);
    const known = withKnownStacks(redoing, shown);
    expect(known.stacks.pristine).toBe(shown.stacks.pristine);
    expect(sameVoxels(known, source(report({ sha: 'b00f' })))).toBe(false);
    // What was known stays.
    expect(withKnownStacks(shown, redoing).stacks.pristine).toBe(shown.stacks.pristine);
  });

  it("a state's stack is known by its file's checksum and N; not when the report lacks the file", () => {
    expect(stackFingerprint(report(), 'pristine', STACK)).toBe('aef4|N=50');
    expect(stackFingerprint(report(), 'pristine', 'pristine/other.tif')).toBeNull();
    expect(stackFingerprint(report(), 'pristine', undefined)).toBeNull();
    expect(stackFingerprint(null, 'pristine', STACK)).toBeNull();
  });
});

describe('3-D view: an ROI to refine to', () => {
  const fields = [
    { state: 'pristine', fieldPx: [256, 256] as const },
    { state: 'charged', fieldPx: [128, 128] as const },
  ];
  it('names the states whose field it misses altogether; one it overlaps in part is refined to that part', () => {
    expect(statesOutsideRegion(fields, { x0: 10, y0: 10, x1: 60, y1: 60 })).toEqual([]);
    expect(statesOutsideRegion(fields, { x0: 100, y0: 100, x1: 160, y1: 160 })).toEqual([]);
    expect(statesOutsideRegion(fields, { x0: 150, y0: 10, x1: 200, y1: 60 })).toEqual(['charged']);
    expect(statesOutsideRegion(fields, { x0: 10, y0: 128, x1: 60, y1: 140 })).toEqual(['charged']);
    expect(statesOutsideRegion(fields, { x0: 300, y0: 0, x1: 310, y1: 5 })).toEqual(['pristine', 'charged']);
  });
});
