import type { FigureFormat } from '../../core/api/contract.js';
import { WIDTH_PRESETS_MM } from '../../core/figures/width.js';
import { DEFAULT_WIDTH_MM } from '../../core/figures/figureNames.js';
import { base64ToBytes } from './colour.js';
import { ESCAPE_CLOSES, h } from './dom.js';
import { CancelledError, runBackendJob } from './jobs.js';
import type { Store } from './store.js';
import { figureChoices } from './figureChoice.js';
import { analyteInUse } from './analyteChoice.js';
import type { FigureChoice } from './figureChoice.js';

export type { FigureChoice };

const DEFAULT_DPI = 600;

export { figureChoices };

/** Hands bytes to the browser as a download; Electron's session turns it into a save dialog. */
export function downloadBytes(bytes: Uint8Array, fileName: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }));
  const a = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken its copy once the click is handled; free the blob afterwards.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The "Export figure…" bar above a view: format, width preset and dpi, then the backend builds
 * the figure with the same code as `strata figure`, from the analysis with the user's current
 * overrides (dragged interfaces, ROI, SEM scale), and the browser downloads it.
 */
export function exportBar(store: Store, choice: () => FigureChoice | null, say: (text: string, kind?: 'info' | 'error') => void): HTMLElement {
  const open = h('button', { type: 'button', id: 'export-figure' }, 'Export figure…');
  const form = h('form', { class: 'export-form', id: 'export-form', hidden: true });
  const what = h('span', { class: 'notes', id: 'export-what' });
  const kind = h('select', { id: 'export-kind', 'aria-label': 'Figure' });
  const kindLabel = h('label', {}, 'Figure ', kind);
  let offered: FigureChoice[] = [];
  /** The figure picked in the dialog (the view's own unless another is chosen). */
  const picked = (): FigureChoice | null => offered.find((c) => c.figure === kind.value) ?? offered[0] ?? null;
  const format = h('select', { id: 'export-format', 'aria-label': 'Format' }, ...(['svg', 'png', 'pdf'] as const).map((f) => h('option', { value: f }, f.toUpperCase())));
  const width = h(
    'select',
    { id: 'export-width', 'aria-label': 'Width' },
    h('option', { value: String(WIDTH_PRESETS_MM.single) }, `single column, ${WIDTH_PRESETS_MM.single} mm`),
    h('option', { value: String(WIDTH_PRESETS_MM.onehalf) }, `1.5 column, ${WIDTH_PRESETS_MM.onehalf} mm`),
    h('option', { value: String(WIDTH_PRESETS_MM.double) }, `double column, ${WIDTH_PRESETS_MM.double} mm`),
  );
  const dpi = h('input', { id: 'export-dpi', type: 'number', min: 72, max: 2400, step: 1, value: DEFAULT_DPI, 'aria-label': 'dpi', size: 5 });
  const dpiLabel = h('label', {}, 'PNG dpi ', dpi);
  const go = h('button', { type: 'submit', id: 'export-go' }, 'Export');
  const cancel = h('button', { type: 'button', [ESCAPE_CLOSES]: true }, 'Close');
  form.append(what, kindLabel, h('label', {}, 'Format ', format), h('label', {}, 'Width ', width), dpiLabel, go, cancel);
  const bar = h('div', { class: 'export-bar', id: 'export-bar' }, open, form);

  // dpi means something for PNG only: SVG and PDF are vector.
  const syncDpi = (): void => {
    dpi.disabled = format.value !== 'png';
    dpiLabel.classList.toggle('muted', dpi.disabled);
  };
  format.addEventListener('change', syncDpi);
  kind.addEventListener('change', () => {
    const c = picked();
    if (!c) return;
    what.textContent = c.label;
    width.value = String(DEFAULT_WIDTH_MM[c.figure]);
  });
  open.addEventListener('click', () => {
    const c = choice();
    // A button that did nothing: say why there is nothing to export.
    if (!c) return say('This view has no figure to export now: it shows no data a figure is made of (its notes say why).');
    offered = figureChoices(c, analyteInUse(store.state.study, store.state.report));
    kind.replaceChildren(...offered.map((o) => h('option', { value: o.figure }, o.figure)));
    kind.value = c.figure;
    kindLabel.hidden = offered.length < 2;
    what.textContent = c.label;
    width.value = String(DEFAULT_WIDTH_MM[c.figure]);
    syncDpi();
    form.hidden = false;
    open.hidden = true;
  });
  const close = (): void => {
    form.hidden = true;
    open.hidden = false;
  };
  cancel.addEventListener('click', close);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // The view's choice as it is now (the SEM view's state may have changed since), and the figure picked.
    const view = choice();
    if (!view) return;
    const c = figureChoices(view, analyteInUse(store.state.study, store.state.report)).find((o) => o.figure === kind.value) ?? view;
    const dpiValue = Math.round(Number(dpi.value));
    if (format.value === 'png' && !(dpiValue >= 72 && dpiValue <= 2400)) {
      say('PNG dpi must lie between 72 and 2400.', 'error');
      return;
    }
    void run(c, format.value as FigureFormat, Number(width.value), format.value === 'png' ? dpiValue : DEFAULT_DPI);
  });

  async function run(c: FigureChoice, fmt: FigureFormat, widthMm: number, dpiValue: number): Promise<void> {
    go.disabled = true;
    const s = store.state;
    const hasOverrides = Object.keys(s.overrides).length > 0;
    try {
      const out = await runBackendJob(store.api, `Exporting ${c.label}`, (jobId) =>
        store.api.exportFigure({ path: s.study.path, figure: c.figure, ...(c.state ? { state: c.state } : {}), format: fmt, widthMm, dpi: dpiValue, ...(hasOverrides ? { overrides: s.overrides } : {}), ...(c.volume ? { volume: c.volume } : {}), jobId }),
      );
      downloadBytes(base64ToBytes(out.base64), out.fileName, out.mimeType);
      const size = `${out.widthMm} × ${out.heightMm} mm${out.widthPx ? `, ${out.widthPx} px wide at ${dpiValue} dpi` : ''}`;
      const lacking = out.warnings.filter((w) => w.startsWith(`${c.figure}:`));
      say(`Exported ${out.fileName} (${size}).${lacking.length ? ` ${lacking.join(' ')}` : ''}`);
      close();
    } catch (err) {
      say(err instanceof CancelledError ? 'Export cancelled.' : (err as Error).message, err instanceof CancelledError ? 'info' : 'error');
    } finally {
      go.disabled = false;
    }
  }

  return bar;
}
