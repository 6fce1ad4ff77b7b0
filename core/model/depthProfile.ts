import type { IonChannel } from './ions.js';
import type { SourceInfo } from './provenance.js';

/** One ion's signal in a depth profile: counts per scan, summed over the analysis area. */
export interface IonSignal extends IonChannel {
  counts: Float64Array;
  /** True when the instrument (or Strata) already applied the Poisson dead-time correction. */
  poissonCorrected: boolean;
}

/**
 * A 1-D ToF-SIMS depth profile: every ion's counts against sputter time. Counts are counts:
 * never silently normalised or corrected; corrections return new profiles.
 */
export interface DepthProfile {
  kind: 'depthProfile';
  source: SourceInfo;
  polarity: 'positive' | 'negative' | 'unknown';
  /** Sputter time at each scan, s, strictly increasing. */
  timeS: Float64Array;
  ions: IonSignal[];
  /** Total ion counts per scan, when the file has them. */
  totalCounts?: Float64Array;
  /** Cumulative primary (sputter) dose per scan, ions, when the file has it. */
  primaryDoseIons?: Float64Array;
  /** Primary pulses (shots) per pixel per scan: the N of the dead-time correction. */
  shotsPerPixel?: number;
  /** Number of pixels summed into each point (analysis area in pixels), for dead-time on sums. */
  pixelCount?: number;
  /** Header fields as the file wrote them. */
  metadata: Record<string, string>;
}

export function scanCount(profile: DepthProfile): number {
  return profile.timeS.length;
}
