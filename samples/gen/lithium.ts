/**
 * Where the Li is, per state (DOMAIN.md §3). Concentrations are in relative units (Li3PO4 = 1),
 * given per layer as components: a depth shape inside the layer times a lateral map of mean 1.
 *
 * On charge Li leaves LiFePO4 (more near the electrolyte, which it reaches first); a third of it
 * plates into the steel CC/AAM as islands concentrated at the SE/steel interface and two thirds
 * form an SEI at the top of the Li3PO4. Li is conserved: concentration × thickness moved out of the
 * CAM equals what arrives (with the default thicknesses). On discharge 85 % goes back; what
 * stays keeps the islands' pattern.
 */
import { islands, sampleGrid, smoothField, toUnitMean } from './fields.js';
import { rngFor } from './random.js';

export const STATES = ['pristine', 'charged', 'discharged'] as const;
export type StateName = (typeof STATES)[number];

export interface LiComponent {
  role: string;
  name: string;
  /** Concentration at relative depth u ∈ [0, 1] inside the layer (0 = top). */
  depthShape: (u: number) => number;
  /** Lateral map, width × height, mean 1. */
  lateral: Float64Array;
}

const BASE_LEVEL: Record<string, number> = { cc_aam: 0.02, sei_se: 1.0, cam: 0.6, cc: 0.01, substrate: 0.003 };

interface StateLevels {
  camLevel: number;
  /** Slope of the CAM's Li with depth: level × (1 − slope/2 + slope·u). */
  camSlope: number;
  /** Mean plated Li in CC/AAM, concentrated at its bottom. */
  plated: number;
  /** Mean extra Li (SEI) in SEI/SE, concentrated at its top. */
  sei: number;
}

// cam loss × 600 nm = plated × 150 nm + sei × 200 nm (Li conserved with the default thicknesses).
const LEVELS: Record<StateName, StateLevels> = {
  pristine: { camLevel: 0.6, camSlope: 0, plated: 0, sei: 0 },
  charged: { camLevel: 0.35, camSlope: 0.4, plated: 1 / 3, sei: 0.5 },
  discharged: { camLevel: 0.5625, camSlope: 0.1, plated: 0.05, sei: 0.075 },
};

export function stateLevels(state: StateName): StateLevels {
  return LEVELS[state];
}

/** Plated Li piles up at the SE/steel interface (u = 1): exponential, mean 1 over the layer. */
const PLATING_DECAY = 0.3;
function platingShape(u: number): number {
  return Math.exp((u - 1) / PLATING_DECAY) / (PLATING_DECAY * (1 - Math.exp(-1 / PLATING_DECAY)));
}

/** Smooth lateral map of mean 1 and coefficient of variation ≈ cv. */
function smoothMap(seed: number, label: string, width: number, height: number, cv: number): Float64Array {
  const f = smoothField(rngFor(seed, label));
  return toUnitMean(sampleGrid(width, height, (u, v) => Math.max(0.05, 1 + cv * f.at(u, v))));
}

export function liComponents(
  seed: number,
  state: StateName,
  roles: readonly string[],
  width: number,
  height: number,
  lateralScale = 1,
): LiComponent[] {
  const lv = LEVELS[state];
  const comps: LiComponent[] = [];
  for (const role of roles) {
    const base = BASE_LEVEL[role] ?? 0;
    const level = role === 'cam' ? lv.camLevel : base;
    const slope = role === 'cam' ? lv.camSlope : 0;
    comps.push({
      role,
      name: `${role}:host`,
      depthShape: (u) => level * (1 - slope / 2 + slope * u),
      // The host distribution is the same cell in every state: its map depends on the seed only.
      lateral: smoothMap(seed, `li-host-${role}`, width, height, 0.05 * lateralScale),
    });
  }
  if (lv.plated > 0 && roles.includes('cc_aam')) {
    // Same islands in charged and discharged: stripping leaves Li where it plated.
    const isl = islands(rngFor(seed, 'li-plating-islands'), 5);
    const lateral = toUnitMean(sampleGrid(width, height, (u, v) => 0.15 + 2.5 * lateralScale * isl.at(u, v)));
    comps.push({ role: 'cc_aam', name: 'cc_aam:plated', depthShape: (u) => lv.plated * platingShape(u), lateral });
  }
  if (lv.sei > 0 && roles.includes('sei_se')) {
    comps.push({
      role: 'sei_se',
      name: 'sei_se:sei',
      depthShape: (u) => lv.sei * (1.6 - 1.2 * u),
      lateral: smoothMap(seed, 'li-sei', width, height, 0.15 * lateralScale),
    });
  }
  return comps;
}
