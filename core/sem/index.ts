/** SEM analysis: pure functions on SemImage / rasters (no files, no logging). */
export { percentileStretch } from './contrast.js';
export type { ContrastStretch } from './contrast.js';
export { lineProfile, boxProfile } from './profile.js';
export type { Profile } from './profile.js';
export { scaleFromPoints, withPixelSize } from './calibration.js';
export { findLayerOrientation } from './orientation.js';
export type { Orientation } from './orientation.js';
export { measureCrossSection, toSemResult } from './crossSection.js';
export type { CrossSectionOptions, CrossSectionResult, CrossSectionDetails, BoundaryDetail } from './crossSection.js';
export { normalThicknessNm, MAX_TILT_DEG, roundDeg } from './tilt.js';
export type { Raster, RoiPx, PointPx } from './raster.js';
