import type { StrataProject, StudySummary } from '../../core/api/contract.js';
import type { AppState } from './store.js';

/** The project as saved: the study (absolute; the backend stores it relative when it can). */
export function projectFromState(s: AppState, version: string): StrataProject {
  return {
    schema: 'strata.project/1',
    study: s.study.path,
    manifest: manifestOf(s.study),
    overrides: s.overrides,
    view: s.view,
    annotations: s.annotations,
    savedAt: new Date().toISOString(),
    software: `strata ${version}`,
  };
}

/** The study as a `strata.study/1` manifest, for the record in the project file. */
export function manifestOf(study: StudySummary): Record<string, unknown> {
  return {
    schema: 'strata.study/1',
    name: study.name,
    stack: study.stack.id,
    states: study.states.map((s) => ({ state: s.state, files: s.files.map((f) => f.path) })),
  };
}

/** Where a new project goes by default: beside the study, named after it. */
export function defaultProjectPath(study: StudySummary): string {
  const dir = study.path.endsWith('.json') ? study.path.replace(/[/\\][^/\\]*$/, '') : study.path;
  const safe = study.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'study';
  return `${dir}/${safe}.strata.json`;
}
