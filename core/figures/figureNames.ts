import { WIDTH_PRESETS_MM } from './width.js';

/**
 * The figures `strata figure` and the workbench's "Export figure" make (light: no renderers).
 * `volume` is the 3-D view as a figure of its own (the view's ion, camera and clipped part);
 * the paper's five are what `strata figure` makes unless asked (DEFAULT_FIGURE_NAMES).
 */
export const FIGURE_NAMES = ['fig4', 'profiles', 'sem', 'xrd', 'li-bars', 'volume'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];
/** What `strata figure` makes without `--figures`: the paper's figures (fig4 holds 3-D renderings already). */
export const DEFAULT_FIGURE_NAMES: readonly FigureName[] = ['fig4', 'profiles', 'sem', 'xrd', 'li-bars'];

/** Each figure's width when the user gives none: the multi-panel figures span two columns. */
export const DEFAULT_WIDTH_MM: Record<FigureName, number> = {
  fig4: WIDTH_PRESETS_MM.double,
  profiles: WIDTH_PRESETS_MM.double,
  sem: WIDTH_PRESETS_MM.single,
  xrd: WIDTH_PRESETS_MM.single,
  'li-bars': WIDTH_PRESETS_MM.onehalf,
  volume: WIDTH_PRESETS_MM.double,
};
