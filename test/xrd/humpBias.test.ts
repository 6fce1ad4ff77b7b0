import { describe, expect, it } from 'vitest';
import { CU_K_ALPHA } from '../../core/model/xrdPattern.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { analyzeXrdPattern, POOR_FIT_CHI2_REDUCED } from '../../core/xrd/analyze.js';
import { SI_400_MASK } from '../../core/xrd/mask.js';
import { simulateXrd } from '../../samples/gen/xrd.js';
import type { XrdLine } from '../../samples/gen/xrd.js';

/**
 * The fits' background against the truth, over many noise realisations of the sample study's
 * XRD (the generator's three states, six seeds): the film peaks are 0.7–1.1° wide and weak, and
 * three of them sit on the tops of the amorphous humps (LiFePO₄ 101 at 20.78° on the SiO₂ hump
 * at 21.5°, LiFePO₄ 020 at 29.71° on the phosphates' at 29°, austenite 111 at 43.58° on the
 * steel's at 44°). A fit whose background cannot follow a hump's top gives that top to the peak:
 * with a linear background beside the hump term, these three came out 26 % too wide and 48 %
 * too large on average over these realisations (the errors 1.7 and 1.8 times the σ reported, rms,
 * over all film peaks); with the quadratic one, −1 % and +4 % (1.2 and 1.3 σ). See FIT_BACKGROUND
 * in core/xrd/analyze.ts.
 */
const SEEDS = [101, 102, 103, 104, 105, 106];
const STATES = ['pristine', 'charged', 'discharged'] as const;

interface Outcome {
  truth: XrdLine;
  onHump: boolean;
  fwhmDeg: number;
  fwhmSigmaDeg: number;
  area: number;
  areaSigma: number;
}

function analyseRealisations(): { found: Outcome[]; falsePeaks: string[]; fitChi2: number[]; poorFitWarnings: string[] } {
  const found: Outcome[] = [];
  const falsePeaks: string[] = [];
  const fitChi2: number[] = [];
  const poorFitWarnings: string[] = [];
  for (const seed of SEEDS) {
    for (const state of STATES) {
      const sim = simulateXrd(seed, state, 1, { cam: 1, steel: 1, se: 1 });
      const pattern: XrdPattern = {
        kind: 'xrdPattern',
        source: { fileName: `${state}-${seed}.ras`, format: 'rigaku-ras' },
        twoThetaDeg: sim.twoThetaDeg,
        intensity: sim.intensity,
        intensityUnit: 'counts',
        wavelength: CU_K_ALPHA,
        metadata: {},
      };
      const film = sim.peaks.filter((p) => p.twoThetaDeg < SI_400_MASK.fromDeg || p.twoThetaDeg > SI_400_MASK.toDeg);
      const { peaks, result } = analyzeXrdPattern(pattern);
      fitChi2.push(...peaks.map((p) => p.fitChi2Reduced!));
      poorFitWarnings.push(...(result.warnings ?? []).filter((w) => w.includes('χ²ᵣ')));
      for (const p of peaks) {
        if (!film.some((t) => Math.abs(t.twoThetaDeg - p.twoThetaDeg) < 0.3)) falsePeaks.push(`${state} seed ${seed}: ${p.twoThetaDeg.toFixed(2)}°`);
      }
      for (const truth of film) {
        const p = peaks.find((q) => Math.abs(q.twoThetaDeg - truth.twoThetaDeg) < 0.3);
        if (!p) continue;
        const onHump = sim.humps.some((h) => Math.abs(h.twoThetaDeg - truth.twoThetaDeg) < 1);
        found.push({ truth, onHump, fwhmDeg: p.fwhmDeg, fwhmSigmaDeg: p.fit.sigma.fwhmDeg, area: p.area, areaSigma: p.fit.sigma.area });
      }
    }
  }
  return { found, falsePeaks, fitChi2, poorFitWarnings };
}

const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const rms = (v: number[]): number => Math.sqrt(mean(v.map((x) => x * x)));

describe('XRD fits of peaks on amorphous humps, over noise realisations of the sample study', () => {
  const { found, falsePeaks, fitChi2, poorFitWarnings } = analyseRealisations();
  const onHump = found.filter((o) => o.onHump);

  it('finds no peak where the truth has none', () => {
    expect(falsePeaks).toEqual([]);
    // Enough of each kind found for the statistics below to mean something.
    expect(onHump.length).toBeGreaterThanOrEqual(40);
    expect(found.length).toBeGreaterThanOrEqual(90);
  });

  it('peaks on a hump: widths and areas without the hump in them (mean relative error within ±15 %)', () => {
    const width = mean(onHump.map((o) => o.fwhmDeg / o.truth.fwhmDeg - 1));
    const area = mean(onHump.map((o) => o.area / o.truth.area - 1));
    expect(Math.abs(width), `mean width error ${(100 * width).toFixed(1)} %`).toBeLessThan(0.15);
    expect(Math.abs(area), `mean area error ${(100 * area).toFixed(1)} %`).toBeLessThan(0.15);
  });

  it(`every reported peak's fit leaves χ²ᵣ near 1 (0.7 to ${POOR_FIT_CHI2_REDUCED}), and none is warned of as missing the data`, () => {
    expect(fitChi2.length).toBeGreaterThanOrEqual(90);
    for (const chi2 of fitChi2) {
      expect(chi2).toBeGreaterThan(0.7);
      expect(chi2).toBeLessThan(POOR_FIT_CHI2_REDUCED);
    }
    expect(poorFitWarnings).toEqual([]);
  });

  it('every film peak: errors of width and area in line with the σ reported (rms of error / σ below 1.6)', () => {
    const zWidth = rms(found.map((o) => (o.fwhmDeg - o.truth.fwhmDeg) / o.fwhmSigmaDeg));
    const zArea = rms(found.map((o) => (o.area - o.truth.area) / o.areaSigma));
    expect(zWidth, 'width').toBeLessThan(1.6);
    expect(zArea, 'area').toBeLessThan(1.6);
  });
});
