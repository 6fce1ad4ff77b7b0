import type { AnalyzeOverrides, StrataProject, StudySummary } from '../../core/api/contract.js';
import { defaultAnalyteIon, ionKey, ionNotation, labelsPolarity } from '../../core/model/ions.js';
import type { Report } from '../../core/model/report.js';
import { analysedAnalyte } from '../../core/model/report.js';
import { studyWithStack } from './stackChoice.js';

/**
 * The analyte chosen in the workbench (overrides.analyteIon) over the stack's: a solar cell whose
 * Na⁺ diffusion is the question, or a battery's ⁶Li⁻ tracer, was analysed for the stack's Li
 * with no way to say otherwise short of editing study.json. Free of the DOM (tested in test/renderer).
 */

/**
 * The analyte the views name and draw: the one the report's analysis took, else the one it will
 * take (stackAnalyte: the stack's, the chosen one's, else Li in the data's polarity).
 */
export function analyteInUse(study: Pick<StudySummary, 'stack' | 'states'>, report: Report | null | undefined): string {
  return (report ? analysedAnalyte(report) : undefined) ?? stackAnalyte(study);
}

/**
 * Each state's ToF-SIMS ions as its data name them: its depth profile's, else its ion stack's
 * (the analysis then sums the stack into a profile), not the stack's total ion count. States
 * without either are left out.
 */
export function stateIonLabels(study: Pick<StudySummary, 'states'>): string[][] {
  return study.states.flatMap((s) => {
    const profile = s.files.find((f) => f.kind === 'sims-profile' && !f.error)?.summary?.ionLabels;
    const stack = s.files.find((f) => f.kind === 'sims-stack' && !f.error)?.summary?.ions;
    const labels = Array.isArray(profile) ? profile : Array.isArray(stack) ? stack.filter((l) => String(l).trim().toLowerCase() !== 'total') : null;
    return labels ? [labels.map(String)] : [];
  });
}

/** The ions of any state's ToF-SIMS data, each once (by canonical key: `C_2-` and `C2-` are one), in the order the states list them. */
export function studyIons(study: Pick<StudySummary, 'states'>): string[] {
  const byKey = new Map<string, string>();
  for (const ion of stateIonLabels(study).flat()) if (!byKey.has(ionKey(ion))) byKey.set(ionKey(ion), ion);
  return [...byKey.values()];
}

/**
 * The analyte the analysis takes where none is chosen: the stack's, else Li in the data's polarity
 * (as core/sims/analyze.ts takes it). `study` is shown with its stack choice, not its analyte choice.
 */
export function stackAnalyte(study: Pick<StudySummary, 'stack' | 'states'>): string {
  return defaultAnalyteIon(study.stack, labelsPolarity(studyIons(study)));
}

/** One entry of the "Analyte" selector: `value` is the ion as the data name it (the stack's own spelling for its analyte). */
export interface AnalyteOption {
  value: string;
  label: string;
}

/**
 * The selector's entries: the stack's analyte first, said to be the stack's (and, where no state
 * holds it, that the data lack it), then every other ion of the data; an ion chosen that the data
 * lack (a project's, a study's files changed) too, so that the select shows what is in force.
 */
export function analyteOptions(ions: readonly string[], own: string, chosen: string | undefined): AnalyteOption[] {
  const inData = (ion: string): boolean => ions.some((i) => ionKey(i) === ionKey(ion));
  const ownLabel = ions.find((i) => ionKey(i) === ionKey(own)) ?? own;
  const options: AnalyteOption[] = [{ value: ownLabel, label: `${ionNotation(ownLabel)} (the stack's${inData(own) ? '' : '; not in the data'})` }];
  for (const ion of ions) if (ionKey(ion) !== ionKey(own)) options.push({ value: ion, label: ionNotation(ion) });
  if (chosen !== undefined && !options.some((o) => ionKey(o.value) === ionKey(chosen))) options.push({ value: chosen, label: `${ionNotation(chosen)} (not in the data)` });
  return options;
}

/** The entry selected: the one the chosen analyte names, else the stack's. */
export function selectedAnalyteOption(options: readonly AnalyteOption[], chosen: string | undefined): string {
  const found = chosen === undefined ? undefined : options.find((o) => ionKey(o.value) === ionKey(chosen));
  return (found ?? options[0]).value;
}

/** The analyte an entry chooses over the stack's; undefined for the stack's own (no override is sent). */
export function chosenAnalyteOf(own: string, value: string): string | undefined {
  return ionKey(value) === ionKey(own) ? undefined : value;
}

/**
 * The overrides with `ion` chosen as the analyte (undefined: the stack's). Everything else holds:
 * the layers are found from their marker ions, not the analyte, so dragged interfaces, the ROI,
 * SEM settings, normalisation and reference state stay in force.
 */
export function overridesWithAnalyte(overrides: AnalyzeOverrides, ion: string | undefined): AnalyzeOverrides {
  if (overrides.analyteIon === ion) return overrides;
  const { analyteIon: _old, ...rest } = overrides;
  return ion === undefined ? rest : { ...rest, analyteIon: ion };
}

/**
 * The study with `ion` as its stack's analyte (what the views name and draw), and its notes
 * saying so, as `strata analyze --analyte` says it (loadStudy.ts withAnalyte). The study itself
 * where none is chosen or the stack names that ion already.
 */
export function studyWithAnalyte(study: StudySummary, ion: string | undefined): StudySummary {
  const own = study.stack.analyteIon;
  if (ion === undefined || (own !== null && ionKey(own) === ionKey(ion))) return study;
  const note = `analyte: ${ionNotation(ion)}, chosen in the workbench${own !== null ? ` (the stack's: ${ionNotation(own)})` : ''}`;
  return { ...study, stack: { ...study.stack, analyteIon: ion }, notes: [...study.notes, note] };
}

/** The study as the views show it: as opened, with the layer stack chosen (studyWithStack), then the analyte chosen. */
export function studyAsChosen(opened: StudySummary, overrides: AnalyzeOverrides): StudySummary {
  return studyWithAnalyte(studyWithStack(opened, overrides.stack), overrides.analyteIon);
}

/**
 * The views' ion settings after the analyte changed from `previous` to `next`: the 2-D maps, the
 * 3-D view and the depth profiles that showed the analyte show the new one (a user who chose Na⁺
 * saw the Li⁻ maps still); an ion picked there that is not the analyte stays, as the user's.
 */
export function viewFollowingAnalyte(view: StrataProject['view'], previous: string, next: string): StrataProject['view'] {
  if (ionKey(previous) === ionKey(next)) return view;
  const follow = (ion: string): string => (ionKey(ion) === ionKey(previous) ? next : ion);
  const profileIons = view.profile.ions.map(follow).filter((ion, i, all) => all.findIndex((o) => ionKey(o) === ionKey(ion)) === i);
  return {
    ...view,
    profile: { ...view.profile, ions: profileIons },
    maps: { ...view.maps, ion: follow(view.maps.ion) },
    volume: { ...view.volume, ion: follow(view.volume.ion) },
  };
}
