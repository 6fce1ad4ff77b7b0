import type { StudySummary } from '../../../core/api/contract.js';
import { h } from '../dom.js';

const KIND_LABEL: Record<string, string> = { 'sims-profile': 'ToF-SIMS profile', 'sims-stack': 'ToF-SIMS 3-D stack', xrd: 'XRD', sem: 'SEM', unknown: 'other' };

/** Key metadata of a file in one short line, e.g. "256 scans · 17 ions · 0–6030 s". */
function describe(summary: Record<string, unknown> | null): string {
  if (!summary) return '';
  const parts: string[] = [];
  const range = (v: unknown, unit: string) => (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' ? `${+v[0].toFixed(2)}–${+(v[1] as number).toFixed(2)} ${unit}` : null);
  if (typeof summary.scans === 'number') parts.push(`${summary.scans} scans`);
  if (typeof summary.width === 'number') parts.push(`${summary.width}×${summary.height} px`);
  if (Array.isArray(summary.ions)) parts.push(`${summary.ions.length} ions`);
  else if (typeof summary.ions === 'number') parts.push(`${summary.ions} ions`);
  const t = range(summary.timeRangeS, 's');
  if (t) parts.push(t);
  const tt = range(summary.twoThetaRangeDeg, '° 2θ');
  if (tt) parts.push(tt);
  if (typeof summary.points === 'number') parts.push(`${summary.points} points`);
  if (typeof summary.pixelSizeNm === 'number') parts.push(`${+summary.pixelSizeNm.toPrecision(4)} nm/px${summary.pixelSizeSource ? ` (${summary.pixelSizeSource})` : ''}`);
  return parts.join(' · ');
}

/** States × files, each file with its format and key metadata. */
export function renderStudyBrowser(study: StudySummary): HTMLElement {
  const rows = study.states.flatMap((s) =>
    s.files.map((f, i) =>
      h(
        'tr',
        { 'data-state': s.state, 'data-kind': f.kind },
        i === 0 ? h('th', { rowspan: s.files.length, scope: 'row' }, s.state) : null,
        h('td', {}, KIND_LABEL[f.kind] ?? f.kind),
        h('td', {}, f.path),
        h('td', { class: f.error ? 'meta error' : 'meta' }, f.error ?? describe(f.summary)),
      ),
    ),
  );
  return h(
    'section',
    { class: 'panel', id: 'study-browser' },
    h('h2', {}, `Study: ${study.name}`),
    h('p', { class: 'notes' }, `Stack: ${study.stack.name} — ${study.stack.layers.map((l) => l.label).join(' / ')}${study.origin === 'guessed' ? ' · states guessed from file names' : ''}`),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'State'), h('th', {}, 'Modality'), h('th', {}, 'File'), h('th', {}, 'Metadata'))), h('tbody', {}, ...rows)),
    study.notes.length ? h('details', { class: 'notes' }, h('summary', {}, `${study.notes.length} notes on how the study was put together`), h('ul', {}, ...study.notes.map((n) => h('li', {}, n)))) : null,
  );
}
