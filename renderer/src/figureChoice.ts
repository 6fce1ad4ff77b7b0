import type { FigureKind, VolumeFigureTerms } from '../../core/api/contract.js';
import { ionKey, speciesName } from '../../core/model/ions.js';
import { analyteInUse } from './analyteChoice.js';
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
  /** The 3-D view's terms, for its figure (`volume`): what it shows and how. */
  volume?: VolumeFigureTerms;
}

/** The profile, map and 3-D views all export the paper's Fig. 4, which is made of them: of the analyte (Li⁻ by default: "Li maps"). */
export function fig4Label(analyte = 'Li-'): string {
  const species = speciesName(analyte);
  return `Fig. 4: ${species} maps of the states, 3-D renderings, ${species} profiles over the SEM cross-section`;
}
export const PROFILES_LABEL = "Depth profiles of the states: the analyte and the layers' marker ions, one panel per state";

/**
 * Figures offered beside a view's own: the 3-D view exports itself (`volume`) and Fig. 4 beside
 * it; the ToF-SIMS views (profiles, maps, 3-D) export Fig. 4,
 * and the depth profiles of the states too — the one figure a study with depth profiles alone
 * (no stack, no Li) can make; a study without Li offers its profiles first (simsFigure), Fig. 4
 * still beside them. Fig. 4 named by `analyte`.
 */
function alsoOffered(figure: FigureKind, analyte: string): FigureChoice[] {
  if (figure === 'volume') return [{ figure: 'fig4', label: fig4Label(analyte) }, { figure: 'profiles', label: PROFILES_LABEL }];
  if (figure === 'fig4') return [{ figure: 'profiles', label: PROFILES_LABEL }];
  if (figure === 'profiles') return [{ figure: 'fig4', label: fig4Label(analyte) }];
  return [];
}

/** The figures the dialog offers for a view's choice: its own first; `analyte` (the one in use: analyteInUse) names Fig. 4. */
export function figureChoices(c: FigureChoice, analyte = 'Li-'): FigureChoice[] {
  return [c, ...alsoOffered(c.figure, analyte).filter((a) => a.figure !== c.figure)];
}

/**
 * The figure a ToF-SIMS view (profiles, maps, 3-D) exports first: Fig. 4, made of them, unless
 * the report is in and it has no Li per layer in any state and no 3-D stack holds the analyte
 * (Fig. 4 is of Li: a study without it got "no fig4 figure" from the view's Export); the depth
 * profiles of the states then, the one figure a study of depth profiles alone makes.
 */
export function simsFigure(s: Pick<AppState, 'report' | 'study'>): FigureChoice {
  // The analyte the analysis took (Li⁺ for positive ions), else the stack's.
  const analyte = analyteInUse(s.study, s.report);
  const fig4: FigureChoice = { figure: 'fig4', label: fig4Label(analyte) };
  if (!s.report || s.report.states.some((st) => st.sims?.li.length)) return fig4;
  const key = ionKey(analyte);
  const stackHasIt = s.study.states.some((st) => st.files.some((f) => f.kind === 'sims-stack' && !f.error && Array.isArray(f.summary?.ions) && (f.summary.ions as unknown[]).some((i) => typeof i === 'string' && ionKey(i) === key)));
  return stackHasIt ? fig4 : { figure: 'profiles', label: PROFILES_LABEL };
}
