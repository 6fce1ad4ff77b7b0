import { CU_K_ALPHA, type MaskRange, type XrdOptics, type XrdWavelength } from '../model/xrdPattern.js';
import { braggTwoThetaDeg } from './phases.js';
import { anodeOf, filterEdgeA } from './radiation.js';

export type { MaskRange };

/** Si lattice parameter, Å (a = 5.4309 Å at room temperature). */
const SI_A = 5.4309;

/** 2θ (deg) of the wafer's Si (400), d = a/4, for a wavelength; null beyond reach (λ > 2d). */
export const si400TwoThetaDeg = (lambdaA: number): number | null => braggTwoThetaDeg(SI_A / 4, lambdaA);

const roundCentiDeg = (deg: number): number => Math.round(deg * 100) / 100;

/**
 * Si (400) of a (100) wafer (d = a/4) where this pattern's wavelength puts it: from 0.7° below
 * its Kα1 line to 0.7° above it or 0.5° above its Kα2 companion, whichever is farther, covering
 * both and the wings of a single-crystal reflection (68.43–69.83° for Cu; 82.4° for Co, 30.3°
 * for Mo: a mask fixed at the Cu angles hid a film's region and left the wafer's reflection
 * to be fitted and indexed). Null where the wavelength cannot reach it (λ > 2d).
 */
export function siSubstrateMask(wavelength: XrdWavelength): MaskRange | null {
  const alpha1 = si400TwoThetaDeg(wavelength.alpha1A);
  if (alpha1 === null) return null;
  const alpha2 = (wavelength.alpha2A !== undefined ? si400TwoThetaDeg(wavelength.alpha2A) : null) ?? alpha1;
  return { fromDeg: roundCentiDeg(alpha1 - 0.7), toDeg: roundCentiDeg(Math.max(alpha1 + 0.7, alpha2 + 0.5)), label: 'Si (400) substrate' };
}

/** The Si (400) mask for Cu Kα, 68.43–69.83° (Kα1 at 69.13°, Kα2 at 69.33°). */
export const SI_400_MASK: MaskRange = siSubstrateMask(CU_K_ALPHA)!;

/**
 * How the beam's optics shape what the wafer leaves besides its reflection: a β filter
 * ('filter'), a monochromator crystal ('monochromator'), known to have neither ('neither'), or
 * not recorded ('unknown', also where a pattern carries no optics).
 */
export type OpticsCase = 'filter' | 'monochromator' | 'neither' | 'unknown';

export function opticsCase(optics: XrdOptics | null | undefined): OpticsCase {
  if (!optics || !optics.known) return 'unknown';
  if (optics.monochromator) return 'monochromator';
  return optics.kBetaFilter ? 'filter' : 'neither';
}

/**
 * What a single-crystal wafer's Si (400) leaves besides itself, where the tube is a known anode,
 * as the beam's optics decide (`optics` from the file, see core/io/xrd/optics.ts):
 * - β filter: its Kβ line (the filter weakens Kβ some hundredfold; the wafer's reflection is
 *   strong enough that it still stands out, ±0.5°), and the filter's absorption edge, which cuts
 *   the continuum the wafer diffracts into a step at the edge's angle (the recorded filter's edge
 *   where it is a usual one). From 0.2° below the edge to the reflection's own mask: the wafer
 *   diffracts the continuum the filter passes at every angle from its edge to the Kα line, and the
 *   line's wings rise on it. On gredig_2Theta.asc (FILTER = Cu_K-beta) the two were fitted as
 *   film peaks, at 61.70° (sized 107 nm) and 66.74°; the counts stand at 2.6× the background from
 *   the edge (66.4°) to the reflection, and masked only to 0.8° past the edge, that plateau was
 *   in the fit window of the Au (220) at 64.6°, which it widened from ~0.43° to 1.37°.
 * - monochromator (before or after the sample): neither: a crystal set to Kα passes no Kβ, and
 *   no continuum step at an edge it does not have.
 * - neither (no filter, no monochromator recorded): the Kβ line only, unfiltered (about a fifth of
 *   Kα), so masked as wide as the Kα1 line's ±0.7°; no edge.
 * - not recorded: as with a β filter, the usual laboratory optics, and the labels say so.
 * Each label carries the reason (what `strata xrd` prints); `name` is the bare name for figures.
 */
export function siSubstrateCompanions(wavelength: XrdWavelength, optics?: XrdOptics | null): MaskRange[] {
  const beta = anodeOf(wavelength.alpha1A)?.beta;
  const line = beta ? si400TwoThetaDeg(beta.kBetaA) : null;
  if (!beta || line === null) return [];
  const how = opticsCase(optics);
  if (how === 'monochromator') return [];
  // The filter recorded as none, the monochromators not: no edge, and Kβ masked as if unfiltered
  // (a monochromator would remove it; none recorded, it may be there at full strength).
  const noFilterRecorded = how === 'unknown' && optics?.filterRecorded === true && optics.kBetaFilter === null;
  if (how === 'neither' || noFilterRecorded) {
    const name = 'Si (400) Kβ';
    const why = how === 'neither' ? 'no β filter or monochromator recorded: unfiltered Kβ' : 'no β filter recorded, monochromators not recorded: unfiltered Kβ assumed';
    return [{ fromDeg: roundCentiDeg(line - 0.7), toDeg: roundCentiDeg(line + 0.7), label: `${name} (${why})`, name }];
  }
  // A filter the file names, with or without the monochromators recorded.
  const recorded = how === 'filter' || (how === 'unknown' && optics?.filterRecorded === true) ? optics!.kBetaFilter : null;
  // The recorded filter's edge where it is one of the usual filters, else the anode's usual one.
  const filter = recorded !== null && filterEdgeA(recorded) !== undefined ? recorded : beta.filter;
  const edge = si400TwoThetaDeg(filterEdgeA(filter) ?? beta.edgeA);
  const why =
    recorded !== null
      ? `${recorded} β filter recorded${how === 'unknown' ? ', monochromators not recorded' : ''}${filter !== recorded ? `: edge taken as ${filter}'s` : ''}`
      : 'optics not recorded: β filter assumed';
  const masks: MaskRange[] = [{ fromDeg: roundCentiDeg(line - 0.5), toDeg: roundCentiDeg(line + 0.5), label: `Si (400) Kβ (${why})`, name: 'Si (400) Kβ' }];
  if (edge !== null) {
    // Up to the reflection's mask (the edge is on its low-angle side: a β filter's edge lies
    // between the anode's Kβ and Kα), and at least 0.8° past the edge.
    const toDeg = Math.max(edge + 0.8, siSubstrateMask(wavelength)?.fromDeg ?? -Infinity);
    masks.push({ fromDeg: roundCentiDeg(edge - 0.2), toDeg: roundCentiDeg(toDeg), label: `Si (400) ${filter} edge (${why})`, name: `Si (400) ${filter} edge` });
  }
  return masks;
}

