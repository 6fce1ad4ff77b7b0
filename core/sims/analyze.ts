/**
 * One ToF-SIMS state from plain inputs to a `SimsStateResult`: dead time → (normalisation) →
 * segmentation → depth calibration → Li inventory, maps and peak. Pure apart from reading
 * stack planes through `readPlane`; every parameter used is recorded in `parameters`.
 *
 * Data preference: segmentation uses the profile when there is one (the instrument's own
 * sum over the analysis area), else a profile built from the stack. The Li inventory uses the
 * stack when it holds the analyte (per-pixel dead-time correction is exact), else the profile
 * (dead time corrected on the sum with N × pixel count, an approximation).
 */
import type { DepthProfile } from '../model/depthProfile.js';
import type { IonStack } from '../model/ionStack.js';
import { defaultAnalyteIon, findIon, ionNotation, labelsPolarity, speciesName, type IonChannel } from '../model/ions.js';
import { AnalysisError, NormalizationError } from '../model/errors.js';
import type { LayerStack } from '../model/layerStack.js';
import type { InterfaceResult, LayerSegment, LiMapStats, SimsStateResult } from '../model/report.js';
import { calibrateDepth, timeToDepthNm, type DepthCalibration } from './calibrate.js';
import { isotopeSaturation, isotopeSaturationWarning, minorIsotopeStandIn } from './isotopeCheck.js';
import { fromMinorWhereShort, UNDERCOUNT_Z } from './profileIsotope.js';
import { scanScatterRatio } from './overdispersion.js';
import { medianSpacing } from '../util/spacing.js';

/** Scatter over counting (variance ratio) past which it is said: its σ is widened from 1 up. */
const SCATTER_WARN = 2;
import { correctDeadTime, poissonSigma, sigmaOfCorrected } from './deadTime.js';
import { boundaryVariances, integrateLayers, mapStatistics, peakTime, shares } from './liInventory.js';
import { normalizeSeries, type NormalizationMode, type Series } from './normalize.js';
import type { Roi } from './roi.js';
import { conditionSignal, segmentProfile } from './segment.js';
import { withInterfaceTimes } from './overrides.js';
import { profileFromStack, type StackProfile, type StackProfileOptions } from './stackProfile.js';
import { windowMapsFromStack } from './windowMaps.js';

/** A normalisation divisor whose per-layer rate varies more than this between layers is warned of. */
const DIVISOR_SPREAD_WARN = 10;

export interface SimsAnalysisOptions {
  /** Normalisation of the analyte before integration. Default `none` (raw corrected counts). */
  normalization?: NormalizationMode;
  /** Reference ion for `reference` normalisation; default the stack's `referenceIon`. */
  referenceIon?: string;
  /** Ion whose inventory is computed; default the stack's `analyteIon`, else Li in the data's polarity (defaultAnalyteIon). */
  analyteIon?: string;
  /** Savitzky–Golay half-width (scans) used for segmentation and the peak. Default 2. */
  smoothHalfWidth?: number;
  /** Minimum relative step for a marker to place a boundary. Default 0.3. */
  minContrast?: number;
  /** ROI on the stack (crater rim excluded); default the whole field. */
  roi?: Roi;
  /** Substrate sputter rate, nm/s; default: the rate of the layer above (extrapolated). */
  substrateRateNmPerS?: number;
  /** Hot-spot threshold in Poisson σ above the map mean. Default 3. */
  hotSpotSigma?: number;
  /** Interface times set by hand, s, top-down (one per interface of the stack): replace the found ones. */
  interfaceTimesS?: number[];
  /** Use the stack (when present) for the Li inventory. Default true. */
  preferStack?: boolean;
  /**
   * Minor isotope for saturated analyte pixels: `{ ion, abundanceRatio }` (minor/major), or
   * false. Default for a ⁷Li analyte: `6Li` with the natural 6Li/7Li = 0.0811 (DOMAIN.md §2),
   * when the stack holds it; none for any other (minorIsotopeStandIn).
   */
  isotopeForSaturated?: { ion: string; abundanceRatio: number } | false;
}

