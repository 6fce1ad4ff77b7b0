import type { PixelSizeSource } from './semImage.js';
import type { Provenance } from './provenance.js';
import type { MaskRange } from './xrdPattern.js';

/** A layer found in a depth profile, on both the time and the depth axis. */
export interface LayerSegment {
  role: string;
  label: string;
  startS: number;
  endS: number;
  /** Depth axis from the calibration; NaN-free only when a calibration was possible. */
  startNm: number;
  endNm: number;
  widthNm: number;
  /**
   * True for the layer the profile ends in (the substrate, or wherever the measurement stopped):
   * its end is where the sputtering stopped, not an interface, so `widthNm` is the depth sputtered
   * into it, not its thickness (see endLayerWidth for the rate it rests on).
   */
  profileEndsInIt: boolean;
  /** 0..1: how clearly the markers separate this layer from its neighbours. */
  confidence: number;
}

/** An interface between two layers: 50 % point of a marker's rise or fall. */
export interface InterfaceResult {
  upper: string;
  lower: string;
  /** The ion whose step marks it; null where no marker steps there (the coarse boundary stands, confidence 0.1). */
  markerIon: string | null;
  timeS: number;
  depthNm: number;
  /** Depth resolution: distance between the 84 % and 16 % points. */
  resolutionS: number;
  resolutionNm: number;
  /**
   * 1σ of `timeS`: the scan it falls in and the markers' disagreement. (No depth σ from it: an
   * SEM-calibrated depth axis puts every interface at the sum of the SEM thicknesses above it.)
   */
  timeSigmaS?: number;
}

export interface LiLayerResult {
  role: string;
  /** Integrated Li counts in the layer (after dead-time correction and normalisation). */
  counts: number;
  /**
   * 1σ of `counts`: counting statistics (carried through corrections and normalisation) and,
   * where the analysis gives it, where the layer's boundaries lie (their time σ).
   */
  sigma: number;
  /** Share of the stack total. */
  fraction: number;
  /** 1σ of `fraction`, as `sigma`. */
  fractionSigma: number;
  /** The counting statistics alone (absent in reports made before the boundaries were in σ). */
  sigmaCounting?: number;
  fractionSigmaCounting?: number;
}

/** Lateral statistics of a layer's analyte map over the ROI (see mapStatistics). */
export interface LiMapStats {
  role: string;
  /** Mean of the map per ROI pixel: counts (divided as the state's normalisation says, as `counts` of LiLayerResult). */
  meanCountsPerPixel: number;
  /** Coefficient of variation of the pixels (SD / mean; counting noise included). */
  cv: number;
  /** Share of ROI pixels above the mean by more than 3 σ of counting noise. */
  hotSpotFraction: number;
}

export interface SimsStateResult {
  layers: LayerSegment[];
  interfaces: InterfaceResult[];
  li: LiLayerResult[];
  liPeak?: { timeS: number; depthNm: number; role: string };
  maps?: LiMapStats[];
  /** How the depth axis was made: from SEM thicknesses, typed-in/nominal, or not at all. */
  depthCalibration: 'sem' | 'nominal' | 'none';
  saturatedPoints: number;
  /** Parameters the analysis ran with (normalisation, smoothing, N, ROI, …), for provenance. */
  parameters?: Record<string, unknown>;
  /** What the analysis had to guess or could not do. */
  warnings?: string[];
}

export interface SemLayerThickness {
  role: string;
  thicknessNm: number;
  /** Spread of the thickness along the layer (between strips); null where fewer than two strips found it. */
  sigmaNm: number | null;
  /** More than ten times off the stack's nominal thickness (another image, stack or scale): not used for the depth axis. */
  implausible?: true;
}

export interface SemResult {
  file: string;
  pixelSizeNm: number | null;
  pixelSizeSource: PixelSizeSource;
  layers: SemLayerThickness[];
  /** What the measurement had to assume or doubts (the tilt's reading, a thickness far off its nominal one, …). */
  warnings?: string[];
}

export interface XrdPeakResult {
  twoThetaDeg: number;
  fwhmDeg: number;
  area: number;
  phase: string | null;
  hkl: string | null;
  /**
   * 'tentative' where the peak only fits a line of `phase`: reflections of that phase predicted
   * at least twice as strong, in the measured range and unmasked, show no peak (the result's
   * warnings name them). Absent where the phase is supported, or no phase is named.
   */
  phaseConfidence?: 'tentative';
  crystalliteNm: number | null;
  /**
   * 1σ of the fitted position, width and area (from the fit's covariance), and of the size;
   * null where the fit left it undetermined (a position or width held at its bound).
   */
  twoThetaSigmaDeg: number | null;
  fwhmSigmaDeg: number | null;
  areaSigma: number | null;
  crystalliteSigmaNm: number | null;
  /**
   * Where the width is not resolved from the instrument's (not broader by 2σ; size and σ null):
   * the size the crystallites are at least. Absent where the size is resolved.
   */
  crystalliteMinNm?: number;
  /**
   * χ²ᵣ of the fit the peak came from (its group's, over the group's window: Σ((y − model)/σ)² /
   * (n − p)), σ the counting noise, or for intensities that are not counts the noise their scatter
   * shows around each point: about 1 where the model describes the data; well above, the profile
   * or the background misses it (for counts a warning says so past POOR_FIT_CHI2_REDUCED). The σ
   * above are already widened by √χ²ᵣ. Absent in a report written before it was recorded.
   */
  fitChi2Reduced?: number;
}

