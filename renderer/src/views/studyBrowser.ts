import { formulaNotation } from '../../../core/model/formula.js';
import type { StudySummary } from '../../../core/api/contract.js';
import { h } from '../dom.js';
import type { Store } from '../store.js';
import type { View } from './view.js';
import { countOf } from './view.js';
import { ionNotation } from '../../../core/model/ions.js';
import { stackSelect } from './stackSelect.js';

const KIND_LABEL: Record<string, string> = { 'sims-profile': 'ToF-SIMS profile', 'sims-stack': 'ToF-SIMS 3-D stack', xrd: 'XRD', sem: 'SEM', sidecar: 'metadata sidecar', manifest: 'manifest', unknown: 'other' };
/** Which view shows a modality, for the matrix's links. */
const KIND_TAB: Record<string, string> = { 'sims-profile': 'profile', 'sims-stack': 'maps', xrd: 'xrd', sem: 'sem' };
const KINDS = ['sims-profile', 'sims-stack', 'sem', 'xrd'];

/** Key metadata of a file in one short line, e.g. "256 scans · 17 ions · 0–6030 s". */
export function describe(summary: Record<string, unknown> | null): string {
  if (!summary) return '';
  const parts: string[] = [];
  const range = (v: unknown, unit: string) => (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' ? `${+v[0].toFixed(2)}–${+(v[1] as number).toFixed(2)}${unit.startsWith('°') ? '' : ' '}${unit}` : null);
  if (typeof summary.scans === 'number' && summary.kind !== 'xrd') parts.push(countOf(summary.scans, 'scan'));
  if (typeof summary.width === 'number') parts.push(`${summary.width}×${summary.height} px`);
  if (Array.isArray(summary.ions)) parts.push(`${summary.ions.length} ions`);
  else if (typeof summary.ions === 'number') parts.push(`${summary.ions} ions`);
  const t = range(summary.timeRangeS, 's');
  if (t) parts.push(t);
  const tt = range(summary.twoThetaRangeDeg, '° 2θ');
  if (tt) parts.push(tt);
  if (typeof summary.points === 'number') parts.push(`${summary.points} points`);
  if (typeof summary.pixelSizeNm === 'number') parts.push(`${+summary.pixelSizeNm.toPrecision(4)} nm/px${summary.pixelSizeSource ? ` (${summary.pixelSizeSource})` : ''}`);
  if (typeof summary.tiltDeg === 'number') parts.push(`tilt ${+summary.tiltDeg.toFixed(2)}°`);
  if (typeof summary.shotsPerPixel === 'number') parts.push(`${summary.shotsPerPixel} shots/px`);
  if (typeof summary.format === 'string') parts.push(String(summary.description ?? summary.format));
  return parts.join(' · ');
}

function matrix(study: StudySummary, go: (tab: string, state: string) => void): HTMLElement {
  const head = h('tr', {}, h('th', {}, 'State'), ...KINDS.map((k) => h('th', {}, KIND_LABEL[k])));
  const rows = study.states.map((s) =>
    h(
      'tr',
      { 'data-state': s.state },
      h('th', { scope: 'row' }, s.state),
      ...KINDS.map((k) => {
        const f = s.files.find((x) => x.kind === k);
        if (!f) return h('td', { class: 'cell missing' }, '—');
        if (f.error) return h('td', { class: 'cell error', title: f.error }, '✗ unreadable');
        const b = h('button', { type: 'button', class: 'link', title: `open in the ${KIND_TAB[k]} view` }, '✓ ', f.path.split('/').pop() ?? f.path);
        b.addEventListener('click', () => go(KIND_TAB[k], s.state));
        return h('td', { class: 'cell ok' }, b);
      }),
    ),
  );
  return h('table', { id: 'study-matrix', class: 'matrix' }, h('caption', {}, 'States × modalities'), h('thead', {}, head), h('tbody', {}, ...rows));
}

/** States × modalities at a glance, then every file with its format and key metadata. */
export function studyBrowser(store: Store): View {
  const study = store.state.study;
  // A link names a file of one state: the view it opens shows that state, not the one it showed
  // last (the SEM view takes `focus`; the profiles tick the state and shade its layers).
  const go = (tab: string, state: string) => {
    const view = { ...store.state.view, tab };
    if (tab === 'profile') {
      const ticked = view.profile.states;
      view.profile = { ...view.profile, states: ticked.includes(state) ? ticked : [...ticked, state], interfacesOf: state };
    }
    store.set({ view, focus: { tab, state } });
  };
  const rows = study.states.flatMap((s) =>
    s.files.map((f, i) =>
      h(
        'tr',
        { 'data-state': s.state, 'data-kind': f.kind },
        i === 0 ? h('th', { rowspan: s.files.length, scope: 'row' }, s.state) : null,
        h('td', {}, KIND_LABEL[f.kind] ?? f.kind),
        h('td', {}, f.path),
        h('td', {}, f.format),
        // What reading the file found wrong (an imzML whose ion windows miss its spectra, so every
        // image is empty) was in the summary but shown nowhere.
        h('td', { class: f.error ? 'meta error' : 'meta' }, f.error ?? describe(f.summary), !f.error && typeof f.summary?.warning === 'string' ? h('div', { class: 'error file-warning' }, `Warning: ${f.summary.warning}`) : null),
      ),
    ),
  );
  const stackChoice = stackSelect(store);
  const el = h(
    'section',
    { class: 'panel view', id: 'study-browser' },
    h('h2', {}, `Study: ${study.name}`),
    h('p', { class: 'notes' }, `${study.path} · stack: ${study.stack.name} — ${study.stack.layers.map((l) => formulaNotation(l.label)).join(' / ')}${study.origin === 'guessed' ? ' · states guessed from file names' : ' · from study.json'}`),
    matrix(study, go),
    stackChoice.el,
    h('table', { id: 'study-files' }, h('caption', {}, 'Files'), h('thead', {}, h('tr', {}, h('th', {}, 'State'), h('th', {}, 'Modality'), h('th', {}, 'File'), h('th', {}, 'Format'), h('th', {}, 'Metadata'))), h('tbody', {}, ...rows)),
    h('table', { id: 'study-stack', class: 'compact' }, h('caption', {}, 'Layer stack (top-down, as the sputter beam meets it)'), h('thead', {}, h('tr', {}, h('th', {}, 'Role'), h('th', {}, 'Label'), h('th', {}, 'Material'), h('th', {}, 'Marker ions'))), h('tbody', {}, ...study.stack.layers.map((l) => h('tr', {}, h('td', {}, h('code', {}, l.role)), h('td', {}, formulaNotation(l.label)), h('td', {}, l.material), h('td', {}, l.markerIons.map(ionNotation).join(', ')))))),
    study.notes.length ? h('details', { class: 'notes' }, h('summary', {}, `${study.notes.length} notes on how the study was put together`), h('ul', {}, ...study.notes.map((n) => h('li', {}, n)))) : null,
  );
  // The user's own notes on the study: kept in the project file with everything else.
  const notes = h('textarea', { id: 'study-annotation', rows: 3, cols: 90, placeholder: 'Your notes on this study (saved in the project file)', spellcheck: true }) as HTMLTextAreaElement;
  const sync = () => (notes.value = store.state.annotations.find((a) => a.id === 'study-notes')?.text ?? '');
  sync();
  notes.addEventListener('change', () => {
    const others = store.state.annotations.filter((a) => a.id !== 'study-notes');
    store.set({ annotations: notes.value.trim() ? [...others, { id: 'study-notes', target: 'study', text: notes.value }] : others });
  });
  el.append(h('label', { class: 'annotation' }, h('div', { class: 'notes' }, 'Notes'), notes));
  return {
    el,
    update: (s, changed) => {
      if (changed.has('annotations') && document.activeElement !== notes) sync();
      if (changed.has('report') || changed.has('reportError') || changed.has('analyzing')) stackChoice.update(s);
    },
    dispose: () => el.remove(),
  };
}
