import { bisectLeft, bisectRight } from 'd3-array';
import { describe, expect, it } from 'vitest';
import { timeToDepth } from '../../renderer/src/views/profileMath.js';
import { depthSamplingVoxels, refineTimeRangeS, scanPeriodS, timeAtDepthFraction, volumeDepth } from '../../renderer/src/views/volumeDepth.js';
import { binAtDepthFraction, DEPTH_TABLE_CELLS } from '../../core/figures/volumeDepth.js';

// The sample study's pristine and charged layers (strata analyze samples/study): times in s,
// depths from the SEM thicknesses; the stacks hold 250 scans, one every 24 s from 0 to 5976 s.
const layer = (role: string, startS: number, endS: number, startNm: number, endNm: number) => ({ role, label: role, startS, endS, startNm, endNm, widthNm: endNm - startNm, profileEndsInIt: false, confidence: 1 });
const pristine = [
  layer('cc_aam', 0, 1249.187, 0, 150.232),
  layer('sei_se', 1249.187, 2049.238, 150.232, 350.729),
  layer('cam', 2049.238, 4048.111, 350.729, 950.091),
  layer('cc', 4048.111, 5299.61, 950.091, 1100.732),
  layer('substrate', 5299.61, 5976, 1100.732, 1182.148),
];
const charged = [
  layer('cc_aam', 0, 1250.184, 0, 150.715),
  layer('sei_se', 1250.184, 2050.858, 150.715, 351.052),
  layer('cam', 2050.858, 4046.703, 351.052, 951.066),
  layer('cc', 4046.703, 5305.784, 951.066, 1101.43),
  layer('substrate', 5305.784, 5976, 1101.43, 1181.469),
];
const SCANS = 250;
const scanTimes = (t0: number) => Float64Array.from({ length: SCANS }, (_, i) => t0 + 24 * i);
const times = scanTimes(0);
/** The whole stack's z bins: one scan each. */
const zTimeS = Array.from(times, (t): [number, number] => [t, t]);
const span = [times[0], times[SCANS - 1]] as const;
const period = scanPeriodS(span, SCANS);

/** The scans [first, end) the backend bins for a time range (core/node/stackTasks.ts scansWithin: ends included). */
const scansWithin = (t: Float64Array, [startS, endS]: [number, number]): [number, number] => [bisectLeft(t, startS), bisectRight(t, endS)];

/** "Refine clipped range" with "Clip to" a layer: the time range asked for, and the scans it gets. */
const refinedScans = (role: string, layers = pristine, t = times) => {
  const s: readonly [number, number] = [t[0], t[t.length - 1]];
  const range = refineTimeRangeS({ clipTop: 0.2, clipBottom: 0.4, clipLayer: role }, layers, s, scanPeriodS(s, t.length), timeToDepth(layers));
  return scansWithin(t, range);
};