export interface XrdResult {
  file: string;
  peaks: XrdPeakResult[];
  /**
   * The unit of the peaks' areas (their integrals over 2θ): the pattern's intensity unit times
   * degrees, `counts·°`, `cps·°` or `a.u.·°` (xrdAreaUnit). Absent in a report written before it
   * was recorded.
   */
  areaUnit?: string;
  amorphousFraction: number | null;
  /**
   * The 2θ ranges the analysis masked in this pattern (the wafer's Si (400) and the companions
   * its optics leave, a tungsten line where it found one, the user's), which the figure and the
   * workbench shade. Absent in a report written before it was recorded: they compute the
   * substrate masks from the first pattern then, as they did.
   */
  masks?: MaskRange[];
  /**
   * The fitted model around the reported peaks, to judge the fits by: for each fitted group with
   * a reported peak, over its peaks (2 FWHM either side, to beyond their Kα2), at the pattern's
   * own unmasked angles (a masked range splits it). Absent in a report written before it was
   * recorded.
   */
  fits?: XrdFitCurve[];
  /** What the analysis had to assume or doubts (e.g. intensities that scatter more than counting noise). */
  warnings?: string[];
}

/** A fitted group's model at some of the pattern's angles, in the pattern's intensity unit. */
export interface XrdFitCurve {
  twoThetaDeg: number[];
  /** The whole model: the peaks (with their Kα2 where it was fitted), background and hump. */
  model: number[];
  /** The background alone: the polynomial and the broad hump, what the peaks sit on. */
  background: number[];
}

export interface StateReport {
  state: string;
  sims?: SimsStateResult;
  sem?: SemResult;
  xrd?: XrdResult;
}

export interface LiChange {
  role: string;
  state: string;
  /** Li fraction in this state minus the reference state's (referenceStateOf). */
  deltaFraction: number;
  sigma: number;
}

export interface Report {
  schema: 'strata.report/1';
  study: string;
  stack: string;
  states: StateReport[];
  comparison: { li: LiChange[] };
  warnings: string[];
  provenance: Provenance;
}

/**
 * Every warning of a report: the study's, then each state's analysis's, prefixed by its state
 * (the per-state ones, e.g. a saturated marker or a layer the profile may not reach, were kept in
 * the states and shown nowhere).
 */
export function reportWarnings(report: Pick<Report, 'warnings' | 'states'>): string[] {
  return [...report.warnings, ...report.states.flatMap((s) => stateWarnings(s).map((w) => `${s.state}: ${w}`))];
}

/**
 * The analyte the states' ToF-SIMS analyses took (Li⁺ in positive-ion data, where the stack's
 * preset names Li⁻): the first state's that names one, among `states` where given; undefined
 * where no analysis ran. Figures, the CLI and the workbench label and choose by it.
 */
export function analysedAnalyte(report: Pick<Report, 'states'>, states?: readonly string[]): string | undefined {
  for (const s of report.states) {
    if (states && !states.includes(s.state)) continue;
    const ion = s.sims?.parameters?.analyteIon;
    if (typeof ion === 'string') return ion;
  }
  return undefined;
}

/**
 * The state a report's changes are measured against (its parameters' referenceState: study.json's,
 * or pristine, else the first state); 'pristine' for a report written before it was recorded.
 */
export function referenceStateOf(report: Pick<Report, 'provenance'>): string {
  const reference = report.provenance.parameters?.referenceState;
  return typeof reference === 'string' ? reference : 'pristine';
}

/**
 * Why a report holds no result at all (no state gave a ToF-SIMS, SEM or XRD result: every
 * modality failed, as on an imzML-only study whose ions are not the stack's), or null. Such a
 * run ended with exit code 0, as if it had worked.
 */
export function nothingAnalysed(report: Pick<Report, 'warnings' | 'states'>): string | null {
  if (report.states.some((s) => s.sims || s.sem || s.xrd)) return null;
  const first = report.warnings[0];
  return `no state gave a result${first ? ` (first warning: ${first})` : ''}`;
}

/** One state's warnings, each prefixed with its modality (ToF-SIMS, SEM, XRD). */
export function stateWarnings(s: StateReport): string[] {
  return [
    ...(s.sims?.warnings ?? []).map((w) => `ToF-SIMS: ${w}`),
    ...(s.sem?.warnings ?? []).map((w) => `SEM: ${w}`),
    ...(s.xrd?.warnings ?? []).map((w) => `XRD: ${w}`),
  ];
}