export interface SimsStateInput {
  profile?: DepthProfile;
  stack?: IonStack;
  layerStack: LayerStack;
  /** N of the dead-time correction; default the profile's or the stack's. */
  shotsPerPixel?: number;
  /** Pixels summed into each profile point; default the profile's, else the stack's field. */
  pixelCount?: number;
  /** Thickness per role, nm (SEM or typed in); missing roles fall back to the preset's nominal. */
  thicknessesNm?: Record<string, number>;
  /** Where `thicknessesNm` came from. Default `sem` when given, else nominal. */
  thicknessSource?: 'sem' | 'nominal';
  options?: SimsAnalysisOptions;
  /**
   * Makes the stack's depth profiles: profileFromStack (the default), or one that keeps them
   * (the workbench re-analyses a state at every edit of its interfaces; the profiles do not
   * change: see core/node/stateMemo.ts).
   */
  stackProfile?: StackProfiler;
  /** Makes the analyte's per-layer maps: windowMapsFromStack (the default), or one a caller stops (the workbench's Cancel). */
  windowMaps?: WindowMapper;
}

/** A maker of a stack's depth profiles, as profileFromStack. */
export type StackProfiler = (stack: IonStack, options: StackProfileOptions) => Promise<StackProfile>;

/** A maker of a stack's per-window maps, as windowMapsFromStack. */
export type WindowMapper = typeof windowMapsFromStack;

export interface SimsStateDetail {
  result: SimsStateResult;
  calibration: DepthCalibration | null;
  /** The analyte per scan as integrated (corrected, normalised), with σ, and its time axis. */
  analyte: { timeS: Float64Array; values: Float64Array; sigma: Float64Array; source: 'stack' | 'profile' } | null;
  /** Per-layer Li maps (y × x) when a stack was used. */
  maps?: { role: string; values: Float64Array; width: number; height: number }[];
  /** Every ion per scan as the segmentation read it (the depth-profile figure draws these). */
  signals: SegmentationSignals;
}

/**
 * The series the layers were found in: the profile's, dead-time corrected on its sums where N
 * and the pixel count are known; else the stack's, corrected per pixel, over the ROI.
 */
export interface SegmentationSignals {
  source: 'profile' | 'stack';
  file: string;
  timeS: Float64Array;
  ions: IonChannel[];
  values: Float64Array[];
  /** Total ion count per scan, where the data have it (a profile always: its own or its ions' sum). */
  total: Float64Array | null;
  /** How the counts were corrected for the detector's dead time, in words. */
  deadTime: string;
}

interface SeriesSet {
  timeS: Float64Array;
  ions: IonChannel[];
  series: Series[];
  saturated: number[];
  total?: Series;
  corrected: boolean;
}

/** The data's ion polarity: the profile's, else the sign most of the stack's ion labels end in. */
function polarityOf(profile: DepthProfile | undefined, stack: IonStack | undefined): 'positive' | 'negative' | 'unknown' {
  if (profile && profile.polarity !== 'unknown') return profile.polarity;
  return labelsPolarity((profile?.ions ?? stack?.ions ?? []).map((i) => i.label));
}

/**
 * Refuses data in which no layer of the stack has a single marker ion: the segmentation would
 * rest on nothing. A folder without study.json is read with the paper's stack, and a CIGS
 * profile (positive ions) came out as its five layers, "SiO₂/Si 114 223 nm", under fifteen
 * warnings. The error says which stack, what the data hold, and where the stack is chosen.
 */
