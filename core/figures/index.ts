/**
 * The figure builders and their primitives, safe to import in the renderer (no Node imports):
 * results in, SVG string out. PNG/PDF export lives in export.ts (Node: resvg, pdfkit).
 */
export { liFigure, displayDepthNm } from './liFigure.js';
export type { LiFigureInput, LiFigureState, LiFigureLayer } from './liFigure.js';
export { semFigure } from './semFigure.js';
export type { SemFigureInput } from './semFigure.js';
export { xrdFigure, scaleIntensity, INTENSITY_LABELS } from './xrdFigure.js';
export type { XrdFigureInput, IntensityScale } from './xrdFigure.js';
export { liBarsFigure } from './liBars.js';
export { profilesFigure, chooseProfileIons, MAX_PROFILE_IONS } from './depthProfiles.js';
export type { ProfilesFigureInput, ProfilesPanel, ProfileIon } from './depthProfiles.js';
export type { LiBarsInput } from './liBars.js';
export { volumeOnDepthAxis } from './volumeDepth.js';
export type { TimeBinnedVolume } from './volumeDepth.js';
export { parseWidthMm, WIDTH_PRESETS_MM, MIN_WIDTH_MM, MAX_WIDTH_MM } from './width.js';
export type { WidthPreset } from './width.js';
export { renderVolume } from './volumeRender.js';
export type { Volume, RenderOptions, Rendering } from './volumeRender.js';
export { COLORMAPS, OKABE_ITO, colorize } from './colormaps.js';
export type { ColormapName } from './colormaps.js';
export { stateColour } from './style.js';
