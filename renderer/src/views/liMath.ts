import type { AnalyzeOverrides, StudySummary } from '../../../core/api/contract.js';
import type { Report } from '../../../core/model/report.js';
import { referenceStateOf } from '../../../core/model/report.js';
import { ionKey } from '../../../core/model/ions.js';
import { stateIonLabels } from '../analyteChoice.js';

/** The Li dashboard's arithmetic and choices, free of the DOM (tested in test/renderer). */

export type Normalization = Pick<AnalyzeOverrides, 'normalization' | 'referenceIon'>;

/** What the report's counts were divided by (its SIMS states all ran with the same parameters). */
export function reportNormalization(report: Report | null): Normalization {
  const p = report?.states.find((st) => st.sims?.parameters)?.sims?.parameters;
  const mode = p?.normalization === 'tic' || p?.normalization === 'reference' ? p.normalization : 'none';
  return mode === 'reference' && typeof p?.referenceIon === 'string' ? { normalization: mode, referenceIon: p.referenceIon } : { normalization: mode };
}

/**
 * Ions a reference may be: those every state's depth profile has (the analysis divides by the
 * profile's ion, so a state without it would fail), the analyte itself left out.
 */
export function referenceIons(study: StudySummary, analyte: string): string[] {
  // A state's ions: its depth profile's, else its ion stack's (a study of stacks alone offered no
  // ion to normalise by).
  const perState = stateIonLabels(study);
  const keys = perState.map((labels) => new Set(labels.map(ionKey)));
  return (perState[0] ?? []).filter((ion) => ionKey(ion) !== ionKey(analyte) && keys.every((k) => k.has(ionKey(ion))));
}

/** The select's value for a normalisation: 'none', 'tic' or 'ion:<label as the data name it>'. */
export const choiceOf = (n: Normalization): string => (n.normalization === 'reference' && n.referenceIon ? `ion:${n.referenceIon}` : n.normalization ?? 'none');

/**
 * The state the changes are measured against, as "Compare against" shows it: the user's choice
 * once made (it shows while the analysis runs), else the report's (study.json's or the default);
 * undefined before there is either.
 */
export function referenceChoice(overrides: AnalyzeOverrides, report: Report | null): string | undefined {
  return overrides.referenceState ?? (report ? referenceStateOf(report) : undefined);
}

/**
 * The states "Compare against" offers: those with Li per layer in the report (a state without
 * has nothing to compare with), in the report's order; without a report (a failed analysis, to
 * be undone here), every state of the study. The one in force is offered too where it is
 * neither, so the select shows it.
 */
export function referenceStateChoices(study: StudySummary, report: Report | null, current: string | undefined): string[] {
  const states = report ? report.states.filter((st) => st.sims?.li.length).map((st) => st.state) : study.states.map((st) => st.state);
  return current !== undefined && !states.includes(current) ? [...states, current] : states;
}

/** A ratio a/b with σ from both (independent): r·√((σa/a)² + (σb/b)²). */
export function ratioWithSigma(a: number, sa: number, b: number, sb: number): { value: number; sigma: number } | null {
  if (!(a > 0 && b > 0)) return null;
  const value = a / b;
  return { value, sigma: value * Math.hypot(sa / a, sb / b) };
}

/** Least room right of a bar chart for its legend, px. */
export const LEGEND_MIN_PX = 170;

/**
 * Room right of a bar chart for a legend of `keys` at `fontPx` (a 12 px swatch, a gap, the text at
 * ≈ 0.6 em a character): a fixed 170 px cut "charged-1C − as-deposited" to "charged-1C − as-depos".
 */
export function legendRoomPx(keys: readonly string[], fontPx = 12): number {
  const longest = Math.max(0, ...keys.map((k) => [...k].length));
  return Math.max(LEGEND_MIN_PX, Math.ceil(28 + 0.6 * fontPx * longest + 8));
}
