import { CU_K_ALPHA } from '../model/xrdPattern.js';

/**
 * Reference phases for the markers: cell parameters from a cited structure, reflections given
 * by hkl. 2θ is computed here from the cell (Bragg's law λ = 2d sin θ with the d-spacing of the
 * crystal system), never typed in, so a wrong number can only come from a wrong cell.
 *
 * Relative intensities are approximate (rounded values typical of the powder patterns of these
 * phases, for ranking and labelling only): they are not computed from structure factors and
 * must not be used for quantitative phase analysis. Thin films are often textured anyway.
 */
export type CrystalSystem = 'cubic' | 'tetragonal' | 'hexagonal' | 'orthorhombic';

export interface PhaseCell {
  system: CrystalSystem;
  aA: number;
  bA?: number;
  cA?: number;
}

export interface ReferenceReflection {
  hkl: [number, number, number];
  /** Approximate relative intensity, strongest = 100. */
  relIntensity: number;
}

export interface ReferencePhase {
  id: string;
  name: string;
  formula: string;
  spaceGroup: string;
  cell: PhaseCell;
  /** Where the cell comes from (database id and/or publication). */
  source: string;
  reflections: ReferenceReflection[];
}

export const PHASES: readonly ReferencePhase[] = [
  {
    id: 'LiFePO4',
    name: 'olivine LiFePO4 (triphylite)',
    formula: 'LiFePO4',
    spaceGroup: 'Pnma',
    cell: { system: 'orthorhombic', aA: 10.334, bA: 6.008, cA: 4.693 },
    source: 'Padhi, Nanjundaswamy, Goodenough, J. Electrochem. Soc. 144 (1997) 1188, Table I (cell); COD id not verified here',
    reflections: [
      { hkl: [2, 0, 0], relIntensity: 40 },
      { hkl: [1, 0, 1], relIntensity: 80 },
      { hkl: [2, 1, 0], relIntensity: 15 },
      { hkl: [0, 1, 1], relIntensity: 20 },
      { hkl: [1, 1, 1], relIntensity: 50 },
      { hkl: [2, 1, 1], relIntensity: 70 },
      { hkl: [0, 2, 0], relIntensity: 45 },
      { hkl: [3, 0, 1], relIntensity: 25 },
      { hkl: [3, 1, 1], relIntensity: 100 },
    ],
  },
  {
    id: 'FePO4',
    name: 'heterosite FePO4',
    formula: 'FePO4',
    spaceGroup: 'Pnma',
    cell: { system: 'orthorhombic', aA: 9.821, bA: 5.792, cA: 4.788 },
    source: 'Padhi, Nanjundaswamy, Goodenough, J. Electrochem. Soc. 144 (1997) 1188, Table I (cell); COD id not verified here',
    reflections: [
      { hkl: [2, 0, 0], relIntensity: 40 },
      { hkl: [1, 0, 1], relIntensity: 50 },
      { hkl: [0, 1, 1], relIntensity: 35 },
      { hkl: [1, 1, 1], relIntensity: 45 },
      { hkl: [2, 1, 1], relIntensity: 70 },
      { hkl: [0, 2, 0], relIntensity: 80 },
      { hkl: [3, 0, 1], relIntensity: 30 },
      { hkl: [3, 1, 1], relIntensity: 60 },
    ],
  },
  {
    id: 'gamma-Li3PO4',
    name: 'γ-Li3PO4',
    formula: 'Li3PO4',
    spaceGroup: 'Pnma (published as Pmnb: a 6.1113, b 10.4612, c 4.9208 Å)',
    cell: { system: 'orthorhombic', aA: 10.4612, bA: 6.1113, cA: 4.9208 },
    source: 'Wang, Chakoumakos, Sales, Kwak, Bates, J. Solid State Chem. 115 (1995) 313; AMCSD 0013843 (AMCSD entries are mirrored in COD, 9xxxxxx series; COD id not verified here)',
    reflections: [
      { hkl: [2, 0, 0], relIntensity: 15 },
      { hkl: [1, 0, 1], relIntensity: 20 },
      { hkl: [2, 1, 0], relIntensity: 100 },
      { hkl: [0, 1, 1], relIntensity: 90 },
      { hkl: [1, 1, 1], relIntensity: 60 },
      { hkl: [2, 1, 1], relIntensity: 25 },
      { hkl: [0, 2, 0], relIntensity: 25 },
      { hkl: [2, 2, 0], relIntensity: 50 },
    ],
  },
  {
    id: 'Si',
    name: 'silicon',
    formula: 'Si',
    spaceGroup: 'Fd-3m',
    cell: { system: 'cubic', aA: 5.4307 },
    source: 'COD 9008565 (a = 5.4307 Å); (200): kinematically forbidden, seen on (100) wafers by multiple diffraction (Zaumseil, J. Appl. Cryst. 48 (2015) 528)',
    reflections: [
      { hkl: [1, 1, 1], relIntensity: 100 },
      // Forbidden in a powder, but a (100) wafer under a thin film shows it, sharp, at 32.96°
      // (Cu): without it the matcher named it FePO4 (301), 0.16° away, the charged state's phase.
      { hkl: [2, 0, 0], relIntensity: 2 },
      { hkl: [2, 2, 0], relIntensity: 55 },
      { hkl: [3, 1, 1], relIntensity: 30 },
      { hkl: [4, 0, 0], relIntensity: 6 },
      { hkl: [3, 3, 1], relIntensity: 11 },
      { hkl: [4, 2, 2], relIntensity: 12 },
    ],
  },
  {
    id: 'austenite',
    name: 'austenite (316 stainless steel, fcc γ-Fe–Cr–Ni)',
    formula: 'Fe–Cr–Ni',
    spaceGroup: 'Fm-3m',
    cell: { system: 'cubic', aA: 3.595 },
    source: 'typical 316/316L austenite lattice parameter 3.59–3.60 Å (literature range; consistent with DOMAIN.md §4: (111) ≈ 43.6°, (200) ≈ 50.7°); COD id not verified here',
    reflections: [
      { hkl: [1, 1, 1], relIntensity: 100 },
      { hkl: [2, 0, 0], relIntensity: 45 },
      { hkl: [2, 2, 0], relIntensity: 25 },
      { hkl: [3, 1, 1], relIntensity: 25 },
    ],
  },
  {
    id: 'Li',
    name: 'lithium metal (bcc)',
    formula: 'Li',
    spaceGroup: 'Im-3m',
    cell: { system: 'cubic', aA: 3.51 },
    source: 'bcc Li at room temperature, a = 3.51 Å (literature value); COD id not verified here',
    reflections: [
      { hkl: [1, 1, 0], relIntensity: 100 },
      { hkl: [2, 0, 0], relIntensity: 15 },
      { hkl: [2, 1, 1], relIntensity: 25 },
    ],
  },
];

