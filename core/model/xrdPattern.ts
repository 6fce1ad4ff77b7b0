import type { SourceInfo } from './provenance.js';

/** X-ray wavelength(s) of the source, Å. Kα2 and its intensity ratio when the file states them. */
export interface XrdWavelength {
  alpha1A: number;
  alpha2A?: number;
  /** I(Kα2) / I(Kα1), typically ≈ 0.5 for Cu. */
  ratioAlpha2?: number;
}

/**
 * What the file says of the beam's optics, normalised: whether Kβ was filtered (and by what) and
 * whether a monochromator crystal was in the beam. They decide what a single-crystal wafer leaves
 * besides its reflection (core/xrd/mask.ts): a β filter lets a weakened Kβ line through and cuts
 * the continuum at its absorption edge; a monochromator removes both; with neither, Kβ is strong.
 */
export interface XrdOptics {
  /** The β filter's material ('Ni'), where the file says one was in the beam; null otherwise. */
  kBetaFilter: string | null;
  /** A monochromator crystal before the sample ('incident') or after it ('diffracted'); null otherwise. */
  monochromator: 'incident' | 'diffracted' | null;
  /**
   * True where the file settles the question: a monochromator recorded in the beam, or the
   * filter and both monochromator positions all recorded. False: the file does not say (the
   * other fields then only record what it did say), and analysis stays conservative.
   */
  known: boolean;
  /**
   * Whether the file recorded the β filter (a material or none), whatever it says of the
   * monochromators: where only the filter is recorded, the masks follow it (no edge without one).
   * Absent: not recorded.
   */
  filterRecorded?: boolean;
  /** The header entries this was read from, as the file wrote them ("FILTER = Cu_K-beta; C_MONOCHRO = None"). */
  evidence: string;
}

/**
 * A 2θ range excluded from peak search, fitting and areas (substrate reflections): built by
 * core/xrd/mask.ts, recorded in the report (XrdResult.masks), hence a model type.
 */
export interface MaskRange {
  fromDeg: number;
  toDeg: number;
  /** What is masked, and where the reason is known, why: "Si (400) Kβ (Ni β filter recorded)". */
  label: string;
  /** The bare name ("Si (400) Kβ") where the label adds a reason: figures label masks by it. */
  name?: string;
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
  /** The beam optics the file records; absent where its reader reads none (taken as not recorded). */
  optics?: XrdOptics;
  /** Header fields as the file wrote them (decoded text, e.g. Shift-JIS → Unicode). */
  metadata: Record<string, string>;
  /** Further scans of a multi-scan file, in file order (the first is this pattern). */
  otherScans?: XrdPattern[];
}

/** Cu Kα1 / Kα2 (Å) and the usual Kα2/Kα1 ratio. */
export const CU_K_ALPHA: Required<XrdWavelength> = { alpha1A: 1.540593, alpha2A: 1.544414, ratioAlpha2: 0.5 };

/** The unit of a peak's area, its integral over 2θ: the intensity's unit times degrees (`counts·°`, `cps·°`, `a.u.·°`). */
export function xrdAreaUnit(intensityUnit: string): string {
  return `${intensityUnit === 'arbitrary' ? 'a.u.' : intensityUnit}·°`;
}
