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
  /** Stable machine id, as report.json and the CSV tables write a peak's phase: never reworded. */
  id: string;
  /** Short name a user reads (peak tables, warnings, figure rows): `γ-Li3PO4`, not the id `gamma-Li3PO4`. */
  label: string;
  /** Long descriptive name (mineral name, structure). */
  name: string;
  formula: string;
  spaceGroup: string;
  cell: PhaseCell;
  /** Where the cell comes from (database id and/or publication). */
  source: string;
  reflections: ReferenceReflection[];
  /**
   * A single-crystal substrate (the wafer): which of its reflections a θ–2θ scan shows is set by
   * the wafer's cut, not by powder intensities (a (100) wafer shows (400) and the forbidden
   * (200), never its powder-strongest (111)), so `weighPhaseEvidence` never calls it tentative.
   */
  singleCrystalSubstrate?: boolean;
  /**
   * How a layer stack names the materials this phase may form (see candidatePhases): words or
   * formulae matched, case-insensitively and as whole words, in a layer's `material`. A phase the
   * cell turns a material into counts too (FePO4: the charged form of a LiFePO4 cathode).
   */
  materials: readonly string[];
  /** Layer roles where the phase may form whatever their material (Li metal plates on an anode-free cell's current collector, role `cc_aam`). */
  roles?: readonly string[];
}

