import { projectSchema } from '../../core/api/contract.js';
import type { StrataProject } from '../../core/api/contract.js';
import { projectFromState } from './project.js';
import type { AppState } from './store.js';

/**
 * The tab's working state (overrides, view settings, annotations) kept in sessionStorage, so
 * that reloading the page (F5) does not lose a scientist's work. It is the project the tab would
 * save, for the one study open in it (the project names that study), and is never written to disk.
 * Every access is guarded: where storage is full or switched off, a reload starts afresh as before.
 */
const KEY = 'strata.session';

/** Keeps the working state of the open study, in place of any other study's (on each edit: a reload may come any time). */
export function keepSession(s: AppState, version: string): void {
  try {
    globalThis.sessionStorage.setItem(KEY, JSON.stringify(projectFromState(s, version)));
  } catch {
    // nothing kept
  }
}

/** The working state this tab kept for `studyPath`, checked as a project file is (a stale or damaged entry is ignored). */
export function keptSession(studyPath: string): StrataProject | undefined {
  try {
    const parsed = projectSchema.safeParse(JSON.parse(globalThis.sessionStorage.getItem(KEY) ?? 'null'));
    if (parsed.success && parsed.data.study === studyPath) return parsed.data;
  } catch {
    // nothing kept
  }
  return undefined;
}
