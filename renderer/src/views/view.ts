import type { AppState, Store } from '../store.js';

/** A view owns its DOM (and GPU resources); the shell shows, updates and disposes it. */
export interface View {
  el: HTMLElement;
  update(state: AppState, changed: Set<keyof AppState>): void;
  /** Called when its tab is shown (views that draw lazily start their work here). */
  shown?(): void;
  dispose(): void;
}

export type ViewFactory = (store: Store) => View;

/** A short note in a view, e.g. why an overlay is missing. */
export function noteText(state: AppState, what: string): string | null {
  if (state.analyzing && !state.report) return `Analysing the study… ${what} appear when the analysis is done.`;
  if (state.reportError) return `No analysis (${state.reportError}); ${what} are not shown.`;
  return null;
}
