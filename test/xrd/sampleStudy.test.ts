import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRas } from '../../core/io/xrd/ras.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { analyzeXrd, analyzeXrdPattern } from '../../core/xrd/analyze.js';
import { SI_400_MASK } from '../../core/xrd/mask.js';
import { matchPeaks } from '../../core/xrd/phases.js';
import { synthesize } from './synthetic.js';

/**
 * The sample study (samples/study): three states of a mostly amorphous thin-film stack whose film
 * peaks are broad (FWHM 0.7–1.1°) and weak (12–60 counts·deg) on 200–500 counts/step of
 * background and amorphous humps. Truth: samples/study/truth.json (see samples/truth.ts).
 */
const STUDY = new URL('../../samples/study/', import.meta.url);
interface TruthPeak { twoThetaDeg: number; fwhmDeg: number; area: number; phase: string; hkl: string }
interface TruthState { state: string; xrd: { peaks: TruthPeak[]; amorphousFraction: number; humps: { twoThetaDeg: number; fwhmDeg: number; area: number }[] } }
const truth = JSON.parse(readFileSync(new URL('truth.json', STUDY), 'utf8')) as { states: TruthState[] };
const load = (state: string): XrdPattern => readRas(readFileSync(new URL(`${state}/xrd.ras`, STUDY)), 'xrd.ras');

/** Truth phase names → the reference library's ids. */
const PHASE_ID: Record<string, string> = { 'LiFePO4 (olivine)': 'LiFePO4', 'FePO4 (heterosite)': 'FePO4', 'austenite (SUS316)': 'austenite' };
const inSiMask = (t: number): boolean => t >= SI_400_MASK.fromDeg && t <= SI_400_MASK.toDeg;

/**
 * Integrated significance of a truth peak in the measured pattern: its Kα1 counts (truth area /
 * step) over the Poisson noise of everything counted within ±1 FWHM of it (√ of the summed
 * counts there: local background, humps and the peak itself). This is what an ideal integrator
 * that knew the background could do; peaks below 8 σ are not required (the weakest LiFePO4 020
 * and the heterosite lines of the charged state sit at 4–7 σ).
 */
function integratedSignificance(pattern: XrdPattern, p: TruthPeak): number {
  const x = pattern.twoThetaDeg;
  const step = (x[x.length - 1] - x[0]) / (x.length - 1);
  let counts = 0;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i] - p.twoThetaDeg) <= p.fwhmDeg) counts += pattern.intensity[i];
  return p.area / step / Math.sqrt(counts);
}