function assertSomeMarker(layerStack: LayerStack, ions: readonly IonChannel[], data: DepthProfile | IonStack, dataPolarity: 'positive' | 'negative' | 'unknown'): void {
  const markers = [...new Set(layerStack.layers.flatMap((l) => l.markerIons))];
  if (markers.some((m) => findIon(ions, m) >= 0)) return;
  const fileName = data.source.fileName;
  const shown = ions.slice(0, 8).map((i) => ionNotation(i.label)).join(', ') + (ions.length > 8 ? `, … (${ions.length} ions)` : '');
  const stackPolarity = labelsPolarity(markers);
  const polarity = dataPolarity !== 'unknown' && stackPolarity !== 'unknown' && dataPolarity !== stackPolarity ? `: the data are ${dataPolarity} ions, the stack's markers ${stackPolarity}` : '';
  throw new AnalysisError(
    `${fileName}: none of the marker ions of stack '${layerStack.id}' (${markers.map(ionNotation).join(', ')}) is in the data (${shown})${polarity}; is this another kind of cell? Choose its stack (study.json's "stack")`,
  );
}

/** Dead-time corrected series of a profile's ions (N × pixel count on the sums). */
function profileSeries(profile: DepthProfile, shots: number | undefined, pixelCount: number | undefined, warnings: string[]): SeriesSet {
  const nEff = shots !== undefined && pixelCount !== undefined ? shots * pixelCount : undefined;
  let corrected = true;
  const saturated: number[] = [];
  const series = profile.ions.map((ion) => {
    if (ion.poissonCorrected) {
      saturated.push(0);
      return { values: Float64Array.from(ion.counts), sigma: nEff ? sigmaOfCorrected(ion.counts, nEff) : poissonSigma(ion.counts) };
    }
    if (nEff === undefined) {
      corrected = false;
      saturated.push(0);
      return { values: Float64Array.from(ion.counts), sigma: poissonSigma(ion.counts) };
    }
    const r = correctDeadTime(ion.counts, nEff);
    saturated.push(r.saturatedCount);
    return { values: r.counts, sigma: r.sigma };
  });
  if (!corrected) {
    const missing = [shots === undefined ? 'shots per pixel (study.json sims.shotsPerPixel)' : null, pixelCount === undefined ? 'raster pixels (sims.rasterPixels)' : null].filter(Boolean).join(' and ');
    warnings.push(`profile: ${missing} unknown; counts not dead-time corrected`);
  }
  const total = profile.totalCounts
    ? { values: Float64Array.from(profile.totalCounts), sigma: poissonSigma(profile.totalCounts) }
    : sumSeries(series, profile.timeS.length);
  return { timeS: profile.timeS, ions: profile.ions, series, saturated, total, corrected };
}

function sumSeries(series: Series[], n: number): Series {
  const values = new Float64Array(n);
  const v = new Float64Array(n);
  for (const s of series) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(s.values[i])) continue;
      values[i] += s.values[i];
      v[i] += s.sigma[i] ** 2;
    }
  }
  return { values, sigma: v.map(Math.sqrt) };
}