export const PHASES: readonly ReferencePhase[] = [
  {
    id: 'LiFePO4',
    label: 'LiFePO4',
    materials: ['LiFePO4', 'LFP', 'triphylite', 'olivine'],
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
    label: 'FePO4',
    // Heterosite is what a LiFePO4 cathode becomes on charge.
    materials: ['FePO4', 'heterosite', 'LiFePO4', 'LFP', 'triphylite', 'olivine'],
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
    label: 'γ-Li3PO4',
    materials: ['Li3PO4', 'lithium phosphate'],
    name: 'γ-Li3PO4',
    formula: 'Li3PO4',
    spaceGroup: 'Pnma (published as Pmnb: a 6.1113, b 10.4612, c 4.9208 Å)',
    cell: { system: 'orthorhombic', aA: 10.4612, bA: 6.1113, cA: 4.9208 },
    source: 'Wang, Chakoumakos, Sales, Kwak, Bates, J. Solid State Chem. 115 (1995) 313; AMCSD 0013843 (AMCSD entries are mirrored in COD, 9xxxxxx series; COD id not verified here)',
    // Cross-check of the ranking the phase evidence relies on: a kinematic powder calculation
    // (|F|², multiplicity, Lorentz-polarisation; Cromer–Mann form factors) from this entry's
    // atoms (AMCSD 0013843) gives (210) 100, (011) 90, (201) 51 + (111) 16 together at
    // 24.7–24.8°, (220) 61, (200) 27, (211) 15, (020) 16, (101) 5: the listed values are off by up
    // to ~1.8× line by line, but (211) is a weak line beside (210)/(011) either way.
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
    label: 'Si',
    // The wafer: "SiO2 (200 nm) on Si", "Si wafer", "silicon" (not SiO2 alone, nor glass).
    materials: ['Si', 'silicon', 'Si wafer'],
    name: 'silicon',
    formula: 'Si',
    spaceGroup: 'Fd-3m',
    cell: { system: 'cubic', aA: 5.4307 },
    source: 'COD 9008565 (a = 5.4307 Å); (200): kinematically forbidden, seen on (100) wafers by multiple diffraction (Zaumseil, J. Appl. Cryst. 48 (2015) 528)',
    singleCrystalSubstrate: true,
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
    label: 'austenite',
    materials: ['stainless steel', 'steel', 'SUS316', 'SUS316L', '316L', 'SS316', 'austenite', 'austenitic'],
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
    label: 'Li',
    materials: ['Li', 'lithium', 'lithium metal', 'Li metal'],
    // Anode-free cells plate Li on the anode-side collector (DOMAIN.md §3).
    roles: ['cc_aam', 'aam', 'anode'],
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

/** A phase's name as a user reads it (its `label`), from its id; the id itself for an unknown one. */
export function phaseDisplayName(id: string, phases: readonly ReferencePhase[] = PHASES): string {
  return phases.find((p) => p.id === id)?.label ?? PHASES.find((p) => p.id === id)?.label ?? id;
}

/** What candidatePhases reads of a stack's layer. */
export interface PhaseStackLayer {
  role: string;
  material: string;
  isSubstrate?: boolean;
}

export interface PhaseCandidates {
  /** The reference phases a pattern of this stack is matched against and drawn with, in library order. */
  phases: ReferencePhase[];
  /** The stack's materials (layer by layer, top-down) that no reference phase stands for. */
  unmatched: string[];
  /** Said where a film's material has no reference phase: its peaks stay unassigned. Null where every layer has one. */
  note: string | null;
}

/**
 * Each keyword's whole-word patterns, compiled once: a Unicode-property RegExp costs about a
 * millisecond to compile, and a study's XRD patterns each test every layer against every
 * phase's keywords (~0.1 s a pattern, compiled afresh each time).
 */
const keywordPatterns = new Map<string, { unicode: RegExp | null; ascii: RegExp | null }>();

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** A keyword as a pattern: special characters escaped, each run of spaces any run of white space. */
const keywordSource = (keyword: string): string => keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

/**
 * True where `keyword` stands in `material` as whole words (case-insensitive; `Si` is not in `SiO2`).
 * Where both are ASCII, an ASCII pattern on the lower-cased material gives the same answer as the
 * Unicode one (letters and digits are [a-z0-9] there, and ASCII letters fold only to each other
 * and to letters outside ASCII) and costs microseconds: the Unicode patterns of a stack's
 * keywords took ~40 ms, in every thread that fits a pattern. The Unicode one is made only where needed.
 */
function namesMaterial(material: string, keyword: string): boolean {
  let patterns = keywordPatterns.get(keyword);
  if (!patterns) {
    const ascii = ASCII_ONLY.test(keyword) ? new RegExp(`(^|[^a-z0-9])${keywordSource(keyword.toLowerCase())}($|[^a-z0-9])`) : null;
    patterns = { unicode: null, ascii };
    keywordPatterns.set(keyword, patterns);
  }
  if (patterns.ascii && ASCII_ONLY.test(material)) return patterns.ascii.test(material.toLowerCase());
  patterns.unicode ??= new RegExp(`(^|[^\\p{L}\\p{N}])${keywordSource(keyword)}($|[^\\p{L}\\p{N}])`, 'iu');
  return patterns.unicode.test(material);
}

/** The reference phases one layer may hold: those naming its material, or its role. */
export function layerPhases(layer: PhaseStackLayer, phases: readonly ReferencePhase[] = PHASES): ReferencePhase[] {
  return phases.filter((p) => p.materials.some((m) => namesMaterial(layer.material, m)) || (p.roles ?? []).includes(layer.role));
}

/**
 * The candidate phases of a study: the stack is data (DOMAIN.md §1), and so are the phases its
 * XRD peaks may be: only the reference phases of the materials its layers name (the substrate's
 * included, e.g. Si under "SiO2 on Si"), and the phases those materials become in the cell
 * (FePO4 of a LiFePO4 cathode, Li metal on an anode-free collector). A stack none of whose
 * materials has a reference phase (a perovskite or CIGS solar cell) gets none: its peaks stay
 * unassigned, and `note` says why, rather than a perovskite peak being named after a battery
 * electrolyte. Without a stack, every phase of the library (the single-file `strata xrd`).
 */
export function candidatePhases(stack: { layers: readonly PhaseStackLayer[] } | undefined, phases: readonly ReferencePhase[] = PHASES): PhaseCandidates {
  if (!stack) return { phases: [...phases], unmatched: [], note: null };
  const found = new Set<string>();
  const unmatched: string[] = [];
  for (const layer of stack.layers) {
    const own = layerPhases(layer, phases);
    for (const p of own) found.add(p.id);
    // A material no phase names is unmatched even where its role adds one (Li plated on an
    // anode): a graphite anode matched against Li alone, in silence, hid its own peaks.
    const named = own.some((p) => p.materials.some((m) => namesMaterial(layer.material, m)));
    if (!named && !unmatched.includes(layer.material)) unmatched.push(layer.material);
  }
  const chosen = phases.filter((p) => found.has(p.id));
  const note = unmatched.length
    ? // Materials are joined by semicolons: their names hold commas ("ZnO:Al, i-ZnO and CdS buffer").
      `no reference XRD phases for ${unmatched.join('; ')}${chosen.length ? ` (matched against ${chosen.map((p) => p.label).join(', ')} only)` : ''}: peaks of ${unmatched.length > 1 ? 'these materials' : 'this material'} are left unassigned`
    : null;
  return { phases: chosen, unmatched, note };
}

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
  /** The matched reflection's reference intensity (strongest of the phase = 100). */
  relIntensity: number;
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
    return best ? { phaseId: best.phaseId, hkl: best.hkl, referenceTwoThetaDeg: best.twoThetaDeg, deltaDeg: x - best.twoThetaDeg, relIntensity: best.relIntensity } : null;
  });
}

/** What `weighPhaseEvidence` needs of a found peak; area and σ(area) scale the predictions. */
export interface EvidencePeak {
  twoThetaDeg: number;
  /** A reflection within half of a found peak's FWHM is unresolved from it, not absent. */
  fwhmDeg?: number;
  area?: number;
  areaSigma?: number | null;
}

export interface PhaseEvidence {
  phaseId: string;
  /** The strongest reference reflection among the peaks assigned to the phase. */
  anchorHkl: string;
  /** Reflections that should have been seen and were not (see `weighPhaseEvidence`). */
  absent: PhaseStick[];
  /** True where any reflection is clearly absent: the label is then only a candidate. */
  tentative: boolean;
}

export interface PhaseEvidenceOptions {
  /** The measured 2θ range, deg. */
  rangeDeg: readonly [number, number];
  /** Masked ranges: a reflection there cannot be seen, so its absence says nothing. */
  masks?: ReadonlyArray<{ fromDeg: number; toDeg: number }>;
  toleranceDeg?: number;
  wavelengthA?: number;
  /** A missing reflection counts against a phase from this many times its anchor's reference intensity (default 2). */
  minIntensityRatio?: number;
  /** …and where its predicted area would be at least this many σ (default 12). */
  clearSignificance?: number;
}

