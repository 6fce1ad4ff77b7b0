/**
 * Chemical formulae in labels as chemists write them, for display: `SiO2/Si` → `SiO₂/Si`,
 * `Li3PO4` → `Li₃PO₄`. Stored labels keep their plain spelling (files, reports and matching use
 * it); figures draw this form. Ions (charge, mass number) are ionNotation's (ions.ts).
 */

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

const ELEMENTS = new Set(
  ('H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
    'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm ' +
    'Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No ' +
    'Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og').split(' '),
);

/** A word that may be a formula: letters, digits, brackets, and a decimal point inside a number. */
const WORD = /(?:[A-Za-z0-9()]|\.(?=\d))+/g;

/**
 * One part of a formula: an element symbol or a bracket, with an optional count. Counts have at
 * most two digits (and may be decimal, Li0.5CoO2), so alloy grades (SS316, SUS304) are not read
 * as formulae.
 */
const PART = /([A-Z][a-z]?|\(|\))(\d{1,2}(?:\.\d+)?)?/y;

/** The word with its counts subscripted, or null when it is not a formula. */
function formulaWord(word: string): string | null {
  let out = '';
  let elements = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < word.length) {
    const m = PART.exec(word);
    if (!m) return null;
    const [, symbol, count] = m;
    if (symbol === '(') {
      if (count) return null; // "(400)" is a reflection, not a count
    } else if (symbol !== ')') {
      if (!ELEMENTS.has(symbol)) return null;
      elements++;
    }
    out += symbol + (count ? count.replace(/\d/g, (d) => SUBSCRIPT[Number(d)]) : '');
  }
  // One symbol with a number is more often a name (sample B2, layer S1) than a formula.
  return elements >= 2 ? out : null;
}

/**
 * The label with each formula-like word's counts subscripted: digits that follow an element
 * symbol or `)` in a word made only of element symbols, brackets and counts, with at least two
 * element symbols (SiO2, Li3PO4, Ca3(PO4)2). Anything else is left as written: `CC/AAM`,
 * `Layer 2`, `2θ`, `600 nm`, `Si (400)`, `SS316`.
 */
export function formulaNotation(label: string): string {
  return label.replace(WORD, (word) => formulaWord(word) ?? word);
}