describe('XRD on the sample study (broad, weak film peaks on amorphous humps)', () => {
  for (const st of truth.states) {
    const pattern = load(st.state);
    const a = analyzeXrdPattern(pattern);
    const film = st.xrd.peaks.filter((p) => !inSiMask(p.twoThetaDeg));
    const required = film.filter((p) => integratedSignificance(pattern, p) >= 8);

    it(`${st.state}: every truth film peak ≥ 8 σ is found within max(0.06°, 3σ), with its phase and its FWHM`, () => {
      expect(required.length).toBeGreaterThanOrEqual(3);
      for (const t of required) {
        const found = a.peaks.filter((p) => Math.abs(p.twoThetaDeg - t.twoThetaDeg) < 0.3);
        const label = `${st.state} ${t.phase} ${t.hkl} at ${t.twoThetaDeg}° (${integratedSignificance(pattern, t).toFixed(1)} σ)`;
        expect(found.length, label).toBe(1);
        const p = found[0];
        // Position: the weak 1.1° steel (200) scatters 0.04–0.05° rms over noise realisations
        // (humpBias.test.ts's patterns), so a bound of 0.06° alone is 1.3σ for it: the bound
        // follows the fit's own σ where 3σ is wider, as the FWHM's below does.
        expect(Math.abs(p.twoThetaDeg - t.twoThetaDeg), `${label}: ${p.twoThetaDeg.toFixed(3)} ± ${p.fit.sigma.centerDeg.toFixed(3)}`).toBeLessThan(Math.max(0.06, 3 * p.fit.sigma.centerDeg));
        expect(p.phase, label).toBe(PHASE_ID[t.phase]);
        expect(matchPeaks([p.twoThetaDeg])[0]?.phaseId, label).toBe(PHASE_ID[t.phase]);
        // Weak peaks: FWHM scatters ±20 % even with the true background, so the bound follows
        // the fit's own uncertainty where that is larger than 5 %.
        const tol = Math.max(0.15 * t.fwhmDeg, 3 * p.fit.sigma.fwhmDeg);
        expect(Math.abs(p.fwhmDeg - t.fwhmDeg), `${label}: FWHM ${p.fwhmDeg.toFixed(3)} ± ${p.fit.sigma.fwhmDeg.toFixed(3)}`).toBeLessThan(tol);
      }
    });

    it(`${st.state}: no reported film peak is farther than 0.3° from a truth peak`, () => {
      for (const p of a.result.peaks) {
        expect(inSiMask(p.twoThetaDeg)).toBe(false);
        const nearest = Math.min(...film.map((t) => Math.abs(t.twoThetaDeg - p.twoThetaDeg)));
        expect(nearest, `reported peak at ${p.twoThetaDeg.toFixed(2)}°`).toBeLessThan(0.3);
      }
    });

    it(`${st.state}: every phase label stands as the nearest reference line gives it, none tentative`, () => {
      // The study's film lines include each phase's strongest in range (LiFePO4 (311), austenite
      // (111)), so the phase-evidence rule leaves every assignment as matchPeaks makes it.
      expect(a.result.peaks.length).toBeGreaterThanOrEqual(4);
      const nearest = matchPeaks(a.result.peaks.map((p) => p.twoThetaDeg));
      a.result.peaks.forEach((p, i) => {
        expect(p.phase, `${p.twoThetaDeg.toFixed(2)}°`).toBe(nearest[i]?.phaseId ?? null);
        expect(p.hkl, `${p.twoThetaDeg.toFixed(2)}°`).toBe(nearest[i]?.hkl ?? null);
        expect(p.phase, `${p.twoThetaDeg.toFixed(2)}°`).not.toBeNull();
        expect(p.phaseConfidence, `${p.twoThetaDeg.toFixed(2)}°`).toBeUndefined();
      });
      expect((a.result.warnings ?? []).filter((w) => w.includes('tentative'))).toEqual([]);
    });

    it(`${st.state}: every reported film peak's width within 4σ of its truth peak's (the fit ran pristine's 0.75° LiFePO4 at 29.7° out to 1.71 ± 0.21°)`, () => {
      for (const p of a.peaks) {
        const t = film.reduce((b, c) => (Math.abs(c.twoThetaDeg - p.twoThetaDeg) < Math.abs(b.twoThetaDeg - p.twoThetaDeg) ? c : b));
        expect(Math.abs(p.fwhmDeg - t.fwhmDeg), `${p.twoThetaDeg.toFixed(2)}°: ${p.fwhmDeg.toFixed(3)} ± ${p.fit.sigma.fwhmDeg.toFixed(3)} against ${t.fwhmDeg}`).toBeLessThan(4 * p.fit.sigma.fwhmDeg);
      }
    });

    it(`${st.state}: amorphous fraction within 0.03 of the truth`, () => {
      expect(Math.abs(a.result.amorphousFraction! - st.xrd.amorphousFraction)).toBeLessThan(0.03);
    });
  }

  it("the study's humps + baseline + Poisson noise alone give no peaks, as counts, cps or a.u. (10 seeds)", () => {
    const humps = truth.states[0].xrd.humps.map((h) => ({ centerDeg: h.twoThetaDeg, fwhmDeg: h.fwhmDeg, area: h.area, eta: 0 }));
    // The generator's background: air scatter falling off from low angles on a flat floor.
    const baseline = (t: number): number => 90 + 900 * Math.exp(-(t - 10) / 6);
    for (let seed = 1; seed <= 10; seed++) {
      const s = synthesize({ startDeg: 10, stopDeg: 80, stepDeg: 0.02, humps, baseline, seed });
      expect(analyzeXrd(s.pattern).peaks.map((p) => p.twoThetaDeg.toFixed(2)), `seed ${seed}`).toEqual([]);
      // Not counts: weighted by one variance for the whole pattern, the noise on the SiO₂ hump
      // (the highest counts) gave "peaks" at 19–21° for 4 seeds of 20.
      for (const [unit, perCount] of [['cps', 1 / 0.6], ['arbitrary', 1e-3]] as const) {
        const r = analyzeXrd({ ...s.pattern, intensity: s.pattern.intensity.map((v) => v * perCount), intensityUnit: unit });
        expect(r.peaks.map((p) => p.twoThetaDeg.toFixed(2)), `seed ${seed}, ${unit}`).toEqual([]);
      }
    }
  });
});
