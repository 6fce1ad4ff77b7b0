/** Kept in step with package.json by a test; recorded in every report's provenance. */
export const STRATA_VERSION = '0.1.0';
