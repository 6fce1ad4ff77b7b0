/**
 * Ground truth written beside a generated study (`truth.json`). Tests compare every analysis
 * result against these numbers; nothing here is read by the analysis itself.
 */
export interface TruthLayer {
  role: string;
  /** Generator material id: steel, li3po4, lifepo4, sio2 (the substrate's over-layer; Si below). */
  material: string;
  /** For `substrate`, the SiO2 over-layer (the Si wafer below is bulk). */
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

/**
 * A layer's true window on both axes. The substrate's window ends where the measurement ends
 * (scans × scanPeriodS), not at the bottom of the SiO2. A scan at time t belongs to the layer
 * with startS ≤ t < endS (scan k is at t = k · scanPeriodS, the first at 0).
 */
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
   * before detector saturation), summed over the analysis area and integrated over the true time
   * window of the layer (the model sampled 16 times a scan), divided by the total over all layers. This is what a dead-time-corrected,
   * correctly segmented profile should give.
   */
  liFraction: { role: string; fraction: number }[];
  /** Expected (noise-free, unsaturated) Li− counts per layer, same integration. */
  liCounts: { role: string; counts: number }[];
  sem: {
    pixelSizeNm: number;
    tiltDeg: number;
    /** In-plane rotation of the layers in the image, degrees; positive = they fall towards the right (y down). */
    rotationDeg: number;
    /** Rows of the data bar at the bottom of the image (part of the TIFF, as in JEOL files). */
    dataBarRows: number;
    /** Burned-in scale bar: its length in px and what it stands for. */
    scaleBarPx: number;
    scaleBarNm: number;
    /** `$CM_MAG` as written (0.128 m / (Mag × width) = pixel size). */
    magnification: number;
    /** Thickness along the layer normal (what the analysis must report), nm. Substrate = SiO2. */
    layers: { role: string; thicknessNm: number }[];
  };
  xrd: {
    /**
     * Crystalline lines: 2θ of Kα1 (Kα2 lies where Bragg's law puts λ2, with half the area),
     * FWHM of the pseudo-Voigt, area of the Kα1 component in counts·deg (intensity = counts ×
     * attenuation). Includes the Si 400 of the wafer (phase `Si (substrate)`).
     */
    peaks: { twoThetaDeg: number; fwhmDeg: number; area: number; phase: string; hkl: string }[];
    /**
     * Amorphous share of the integrated (background-free) intensity of the films: humps /
     * (humps + film crystalline lines), Kα1 areas, the Si substrate line excluded (users mask it).
     */
    amorphousFraction: number;
    /** The amorphous humps, Kα1 area in counts·deg (pure Gaussian shape). */
    humps: { twoThetaDeg: number; fwhmDeg: number; area: number; phase: string }[];
  };
  sims: {
    /** Primary current of this measurement relative to pristine (drift: normalise before comparing states). */
    primaryCurrentFactor: number;
    /** Pixel-scans whose raw Li− count reached N (saturated: the correction is undefined there). */
    liSaturatedPixelScans: number;
    /** Largest expected Li− count of one pixel in one scan (compare with N). */
    liMaxExpectedPerPixel: number;
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
  /** Scans per measurement (the same in every state). */
  scans: number;
  /** The generator's noise scale (0 = expected values, no sampling). */
  noiseScale: number;
  stackPixels: { width: number; height: number; pixelSizeNm: number };
  /** Ions of profile.txt, in column order after `total`, with the m/z written. */
  profileIons: { label: string; mz: number }[];
  /** Channels of stack.ome.tif in order (C index). */
  stackChannels: string[];
  /** The study's layers (materials, sputter rates, thicknesses); a state given its own thicknesses has them in its `layers` and `sem.layers`. */
  layers: TruthLayer[];
  states: TruthState[];
}