describe('3-D view: the depth axis', () => {
  const toDepth = timeToDepth(pristine)!;

  it('a depth fraction gives its time exactly: the ends are the first and last scan, not a lookup cell', () => {
    expect(timeAtDepthFraction(toDepth, span, 0)).toBe(0);
    expect(timeAtDepthFraction(toDepth, span, 1)).toBe(5976);
    // Clamped outside the volume.
    expect(timeAtDepthFraction(toDepth, span, -0.2)).toBe(0);
    expect(timeAtDepthFraction(toDepth, span, 1.3)).toBe(5976);
    const [d0, d1] = [toDepth(span[0]), toDepth(span[1])];
    for (const f of [0.001, 0.127, 0.5, 0.8, 0.999]) expect(toDepth(timeAtDepthFraction(toDepth, span, f))).toBeCloseTo(d0 + f * (d1 - d0), 6);
  });

  it("the shader's lookup puts each scan at its depth: the top at scan 1's centre, the bottom at scan 250's, none left out", () => {
    const depth = volumeDepth(toDepth, zTimeS, { scanRange: [0, SCANS], totalScans: SCANS }, 1.2);
    const c = depth.binAtDepth;
    expect(c.length).toBe(DEPTH_TABLE_CELLS + 1);
    // One scan a bin: bin k spans k … k + 1, its scan at k + 0.5.
    expect(c[0]).toBeCloseTo(0.5, 6);
    expect(c[c.length - 1]).toBeCloseTo(SCANS - 0.5, 4);
    // Read linearly between its values (as the shader and the figures' renderer read it), the
    // lookup gives the scan at a depth: the CAM | CC interface (4048.111 s, 950.091 nm) lies
    // 0.67 of the way from scan 169's time (4032 s) to scan 170's (4056 s).
    const f = (950.091 - 0) / 1182.148;
    expect(binAtDepthFraction(c, f)).toBeCloseTo(168.5 + 16.111 / 24, 2);
    // Where bins are thinnest (the CC/AAM: 52 scans over 150 nm of 1182)
    expect(depth.finestBinsPerDepth).toBeCloseTo(1249.187 / 24 / (150.232 / 1182.148), -1);
    // the shader samples every scan all the same: half a mean bin apart reads each of these.
    expect(depthSamplingVoxels(depth, SCANS)).toBe(SCANS);
    const step = 0.5 / depthSamplingVoxels(depth, SCANS);
    const read = new Set<number>();
    for (let x = step / 2; x < 1; x += step) read.add(Math.min(SCANS - 1, Math.floor(binAtDepthFraction(c, x))));
    expect(read.size).toBe(SCANS);
    // A layer sputtered 3.3× slower than the mean (1.2 nm a scan, the mean 4): sampled 0.9 of its
    // bins apart, none left out.
    const slow = [layer('a', 0, 3000, 0, 150), layer('b', 3000, 5976, 150, 1000)];
    const slowDepth = volumeDepth(timeToDepth(slow)!, zTimeS, { scanRange: [0, SCANS], totalScans: SCANS }, 1.2);
    const samplingVoxels = depthSamplingVoxels(slowDepth, SCANS);
    expect(samplingVoxels).toBeGreaterThan(SCANS);
    const slowRead = new Set<number>();
    for (let x = 0.25 / samplingVoxels; x < 1; x += 0.5 / samplingVoxels) slowRead.add(Math.min(SCANS - 1, Math.floor(binAtDepthFraction(slowDepth.binAtDepth, x))));
    expect(slowRead.size).toBe(SCANS);
    // (At half a mean bin apart some of the slow layer's scans fall between two samples.)
    const meanRead = new Set<number>();
    for (let x = 0.25 / SCANS; x < 1; x += 0.5 / SCANS) meanRead.add(Math.min(SCANS - 1, Math.floor(binAtDepthFraction(slowDepth.binAtDepth, x))));
    expect(meanRead.size).toBeLessThan(SCANS);
  });

  it("a volume's depth is the calibration's between its first and last scan; nominal in proportion to its scans without one", () => {
    const whole = volumeDepth(toDepth, zTimeS, { scanRange: [0, SCANS], totalScans: SCANS }, 1.2);
    expect(whole.fromReport).toBe(true);
    expect(whole.topNm).toBeCloseTo(0, 9);
    expect(whole.depthUm).toBeCloseTo(1.182148, 6);
    // The lookup rises through the bins, and in the slow CC/AAM (0.12 nm/s) scans run faster per
    // nm than in the CAM (0.30 nm/s).
    const g = whole.binAtDepth;
    for (let i = 1; i < g.length; i++) expect(g[i]).toBeGreaterThan(g[i - 1]);
    expect(g[11] - g[10]).toBeGreaterThan(2 * (g[601] - g[600]));
    // A refined part of the stack starts below the surface: scans 54–86, one every 24 s.
    const partBins = Array.from({ length: 33 }, (_, i): [number, number] => [1272 + 24 * i, 1272 + 24 * i]);
    const part = volumeDepth(toDepth, partBins, { scanRange: [53, 86], totalScans: SCANS }, 1.2);
    expect(part.topNm).toBeCloseTo(toDepth(1272), 9);
    expect(part.depthUm * 1000).toBeCloseTo(toDepth(2040) - toDepth(1272), 9);
    const nominal = volumeDepth(null, partBins, { scanRange: [53, 86], totalScans: SCANS }, 1.2);
    expect(nominal).toMatchObject({ fromReport: false, depthUm: (1.2 * 33) / 250, topNm: (1200 * 53) / 250 });
    // Linear in time without a calibration: scan 54's centre at the top, scan 86's at the bottom.
    for (const i of [0, 256, 1024]) expect(nominal.binAtDepth[i]).toBeCloseTo(0.5 + (32 * i) / 1024, 4);
  });
});

