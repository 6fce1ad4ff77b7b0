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

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '+': '⁺', '-': '⁻' };
const SUBSCRIPT: Record<string, string> = { '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉' };
/**
 * An ion written as a formula: a mass number (`^6`, or bare `6`), element symbols each with an
 * optional count (`_2` or `2`), a charge sign.
 */
const FORMULA = /^(?:\^(\d+)|(\d*))((?:[A-Z][a-z]?(?:_?\d+)?)+)([+-]?)$/;

/**
 * What an ion counts, as prose names it beside "per layer", "share", "across states": its
 * species without the charge, written as ionNotation writes it (`Li-`, `7Li-` and `Li+` → Li,
 * `Na+` → Na, `^6Li-` → ⁶Li, `PO_2-` → PO₂). The major isotope's mass number goes as ionKey drops
 * it, so the default analyte reads "Li", as every text said before the analyte could be another.
 * A label that is no formula (an m/z) is kept as written.
 */
export function speciesName(label: string): string {
  const key = ionKey(label);
  return FORMULA.test(key) ? ionNotation(key.replace(/[+-]$/, '')) : label.trim();
}

/** The charge most of these ion labels carry (the data's channels, a stack's marker ions). */
export function labelsPolarity(labels: readonly string[]): 'positive' | 'negative' | 'unknown' {
  const plus = labels.filter((l) => l.trim().endsWith('+')).length;
  const minus = labels.filter((l) => l.trim().endsWith('-')).length;
  return plus > minus ? 'positive' : minus > plus ? 'negative' : 'unknown';
}

/**
 * The analyte where nothing else chose one: the stack's `analyteIon`, else Li in the data's
 * polarity ("Li-" in a positive-ion profile was never there: "analyte Li- not in the data").
 */
export function defaultAnalyteIon(stack: { analyteIon?: string | null }, polarity: 'positive' | 'negative' | 'unknown'): string {
  return stack.analyteIon ?? (polarity === 'positive' ? 'Li+' : 'Li-');
}

/**
 * An ion label as chemists write it, for display: mass number and charge superscript, counts
 * subscript, whichever spelling the file used (`^6Li-` and `6Li-` → ⁶Li⁻, `PO_2-` and `PO2-` →
 * PO₂⁻, `^13CC_25H_21N_2+` → ¹³CC₂₅H₂₁N₂⁺). Each space-separated word that is a formula is
 * written so (`Cr+ / total` → `Cr⁺ / total`); anything else is left as the file wrote it. For
 * display only: matching goes through ionKey, and files and reports keep the label as read.
 */
export function ionNotation(label: string): string {
  return label
    .split(/(\s+)/)
    .map((word) => {
      const m = FORMULA.exec(word);
      if (!m) return word;
      const [, caretMass, bareMass, body, charge] = m;
      const mass = caretMass ?? bareMass;
      const counts = body.replace(/_?(\d+)/g, (_, digits: string) => [...digits].map((d) => SUBSCRIPT[d]).join(''));
      return [...mass].map((d) => SUPERSCRIPT[d]).join('') + counts + (charge ? SUPERSCRIPT[charge] : '');
    })
    .join('');
}
