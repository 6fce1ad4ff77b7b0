import type { FigureKind } from '../../core/api/contract.js';
import { ionKey } from '../../core/model/ions.js';
import { analysedAnalyte } from '../../core/model/report.js';
import type { AppState } from './store.js';

/**
 * Which figure a view exports, kept apart from the export bar (which builds DOM) so that the
 * choice can be tested on its own.
 */

/** What a view exports: a figure of `strata figure`, and for the SEM figure the shown state. */
export interface FigureChoice {
  figure: FigureKind;
  state?: string;
  /** Said in the dialog, so the user knows which picture comes out of this view. */
  label: string;
}

/** The profile, map and 3-D views all export the paper's Fig. 4, which is made of them. */
export const FIG4_LABEL = 'Fig. 4: Li maps of the states, 3-D renderings, Li profiles over the SEM cross-section';
export const PROFILES_LABEL = "Depth profiles of the states: the analyte and the layers' marker ions, one panel per state";

/**
 * Figures offered beside a view's own: the ToF-SIMS views (profiles, maps, 3-D) export Fig. 4,
 * and the depth profiles of the states too — the one figure a study with depth profiles alone
 * (no stack, no Li) can make; a study without Li offers its profiles first (simsFigure), Fig. 4
 * still beside them.
 */
const ALSO: Partial<Record<FigureKind, FigureChoice[]>> = {
  fig4: [{ figure: 'profiles', label: PROFILES_LABEL }],
  profiles: [{ figure: 'fig4', label: FIG4_LABEL }],
};

/** The figures the dialog offers for a view's choice: its own first. */
export function figureChoices(c: FigureChoice): FigureChoice[] {
  return [c, ...(ALSO[c.figure] ?? []).filter((a) => a.figure !== c.figure)];
}

/**
 * The figure a ToF-SIMS view (profiles, maps, 3-D) exports first: Fig. 4, made of them, unless
 * the report is in and it has no Li per layer in any state and no 3-D stack holds the analyte
 * (Fig. 4 is of Li: a study without it got "no fig4 figure" from the view's Export); the depth
 * profiles of the states then, the one figure a study of depth profiles alone makes.
 */
export function simsFigure(s: Pick<AppState, 'report' | 'study'>): FigureChoice {
  if (!s.report || s.report.states.some((st) => st.sims?.li.length)) return { figure: 'fig4', label: FIG4_LABEL };
  // The analyte the analysis took (Li⁺ for positive ions), else the stack's.
  const used = analysedAnalyte(s.report);
  const analyte = ionKey(String(used ?? s.study.stack.analyteIon ?? 'Li-'));
  const stackHasIt = s.study.states.some((st) => st.files.some((f) => f.kind === 'sims-stack' && !f.error && Array.isArray(f.summary?.ions) && (f.summary.ions as unknown[]).some((i) => typeof i === 'string' && ionKey(i) === analyte)));
  return stackHasIt ? { figure: 'fig4', label: FIG4_LABEL } : { figure: 'profiles', label: PROFILES_LABEL };
}
