import { describe, expect, it } from 'vitest';
import { detectorLimit, detectorShares, interfaceLimits, NEAR_SATURATION, runs } from '../../renderer/src/views/profileMath.js';

describe('interfaceLimits: a dragged interface stays between its neighbours', () => {
  const times = [100, 400, 420, 900];
  it('stops a margin short of each neighbour, the outermost a margin inside the profile', () => {
    expect(interfaceLimits(times, 1, [0, 1000], 5)).toEqual([105, 415]);
    expect(interfaceLimits(times, 0, [0, 1000], 5)).toEqual([5, 395]);
    expect(interfaceLimits(times, 3, [0, 1000], 5)).toEqual([425, 995]);
  });
  it('pins an interface whose neighbours leave no room', () => {
    expect(interfaceLimits(times, 1, [0, 1000], 200)).toEqual([400, 400]);
  });
});

describe('detectorShares: counts against what N shots × the pixels can count', () => {
  const profile = { state: 'charged', file: 'p.txt', source: 'profile' as const, roi: null, timeS: [0, 1, 2], totalCounts: null, ions: [{ label: 'Li-', mz: 7, counts: [100, 30_000, 48_000] }] };
  it('divides by N·pixels of the report, or of the ROI the profile was summed over', () => {
    const limit = detectorLimit(profile, { shotsPerPixel: 50, pixelCount: 1024 });
    expect(limit).toBe(51_200);
    const shares = detectorShares(profile, 'Li-', limit)!;
    expect(shares.map((f) => f > NEAR_SATURATION)).toEqual([false, true, true]);
    expect(detectorLimit({ ...profile, roi: { x0: 2, y0: 4, x1: 12, y1: 24 } }, { shotsPerPixel: 50, pixelCount: 1024 })).toBe(50 * 200);
  });
  it('finds the runs of scans to mark', () => {
    expect(runs([false, true, true, false, true])).toEqual([[1, 2], [4, 4]]);
    expect(runs([])).toEqual([]);
  });
  it('knows nothing without N or the pixels', () => {
    expect(detectorLimit(profile, { pixelCount: 1024 })).toBeNull();
    expect(detectorLimit(profile, undefined)).toBeNull();
    expect(detectorShares(profile, 'Li-', null)).toBeNull();
  });
});
