/**
 * The usual anodes: Kα1 (Hölzer et al. 1997; Mo, Ag: Deslattes et al. 2003), and where a β filter
 * is the rule, its Kβ1 line and the filter's K absorption edge (12.3984 / E_edge in keV: Ni 8.333,
 * Fe 7.112, Zr 17.998, V 5.465, Mn 6.539 keV), Å.
 */
export interface Anode {
  anode: string;
  alpha1A: number;
  beta?: { kBetaA: number; edgeA: number; filter: string };
}

const ANODES: readonly Anode[] = [
  { anode: 'Cu', alpha1A: 1.540593, beta: { kBetaA: 1.392218, edgeA: 1.48787, filter: 'Ni' } },
  { anode: 'Co', alpha1A: 1.78897, beta: { kBetaA: 1.62083, edgeA: 1.74331, filter: 'Fe' } },
  { anode: 'Mo', alpha1A: 0.70932, beta: { kBetaA: 0.632305, edgeA: 0.68887, filter: 'Zr' } },
  { anode: 'Cr', alpha1A: 2.2897, beta: { kBetaA: 2.08492, edgeA: 2.26867, filter: 'V' } },
  { anode: 'Fe', alpha1A: 1.93604, beta: { kBetaA: 1.756604, edgeA: 1.89607, filter: 'Mn' } },
  { anode: 'Ag', alpha1A: 0.55941 },
];

/** A β filter's K absorption edge, Å, by its element ('Ni' → 1.48787), for the usual filters above; undefined for others. */
export function filterEdgeA(material: string | null | undefined): number | undefined {
  return ANODES.find((a) => a.beta?.filter === material)?.beta?.edgeA;
}

/** The anode whose Kα1 this is (within 0.002 Å), if a usual one. */
export function anodeOf(alpha1A: number): Anode | undefined {
  return ANODES.find((a) => Math.abs(a.alpha1A - alpha1A) < 2e-3);
}

/** "Cu Kα" for a known anode's Kα1, else "λ = 1.2345 Å"; "Cu Kα, assumed" where the file gave none: angles mean nothing without it. */
export function radiationLabel(alpha1A: number | null | undefined): string {
  if (alpha1A === null || alpha1A === undefined) return 'Cu Kα, assumed';
  const anode = anodeOf(alpha1A);
  return anode ? `${anode.anode} Kα` : `λ = ${alpha1A.toFixed(4)} Å`;
}
