/** The figures `strata figure` and the workbench's "Export figure" make (light: no renderers). */
export const FIGURE_NAMES = ['fig4', 'profiles', 'sem', 'xrd', 'li-bars'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];
