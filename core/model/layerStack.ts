/**
 * The layer stack is data, never code: layers listed top-down (the order the sputter beam
 * meets them), each with the ions that mark it. The paper's cell is only the default preset.
 */
import { formulaNotation } from './formula.js';
import { SOLAR_PRESETS } from './stackPresets.js';

export interface LayerDef {
  /** Stable id used in reports, e.g. `cc_aam`, `sei_se`, `cam`. */
  role: string;
  /** Label for figures, e.g. `CC/AAM`. */
  label: string;
  material: string;
  /** Ions whose signal is high inside this layer (labels as in `ionKey`, e.g. `Cr-`, `PO2-`). */
  markerIons: string[];
  /** Expected thickness, nm, when known in advance (a typed-in value, a deposition target). */
  nominalThicknessNm?: number;
  /** True for the bulk below the stack (substrate): it has no bottom interface in a profile. */
  isSubstrate?: boolean;
}

export interface LayerStack {
  id: string;
  name: string;
  layers: LayerDef[];
  /** The ion whose distribution the study is about (Li− by default for batteries). */
  analyteIon?: string;
  /** Reference ion for normalisation, when the user prefers one to the total ion count. */
  referenceIon?: string;
}

/** The paper's anode-free cell (DOMAIN.md §1), negative ions with Cs+ sputtering. */
export const PAPER_ANODE_FREE: LayerStack = {
  id: 'anode-free-ss-lfp',
  name: 'Anode-free SS / Li3PO4 / LiFePO4 / SS on SiO2/Si (Megersa et al. 2025)',
  analyteIon: 'Li-',
  layers: [
    { role: 'cc_aam', label: 'CC/AAM', material: 'stainless steel (SUS316, amorphous)', markerIons: ['Cr-', 'Ni-', 'CrO-', 'NiO-', 'C-'], nominalThicknessNm: 150 },
    { role: 'sei_se', label: 'SEI/SE', material: 'Li3PO4 with SEI', markerIons: ['PO2-', 'PO3-'], nominalThicknessNm: 200 },
    { role: 'cam', label: 'CAM', material: 'LiFePO4', markerIons: ['FeO-', 'Fe-'], nominalThicknessNm: 600 },
    { role: 'cc', label: 'CC', material: 'stainless steel (SUS316)', markerIons: ['Cr-', 'Ni-', 'CrO-', 'NiO-'], nominalThicknessNm: 150 },
    { role: 'substrate', label: 'SiO2/Si', material: 'SiO2 (200 nm) on Si', markerIons: ['Si-', 'SiO2-'], nominalThicknessNm: 200, isSubstrate: true },
  ],
};

/**
 * Every preset, by id: the paper's cell and the solar-cell stacks of the real test files. All
 * listed here, not registered by a module's side effect: a command that loaded that module late
 * (the CLI loads its work on demand) found only some of them.
 */
export const STACK_PRESETS: Record<string, LayerStack> = Object.fromEntries([PAPER_ANODE_FREE, ...SOLAR_PRESETS].map((s) => [s.id, s]));

export const DEFAULT_STACK_ID = PAPER_ANODE_FREE.id;

/** Each layer's label by its role: what figures, tables and the CLI's text name the layers by. */
export function layerLabels(stack: Pick<LayerStack, 'layers'>): Record<string, string> {
  return Object.fromEntries(stack.layers.map((l) => [l.role, l.label]));
}

/**
 * A layer as text written for people names it (warnings, the CLI's tables): its label in
 * formula notation (SiO₂/Si), as figures and the workbench draw it; the role id where the
 * stack has no such layer. JSON fields and CSV columns keep role ids.
 */
export function layerName(stack: { readonly layers: readonly Pick<LayerDef, 'role' | 'label'>[] }, role: string): string {
  const label = stack.layers.find((l) => l.role === role)?.label;
  return label === undefined ? role : formulaNotation(label);
}
