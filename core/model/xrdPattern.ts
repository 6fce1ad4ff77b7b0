import type { SourceInfo } from './provenance.js';

/** X-ray wavelength(s) of the source, Å. Kα2 and its intensity ratio when the file states them. */
export interface XrdWavelength {
  alpha1A: number;
  alpha2A?: number;
  /** I(Kα2) / I(Kα1), typically ≈ 0.5 for Cu. */
  ratioAlpha2?: number;
}

/** One XRD scan: intensity against 2θ. */
export interface XrdPattern {
  kind: 'xrdPattern';
  source: SourceInfo;
  twoThetaDeg: Float64Array;
  /** Intensity, counts (or counts per second where the file says so: see `intensityUnit`). */
  intensity: Float64Array;
  intensityUnit: 'counts' | 'cps' | 'arbitrary';
  /** Null when the file does not say; analysis then assumes Cu Kα and says so. */
  wavelength: XrdWavelength | null;
  /** Header fields as the file wrote them (decoded text, e.g. Shift-JIS → Unicode). */
  metadata: Record<string, string>;
  /** Further scans of a multi-scan file, in file order (the first is this pattern). */
  otherScans?: XrdPattern[];
}

/** Cu Kα1 / Kα2 (Å) and the usual Kα2/Kα1 ratio. */
export const CU_K_ALPHA: Required<XrdWavelength> = { alpha1A: 1.540593, alpha2A: 1.544414, ratioAlpha2: 0.5 };
