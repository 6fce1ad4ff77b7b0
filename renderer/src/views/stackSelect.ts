import type { Report } from '../../../core/model/report.js';
import { h } from '../dom.js';
import { chosenStackOf, selectedStackOption, stackOptions } from '../stackChoice.js';
import type { AppState, Store } from '../store.js';
import { analyteSelect } from './analyteSelect.js';

/**
 * The Study tab's "Layer stack": the presets (and study.json's inline stack), the study's own
 * selected until another is chosen; choosing one analyses the study with it. Beside it, the
 * "Analyte" (analyteSelect.ts), which the stack names by default. Under them, the states
 * whose ToF-SIMS analysis failed, with why: a stack whose marker ions the data lack refuses them,
 * and this is where the user can answer it.
 */
export function stackSelect(store: Store): { el: HTMLElement; update(s: AppState): void } {
  const own = store.ownStack;
  const selected = selectedStackOption(own, store.state.overrides.stack);
  const select = h(
    'select',
    { id: 'stack-choice' },
    ...stackOptions(own, store.state.study.origin).map((o) => h('option', { value: o.value, selected: o.value === selected }, o.label)),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => void store.chooseStack(chosenStackOf(own, select.value)));
  const note = h('div', { id: 'stack-note', role: 'status' });
  const update = (s: AppState): void => {
    const failed = s.report && !s.analyzing ? simsFailures(s.report) : [];
    note.replaceChildren(
      s.reportError
        ? h('p', { class: 'error' }, `No analysis: ${s.reportError}`)
        : failed.length
          ? h('div', { class: 'error' }, `No layers found with stack ${s.study.stack.id}:`, h('ul', {}, ...failed.map((w) => h('li', {}, w))))
          : h('p', { class: 'notes' }, s.analyzing ? `Analysing with stack ${s.study.stack.id}…` : 'The analysis, its figures and every view use this stack: the layers found, their labels and marker ions.'),
    );
  };
  update(store.state);
  const el = h('div', { class: 'stack-choice' }, h('div', { class: 'controls' }, h('label', {}, 'Layer stack ', select), analyteSelect(store)), note);
  return { el, update };
}

/** Why each state that has no ToF-SIMS result lost it (the pipeline's "<state>: ToF-SIMS: …" warnings). */
function simsFailures(report: Report): string[] {
  const without = report.states.filter((st) => !st.sims).map((st) => `${st.state}: ToF-SIMS: `);
  return report.warnings.filter((w) => without.some((prefix) => w.startsWith(prefix)));
}