/** Analyses one state; returns the report's result plus the intermediate axes and maps. */
export async function analyzeSimsStateDetailed(input: SimsStateInput): Promise<SimsStateDetail> {
  const { profile, stack, layerStack } = input;
  const o = input.options ?? {};
  const warnings: string[] = [];
  if (!profile && !stack) throw new Error('analyzeSimsState: needs a profile or a stack');
  const normalization = o.normalization ?? 'none';
  const analyteIon = o.analyteIon ?? defaultAnalyteIon(layerStack, polarityOf(profile, stack));
  // What the warnings call the analyte's inventory ("Li per layer", "Na per layer").
  const species = speciesName(analyteIon);
  const referenceIon = o.referenceIon ?? layerStack.referenceIon;
  const smoothHalfWidth = o.smoothHalfWidth ?? 2;
  const shots = input.shotsPerPixel ?? profile?.shotsPerPixel ?? stack?.shotsPerPixel;
  const pixelCount = input.pixelCount ?? profile?.pixelCount ?? (stack ? stack.width * stack.height : undefined);
  const preferStack = o.preferStack ?? true;
  const stackProfile = input.stackProfile ?? profileFromStack;
  const windowMaps = input.windowMaps ?? windowMapsFromStack;

  // The stack's time axis: a reader that found no scan times falls back to scan indices; when a
  // profile with the same number of scans is present, its times are the stack's too.
  let stackTimeS = stack?.timeS;
  if (stack && profile && stack.scans === profile.timeS.length) {
    const isIndex = stack.timeS.every((t, i) => t === i);
    const differs = stack.timeS.some((t, i) => Math.abs(t - profile.timeS[i]) > 1e-6 * Math.max(1, Math.abs(t)));
    if (isIndex && differs) {
      stackTimeS = profile.timeS;
      warnings.push(`stack ${stack.source.fileName}: no scan times (indices); the profile's times are used`);
    } else if (differs) {
      warnings.push(`stack ${stack.source.fileName}: scan times differ from the profile's; each keeps its own`);
    }
  }
  // A 'total' channel in a stack is the total ion count, not an ion.
  const stackTotal = stack ? stack.ions.findIndex((i) => i.label.trim().toLowerCase() === 'total') : -1;

  // Signals for segmentation (and for the analyte when no stack is used).
  let set: SeriesSet;
  if (profile) {
    set = profileSeries(profile, shots, pixelCount, warnings);
  } else {
    const st = stack!;
    const ionIdx = st.ions.map((_, i) => i).filter((i) => i !== stackTotal);
    const sp = await stackProfile(st, { roi: o.roi, shotsPerPixel: shots, ions: ionIdx, timeS: stackTimeS });
    set = {
      timeS: sp.timeS,
      ions: sp.ions,
      series: sp.counts.map((c, i) => ({ values: c, sigma: sp.sigma[i] })),
      saturated: sp.saturatedPixels.map((a) => a.reduce((s, x) => s + x, 0)),
      corrected: sp.deadTimeCorrected,
    };
    if (stackTotal >= 0) {
      // The total channel counts every ion; it is not dead-time corrected (it is not one species).
      const tp = await stackProfile(st, { roi: o.roi, ions: [stackTotal], deadTime: false, timeS: stackTimeS });
      set.total = { values: tp.counts[0], sigma: tp.sigma[0] };
    } else {
      set.total = sumSeries(set.series, set.timeS.length);
    }
    if (!sp.deadTimeCorrected) warnings.push('stack: shots per pixel unknown; counts not dead-time corrected');
  }

  assertSomeMarker(layerStack, set.ions, profile ?? stack!, polarityOf(profile, stack));
  warnings.push(...isotopeSaturation(set.timeS, set.ions, set.series.map((x) => x.values)).map(isotopeSaturationWarning));
  const found = segmentProfile(
    set.timeS,
    set.ions,
    set.series.map((s) => s.values),
    layerStack,
    { smoothHalfWidth, minContrast: o.minContrast },
  );
  const seg = o.interfaceTimesS ? withInterfaceTimes(found, o.interfaceTimesS, [set.timeS[0], set.timeS[set.timeS.length - 1]]) : found;
  warnings.push(...seg.warnings);

  // Depth calibration.
  const given = input.thicknessesNm ?? {};
  let usedNominal = false;
  const thickness = (role: string): number | undefined => {
    if (given[role] !== undefined) return given[role];
    const nominal = layerStack.layers.find((l) => l.role === role)?.nominalThicknessNm;
    if (nominal !== undefined) usedNominal = true;
    return nominal;
  };
  const cal = calibrateDepth(
    seg.layers.map((l, j) => ({ ...l, isSubstrate: layerStack.layers[j].isSubstrate })),
    thickness,
    { substrateRateNmPerS: o.substrateRateNmPerS },
  );
  if (!cal) warnings.push('depth calibration impossible (a layer has no thickness or no duration); depths are NaN');
  const depthCalibration: SimsStateResult['depthCalibration'] = !cal
    ? 'none'
    : usedNominal || Object.keys(given).length === 0 || input.thicknessSource === 'nominal'
      ? 'nominal'
      : 'sem';
  const depth = (t: number): number => (cal ? timeToDepthNm(cal, t) : NaN);

  const layers: LayerSegment[] = seg.layers.map((l, j) => ({
    role: l.role,
    label: l.label,
    startS: l.startS,
    endS: l.endS,
    startNm: depth(l.startS),
    endNm: depth(l.endS),
    widthNm: depth(l.endS) - depth(l.startS),
    // The segmentation's layers run to the profile's end: the last has no lower interface.
    profileEndsInIt: j === seg.layers.length - 1,
    confidence: l.confidence,
  }));
  const interfaces: InterfaceResult[] = seg.boundaries.map((b) => ({
    upper: b.upper,
    lower: b.lower,
    // null, not "": JSON readers and the CSV tell "no marker" from an ion by it.
    markerIon: b.primary?.ion ?? null,
    timeS: b.timeS,
    depthNm: depth(b.timeS),
    resolutionS: b.primary?.resolutionS ?? NaN,
    resolutionNm: b.primary ? Math.abs(depth(b.primary.t84S) - depth(b.primary.t16S)) : NaN,
    timeSigmaS: b.timeSigmaS,
  }));
  const windows = layers.map((l) => ({ role: l.role, startS: l.startS, endS: l.endS }));
  // The layers are known over the segmented series' time only. A stack that runs on past its
  // profile (a profile cut short, exported in part) put every later scan's Li into the last
  // layer: 19.5 % "substrate" Li where the charged sample's profile was cut at 2856 s.
  const known = knownTimeRange(set.timeS);

  // Normalisation denominators per scan of the segmentation series (same time axis as stack).
  const denominator = (timeLen: number): Series | undefined => {
    if (normalization === 'tic') return set.total;
    if (normalization === 'reference') {
      if (!referenceIon) throw new NormalizationError("normalisation 'reference' needs a reference ion");
      const r = findIon(set.ions, referenceIon);
      if (r < 0) throw new NormalizationError(`reference ion ${referenceIon} not in the data of ${profile?.source.fileName ?? stack?.source.fileName} (its ions: ${set.ions.map((i) => i.label).join(', ')})`);
      if (r === findIon(set.ions, analyteIon)) throw new NormalizationError(`reference ion ${referenceIon} is the analyte itself: every scan would read 1`);
      return set.series[r];
    }
    void timeLen;
    return undefined;
  };
  // A divisor that itself changes from layer to layer (a matrix ion such as C₂⁻, which marks
  // the steel) reshapes the shares by its own distribution as much as by Li's: said, once.
  const divisor = normalization === 'none' ? undefined : denominator(set.timeS.length);
  if (divisor) {
    const perLayer = integrateLayers(set.timeS, divisor.values, divisor.sigma, windows).map((c, j) => c.counts / Math.max(1e-9, windows[j].endS - windows[j].startS));
    const positive = perLayer.filter((v) => v > 0);
    const spread = positive.length > 1 ? Math.max(...positive) / Math.min(...positive) : 1;
    if (spread > DIVISOR_SPREAD_WARN) {
      const by = normalization === 'tic' ? 'the total ion count' : ionNotation(referenceIon ?? '');
      warnings.push(`${by}, the normalisation's divisor, changes ${Math.round(spread)}× between layers: the shares follow its distribution as well as the analyte's`);
    }
  }

  // Analyte: stack (exact per-pixel dead time) or profile.
  let analyte: SimsStateDetail['analyte'] = null;
  let maps: LiMapStats[] | undefined;
  let mapArrays: SimsStateDetail['maps'];
  let saturatedPoints = 0;
  let isotopeUsed: { ion: string; abundanceRatio: number } | null = null;
  const stackLi = stack ? findIon(stack.ions, analyteIon) : -1;
  const sameAxis = stack && stack.scans === set.timeS.length;
  const iso = o.isotopeForSaturated ?? minorIsotopeStandIn(analyteIon);
  if (stack && stackLi >= 0 && preferStack && (normalization === 'none' || sameAxis)) {
    const isoIdx = iso ? findIon(stack.ions, iso.ion) : -1;
    const substitute = iso && isoIdx >= 0 && isoIdx !== stackLi ? { ionIndex: isoIdx, factor: 1 / iso.abundanceRatio } : undefined;
    isotopeUsed = substitute && iso ? iso : null;
    const sp = await stackProfile(stack, { roi: o.roi, ions: [stackLi], shotsPerPixel: shots, timeS: stackTimeS, substitute });
    if (!sp.deadTimeCorrected) warnings.push(`stack: shots per pixel unknown; ${species} not dead-time corrected`);
    saturatedPoints = sp.saturatedTotal;
    let li: Series = { values: sp.counts[0], sigma: sp.sigma[0] };
    const den = denominator(stack.scans);
    if (den) li = normalizeSeries(li, normalization, den);
    analyte = { timeS: sp.timeS, values: li.values, sigma: li.sigma, source: 'stack' };
    let scanScale: Float64Array | undefined;
    if (den) {
      const m = den.values.reduce((s, x) => s + x, 0) / den.values.length;
      scanScale = den.values.map((x) => (x > 0 ? m / x : 0));
    }
    const beyond = scansOutside(sp.timeS, known);
    if (beyond > 0) warnings.push(`stack ${stack.source.fileName}: ${beyond} of its scans lie outside the ${profile ? 'profile' : 'segmented'}'s time (${known.startS.toFixed(0)}–${known.endS.toFixed(0)} s), where no layer is known: left out of the ${species} per layer and the maps`);
    const wm = await windowMaps(stack, stackLi, windows.map((w, j) => ({
      startS: j === 0 ? (beyond > 0 ? known.startS : -Infinity) : w.startS,
      endS: j === windows.length - 1 ? (beyond > 0 ? known.endS : Infinity) : w.endS,
    })), { roi: o.roi, shotsPerPixel: shots, scanScale, timeS: stackTimeS, substitute: substitute && { ...substitute, scans: sp.minorIsotopeScans[0] } });
    maps = wm.maps.map((m, j) => {
      const s = mapStatistics(windows[j].role, m.values, m.variance, wm.mask, o.hotSpotSigma ?? 3);
      return { role: s.role, meanCountsPerPixel: s.meanCountsPerPixel, cv: s.cv, hotSpotFraction: s.hotSpotFraction };
    });
    mapArrays = wm.maps.map((m, j) => ({ role: windows[j].role, values: m.values, width: wm.width, height: wm.height }));
  } else {
    const li = findIon(set.ions, analyteIon);
    if (li < 0) {
      // Where to name another: a solar cell's sodium, say, is the stack's analyteIon ("Na+").
      warnings.push(`analyte ${ionNotation(analyteIon)} not in the data: no ${species} inventory (study.json's inline stack names the analyte in "analyteIon", e.g. "Na+")`);
    } else {
      saturatedPoints = set.saturated[li];
      let s = set.series[li];
      // No pixels to test: where the minor isotope says the major is short, it stands in.
      const minorIdx = iso ? findIon(set.ions, iso.ion) : -1;
      if (iso && minorIdx >= 0 && minorIdx !== li) {
        const fromMinor = fromMinorWhereShort(s, set.series[minorIdx], iso.abundanceRatio);
        if (fromMinor.short > 0) {
          s = fromMinor.series;
          isotopeUsed = iso;
          const taken = fromMinor.scans.reduce((n, x) => n + x, 0);
          warnings.push(`${ionNotation(analyteIon)} under-counted in ${fromMinor.short} scans (${ionNotation(iso.ion)} above ${iso.abundanceRatio} × ${ionNotation(analyteIon)} by more than ${UNDERCOUNT_Z}σ): for the ${species} per layer, read from ${ionNotation(iso.ion)} ÷ ${iso.abundanceRatio} there and beside them (${taken} scans)`);
          // Sums cannot be corrected pixel by pixel: what saturating pixels lost is only partly
          // seen (the sample study from its profiles alone: shares ~1 pp off, against σ ~0.1 pp).
          warnings.push(`a profile's sums cannot be dead-time corrected pixel by pixel: where ${ionNotation(analyteIon)} nears saturation the ${species} per layer stays biased beyond its σ; a 3-D stack of the state gives the per-pixel correction`);
        }
      }
      const den = denominator(set.timeS.length);
      if (den) s = normalizeSeries(s, normalization, den);
      analyte = { timeS: set.timeS, values: s.values, sigma: s.sigma, source: 'profile' };
    }
  }
  if (saturatedPoints > 0) {
    warnings.push(
      isotopeUsed
        ? `${saturatedPoints} saturated ${ionNotation(analyteIon)} pixel-scans: estimated from ${ionNotation(isotopeUsed.ion)} ÷ ${isotopeUsed.abundanceRatio} (flagged)`
        : `${saturatedPoints} saturated ${ionNotation(analyteIon)} points (lower bounds, flagged)`,
    );
  }

  // Scan-to-scan scatter beyond counting (the primary current's jitter) widens each layer's
  // counting σ by its square root: a quasi-Poisson σ, as for XRD intensities that are not counts.
  const scatter = analyte ? scanScatterRatio(analyte.values, analyte.sigma) : 1;
  if (analyte && scatter > 1) {
    analyte = { ...analyte, sigma: analyte.sigma.map((x) => x * Math.sqrt(scatter)) };
    if (scatter > SCATTER_WARN) warnings.push(`${ionNotation(analyteIon)} scatters ${Math.sqrt(scatter).toPrecision(2)}× more from scan to scan than counting allows (the primary current?): its σ is widened so${normalization === 'none' ? '; a normalisation (tic or a reference ion) would take the current out' : ''}`);
  }

  // Each layer's σ also holds where its boundaries lie: near a boundary full of Li (plated at
  // the anode), a few seconds move more Li than counting noise does (the charged sample study's
  // SEI/SE share: 0.05 pp from counts alone, 0.06 pp from its boundaries, whose σ is ~1 s).
  const li = analyte
    ? (() => {
        const inside = withinRange(analyte, known);
        const inLayers = integrateLayers(inside.timeS, inside.values, inside.sigma, windows);
        const moved = boundaryVariances(analyte.timeS, analyte.values, windows, seg.boundaries.map((b) => b.timeSigmaS));
        return shares(inLayers.map((x, j) => ({ ...x, boundaryVariance: moved[j] })));
      })()
    : [];
  let liPeak: SimsStateResult['liPeak'];
  if (analyte) {
    const pk = peakTime(analyte.timeS, conditionSignal(analyte.values, smoothHalfWidth));
    const role = windows.find((w, j) => pk.timeS < w.endS || j === windows.length - 1)?.role ?? '';
    liPeak = { timeS: pk.timeS, depthNm: depth(pk.timeS), role };
  }

  const result: SimsStateResult = {
    layers,
    interfaces,
    li,
    liPeak,
    maps,
    depthCalibration,
    saturatedPoints,
    parameters: {
      normalization,
      analyteIon,
      referenceIon: normalization === 'reference' ? referenceIon : undefined,
      shotsPerPixel: shots,
      pixelCount,
      // A profile the instrument exported Poisson-corrected is left as it is (profileSeries): it
      // read "on sums (N × pixels)" with N and the pixels unknown, a correction never made.
      deadTime: analyte?.source === 'stack' ? 'per-pixel (stack)' : profile?.ions.some((i) => i.poissonCorrected) ? 'by the instrument (Poisson-corrected export)' : set.corrected ? 'on sums (N × pixels)' : 'none',
      liSource: analyte?.source ?? null,
      saturatedSubstitute: isotopeUsed,
      // The variance ratio the σ is widened by, and the factor on σ that the warning states (the
      // one name "scanScatterRatio" read as the warning's 2.3× beside a value of 5.15).
      scanScatterVarianceRatio: scatter,
      sigmaWidening: Math.sqrt(Math.max(1, scatter)),
      roi: o.roi ?? { kind: 'all' },
      interfacesSetByHand: o.interfaceTimesS ?? null,
      segmentation: { ...seg.parameters, source: profile ? 'profile' : 'stack', boundaryMarkers: seg.boundaries.map((b) => ({ upper: b.upper, lower: b.lower, markers: b.markers.map((m) => ({ ion: m.ion, t50S: m.t50S, contrast: m.contrast })) })) },
      calibration: cal ? { ratesNmPerS: cal.ratesNmPerS, substrateRule: o.substrateRateNmPerS !== undefined ? 'given' : 'rate of the layer above' } : null,
      thicknessesNm: given,
      hotSpotSigma: o.hotSpotSigma ?? 3,
      stack: layerStack.id,
    },
    warnings,
  };
  const signals: SegmentationSignals = {
    source: profile ? 'profile' : 'stack',
    file: (profile ?? stack)!.source.fileName,
    timeS: set.timeS,
    ions: set.ions,
    values: set.series.map((x) => x.values),
    total: set.total?.values ?? null,
    deadTime: signalsDeadTime(profile, set.corrected, shots, pixelCount),
  };
  return { result, calibration: cal, analyte, maps: mapArrays, signals };
}