/** Interplanar spacing d(hkl), Å, for the crystal systems with orthogonal axes (and hexagonal). */
export function dSpacingA(cell: PhaseCell, [h, k, l]: readonly [number, number, number]): number {
  const a = cell.aA;
  const b = cell.bA ?? a;
  const c = cell.cA ?? a;
  let inv2: number;
  switch (cell.system) {
    case 'cubic':
      inv2 = (h * h + k * k + l * l) / (a * a);
      break;
    case 'tetragonal':
      inv2 = (h * h + k * k) / (a * a) + (l * l) / (c * c);
      break;
    case 'hexagonal':
      inv2 = (4 / 3) * ((h * h + h * k + k * k) / (a * a)) + (l * l) / (c * c);
      break;
    case 'orthorhombic':
      inv2 = (h * h) / (a * a) + (k * k) / (b * b) + (l * l) / (c * c);
      break;
  }
  return 1 / Math.sqrt(inv2);
}

/** 2θ (deg) of a spacing for a wavelength, by Bragg's law; null beyond 180°. */
export function braggTwoThetaDeg(dA: number, wavelengthA: number): number | null {
  const s = wavelengthA / (2 * dA);
  return s > 1 ? null : (2 * Math.asin(s) * 180) / Math.PI;
}

export interface PhaseStick {
  phaseId: string;
  phaseName: string;
  hkl: string;
  dA: number;
  twoThetaDeg: number;
  relIntensity: number;
}

/** The reference reflections of a phase as sticks for a wavelength (default Cu Kα1). */
export function phaseSticks(phase: ReferencePhase, wavelengthA: number = CU_K_ALPHA.alpha1A): PhaseStick[] {
  const out: PhaseStick[] = [];
  for (const r of phase.reflections) {
    const d = dSpacingA(phase.cell, r.hkl);
    const tt = braggTwoThetaDeg(d, wavelengthA);
    if (tt === null) continue;
    out.push({ phaseId: phase.id, phaseName: phase.name, hkl: `(${r.hkl.join('')})`, dA: d, twoThetaDeg: tt, relIntensity: r.relIntensity });
  }
  return out.sort((a, b) => a.twoThetaDeg - b.twoThetaDeg);
}

export interface PhaseMatch {
  phaseId: string;
  hkl: string;
  referenceTwoThetaDeg: number;
  deltaDeg: number;
}

/**
 * Assigns each found peak the nearest reference reflection within `toleranceDeg` (default 0.3°,
 * enough for strain and sample displacement in films, small enough to separate LiFePO4 from
 * FePO4). Ties within 0.05° go to the stronger reference reflection. Null when none is close.
 */
export function matchPeaks(peakTwoThetaDeg: readonly number[], phases: readonly ReferencePhase[] = PHASES, opts: { toleranceDeg?: number; wavelengthA?: number } = {}): Array<PhaseMatch | null> {
  const tol = opts.toleranceDeg ?? 0.3;
  const sticks = phases.flatMap((p) => phaseSticks(p, opts.wavelengthA));
  return peakTwoThetaDeg.map((x) => {
    let best: PhaseStick | null = null;
    for (const s of sticks) {
      const d = Math.abs(s.twoThetaDeg - x);
      if (d > tol) continue;
      if (!best) best = s;
      else {
        const bd = Math.abs(best.twoThetaDeg - x);
        if (d < bd - 0.05 || (Math.abs(d - bd) <= 0.05 && s.relIntensity > best.relIntensity)) best = s;
      }
    }
    return best ? { phaseId: best.phaseId, hkl: best.hkl, referenceTwoThetaDeg: best.twoThetaDeg, deltaDeg: x - best.twoThetaDeg } : null;
  });
}
