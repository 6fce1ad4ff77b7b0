import { ionKey, ionNotation } from '../model/ions.js';
import type { LayerStack } from '../model/layerStack.js';
import type { Study } from '../model/study.js';

// What a run chooses for a study besides its files (the CLI's --stack and --analyte, the
// workbench's choices). Apart from loadStudy (which parses study.json, with zod): the analysis's
// worker threads use these and load no schema code.

/**
 * The study analysed with another layer stack (`strata analyze|figure --stack`): a folder without
 * study.json is read with the paper's stack, which fits no other kind of cell. Said in its notes.
 */
export function withStack<S extends Study>(study: S, stack: LayerStack | undefined): S {
  // The same stack, not the same id: an inline stack may carry a preset's id with layers of its own.
  if (!stack || stack === study.stack) return study;
  // A guessed study's stack was only the default: its note gives way to this one.
  const guessed = study.origin === 'guessed';
  const notes = guessed ? study.notes.filter((n) => !n.startsWith('stack: ')) : study.notes;
  return { ...study, stack, notes: [...notes, `stack: ${stack.id}, given for this run${guessed ? '' : ` (study.json's: ${study.stack.id})`}`] };
}

/**
 * The study analysed for another analyte (`strata analyze|figure --analyte`, the workbench's
 * "Analyte"): its stack's analyteIon replaced, which the analysis, its figures and its texts take.
 * Said in its notes, as another stack is. The study itself where none is given or the stack
 * names that ion already.
 */
export function withAnalyte<S extends Study>(study: S, ion: string | undefined): S {
  const own = study.stack.analyteIon;
  if (ion === undefined || (own !== undefined && ionKey(own) === ionKey(ion))) return study;
  const note = `analyte: ${ionNotation(ion)}, chosen for this run${own !== undefined ? ` (the stack's: ${ionNotation(own)})` : ''}`;
  return { ...study, stack: { ...study.stack, analyteIon: ion }, notes: [...study.notes, note] };
}
