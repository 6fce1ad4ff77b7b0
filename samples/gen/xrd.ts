/**
 * θ/2θ XRD of the cell on its Si wafer (Cu Kα, 10–80°, 0.02° steps). The sputtered films are
 * mostly amorphous: broad humps (SiO2 ≈ 21.5°, the phosphates ≈ 29°, the amorphous steel
 * ≈ 44°); a few weak, broad crystalline reflections (austenite 111/200, olivine LiFePO4; on
 * charge part of it becomes heterosite FePO4 and comes back on discharge) and the very strong
 * Si 400 of the wafer. Every line is a pseudo-Voigt Kα1 + Kα2 doublet (Kα2 at the angle Bragg's
 * law gives for λ2, half the area). Background, Poisson noise, and the auto-attenuator on the
 * Si peak (the .ras counts column holds counts/attenuation).
 */
import { CU_K_ALPHA } from '../../core/model/xrdPattern.js';
import type { StateName } from './lithium.js';
import { rngFor } from './random.js';

export interface XrdLine {
  twoThetaDeg: number;
  fwhmDeg: number;
  /** Integrated intensity of the Kα1 component, counts·deg. */
  area: number;
  phase: string;
  hkl: string;
  /** Lorentzian share of the pseudo-Voigt. */
  eta: number;
}

export interface XrdHump {
  twoThetaDeg: number;
  fwhmDeg: number;
  area: number;
  phase: string;
}

export interface XrdResult {
  twoThetaDeg: Float64Array;
  intensity: Float64Array;
  attenuation: Float64Array;
  peaks: XrdLine[];
  /** Amorphous humps (their Kα1 area, like the peaks). */
  humps: XrdHump[];
  amorphousFraction: number;
}

export const XRD_RANGE = { startDeg: 10, stopDeg: 80, stepDeg: 0.02 };
/** Counts above which the instrument inserts the attenuator, and its factor. */
const ATTENUATOR = { thresholdCounts: 60000, factor: 120 };

/** 2θ of the Kα2 line for a Kα1 line at `twoTheta1Deg`. */
export function kAlpha2Position(twoTheta1Deg: number): number {
  const d = CU_K_ALPHA.alpha1A / (2 * Math.sin((twoTheta1Deg * Math.PI) / 360));
  return (360 / Math.PI) * Math.asin(CU_K_ALPHA.alpha2A / (2 * d));
}

/** Area-normalised pseudo-Voigt. */
export function pseudoVoigt(x: number, centre: number, fwhm: number, eta: number): number {
  const dx = x - centre;
  const hw = fwhm / 2;
  const lorentz = hw / (Math.PI * (dx * dx + hw * hw));
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2));
  const gauss = Math.exp(-(dx * dx) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
  return eta * lorentz + (1 - eta) * gauss;
}

/** Fraction of LiFePO4 turned into FePO4 (from the Li model: 0.25 of 0.6 leaves on charge). */
const DELITHIATED: Record<StateName, number> = { pristine: 0, charged: 0.25 / 0.6, discharged: 0.0375 / 0.6 };