describe('3-D view: "Refine clipped range"', () => {
  it('a clip to the top layer refines its scans from scan 1 (the profile starts at 0 s)', () => {
    // Scans 1–53: every scan up to the CC/AAM | SEI/SE interface at 1249 s (scan 53 at 1248 s).
    expect(refinedScans('cc_aam')).toEqual([0, 53]);
  });

  it('a clip to the bottom layer refines its scans to the last one', () => {
    expect(refinedScans('substrate')).toEqual([bisectLeft(times, 5299.61), SCANS]);
    expect(refinedScans('substrate')[1]).toBe(SCANS);
  });

  it("the layers' refinements take every scan once: no scan lost at the ends or between layers", () => {
    const ranges = pristine.map((l) => refinedScans(l.role));
    expect(ranges[0][0]).toBe(0);
    for (let k = 1; k < ranges.length; k++) expect(ranges[k][0]).toBe(ranges[k - 1][1]);
    expect(ranges[ranges.length - 1][1]).toBe(SCANS);
  });

  it("each state refines its own layer, from that state's interfaces (the planes are the first state's depths)", () => {
    const cam = refineTimeRangeS({ clipTop: 0.3, clipBottom: 0.8, clipLayer: 'cam' }, charged, span, period, timeToDepth(charged));
    expect(cam).toEqual([2050.858, 4046.703]);
  });

  it('the top layer takes a first scan up to half a scan before the profile starts, as the analysis does; not one further out', () => {
    // The stack's time axis rounded 10 s earlier than the profile's: its first scan is the top layer's.
    expect(refinedScans('cc_aam', pristine, scanTimes(-10))).toEqual([0, 53]);
    // 20 s (over half the 24 s scan) before the profile: outside every layer, as the analysis leaves it.
    expect(refinedScans('cc_aam', pristine, scanTimes(-20))).toEqual([1, 53]);
    // Likewise at the bottom: a stack ending 10 s after the profile keeps its last scan in the substrate.
    const late = scanTimes(10);
    expect(refinedScans('substrate', pristine, late)[1]).toBe(SCANS);
  });

  it('planes set by hand refine the times at their depths, the first and last scan included at the ends', () => {
    const toDepth = timeToDepth(pristine);
    expect(refineTimeRangeS({ clipTop: 0, clipBottom: 1 }, pristine, span, period, toDepth)).toEqual([0, 5976]);
    const [start, end] = refineTimeRangeS({ clipTop: 0, clipBottom: 0.5 }, pristine, span, period, toDepth);
    expect(start).toBe(0);
    expect(toDepth!(end)).toBeCloseTo(0.5 * 1182.148, 6);
    // A layer chosen that this state's report lacks: its planes, as set by hand.
    expect(refineTimeRangeS({ clipTop: 0, clipBottom: 0.5, clipLayer: 'anode' }, pristine, span, period, toDepth)).toEqual([start, end]);
    // Without a calibration, linear in time.
    expect(refineTimeRangeS({ clipTop: 0.25, clipBottom: 1 }, [], span, period, null)).toEqual([1494, 5976]);
  });
});
