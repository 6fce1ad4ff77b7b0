import { describe, expect, it } from 'vitest';
import { calibrateDepth, depthToTimeS, timeToDepthNm } from '../../core/sims/calibrate.js';

describe('depth calibration', () => {
  const layers = [
    { role: 'a', startS: 0, endS: 100 },
    { role: 'b', startS: 100, endS: 300 },
    { role: 'sub', startS: 300, endS: 500, isSubstrate: true },
  ];
  const thick: Record<string, number> = { a: 50, b: 400, sub: 200 };
  it('per-layer rates and a piecewise-linear time ↔ depth map', () => {
    const cal = calibrateDepth(layers, (r) => thick[r])!;
    expect(cal.ratesNmPerS.map((r) => r.rateNmPerS)).toEqual([0.5, 2, 2]);
    expect(cal.ratesNmPerS[2].source).toBe('extrapolated');
    expect(timeToDepthNm(cal, 50)).toBeCloseTo(25, 10);
    expect(timeToDepthNm(cal, 100)).toBeCloseTo(50, 10);
    expect(timeToDepthNm(cal, 200)).toBeCloseTo(250, 10);
    expect(timeToDepthNm(cal, 400)).toBeCloseTo(650, 10); // substrate: rate of the layer above
    for (const t of [0, 13, 99, 100, 222, 300, 480]) expect(depthToTimeS(cal, timeToDepthNm(cal, t))).toBeCloseTo(t, 8);
  });
  it('takes a given substrate rate and refuses a layer without thickness', () => {
    const cal = calibrateDepth(layers, (r) => thick[r], { substrateRateNmPerS: 1 })!;
    expect(timeToDepthNm(cal, 400)).toBeCloseTo(550, 10);
    expect(calibrateDepth(layers, (r) => (r === 'b' ? undefined : thick[r]))).toBeNull();
  });
});
