import type { FigureChoice } from '../exportFigure.js';
import type { AnalyzeOverrides } from '../../../core/api/contract.js';
import type { AppState, Store } from '../store.js';
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

/** The profile, map and 3-D views all export the paper's Fig. 4, which is made of them. */
export const FIG4_LABEL = 'Fig. 4: Li maps of the states, 3-D renderings, Li profiles over the SEM cross-section';

/** Shows why a view's work ended early: the user's cancel as a plain note, anything else as an error. */
export function showFailure(note: HTMLElement, err: unknown, cancelledText = 'Cancelled.'): void {
  if (err instanceof CancelledError) note.textContent = cancelledText;
  else note.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
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
