import { describe, expect, it } from 'vitest';
import { readSurfaceLabProfile } from '../../core/io/sims/surfacelab.js';
import { isotopeSaturation, isotopeSaturationWarning, LI6_PER_LI7, minorIsotopeStandIn } from '../../core/sims/isotopeCheck.js';
import { describeShared, readSharedData } from '../helpers/sharedData.js';
import { binomial, rng } from './synthetic.js';

/** A binomial detector (N pulses, ≤ 1 ion each) seeing an element's two isotopes at rates λ and r·λ per scan. */
function detected(lambdas: number[], ratio: number, N: number, seed: number): { major: number[]; minor: number[] } {
  const u = rng(seed);
  const count = (l: number): number => binomial(N, 1 - Math.exp(-l / N), u);
  return { major: lambdas.map(count), minor: lambdas.map((l) => count(ratio * l)) };
}

describe('the stand-in for a saturated analyte (6Li ÷ 0.0811)', () => {
  it('is ⁶Li in the same charge for ⁷Li, however it is spelt', () => {
    expect(minorIsotopeStandIn('Li-')).toEqual({ ion: '6Li-', abundanceRatio: LI6_PER_LI7 });
    expect(minorIsotopeStandIn('^7Li-')).toEqual({ ion: '6Li-', abundanceRatio: LI6_PER_LI7 });
    expect(minorIsotopeStandIn('7Li+')).toEqual({ ion: '6Li+', abundanceRatio: LI6_PER_LI7 });
  });

  it('is none for any other analyte: ⁶Li itself, Na⁺, a Li-bearing molecule', () => {
    for (const analyte of ['^6Li-', '6Li+', 'Na+', 'LiO-', 'Li2-', 'K+']) expect(minorIsotopeStandIn(analyte), analyte).toBe(false);
  });
});

describe('saturation seen through isotope ratios', () => {
  const timeS = Float64Array.from({ length: 60 }, (_, i) => i);
  const ions = [{ label: 'In+', mz: 114.9 }, { label: '^113In+', mz: 112.9 }, { label: 'Cu+', mz: 62.9 }, { label: '^65Cu+', mz: 64.9 }];
  // In rises to a plateau in the second half; Cu stays modest.
  const lambdas = Array.from(timeS, (t) => (t < 30 ? 200 : 60_000));
  const N = 20_000;

  it('flags an element whose major isotope saturates (minor/major above natural where it is strong), not one that does not', () => {
    const inn = detected(lambdas, 0.0448, N, 1);
    const cu = detected(lambdas.map((l) => l / 50), 0.4457, N, 2);
    const found = isotopeSaturation(timeS, ions, [inn.major, inn.minor, cu.major, cu.minor]);
    expect(found.map((f) => f.ion)).toEqual(['In+']);
    expect(found[0].measuredRatio / 0.0448).toBeGreaterThan(1.5);
    expect(found[0].fromS).toBe(30);
    expect(isotopeSaturationWarning(found[0])).toMatch(/^In⁺ looks saturated at 30–59 s: ¹¹³In⁺\/In⁺ is [\d.]+ where In⁺ is strong, against 0\.0448 natural/);
  });

  it('says nothing once the counts are corrected (the ratio is natural again), or without the minor isotope', () => {
    const inn = detected(lambdas, 0.0448, N, 3);
    const correct = (c: number[]) => c.map((i) => -N * Math.log1p(-i / N));
    expect(isotopeSaturation(timeS, ions.slice(0, 2), [correct(inn.major), correct(inn.minor)])).toEqual([]);
    expect(isotopeSaturation(timeS, ions.slice(0, 1), [inn.major])).toEqual([]);
  });
});

describeShared('isotope check on the real profiles', () => {
  it('CIGS: In⁺ and Mg⁺ saturated (¹¹³In/In 0.11, ²⁵Mg/Mg 0.32), Ga, Cu, Zn and Mo not', () => {
    const p = readSurfaceLabProfile(readSharedData('sims', 'grapa_cigs_sample_d.txt'), 'grapa_cigs_sample_d.txt');
    const found = isotopeSaturation(p.timeS, p.ions, p.ions.map((i) => i.counts));
    expect(found.map((f) => f.ion).sort()).toEqual(['In+', 'Mg+']);
  });
});