/**
 * Whether the peaks assigned to each phase by `matchPeaks` identify it, or only fit one of its
 * lines. A phase is judged from its anchor, the strongest of its reflections that a found peak
 * was assigned to: a reflection of the phase counts against it (is "clearly absent") when
 *  - its reference intensity is ≥ `minIntensityRatio` (2) × the anchor's: the listed
 *    intensities are rounded and approximate, off by up to ~1.8× line by line against a
 *    structure-factor calculation (γ-Li3PO4: see PHASES), so a smaller factor is no ordering;
 *  - it lies in the measured range and off every mask (by the tolerance), with no found peak,
 *    of any phase, within the tolerance or half that peak's FWHM (an overlapped line is
 *    hidden, not absent);
 *  - scaled from the anchor's area, it would stand ≥ `clearSignificance` σ (12: twice the
 *    search's 6σ threshold, as area σ and search σ differ by up to 2× on the sample study's
 *    peaks): intensity ratio × anchor area / σ(area). Without a σ, the ratio alone decides.
 * Reflections weaker than that bound may be missing without comment: a textured film (most
 * thin films are) suppresses whole families of planes, and weak lines drown in the noise, so
 * a phase seen by one reflection is identified when that reflection is its strongest in
 * range (e.g. austenite (111) alone). A single-crystal substrate is never judged (its cut,
 * not powder intensities, decides what shows). A tentative phase keeps its label, flagged:
 * a strongly textured film can still be it, but the pattern does not show it.
 *
 * The audit case: a 1°-wide bump at 28.87° on an organic film (gredig_MB120718Si3.ras, 2–30°)
 * matched γ-Li3PO4 (211), reference 25, while (210) 100 at 22.35° and (011) 90 at 23.19°, in
 * range, showed nothing: predicted 4× the bump's area, 77 σ.
 */
export function weighPhaseEvidence(
  peaks: readonly EvidencePeak[],
  matches: ReadonlyArray<PhaseMatch | null>,
  phases: readonly ReferencePhase[] = PHASES,
  opts: PhaseEvidenceOptions,
): Map<string, PhaseEvidence> {
  const tol = opts.toleranceDeg ?? 0.3;
  const minRatio = opts.minIntensityRatio ?? 2;
  const clearSig = opts.clearSignificance ?? 12;
  const [lo, hi] = opts.rangeDeg;
  const visible = (t: number): boolean => t >= lo + tol && t <= hi - tol && !(opts.masks ?? []).some((m) => t >= m.fromDeg - tol && t <= m.toDeg + tol);
  const covered = (t: number): boolean => peaks.some((p) => Math.abs(p.twoThetaDeg - t) <= Math.max(tol, (p.fwhmDeg ?? 0) / 2));
  const out = new Map<string, PhaseEvidence>();
  for (const id of new Set(matches.flatMap((m) => (m ? [m.phaseId] : [])))) {
    const phase = phases.find((p) => p.id === id);
    if (!phase) continue;
    const assigned = matches.flatMap((m, i) => (m?.phaseId === id ? [{ m, p: peaks[i] }] : []));
    const significance = (p: EvidencePeak): number | null => (p.area !== undefined && p.areaSigma && p.areaSigma > 0 && Number.isFinite(p.areaSigma) ? p.area / p.areaSigma : null);
    // The anchor: strongest reference line, then the most significant peak.
    const anchor = assigned.reduce((a, b) => (b.m.relIntensity > a.m.relIntensity || (b.m.relIntensity === a.m.relIntensity && (significance(b.p) ?? 0) > (significance(a.p) ?? 0)) ? b : a));
    const anchorSig = significance(anchor.p);
    const matchedHkl = new Set(assigned.map((a) => a.m.hkl));
    const absent = phase.singleCrystalSubstrate
      ? []
      : phaseSticks(phase, opts.wavelengthA).filter((s) => {
          if (matchedHkl.has(s.hkl) || !visible(s.twoThetaDeg) || covered(s.twoThetaDeg)) return false;
          const ratio = s.relIntensity / anchor.m.relIntensity;
          return ratio >= minRatio && (anchorSig === null || ratio * anchorSig >= clearSig);
        });
    out.set(id, { phaseId: id, anchorHkl: anchor.m.hkl, absent, tentative: absent.length > 0 });
  }
  return out;
}

/**
 * A peak's phase as printed for a user (peak tables of `strata xrd` and the workbench): the
 * phase's display name, as the warnings write it, "γ-Li3PO4?" where the evidence leaves it
 * tentative; null where unnamed. The report keeps the id (`gamma-Li3PO4`) in `phase`.
 */
export function phaseLabel(p: { phase: string | null; phaseConfidence?: 'tentative' }): string | null {
  return p.phase === null ? null : `${phaseDisplayName(p.phase)}${p.phaseConfidence === 'tentative' ? '?' : ''}`;
}