/** How the segmentation's series were dead-time corrected, in words (for figure notes). */
function signalsDeadTime(profile: DepthProfile | undefined, corrected: boolean, shots: number | undefined, pixelCount: number | undefined): string {
  if (!profile) return corrected ? `counts dead-time corrected per pixel (N = ${shots} shots)` : 'raw counts, not dead-time corrected (shots per pixel unknown)';
  if (profile.ions.some((i) => i.poissonCorrected)) return 'counts as the instrument corrected them (Poisson dead-time correction)';
  return corrected ? `counts dead-time corrected on the sums (N = ${shots} shots × ${pixelCount} pixels)` : 'raw counts, not dead-time corrected (shots per pixel or raster pixels unknown)';
}

/** The report's result for one state (see `analyzeSimsStateDetailed` for the intermediates). */
export async function analyzeSimsState(input: SimsStateInput): Promise<SimsStateResult> {
  return (await analyzeSimsStateDetailed(input)).result;
}

/** The median time between scans (0 for fewer than two). */
const scanPeriodS = (timeS: Float64Array): number => medianSpacing(timeS);

/** The time a series covers, its last scan included (one scan period past its last start). */
function knownTimeRange(timeS: Float64Array): { startS: number; endS: number } {
  const n = timeS.length;
  return { startS: n ? timeS[0] : 0, endS: n ? timeS[n - 1] + scanPeriodS(timeS) : 0 };
}

/**
 * Whether a scan starting at t lies inside the range: more than half of it in it (the two time
 * axes' rounding apart), for scans of `scanS`.
 */
const insideRange = (t: number, range: { startS: number; endS: number }, scanS: number): boolean => t >= range.startS - 0.5 * scanS && t <= range.endS - 0.5 * scanS;

/** The scans of a series outside the range. */
function scansOutside(timeS: Float64Array, range: { startS: number; endS: number }): number {
  const scanS = scanPeriodS(timeS);
  let n = 0;
  for (const t of timeS) if (!insideRange(t, range, scanS)) n++;
  return n;
}

/** The series with its points outside the range set to 0 (kept for display; left out of sums). */
function withinRange<T extends { timeS: Float64Array; values: Float64Array; sigma: Float64Array }>(series: T, range: { startS: number; endS: number }): T {
  if (scansOutside(series.timeS, range) === 0) return series;
  const scanS = scanPeriodS(series.timeS);
  const keep = (i: number): boolean => insideRange(series.timeS[i], range, scanS);
  return { ...series, values: series.values.map((v, i) => (keep(i) ? v : 0)), sigma: series.sigma.map((v, i) => (keep(i) ? v : 0)) };
}
