/**
 * Ion identity. Files name ions in several spellings (`Li-`, `^7Li-`, `7Li-`, `PO_2-`, `PO2-`);
 * matching goes through one canonical key so that a stack definition written by a scientist
 * finds the column an instrument wrote.
 */
export interface IonChannel {
  /** Label as written in the source file, e.g. `PO_2-`, `^6Li-`. */
  label: string;
  /** Nominal or calibrated m/z of the peak; null where the file gives none (ratio columns). */
  mz: number | null;
}

/**
 * Canonical key of an ion label: no underscores, carets or spaces, and a bare mass number of
 * the most abundant isotope dropped for the elements we meet (`7Li` ≡ `Li`), charge sign kept.
 */
export function ionKey(label: string): string {
  let key = label.replace(/[\s_^{}]/g, '');
  for (const [isotope, element] of MAJOR_ISOTOPES) {
    if (key.startsWith(isotope)) key = element + key.slice(isotope.length);
  }
  return key;
}

// Only the most abundant isotope may lose its mass number; 6Li, 13C, 29Si stay distinct.
const MAJOR_ISOTOPES: ReadonlyArray<[string, string]> = [
  ['7Li', 'Li'],
  ['12C', 'C'],
  ['16O', 'O'],
  ['28Si', 'Si'],
  ['31P', 'P'],
  ['52Cr', 'Cr'],
  ['56Fe', 'Fe'],
  ['58Ni', 'Ni'],
];

/**
 * Index of the ion that `query` names, by label (canonical key) or, for a number, by m/z within
 * `mzToleranceDa`. Returns -1 when none matches. A query with no charge sign matches either sign.
 */
export function findIon(ions: readonly IonChannel[], query: string | number, mzToleranceDa = 0.05): number {
  if (typeof query === 'number') {
    let best = -1;
    let bestErr = mzToleranceDa;
    ions.forEach((ion, i) => {
      if (ion.mz === null) return;
      const err = Math.abs(ion.mz - query);
      if (err <= bestErr) {
        best = i;
        bestErr = err;
      }
    });
    return best;
  }
  const wanted = ionKey(query);
  const exact = ions.findIndex((ion) => ionKey(ion.label) === wanted);
  if (exact >= 0 || /[+-]$/.test(wanted)) return exact;
  return ions.findIndex((ion) => ionKey(ion.label).replace(/[+-]$/, '') === wanted);
}
