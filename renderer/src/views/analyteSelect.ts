import { h } from '../dom.js';
import { analyteOptions, chosenAnalyteOf, selectedAnalyteOption, stackAnalyte, studyIons } from '../analyteChoice.js';
import { studyWithStack } from '../stackChoice.js';
import type { Store } from '../store.js';

/**
 * The Study tab's "Analyte", beside its "Layer stack": the ions of the study's depth profiles,
 * the stack's analyte first and selected until another is chosen; choosing one analyses the
 * study for it (the Li dashboard, the figures and the notes then name it).
 */
export function analyteSelect(store: Store): HTMLElement {
  // The stack's analyte under the stack in use, before any analyte is chosen over it.
  const own = stackAnalyte(studyWithStack(store.openedStudy, store.state.overrides.stack));
  const ions = studyIons(store.state.study);
  const chosen = store.state.overrides.analyteIon;
  const options = analyteOptions(ions, own, chosen);
  const selected = selectedAnalyteOption(options, chosen);
  const select = h(
    'select',
    // No ToF-SIMS data to choose from: nothing to analyse for another ion.
    { id: 'analyte-choice', disabled: ions.length === 0, title: ions.length ? 'The ion whose share per layer is counted and whose maps and figures are drawn' : 'No ToF-SIMS data in this study' },
    ...options.map((o) => h('option', { value: o.value, selected: o.value === selected }, o.label)),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => void store.chooseAnalyte(chosenAnalyteOf(own, select.value)));
  return h('label', {}, 'Analyte ', select);
}