/**
 * The substrate masks for a set of patterns (a waterfall): the first's wavelength, Cu Kα where it
 * gives none, and its optics (not recorded where absent). With a monochromator the wafer's
 * reflection is masked alone, and its label says why.
 */
export function siSubstrateMasks(wavelength: XrdWavelength | null | undefined, optics?: XrdOptics | null): MaskRange[] {
  const w = wavelength ?? CU_K_ALPHA;
  const mask = siSubstrateMask(w);
  if (!mask) return [];
  const companions = siSubstrateCompanions(w, optics);
  if (opticsCase(optics) === 'monochromator' && anodeOf(w.alpha1A)?.beta) {
    const where = optics!.monochromator === 'incident' ? 'incident-beam' : 'diffracted-beam';
    return [{ ...mask, label: `${mask.label} (${where} monochromator recorded: no Kβ line or filter edge)`, name: mask.label }];
  }
  return [...companions, mask];
}

/** W Lα1, Å: tungsten from the cathode, deposited on an ageing tube's anode, emits it whatever the anode. */
export const W_L_ALPHA1_A = 1.47642;

/** 2θ (deg) of the wafer's Si (400) in W Lα1 light: 65.87°, for any anode (the line is tungsten's). */
export const SI_400_W_L_ALPHA1_DEG = si400TwoThetaDeg(W_L_ALPHA1_A)!;

/** The bare name of the tungsten-line mask analysis adds where it finds the line (analyze.ts). */
export const SI_400_W_L_ALPHA_NAME = 'Si (400) W Lα1';

/**
 * One label per cluster of masks (nearer each other than `gapDeg`), so that the wafer's
 * reflection, its Kβ line and its filter edge, 1–7° apart, are named once and not in three
 * labels printed over each other: "Si (400) + Kβ, Ni edge, masked". Names that share their
 * first words say them once; a lone mask reads "Si (400), masked".
 */
export function maskLabels(masks: readonly MaskRange[], gapDeg = 8): { fromDeg: number; toDeg: number; text: string }[] {
  const sorted = [...masks].sort((a, b) => a.fromDeg - b.fromDeg);
  const groups: MaskRange[][] = [];
  for (const m of sorted) {
    const last = groups[groups.length - 1];
    if (last && m.fromDeg - Math.max(...last.map((x) => x.toDeg)) < gapDeg) last.push(m);
    else groups.push([m]);
  }
  const nameOf = (m: MaskRange): string => (m.name ?? m.label).replace(/\s*substrate\s*$/i, '');
  return groups.map((g) => {
    const names = g.map(nameOf).filter((n) => n !== '');
    const fromDeg = Math.min(...g.map((m) => m.fromDeg));
    const toDeg = Math.max(...g.map((m) => m.toDeg));
    if (names.length === 0) return { fromDeg, toDeg, text: 'masked' };
    // The words every name starts with ("Si (400)"), then what each adds ("Kβ", "Ni edge").
    const words = names.map((n) => n.split(' '));
    let common = 0;
    while (words.every((w) => w.length > common && w[common] === words[0][common])) common++;
    const base = words[0].slice(0, common).join(' ');
    const extras = words.map((w) => w.slice(common).join(' ')).filter((e) => e !== '');
    const text = names.length === 1 || !base ? names.join(', ') : extras.length ? `${base} + ${extras.join(', ')}` : base;
    return { fromDeg, toDeg, text: `${text}, masked` };
  });
}

/** true for every point inside any mask. */
export function maskedPoints(twoThetaDeg: ArrayLike<number>, masks: readonly MaskRange[]): boolean[] {
  return Array.from(twoThetaDeg, (x) => masks.some((m) => x >= Math.min(m.fromDeg, m.toDeg) && x <= Math.max(m.fromDeg, m.toDeg)));
}

/**
 * Masked points replaced by a straight line between the nearest unmasked neighbours, so a huge
 * substrate reflection cannot drag a background estimate or a normalisation.
 */
export function bridgeMasked(intensity: ArrayLike<number>, masked: readonly boolean[]): Float64Array {
  const out = Float64Array.from(intensity);
  const n = out.length;
  let i = 0;
  while (i < n) {
    if (!masked[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && masked[j]) j++;
    const left = i > 0 ? out[i - 1] : j < n ? out[j] : 0;
    const right = j < n ? out[j] : left;
    for (let k = i; k < j; k++) out[k] = left + ((right - left) * (k - i + 1)) / (j - i + 1);
    i = j;
  }
  return out;
}
