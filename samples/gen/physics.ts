/**
 * The physical model of the paper's cell as the generator sees it: materials, the layer
 * geometry (thickness and sputter rate per layer: time is not depth), ion yields per matrix
 * (matrix effects), interface broadening that grows with depth, and the time ↔ depth map.
 */
export type Material = 'steel' | 'li3po4' | 'lifepo4' | 'sio2' | 'si';

export interface GenLayer {
  role: string;
  material: Material;
  thicknessNm: number;
  sputterRateNmPerS: number;
}

/** Top-down, as the beam meets them (DOMAIN.md §1). The substrate's thickness is its SiO2 over-layer. */
export const DEFAULT_LAYERS: readonly GenLayer[] = [
  { role: 'cc_aam', material: 'steel', thicknessNm: 150, sputterRateNmPerS: 0.12 },
  { role: 'sei_se', material: 'li3po4', thicknessNm: 200, sputterRateNmPerS: 0.25 },
  { role: 'cam', material: 'lifepo4', thicknessNm: 600, sputterRateNmPerS: 0.3 },
  { role: 'cc', material: 'steel', thicknessNm: 150, sputterRateNmPerS: 0.12 },
  { role: 'substrate', material: 'sio2', thicknessNm: 200, sputterRateNmPerS: 0.15 },
];

/** Bulk Si under the SiO2 over-layer; only reached when layers are made thinner. */
export const SI_SPUTTER_RATE_NM_PER_S = 0.2;

/** The 17 negative ions of DOMAIN.md §2, labelled as SurfaceLab writes them. */
export interface IonDef {
  label: string;
  mz: number;
  /** Li-bearing ions follow the Li distribution; the others the matrix composition. */
  lithium?: 'li7' | 'li6' | 'lio';
}

export const IONS: readonly IonDef[] = [
  { label: '^6Li-', mz: 6.015, lithium: 'li6' },
  { label: 'Li-', mz: 7.016, lithium: 'li7' },
  { label: 'C-', mz: 12.0 },
  { label: 'O-', mz: 15.995 },
  { label: 'OH-', mz: 17.003 },
  { label: 'LiO-', mz: 23.011, lithium: 'lio' },
  { label: 'C_2-', mz: 24.0 },
  { label: 'Si-', mz: 27.977 },
  { label: 'Cr-', mz: 51.941 },
  { label: 'Fe-', mz: 55.935 },
  { label: 'Ni-', mz: 57.935 },
  { label: 'SiO_2-', mz: 59.967 },
  { label: 'PO_2-', mz: 62.964 },
  { label: 'CrO-', mz: 67.936 },
  { label: 'FeO-', mz: 71.93 },
  { label: 'NiO-', mz: 73.93 },
  { label: 'PO_3-', mz: 78.959 },
];

/** Ions written into the OME-TIFF stack (plus a `total` channel). */
export const STACK_IONS: readonly string[] = ['Li-', '^6Li-', 'C-', 'Si-', 'Cr-', 'Fe-', 'FeO-', 'PO_2-'];

export const LI6_TO_LI7 = 0.0811;

const MATERIALS: readonly Material[] = ['steel', 'li3po4', 'lifepo4', 'sio2', 'si'];

/**
 * Expected counts per pixel per scan of a pure matrix (primary current factor 1). Numbers are
 * chosen so that the markers of DOMAIN.md §2 dominate their layers, the minor elements show
 * through, and strong peaks (Li, PO2) approach the shots per pixel so saturation matters.
 */
const MATRIX_YIELD: Record<string, Record<Material, number>> = {
  'C-': { steel: 9, li3po4: 0.6, lifepo4: 2.5, sio2: 0.3, si: 0.1 },
  'O-': { steel: 14, li3po4: 32, lifepo4: 28, sio2: 38, si: 1.5 },
  'OH-': { steel: 2, li3po4: 4, lifepo4: 2.2, sio2: 3, si: 0.3 },
  'C_2-': { steel: 4, li3po4: 0.2, lifepo4: 0.9, sio2: 0.06, si: 0.03 },
  'Si-': { steel: 0.12, li3po4: 0.06, lifepo4: 0.06, sio2: 7, si: 24 },
  'Cr-': { steel: 12, li3po4: 0.04, lifepo4: 0.08, sio2: 0.02, si: 0.01 },
  'Fe-': { steel: 10, li3po4: 0.05, lifepo4: 5.5, sio2: 0.02, si: 0.01 },
  'Ni-': { steel: 5, li3po4: 0.02, lifepo4: 0.04, sio2: 0.01, si: 0.01 },
  'SiO_2-': { steel: 0.03, li3po4: 0.03, lifepo4: 0.03, sio2: 18, si: 0.8 },
  'PO_2-': { steel: 0.1, li3po4: 30, lifepo4: 21, sio2: 0.02, si: 0.01 },
  'CrO-': { steel: 6, li3po4: 0.02, lifepo4: 0.04, sio2: 0.01, si: 0.01 },
  'FeO-': { steel: 4, li3po4: 0.04, lifepo4: 9, sio2: 0.01, si: 0.01 },
  'NiO-': { steel: 2, li3po4: 0.01, lifepo4: 0.02, sio2: 0.01, si: 0.01 },
  'PO_3-': { steel: 0.05, li3po4: 19, lifepo4: 13, sio2: 0.01, si: 0.01 },
};

