import type { AnalyzeOverrides } from '../../../core/api/contract.js';
import type { FigureChoice } from '../figureChoice.js';
import type { AppState, Store, ViewSettings } from '../store.js';
import { h } from '../dom.js';
import { CancelledError } from '../jobs.js';

/** A view owns its DOM (and GPU resources); the shell shows, updates and disposes it. */
export interface View {
  el: HTMLElement;
  update(state: AppState, changed: Set<keyof AppState>): void;
  /** Called when its tab is shown (views that draw lazily start their work here). */
  shown?(): void;
  /** The figure "Export figure" makes from this view; null when it has nothing to export now. */
  figure?(): FigureChoice | null;
  dispose(): void;
}

export type ViewFactory = (store: Store) => View;

/** A short note in a view, e.g. why an overlay is missing. */
export function noteText(state: AppState, what: string): string | null {
  if (state.analyzing && !state.report) return `Analysing the study… ${what} appear when the analysis is done.`;
  if (state.reportError) return `No analysis (${state.reportError}); ${what} are not shown.`;
  return null;
}

// The figure the ToF-SIMS views export (kept with the export choices, free of DOM).
export { simsFigure } from '../figureChoice.js';

/** Shows why a view's work ended early: the user's cancel as a plain note, anything else as an error. */
export function showFailure(note: HTMLElement, err: unknown, cancelledText = 'Cancelled.'): void {
  if (err instanceof CancelledError) note.textContent = cancelledText;
  else note.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
}

/** "1 warning", "3 warnings": a count with its noun. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The ROI in force, as every view and the header name it (its end pixels exclusive, as the backend's). */
export function roiText(roi: NonNullable<AnalyzeOverrides['roi']>): string {
  return `ROI x ${roi.x0}–${roi.x1}, y ${roi.y0}–${roi.y1} px`;
}

/** "Clear ROI", offered wherever an ROI is in force: the analysis runs again on the whole field. */
export function clearRoiButton(store: Store): HTMLButtonElement {
  const button = h('button', { type: 'button', id: 'clear-roi' }, 'Clear ROI');
  button.addEventListener('click', () => {
    const { roi: _, ...rest } = store.state.overrides;
    void store.analyze(rest);
  });
  return button;
}

/**
 * Calls `redraw` when `el` changes width (the window resized, a scrollbar came or went), once
 * the resizing has paused: charts are drawn at a width in pixels and must be drawn again to fit.
 * A hidden view (width 0) is skipped; its `shown` draws it at the width it gets then.
 */
export function onWidthChange(el: HTMLElement, redraw: () => void, delayMs = 150): void {
  let width = -1;
  let timer = 0;
  new ResizeObserver((entries) => {
    const w = Math.round(entries[entries.length - 1].contentRect.width);
    if (w === 0 || w === width) return;
    const first = width < 0;
    width = w;
    if (first) return; // observing starts with a report of the width it was drawn at
    window.clearTimeout(timer);
    timer = window.setTimeout(() => el.isConnected && redraw(), delayMs);
  }).observe(el);
}

type ObjectSettings = Exclude<keyof ViewSettings, 'tab'>;

/**
 * The settings the data on screen was loaded with, so that a cancelled job puts the controls
 * back to what the view shows (the picture never changed; a selector naming the cancelled
 * choice would misname it). `fields`: the settings that load data (all when omitted).
 */
export function shownSettings<K extends ObjectSettings>(store: Store, key: K, fields?: readonly (keyof ViewSettings[K])[]) {
  let shown: ViewSettings[K] | null = null;
  let cancelled = false;
  return {
    /** The view now shows data loaded with `v`. */
    drawn(v: ViewSettings[K]): void {
      shown = v;
    },
    /**
     * After a failed job: a cancel puts the controls back (with `extra`, other settings that
     * belong with them), unless nothing was shown yet or a newer job owns them (`current` false).
     */
    restore(err: unknown, current = true, extra: Partial<ViewSettings[K]> = {}): boolean {
      if (!(err instanceof CancelledError) || !shown || !current) return false;
      cancelled = true;
      const back = fields ? Object.fromEntries(fields.map((f) => [f, shown![f]])) : shown;
      store.setView(key, { ...back, ...extra } as Partial<ViewSettings[K]>);
      return true;
    },
    /** True once after a restore: the next draw says the data shown did not change. */
    takeCancelled(): boolean {
      const was = cancelled;
      cancelled = false;
      return was;
    },
  };
}
