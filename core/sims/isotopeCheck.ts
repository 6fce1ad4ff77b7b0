/**
 * Saturation seen through isotope ratios. A detector that counts at most one ion per pulse
 * loses more of a strong signal than of its weak isotope, so where the major isotope saturates,
 * minor/major rises above the natural ratio. Profiles exported "Poisson corrected" can still be
 * saturated (the correction cannot restore a signal at its ceiling): a real CIGS profile had
 * ¹¹³In/In at 0.12 against 0.045 natural, so In⁺ was under-counted ~3× where the absorber is,
 * and the interfaces it marks shift. This checks every element whose two isotopes are both in
 * the profile; it changes no number, it warns.
 */
import type { IonChannel } from '../model/ions.js';
import { findIon, ionKey, ionNotation } from '../model/ions.js';
import { median } from './interfaces.js';

/** Natural ⁶Li/⁷Li (DOMAIN.md §2): also what a saturated ⁷Li pixel is estimated from (analyze.ts). */
export const LI6_PER_LI7 = 0.0811;

/**
 * The minor isotope that stands in for a saturated analyte (analyze.ts), or false: ⁶Li ÷ 0.0811
 * for ⁷Li alone (`Li-`, `^7Li-`, `7Li+`: ionKey drops the major isotope's mass), in its charge.
 * ⁶Li itself, Na⁺ or any other analyte has no stand-in: its counts are taken as they are.
 */
export function minorIsotopeStandIn(analyteIon: string): { ion: string; abundanceRatio: number } | false {
  const key = ionKey(analyteIon);
  return /^Li[+-]?$/.test(key) ? { ion: `6${key}`, abundanceRatio: LI6_PER_LI7 } : false;
}

/**
 * Natural minor/major abundance ratios (IUPAC 2013 representative isotopic compositions), by
 * element: the major isotope's mass is dropped in the files' labels (`In+` is ¹¹⁵In⁺).
 */
const ISOTOPE_PAIRS: ReadonlyArray<{ element: string; minorMass: number; ratio: number }> = [
  { element: 'Li', minorMass: 6, ratio: LI6_PER_LI7 },
  { element: 'B', minorMass: 10, ratio: 0.2484 },
  { element: 'Mg', minorMass: 25, ratio: 0.1266 },
  { element: 'Si', minorMass: 29, ratio: 0.0508 },
  { element: 'Cr', minorMass: 53, ratio: 0.1134 },
  { element: 'Fe', minorMass: 54, ratio: 0.0637 },
  { element: 'Ni', minorMass: 60, ratio: 0.3852 },
  { element: 'Cu', minorMass: 65, ratio: 0.4457 },
  { element: 'Zn', minorMass: 66, ratio: 0.564 },
  { element: 'Ga', minorMass: 71, ratio: 0.6636 },
  { element: 'Se', minorMass: 78, ratio: 0.4757 },
  { element: 'Mo', minorMass: 94, ratio: 0.3752 },
  { element: 'In', minorMass: 113, ratio: 0.0448 },
];

/** Minor/major this many times the natural ratio is saturation, not an isotope effect. */
const SATURATED_RATIO = 1.5;
/** Scans where the minor isotope has at least this many counts (its own noise small). */
const MIN_MINOR_COUNTS = 100;

export interface IsotopeSaturation {
  ion: string;
  minorIon: string;
  /** Median minor/major over the scans where the major is within half of its maximum. */
  measuredRatio: number;
  naturalRatio: number;
  /** First and last scan time of those scans, s. */
  fromS: number;
  toS: number;
}

/**
 * Elements whose minor/major ratio, where the major is strong (≥ half its maximum) and the minor
 * has counts enough, is ≥ 1.5× natural. Both signals as the analysis uses them (after any
 * dead-time correction): a correction that worked leaves the natural ratio.
 */
export function isotopeSaturation(timeS: ArrayLike<number>, ions: readonly IonChannel[], values: readonly ArrayLike<number>[]): IsotopeSaturation[] {
  const found: IsotopeSaturation[] = [];
  for (const sign of ['+', '-']) {
    for (const pair of ISOTOPE_PAIRS) {
      const major = findIon(ions, `${pair.element}${sign}`);
      const minor = findIon(ions, `${pair.minorMass}${pair.element}${sign}`);
      if (major < 0 || minor < 0 || major === minor) continue;
      const a = values[major];
      const b = values[minor];
      let max = 0;
      for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
      const ratios: number[] = [];
      let fromS = Infinity;
      let toS = -Infinity;
      for (let i = 0; i < a.length; i++) {
        if (!(a[i] >= 0.5 * max) || !(b[i] >= MIN_MINOR_COUNTS)) continue;
        ratios.push(b[i] / a[i]);
        fromS = Math.min(fromS, timeS[i]);
        toS = Math.max(toS, timeS[i]);
      }
      if (ratios.length < 3) continue;
      const measuredRatio = median(ratios);
      if (measuredRatio >= SATURATED_RATIO * pair.ratio) found.push({ ion: ions[major].label, minorIon: ions[minor].label, measuredRatio, naturalRatio: pair.ratio, fromS, toS });
    }
  }
  return found;
}

/** The warning for one saturated element. */
export function isotopeSaturationWarning(s: IsotopeSaturation): string {
  const factor = s.measuredRatio / s.naturalRatio;
  return `${ionNotation(s.ion)} looks saturated at ${s.fromS.toFixed(0)}–${s.toS.toFixed(0)} s: ${ionNotation(s.minorIon)}/${ionNotation(s.ion)} is ${s.measuredRatio.toPrecision(2)} where ${ionNotation(s.ion)} is strong, against ${s.naturalRatio} natural, so ${ionNotation(s.ion)} is under-counted there (~${factor.toPrecision(2)}×) and interfaces it marks may be shifted`;
}
