import { stackSummary } from '../../core/api/contract.js';
import type { AnalyzeOverrides, StackSummary, StudySummary } from '../../core/api/contract.js';
import { STACK_PRESETS } from '../../core/model/layerStack.js';

/**
 * The layer stack chosen in the workbench (overrides.stack) over the study's own: a folder
 * without study.json is read with the paper's cell, and a cell of another kind (a CIGS or a
 * perovskite solar cell) had every state refused with no way to say what it is.
 */

/** One entry of the "Layer stack" selector: `value` '' is study.json's inline stack. */
export interface StackOption {
  value: string;
  label: string;
}

/** Whether the study's own stack is the preset of its id (the same layers), not one study.json describes itself. */
export function isPresetStack(own: StackSummary): boolean {
  const preset = STACK_PRESETS[own.id];
  return preset !== undefined && JSON.stringify(stackSummary(preset)) === JSON.stringify(own);
}

/** The selector's entries: study.json's inline stack where it has one, then every preset; the study's own is said to be. */
export function stackOptions(own: StackSummary, origin: StudySummary['origin']): StackOption[] {
  const ownIsPreset = isPresetStack(own);
  const ownNote = origin === 'guessed' ? ' (the default: no study.json)' : " (study.json's)";
  const presets = Object.values(STACK_PRESETS).map((p) => ({ value: p.id, label: `${p.id} — ${p.name}${ownIsPreset && p.id === own.id ? ownNote : ''}` }));
  return ownIsPreset ? presets : [{ value: '', label: `study.json's stack — ${own.name}` }, ...presets];
}

/** The entry selected: the preset chosen, else the study's own. */
export function selectedStackOption(own: StackSummary, chosen: string | undefined): string {
  return chosen ?? (isPresetStack(own) ? own.id : '');
}

/** The preset an entry chooses over the study's own; undefined for the study's own (no override is sent). */
export function chosenStackOf(own: StackSummary, value: string): string | undefined {
  return value === '' || (isPresetStack(own) && value === own.id) ? undefined : value;
}

/**
 * The overrides with `stackId` chosen (undefined: the study's own). Dragged interface times go:
 * there is one per boundary of the old stack's layers, and the new stack has others. The rest
 * (ROI, SEM scales and views, normalisation, reference state) holds whatever the layers.
 */
export function overridesWithStack(overrides: AnalyzeOverrides, stackId: string | undefined): AnalyzeOverrides {
  if (overrides.stack === stackId) return overrides;
  const { stack: _old, interfacesS: _keyedToOldLayers, ...rest } = overrides;
  return stackId === undefined ? rest : { ...rest, stack: stackId };
}

/**
 * The study as the views show it: the summary as opened, with the chosen preset's layers
 * (labels, markers, analyte) in place of its own, and its notes saying so, as `strata analyze
 * --stack` says it (loadStudy.ts withStack): a guessed study's "the default" note gave way, or
 * stood under another stack in use.
 */
export function studyWithStack(opened: StudySummary, stackId: string | undefined): StudySummary {
  const preset = stackId === undefined ? undefined : STACK_PRESETS[stackId];
  if (!preset) return opened;
  const guessed = opened.origin === 'guessed';
  const notes = guessed ? opened.notes.filter((n) => !n.startsWith('stack: ')) : opened.notes;
  return { ...opened, stack: stackSummary(preset), notes: [...notes, `stack: ${preset.id}, chosen in the workbench${guessed ? '' : ` (study.json's: ${opened.stack.id})`}`] };
}