/**
 * Li− counts per pixel per scan per unit Li concentration (the `lithium.ts` levels): the matrix
 * effect on Li. A metallic steel host ionises Li far better than the phosphates.
 */
export const LI_YIELD: Record<Material, number> = { steel: 180, li3po4: 110, lifepo4: 120, sio2: 50, si: 30 };
/** LiO− per unit Li concentration: needs oxygen around, so weak in the metal. */
const LIO_YIELD: Record<Material, number> = { steel: 1.5, li3po4: 6, lifepo4: 5, sio2: 2, si: 0.2 };

/** Detector dark counts per pixel per scan for every ion. */
export const DARK_COUNTS = 0.002;
/** Counts of ions outside the 17 (hydrocarbons, clusters) per pixel per scan, for `total`. */
export const OTHER_IONS_COUNTS = 12;
/** Adventitious carbon / hydroxide on the surface: extra counts at depth 0, decaying over a few nm. */
export const SURFACE_CONTAMINATION: Record<string, number> = { 'C-': 40, 'OH-': 25, 'O-': 15, 'C_2-': 8 };
export const SURFACE_DECAY_NM = 2.5;

export function matrixYield(ion: string, material: Material): number {
  return MATRIX_YIELD[ion]?.[material] ?? 0;
}

export function liBearingYield(kind: 'li7' | 'li6' | 'lio', material: Material): number {
  if (kind === 'li7') return LI_YIELD[material];
  if (kind === 'li6') return LI_YIELD[material] * LI6_TO_LI7;
  return LIO_YIELD[material];
}

export { MATERIALS };

/** Interface broadening: Gaussian mixing whose σ grows with depth (ion mixing + roughening). */
export const BROADENING = { sigma0Nm: 2.0, sigmaPerNm: 0.012 };
/** Lateral roughness of the buried interfaces: RMS shift of a pixel's depth scale. */
export const ROUGHNESS = { rms0Nm: 1.0, rmsPerNm: 0.005 };

export function broadeningSigmaNm(depthNm: number): number {
  return BROADENING.sigma0Nm + BROADENING.sigmaPerNm * Math.max(0, depthNm);
}

/** Layer boundaries on both axes, cumulative from the surface. */
export interface Geometry {
  layers: GenLayer[];
  /** Depth of the top of each layer, nm, plus the bottom of the last (length = layers + 1). */
  depthNm: number[];
  /** Sputter time at which each of those depths is reached, s. */
  timeS: number[];
}

export function geometry(layers: readonly GenLayer[]): Geometry {
  const depthNm = [0];
  const timeS = [0];
  for (const l of layers) {
    depthNm.push(depthNm[depthNm.length - 1] + l.thicknessNm);
    timeS.push(timeS[timeS.length - 1] + l.thicknessNm / l.sputterRateNmPerS);
  }
  return { layers: [...layers], depthNm, timeS };
}

/** Depth reached after `t` seconds: piecewise linear, per-material rates; Si below the stack. */
export function depthAtTime(g: Geometry, t: number): number {
  const n = g.layers.length;
  for (let i = 0; i < n; i++) {
    if (t < g.timeS[i + 1]) return g.depthNm[i] + (t - g.timeS[i]) * g.layers[i].sputterRateNmPerS;
  }
  return g.depthNm[n] + (t - g.timeS[n]) * SI_SPUTTER_RATE_NM_PER_S;
}

/** Sputter time needed to reach depth `z`; inverse of depthAtTime. */
export function timeAtDepth(g: Geometry, z: number): number {
  const n = g.layers.length;
  for (let i = 0; i < n; i++) {
    if (z < g.depthNm[i + 1]) return g.timeS[i] + (z - g.depthNm[i]) / g.layers[i].sputterRateNmPerS;
  }
  return g.timeS[n] + (z - g.depthNm[n]) / SI_SPUTTER_RATE_NM_PER_S;
}

/** Material at depth z (unbroadened): above the surface nothing, below the stack Si. */
export function materialAt(g: Geometry, z: number): Material | null {
  if (z < 0) return null;
  for (let i = 0; i < g.layers.length; i++) if (z < g.depthNm[i + 1]) return g.layers[i].material;
  return 'si';
}
