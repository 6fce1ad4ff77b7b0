/**
 * The StrataApi method names, free of any dependency so the sandboxed preload can bundle them
 * (a sandboxed preload cannot `require` packages). contract.ts checks it has a schema for each.
 */
export const API_METHOD_NAMES = [
  'startup',
  'openStudy',
  'analyzeStudy',
  'getProfile',
  'getIonMaps',
  'getVolume',
  'getSemImage',
  'getXrd',
  'jobProgress',
  'cancelJob',
  'saveProject',
  'openProject',
  'exportFigure',
] as const;
