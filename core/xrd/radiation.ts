/**
 * The radiation a 2θ axis is read in, for axis labels: angles mean nothing without it.
 * Kα1 wavelengths (Å) of the usual anodes (Hölzer et al. 1997; Mo, Ag: Deslattes et al. 2003).
 */
const ANODES: ReadonlyArray<[string, number]> = [
  ['Cu', 1.540593],
  ['Co', 1.78897],
  ['Mo', 0.70932],
  ['Cr', 2.2897],
  ['Fe', 1.93604],
  ['Ag', 0.55941],
];

/** "Cu Kα" for a known anode's Kα1, else "λ = 1.2345 Å"; "Cu Kα, assumed" where the file gave none. */
export function radiationLabel(alpha1A: number | null | undefined): string {
  if (alpha1A === null || alpha1A === undefined) return 'Cu Kα, assumed';
  const anode = ANODES.find(([, lambdaA]) => Math.abs(lambdaA - alpha1A) < 2e-3);
  return anode ? `${anode[0]} Kα` : `λ = ${alpha1A.toFixed(4)} Å`;
}
