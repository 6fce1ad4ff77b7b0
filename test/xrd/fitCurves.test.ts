import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRas } from '../../core/io/xrd/ras.js';
import type { XrdResult } from '../../core/model/report.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { openDataset } from '../../core/node/openDataset.js';
import { analyzeXrd, POOR_FIT_CHI2_REDUCED } from '../../core/xrd/analyze.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';

/** Σ (y − curve)² / max(y, 1) over the curve's angles, per angle: χ²ᵣ for counts. */
function reducedChi2(pattern: XrdPattern, angles: readonly number[], curve: readonly number[]): number {
  const index = new Map(Array.from(pattern.twoThetaDeg, (x, i) => [x, i]));
  let sum = 0;
  angles.forEach((x, j) => {
    const y = pattern.intensity[index.get(x)!];
    sum += (y - curve[j]) ** 2 / Math.max(y, 1);
  });
  return sum / angles.length;
}

const inCurve = (r: XrdResult, twoThetaDeg: number): boolean => r.fits!.some((c) => c.twoThetaDeg[0] < twoThetaDeg && c.twoThetaDeg[c.twoThetaDeg.length - 1] > twoThetaDeg);

describe('the fitted model reported with the peaks (XrdResult.fits), on the sample study', () => {
  for (const state of ['pristine', 'charged', 'discharged']) {
    const pattern = readRas(readFileSync(new URL(`../../samples/study/${state}/xrd.ras`, import.meta.url)), 'xrd.ras');
    const r = analyzeXrd(pattern);

    it(`${state}: a curve under every reported peak, at the pattern's own angles, the background never above the model`, () => {
      expect(r.peaks.length).toBeGreaterThanOrEqual(4);
      for (const p of r.peaks) expect(inCurve(r, p.twoThetaDeg), `${p.twoThetaDeg.toFixed(2)}°`).toBe(true);
      const angles = new Set(pattern.twoThetaDeg);
      for (const c of r.fits!) {
        expect(c.model.length).toBe(c.twoThetaDeg.length);
        expect(c.background.length).toBe(c.twoThetaDeg.length);
        expect(c.twoThetaDeg.every((x) => angles.has(x))).toBe(true);
        // Peak areas are never negative: the model is the background plus something ≥ 0.
        c.model.forEach((m, j) => expect(m).toBeGreaterThanOrEqual(c.background[j] - 1e-3 * Math.abs(m)));
      }
    });

    it(`${state}: each curve is the fit of the counts (χ²ᵣ 0.7–1.4 on Poisson weights), its background alone is not`, () => {
      for (const c of r.fits!) {
        const span = `${c.twoThetaDeg[0]}–${c.twoThetaDeg[c.twoThetaDeg.length - 1]}°`;
        const model = reducedChi2(pattern, c.twoThetaDeg, c.model);
        expect(model, span).toBeGreaterThan(0.7);
        expect(model, span).toBeLessThan(1.4);
        expect(reducedChi2(pattern, c.twoThetaDeg, c.background), span).toBeGreaterThan(model + 0.3);
      }
    });
  }
});

describeShared('the fitted model on a real pattern with masked ranges (gredig_2Theta.asc)', () => {
  it('has no point in a masked range, and a curve under every reported peak', async () => {
    const opened = await openDataset(sharedDataPath('xrd', 'gredig_2Theta.asc'));
    try {
      const r = analyzeXrd(opened.dataset as XrdPattern);
      expect(r.masks!.length).toBeGreaterThanOrEqual(3);
      for (const c of r.fits!) for (const x of c.twoThetaDeg) expect(r.masks!.some((m) => x >= m.fromDeg && x <= m.toDeg), `${x}°`).toBe(false);
      for (const p of r.peaks) expect(inCurve(r, p.twoThetaDeg), `${p.twoThetaDeg.toFixed(2)}°`).toBe(true);
    } finally {
      await opened.close();
    }
  });
});

describeShared('a fit that misses the data is said so (gredig_MB120718Si3.ras)', () => {
  it('its strong low-angle peaks (10⁵ counts, a little asymmetric) leave χ²ᵣ well above 2 and are named in a warning; the 13.7° peak is not', async () => {
    const opened = await openDataset(sharedDataPath('xrd', 'gredig_MB120718Si3.ras'));
    try {
      const r = analyzeXrd(opened.dataset as XrdPattern);
      const near = (deg: number) => r.peaks.find((p) => Math.abs(p.twoThetaDeg - deg) < 0.05)!;
      const poor = (r.warnings ?? []).filter((w) => w.includes('χ²ᵣ'));
      for (const deg of [2.92, 6.88]) {
        expect(near(deg).fitChi2Reduced!).toBeGreaterThan(10);
        expect(poor.some((w) => w.includes(`${near(deg).twoThetaDeg.toFixed(2)}°`)), `${deg}°`).toBe(true);
      }
      expect(near(13.73).fitChi2Reduced!).toBeLessThan(POOR_FIT_CHI2_REDUCED);
      expect(poor.some((w) => w.includes('13.73°'))).toBe(false);
    } finally {
      await opened.close();
    }
  });
});

describe('χ²ᵣ of intensities that are not counts', () => {
  it('near 1 where they are counts rescaled: each point weighted by the scatter around it (the sample as cps)', () => {
    const counts = readRas(readFileSync(new URL('../../samples/study/pristine/xrd.ras', import.meta.url)), 'xrd.ras');
    const cps: XrdPattern = { ...counts, intensity: counts.intensity.map((v) => v / 0.6), intensityUnit: 'cps' };
    const asCounts = analyzeXrd(counts);
    const asCps = analyzeXrd(cps);
    expect(asCps.peaks.map((p) => p.twoThetaDeg.toFixed(1))).toEqual(asCounts.peaks.map((p) => p.twoThetaDeg.toFixed(1)));
    // Weighted by one variance for the whole pattern, the fits under the peaks on the SiO₂ hump
    // (20.8°, 25.5°), where the counts and their noise are highest, left χ²ᵣ 3.4–3.7.
    asCps.peaks.forEach((p, i) => expect(Math.abs(p.fitChi2Reduced! - asCounts.peaks[i].fitChi2Reduced!), `${p.twoThetaDeg.toFixed(2)}°`).toBeLessThan(0.25));
    expect(Math.max(...asCps.peaks.map((p) => p.fitChi2Reduced!))).toBeLessThan(POOR_FIT_CHI2_REDUCED);
  });
});