function lines(state: StateName, thicknessScale: { cam: number; steel: number }): XrdLine[] {
  const fp = DELITHIATED[state];
  const lfp = (1 - fp) * thicknessScale.cam;
  const fep = fp * thicknessScale.cam;
  const s = thicknessScale.steel;
  return [
    { twoThetaDeg: 69.13, fwhmDeg: 0.06, area: 9000, phase: 'Si (substrate)', hkl: '400', eta: 0.3 },
    { twoThetaDeg: 43.58, fwhmDeg: 0.9, area: 60 * s, phase: 'austenite (SUS316)', hkl: '111', eta: 0.5 },
    { twoThetaDeg: 50.72, fwhmDeg: 1.1, area: 28 * s, phase: 'austenite (SUS316)', hkl: '200', eta: 0.5 },
    { twoThetaDeg: 20.78, fwhmDeg: 0.7, area: 35 * lfp, phase: 'LiFePO4 (olivine)', hkl: '101', eta: 0.4 },
    { twoThetaDeg: 25.56, fwhmDeg: 0.7, area: 45 * lfp, phase: 'LiFePO4 (olivine)', hkl: '111', eta: 0.4 },
    { twoThetaDeg: 29.71, fwhmDeg: 0.75, area: 25 * lfp, phase: 'LiFePO4 (olivine)', hkl: '020', eta: 0.4 },
    { twoThetaDeg: 35.58, fwhmDeg: 0.8, area: 45 * lfp, phase: 'LiFePO4 (olivine)', hkl: '311', eta: 0.4 },
    { twoThetaDeg: 18.06, fwhmDeg: 0.7, area: 30 * fep, phase: 'FePO4 (heterosite)', hkl: '200', eta: 0.4 },
    { twoThetaDeg: 30.86, fwhmDeg: 0.75, area: 36 * fep, phase: 'FePO4 (heterosite)', hkl: '020', eta: 0.4 },
  ].filter((l) => l.area > 1e-9);
}

function humps(thicknessScale: { cam: number; steel: number; se: number }): XrdHump[] {
  return [
    { twoThetaDeg: 21.5, fwhmDeg: 7.5, area: 2600, phase: 'SiO2 (amorphous)' },
    { twoThetaDeg: 29.0, fwhmDeg: 9.0, area: 1500 * (0.75 * thicknessScale.cam + 0.25 * thicknessScale.se), phase: 'phosphates (amorphous LiFePO4 / Li3PO4)' },
    { twoThetaDeg: 44.0, fwhmDeg: 8.0, area: 900 * thicknessScale.steel, phase: 'steel (amorphous)' },
  ];
}

export function simulateXrd(
  seed: number,
  state: StateName,
  noiseScale: number,
  thicknessScale: { cam: number; steel: number; se: number },
): XrdResult {
  const { startDeg, stopDeg, stepDeg } = XRD_RANGE;
  const n = Math.round((stopDeg - startDeg) / stepDeg) + 1;
  const x = Float64Array.from({ length: n }, (_, i) => Number((startDeg + i * stepDeg).toFixed(4)));
  const peaks = lines(state, thicknessScale);
  const hs = humps(thicknessScale);
  const expected = new Float64Array(n);
  const ratio = CU_K_ALPHA.ratioAlpha2;
  for (let i = 0; i < n; i++) {
    const t = x[i];
    // Background: air scatter falling off from low angles, plus a flat detector floor.
    let y = 90 + 900 * Math.exp(-(t - 10) / 6);
    for (const h of hs) {
      y += h.area * (pseudoVoigt(t, h.twoThetaDeg, h.fwhmDeg, 0) + ratio * pseudoVoigt(t, kAlpha2Position(h.twoThetaDeg), h.fwhmDeg, 0));
    }
    for (const l of peaks) {
      y += l.area * (pseudoVoigt(t, l.twoThetaDeg, l.fwhmDeg, l.eta) + ratio * pseudoVoigt(t, kAlpha2Position(l.twoThetaDeg), l.fwhmDeg, l.eta));
    }
    expected[i] = y;
  }
  const rng = rngFor(seed, `xrd-${state}`);
  const attenuation = new Float64Array(n).fill(1);
  const intensity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const att = expected[i] > ATTENUATOR.thresholdCounts ? ATTENUATOR.factor : 1;
    attenuation[i] = att;
    // The detector counts the attenuated beam: the noise is that of counts/att.
    const counts = noiseScale > 0 ? rng.poisson(expected[i] / att) : Math.round(expected[i] / att);
    intensity[i] = counts * att;
  }
  const film = peaks.filter((p) => !p.phase.startsWith('Si'));
  const amorphous = hs.reduce((s, h) => s + h.area, 0);
  const crystalline = film.reduce((s, l) => s + l.area, 0);
  return { twoThetaDeg: x, intensity, attenuation, peaks, humps: hs, amorphousFraction: amorphous / (amorphous + crystalline) };
}
