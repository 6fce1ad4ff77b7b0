/**
 * Ground truth written beside a generated study (`truth.json`). Tests compare every analysis
 * result against these numbers; nothing here is read by the analysis itself.
 */
export interface TruthLayer {
  role: string;
  thicknessNm: number;
  /** Sputter rate of this material, nm/s (per-material: time is not depth). */
  sputterRateNmPerS: number;
}

export interface TruthBoundary {
  /** Role above (met first by the beam) and below the interface. */
  upper: string;
  lower: string;
  depthNm: number;
  timeS: number;
}

export interface TruthStateLayer {
  role: string;
  startNm: number;
  endNm: number;
  startS: number;
  endS: number;
}

export interface TruthState {
  state: string;
  /** Files of this state, relative to the study folder. */
  files: { simsProfile: string; simsStack: string; xrd: string; sem: string; semSidecar: string };
  layers: TruthStateLayer[];
  boundaries: TruthBoundary[];
  /**
   * Share of the state's Li− counts in each layer: the generator's expected counts (noise-free,
   * before detector saturation), summed over the analysis area and over the true time window of
   * the layer, divided by the total over all layers. This is what a dead-time-corrected,
   * correctly segmented profile should give.
   */
  liFraction: { role: string; fraction: number }[];
  /** Expected (noise-free, unsaturated) Li− counts per layer, same integration. */
  liCounts: { role: string; counts: number }[];
  sem: {
    pixelSizeNm: number;
    tiltDeg: number;
    /** Thickness along the layer normal (what the analysis must report), nm. */
    layers: { role: string; thicknessNm: number }[];
  };
  xrd: {
    peaks: { twoThetaDeg: number; fwhmDeg: number; area: number; phase: string; hkl: string }[];
    /** Amorphous share of the integrated (background-free) intensity. */
    amorphousFraction: number;
  };
}

export interface Truth {
  schema: 'strata.truth/1';
  seed: number;
  stack: string;
  /** Primary pulses per pixel per scan: the N of the dead-time correction. */
  shotsPerPixel: number;
  /** Scan period, s (sputter + analysis cycle). */
  scanPeriodS: number;
  stackPixels: { width: number; height: number; pixelSizeNm: number };
  layers: TruthLayer[];
  states: TruthState[];
}
