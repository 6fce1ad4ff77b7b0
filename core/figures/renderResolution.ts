/**
 * How finely fig4's 3-D panels are ray-cast: they are the one raster a figure computes at
 * export time (maps and SEM images embed their own pixels), so their resolution must follow the
 * output's. Rendered at a fixed 3 px/pt they sat at ~216 ppi in a 600 dpi PNG, upsampled.
 */
import { PRINT_DPI } from './svg.js';

/**
 * How finely a figure's 3-D panels bin each stack unless told (`strata figure --volume-voxels`,
 * the workbench's view): enough for a print panel, small enough to render fast.
 */
export const FIGURE_VOLUME = { maxSize: 96, maxVoxels: 96 * 96 * 160 } as const;

/** Resolution of the renderings in vector output (SVG, PDF), ppi: journals' least for halftones. */
export const VECTOR_RENDER_PPI = 300;

/**
 * Rendered pixels per pt for an output of `dpi` (a PNG), or for vector output (null). Capped at
 * PRINT_DPI: the volume is binned to at most 96 voxels a side (FIGURE_VOLUME), several px each
 * at 600 ppi in a double-column fig4; its depth bins are thinner (the sample study's 250 scans
 * are ~0.75 px each there: its depth ticks say where they lie), but a finer render's time grows
 * with the square of the resolution (2400 dpi: 16× the ~1 s a panel takes at 600).
 */
export function volumeRenderPxPerPt(dpi: number | null): number {
  return (dpi === null ? VECTOR_RENDER_PPI : Math.min(dpi, PRINT_DPI)) / 72;
}
