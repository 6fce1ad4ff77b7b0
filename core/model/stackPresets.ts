/**
 * Stack presets for the real ToF-SIMS test files (../shared/data/sims/): solar cells measured
 * in positive polarity. Layers top-down as the sputter beam meets them; marker ions chosen from
 * the signals the exports hold and where they plateau.
 */
// A type import only: layerStack.ts imports these presets into STACK_PRESETS.
import type { LayerStack } from './layerStack.js';

/**
 * Perovskite solar cell with its Au electrode (UHasselt export, positive ions): Au back
 * electrode, spiro-OMeTAD hole transporter (aromatic fragments, C+), the Cs/FA lead-iodide
 * perovskite, the ITO front contact (In, InO, Sn), the glass.
 */
export const PEROVSKITE_PSC_POS: LayerStack = {
  id: 'perovskite-psc-pos',
  name: 'Perovskite solar cell: Au / spiro-OMeTAD / perovskite / ITO / glass (positive ions)',
  layers: [
    { role: 'electrode', label: 'Au', material: 'gold electrode', markerIons: ['Au+', 'Au_2+', 'Au_3+'], nominalThicknessNm: 80 },
    { role: 'htl', label: 'HTL', material: 'spiro-OMeTAD', markerIons: ['C+', 'C_2+', 'C_3+', 'C_6H_5+', 'C_6H_3+'], nominalThicknessNm: 200 },
    { role: 'absorber', label: 'Perovskite', material: 'Cs/FA lead iodide perovskite', markerIons: ['Pb+', 'PbI+', 'CH_5N_2+', 'I+'], nominalThicknessNm: 500 },
    { role: 'tco', label: 'ITO', material: 'indium tin oxide (with SnO2 transport layer)', markerIons: ['In+', 'InO+', 'O+'], nominalThicknessNm: 150 },
    { role: 'substrate', label: 'Glass', material: 'glass', markerIons: ['Si+'], isSubstrate: true },
  ],
};

/**
 * CIGS solar cell (grapa example, positive ions): MgF2 anti-reflection coating, ZnO:Al / i-ZnO
 * window with the thin CdS buffer below it, the Cu(In,Ga)Se2 absorber, the Mo back contact
 * (Na diffused from the glass shows up there). The profile ends inside the Mo.
 */
export const CIGS_POS: LayerStack = {
  id: 'cigs-pos',
  name: 'CIGS solar cell: MgF2 / ZnO:Al / CdS / Cu(In,Ga)Se2 / Mo (positive ions)',
  layers: [
    { role: 'arc', label: 'MgF2', material: 'MgF2 anti-reflection coating', markerIons: ['Mg+', '^25Mg+', 'F+'], nominalThicknessNm: 100 },
    { role: 'window', label: 'ZnO:Al/CdS', material: 'ZnO:Al, i-ZnO and CdS buffer', markerIons: ['Al+', 'Zn+', '^66Zn+'], nominalThicknessNm: 350 },
    { role: 'absorber', label: 'CIGS', material: 'Cu(In,Ga)Se2', markerIons: ['In+', 'Ga+', '^71Ga+', 'Cu+', 'Se+'], nominalThicknessNm: 2000 },
    { role: 'back_contact', label: 'Mo', material: 'molybdenum back contact', markerIons: ['Mo+', '^94Mo+'], nominalThicknessNm: 500, isSubstrate: true },
  ],
};

export const SOLAR_PRESETS: LayerStack[] = [PEROVSKITE_PSC_POS, CIGS_POS];
