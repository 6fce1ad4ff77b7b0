import type { XrdFitCurve, XrdPeakResult, XrdResult } from '../model/report.js';
import { bisectLeft } from 'd3-array';
import type { XrdPattern, XrdWavelength } from '../model/xrdPattern.js';
import { CU_K_ALPHA, xrdAreaUnit } from '../model/xrdPattern.js';
import { amorphousCrystalline } from './amorphous.js';
import { snipBackground } from './background.js';
import { fitPeakGroup, groupCurve, scaleGroupFit } from './fit.js';
import type { BackgroundTerms, FitOptions, FittedPeak, PeakGroupFit, PeakGuess } from './fit.js';
import { kAlpha2PositionDeg, stripKAlpha2 } from './kalpha2.js';
import { bridgeMasked, maskedPoints, opticsCase, si400TwoThetaDeg, SI_400_W_L_ALPHA1_DEG, SI_400_W_L_ALPHA_NAME, siSubstrateMask, siSubstrateMasks } from './mask.js';
import type { MaskRange } from './mask.js';
import { matchedFilterPeaks, sameFeature } from './peakSearch.js';
import { candidatePhases, matchPeaks, weighPhaseEvidence } from './phases.js';
import type { PhaseStackLayer, ReferencePhase } from './phases.js';
import { scherrerEstimate } from './scherrer.js';
import type { ScherrerOptions } from './scherrer.js';
import { convolve, savitzkyGolayWeights } from './smooth.js';
import { medianStepDeg } from './background.js';
import { countingDispersion, scatterVariance } from './dispersion.js';

export interface AnalyzeXrdOptions {
  /** Mask Si (400) of the wafer (default true). */
  maskSi?: boolean;
  /** Further masks (substrate, holder, known artefacts). */
  masks?: MaskRange[];
  /**
   * Look for the wafer's Si (400) in the tube's tungsten W Lα1 light (65.87°) and mask it where
   * found (default true with `maskSi`): see tungstenLineMask.
   */
  maskTungsten?: boolean;
  /** Rachinger Kα2 stripping before peak work (default true when Kα2 is known or Cu is assumed). */
  stripKAlpha2?: boolean;
  /** SNIP half-width for the peak background, deg (default 1.5°: 3–10× typical film FWHM). */
  backgroundHalfWidthDeg?: number;
  /** Narrowest expected FWHM, deg (smoothing before SNIP), default 0.1°. */
  minFwhmDeg?: number;
  /**
   * Peak-search significance threshold, σ of the matched-filter response, default 6. Below the
   * default, the weaker candidates it lets through only add peaks to the default's, which all
   * stay (see admitWeakCandidates).
   */
  minSignificance?: number;
  /**
   * Half-width of the fit window beyond a group's outer peaks, deg (default 5: the window must be
   * wide against the 4–12° hump term, or hump, background and a ~1° peak trade; ±5° gave the smallest
   * position uncertainties on the sample study, ±3.5–4.5° left the 1.1° steel (200) 0.07–0.1° off).
   */
  fitWindowDeg?: number;
  /** A fitted peak is kept when area / σ(area) ≥ this (default 3). */
  minAreaSignificance?: number;
  /** Scherrer: K (0.9), instrument FWHM (deg, default 0.05°), broadening removal (quadratic). */
  scherrer?: ScherrerOptions;
  /** The reference phases peaks are matched against; default: the stack's candidates (candidatePhases). */
  phases?: readonly ReferencePhase[];
  /**
   * The study's layer stack: where given (and `phases` is not), only the reference phases of its
   * materials are candidates, and a material without any is named in a warning (its peaks stay
   * unassigned). Without it, every phase of the library (a pattern analysed on its own).
   */
  stack?: { layers: readonly PhaseStackLayer[] };
  phaseToleranceDeg?: number;
  /** Rolling-ball half-width (deg, default 1.5) and baseline polynomial degree (2) for the amorphous fraction. */
  amorphous?: { sharpHalfWidthDeg?: number; baselineDegree?: number };
}

export interface XrdPeakDetail extends XrdPeakResult {
  fit: FittedPeak;
  significance: number;
}

export interface XrdAnalysis {
  result: XrdResult;
  peaks: XrdPeakDetail[];
  fits: PeakGroupFit[];
  wavelength: XrdWavelength;
  /** True when the file gave no wavelength and Cu Kα was assumed. */
  wavelengthAssumed: boolean;
  /** A plain column file's angle column, as its reader took it ("θ (file name … says θ): doubled to 2θ"); null for other formats. */
  angleColumn: string | null;
  /** Kα1-only intensity (after Rachinger, masks bridged), background and net. */
  alpha1: Float64Array;
  background: Float64Array;
  net: Float64Array;
  masked: boolean[];
  masks: MaskRange[];
  amorphousArea: number;
  crystallineArea: number;
  /** Every parameter actually used, for provenance. */
  parameters: Record<string, unknown>;
}

/** Default instrument FWHM for Scherrer: a Bragg–Brentano lab diffractometer after Kα2 stripping. */
export const DEFAULT_INSTRUMENT_FWHM_DEG = 0.05;

/**
 * The whole XRD chain on one pattern: masks → peak search by curvature-blind matched filters on
 * the raw counts (below the default threshold, the weaker candidates only add peaks: see
 * admitWeakCandidates) → pseudo-Voigt fits on the raw counts (Kα2 in the model; each group of
 * overlapping peaks on ±5° with its neighbours, a quadratic background and one broad Gaussian
 * hump of FWHM 4–12°; η fixed at 0.5 for weak peaks) → Scherrer size → phase markers; and the
 * amorphous fraction from the hump area (Kα1, after Rachinger stripping) against the fitted
 * peak areas. The SNIP background and Kα1 net curve are kept for display.
 */
export function analyzeXrdPattern(pattern: XrdPattern, opts: AnalyzeXrdOptions = {}): XrdAnalysis {
  const x = pattern.twoThetaDeg;
  const wavelengthAssumed = pattern.wavelength === null;
  const wavelength: XrdWavelength = pattern.wavelength ?? { ...CU_K_ALPHA };
  const masks = [...(opts.maskSi === false ? [] : siSubstrateMasks(wavelength, pattern.optics)), ...(opts.masks ?? [])];
  const masked = maskedPoints(x, masks);
  const raw = bridgeMasked(pattern.intensity, masked);
  // An incident-beam monochromator (a Ge(220) crystal) passes Kα1 alone: there is no Kα2 to
  // strip or fit, and stripping one would cut a phantom doublet out of every peak.
  const kAlpha1Only = pattern.optics?.known === true && pattern.optics.monochromator === 'incident';
  const canStrip = !kAlpha1Only && (wavelength.alpha2A !== undefined || Math.abs(wavelength.alpha1A - CU_K_ALPHA.alpha1A) < 1e-3);
  const doStrip = (opts.stripKAlpha2 ?? true) && canStrip;
  const alpha1 = doStrip ? stripKAlpha2(x, raw, wavelength) : raw;
  const ratio = wavelength.ratioAlpha2 ?? CU_K_ALPHA.ratioAlpha2;
  const warnings: string[] = [];
  const counting = pattern.intensityUnit === 'counts';
  // Whole numbers need not be counts (summed over a detector's channels and rescaled, converted
  // from cps): where they scatter well beyond counting noise, the search and the fit work on
  // effective counts, the intensities over that excess, whose counting noise is the data's (a
  // quasi-Poisson model), and the fitted areas are scaled back. Taken as counts, a pattern of
  // such noise alone gave a hundred "significant" peaks, each fitted.
  const dispersion = counting ? countingDispersion(raw, masked) : 1;
  const noiseScale = dispersion > MAX_COUNTING_DISPERSION ? dispersion : 1;
  const counts = noiseScale > 1 ? Float64Array.from(raw, (v) => v / noiseScale) : raw;
  const step = medianStepDeg(x);
  const bgHalf = opts.backgroundHalfWidthDeg ?? 1.5;
  if (noiseScale > 1) {
    warnings.push(`the intensities scatter ${+Math.sqrt(dispersion).toPrecision(2)}× more than counting noise allows: not raw counts (summed, rescaled or converted?); their noise is taken from the data`);
  }
  // Smoothing before SNIP keeps the clip from riding the bottom of the noise band.
  const smoothHalf = Math.max(1, Math.round((opts.minFwhmDeg ?? 0.1) / step / 2));
  const smoothed = convolve(alpha1, savitzkyGolayWeights(smoothHalf, 2, 0));
  const background = Float64Array.from(snipBackground(x, smoothed, { halfWidthDeg: bgHalf }), (b, i) => Math.min(b, smoothed[i]));
  const net = Float64Array.from(alpha1, (v, i) => v - background[i]);
  // Peak search on the unstripped counts: a bank of matched filters insensitive to any locally
  // quadratic background (humps, air scatter), significance from Poisson statistics.
  // Significance under the null hypothesis (no peak): the variance is the local background's,
  // not the peak's own counts, or strong peaks would favour ever wider kernels.
  const countsBackground = snipBackground(x, convolve(counts, savitzkyGolayWeights(smoothHalf, 2, 0)), { halfWidthDeg: bgHalf });
  const searchVariance = counting ? Float64Array.from(countsBackground, (v, i) => Math.max(Math.min(v, counts[i] + 3 * Math.sqrt(Math.max(counts[i], 1))), 1)) : scatterVariance(raw, masked);
  // Two tiers of candidates (hysteresis thresholding, as in Canny's edge detector): the
  // detections at the default threshold, at which noise alone gives none, and, where the user
  // lowers it, the weaker candidates the search then adds. A weak candidate closer to a detection
  // than half the wider one's FWHM is that detection seen by another kernel (the search's own rule
  // across widths), not a peak of its own; the others only add to what the detections give
  // (admitWeakCandidates). Searched and fitted on an equal footing, noise bumps on a broad peak's
  // top took its place (gredig_2Theta.asc lost its 9.6° and 31.5° peaks at 2–4 σ).
  const minSignificance = opts.minSignificance ?? DEFAULT_MIN_SIGNIFICANCE;
  const detectionSignificance = Math.max(minSignificance, DEFAULT_MIN_SIGNIFICANCE);
  const search = (min: number) => matchedFilterPeaks(x, counts, { masked, minSignificance: min, variance: searchVariance });
  const detections = search(detectionSignificance);
  const weakFound = minSignificance < detectionSignificance ? search(minSignificance) : [];
  const candidates = [...detections, ...weakFound.filter((c) => !detections.some((d) => sameFeature(c, d)))].sort((a, b) => a.twoThetaDeg - b.twoThetaDeg);
  const isDetection = candidates.map((c) => detections.includes(c));
  // Intensities that are not counts are fitted with their noise's variance (the scatter's), so
  // that χ² is in units of σ, as the fit's stopping rule and its χ²ᵣ assume.
  const fitVariance = counting ? Float64Array.from(counts, (v) => Math.max(v, 1)) : searchVariance;
  const alpha2 = !kAlpha1Only && (wavelength.alpha2A !== undefined || canStrip) ? { ratio, alpha1A: wavelength.alpha1A, alpha2A: wavelength.alpha2A ?? CU_K_ALPHA.alpha2A } : undefined;
  const guessOf = (c: (typeof candidates)[number]): PeakGuess => {
    // The filter sees Kα1 + Kα2 together: a peak broader than their split sits a third of it high.
    const split = alpha2 ? kAlpha2PositionDeg(c.twoThetaDeg, alpha2.alpha1A, alpha2.alpha2A) - c.twoThetaDeg : 0;
    const shift = c.fwhmDeg > split ? (split * ratio) / (1 + ratio) : 0;
    return { centerDeg: c.twoThetaDeg - shift, fwhmDeg: c.fwhmDeg, area: c.areaEstimate / (1 + (alpha2 ? ratio : 0)) };
  };
  // Groups: candidates closer than 2·(w₁ + w₂) share their data. Each group is fitted on ±W
  // around it with every other candidate of that window as a further (context) peak, a quadratic
  // background and one broad Gaussian hump (FWHM 4–12°: the humps are 7–9° wide and cannot mimic
  // a ≤ 2° peak), on the raw counts with Kα2 in the model (see FIT_BACKGROUND).
  const windowDeg = opts.fitWindowDeg ?? 5;
  const minAreaSig = opts.minAreaSignificance ?? 3;
  const fitGroup = (g: readonly number[], window: [number, number], members: number[]): GroupOutcome | null => {
    // η is fitted only where every peak is strong enough to fix it (else 0.5).
    const fitGuesses = (guesses: PeakGuess[], of: readonly number[]): PeakGroupFit | null =>
      fitPeakGroup(x, counts, guesses, {
        variance: fitVariance,
        masked,
        background: FIT_BACKGROUND,
        rangeDeg: window,
        hump: FIT_HUMP,
        maxFwhmDeg: maxPeakFwhmDeg,
        kAlpha2: alpha2,
        fixEta: of.some((i) => candidates[i].significance < strongSignificance) ? 0.5 : undefined,
      });
    const fitMembers = (of: readonly number[]): PeakGroupFit | null => fitGuesses(of.map((i) => guessOf(candidates[i])), of);
    const pruned = pruneUnsupported(members, fitMembers(members), candidates, minAreaSig, fitMembers);
    const effective = mergeUnresolved(members, pruned, g, candidates, fitGuesses);
    if (!effective) return null;
    const f = scaleGroupFit(effective, noiseScale);
    // A width run to its upper bound is background the hump term could not take, not a peak.
    const own = members.flatMap((i, k) => (g.includes(i) && f.peaks[k].fwhmDeg < maxPeakFwhmDeg * 0.999 ? [{ peak: f.peaks[k], candidate: i }] : []));
    return { fit: f, own };
  };
  const isKept = (p: FittedPeak): boolean => p.area > 0 && Number.isFinite(p.sigma.area) && p.area >= minAreaSig * p.sigma.area && !masked[nearestIndex(x, p.centerDeg)];
  const groupCache = new Map<string, GroupOutcome | null>();
  const fitSet = (active: readonly number[]): CandidateSetFit => fitCandidateSet(candidates, active, windowDeg, fitGroup, groupCache);
  const detectionIndices = candidates.flatMap((_, i) => (isDetection[i] ? [i] : []));
  const weakIndices = candidates.flatMap((_, i) => (isDetection[i] ? [] : [i]));
  const { fits, fitted } = admitWeakCandidates(detectionIndices, weakIndices, candidates, fitSet, isKept);
  const scherrer: ScherrerOptions = { k: 0.9, instrumentFwhmDeg: DEFAULT_INSTRUMENT_FWHM_DEG, broadening: 'quadratic', ...opts.scherrer };
  const keptFits = fitted
    .filter(({ peak: p }) => isKept(p))
    .map(({ peak, candidate }) => ({ peak, candidate: candidates[candidate] }))
    .sort((a, b) => a.peak.centerDeg - b.peak.centerDeg);
  const kept = keptFits.map((k) => k.peak);
  const phaseCandidates = candidatePhases(opts.stack);
  const phases = opts.phases ?? phaseCandidates.phases;
  if (!opts.phases && phaseCandidates.note) warnings.push(phaseCandidates.note);
  const matches = matchPeaks(
    kept.map((p) => p.centerDeg),
    phases,
    { toleranceDeg: opts.phaseToleranceDeg, wavelengthA: wavelength.alpha1A },
  );
  // A match is one line of a phase; the phase is named outright only where its stronger lines
  // in range are not clearly absent (weighPhaseEvidence), else flagged tentative and the
  // missing lines named in a warning (a 28.87° bump on an organic film was "γ-Li3PO4 (211)").
  const evidence = weighPhaseEvidence(
    kept.map((p) => ({ twoThetaDeg: p.centerDeg, fwhmDeg: p.fwhmDeg, area: p.area, areaSigma: p.sigma.area })),
    matches,
    phases,
    { rangeDeg: [x[0], x[x.length - 1]], masks, toleranceDeg: opts.phaseToleranceDeg, wavelengthA: wavelength.alpha1A },
  );
  for (const ev of evidence.values()) {
    if (!ev.tentative) continue;
    // The name the peak tables print too (phaseLabel): one name for a phase wherever a user reads it.
    const name = phases.find((p) => p.id === ev.phaseId)?.label ?? ev.phaseId;
    const at = kept.flatMap((p, i) => (matches[i]?.phaseId === ev.phaseId ? [`${p.centerDeg.toFixed(2)}° ${matches[i]!.hkl}`] : [])).join(', ');
    const missing = ev.absent.map((s) => `${s.hkl} ${s.twoThetaDeg.toFixed(2)}°`).join(', ');
    warnings.push(`${name} is tentative (${at}): its stronger reflections ${missing}, in the measured range and unmasked, show no peak (a strongly textured film could hide them)`);
  }
  // The wafer's reflection in the tube's tungsten light: where found, masked and the pattern analysed again.
  if (opts.maskSi !== false && opts.maskTungsten !== false && !masks.some((m) => m.name === SI_400_W_L_ALPHA_NAME)) {
    const tungsten = tungstenLineMask(pattern, wavelength, raw, kept);
    if (tungsten) {
      const again = analyzeXrdPattern(pattern, { ...opts, masks: [...(opts.masks ?? []), tungsten] });
      again.result.warnings = [...(again.result.warnings ?? []), `a narrow peak at the wafer's Si (400) W Lα1 angle was taken for the tube's tungsten line and masked: ${tungsten.label}`];
      return again;
    }
  }
  // The fit each kept peak came from: the group fit it is one of the peaks of.
  const groupOf = kept.map((p) => fits.find((f) => f.peaks.includes(p)));
  const fitCurves = reportedFitCurves(x, masked, kept, groupOf, alpha2);
  const size = kept.map((p) => scherrerEstimate(p.centerDeg, p.fwhmDeg, wavelength.alpha1A, { fwhmDeg: p.sigma.fwhmDeg, twoThetaDeg: p.sigma.centerDeg }, scherrer));
  const peaks: XrdPeakDetail[] = kept.map((p, i) => {
    return {
      // Each value beside its σ (the CSV table's column order).
      twoThetaDeg: p.centerDeg,
      twoThetaSigmaDeg: known(p.sigma.centerDeg),
      fwhmDeg: p.fwhmDeg,
      fwhmSigmaDeg: known(p.sigma.fwhmDeg),
      area: p.area,
      areaSigma: known(p.sigma.area),
      phase: matches[i]?.phaseId ?? null,
      hkl: matches[i]?.hkl ?? null,
      ...(matches[i] && evidence.get(matches[i]!.phaseId)?.tentative ? { phaseConfidence: 'tentative' as const } : {}),
      crystalliteNm: size[i].sizeNm,
      crystalliteSigmaNm: size[i].sigmaNm,
      ...(size[i].minNm !== null ? { crystalliteMinNm: size[i].minNm } : {}),
      ...(groupOf[i] ? { fitChi2Reduced: groupOf[i]!.chi2Reduced } : {}),
      fit: p,
      significance: keptFits[i].candidate.significance,
    };
  });
  // A position without σ is one the fit held at the edge of the range it may move in, after
  // refits that moved the range with it (fit.ts): said, with the peak, for "31.528 ± —" said nothing.
  for (const p of peaks) {
    if (p.twoThetaSigmaDeg === null) warnings.push(`peak at ${p.twoThetaDeg.toFixed(2)}°: its position has no σ (the fit held it at the edge of the range it may move in: a neighbour or the background competes for it), nor has its size; read it with care`);
  }
  // A fit that misses the data by well more than the noise: said once per fit, with its peaks.
  // Only where the noise is counting noise (counts, or effective counts): other intensities'
  // noise is estimated from their scatter (scatterVariance), which the smoothing or rounding of
  // the software that wrote them can make small, and a good fit then leaves a large χ²ᵣ.
  for (const fit of counting ? new Set(groupOf) : []) {
    if (!fit || !(fit.chi2Reduced > POOR_FIT_CHI2_REDUCED)) continue;
    const at = peaks.filter((_, i) => groupOf[i] === fit).map((p) => `${p.twoThetaDeg.toFixed(2)}°`);
    const them = at.length > 1 ? 'their' : 'its';
    warnings.push(`${at.length > 1 ? 'peaks' : 'peak'} at ${at.join(', ')}: ${them} fit leaves χ²ᵣ = ${+fit.chi2Reduced.toPrecision(2)} (the model misses the data by more than the noise: a profile asymmetric or split, or a background it cannot follow); ${them} σ are widened by √χ²ᵣ, but ${them} width and area rest on the model`);
  }
  // Amorphous vs crystalline: hump area from the two-SNIP curves on the Kα1 data, crystalline
  // area from the fitted peaks (integrated by the fit, so noise does not inflate it).
  const am = amorphousCrystalline(x, alpha1, { ...opts.amorphous, masked });
  const crystallineArea = peaks.reduce((s, p) => s + p.area, 0);
  const amorphousArea = am.amorphousArea;
  const total = amorphousArea + crystallineArea;
  const result: XrdResult = {
    file: pattern.source.fileName,
    peaks: peaks.map(({ fit: _fit, significance: _significance, ...result }) => result),
    areaUnit: xrdAreaUnit(pattern.intensityUnit),
    amorphousFraction: total > 0 ? amorphousArea / total : null,
    // What this pattern had masked (a tungsten line only where found), for the figure and the
    // workbench to shade: worked out again from the optics, they missed the tungsten mask.
    masks,
    fits: fitCurves,
    ...(warnings.length ? { warnings } : {}),
  };
  return {
    result,
    peaks,
    fits,
    wavelength,
    wavelengthAssumed,
    angleColumn: pattern.metadata['strata.angleColumn'] ?? null,
    alpha1,
    background,
    net,
    masked,
    masks,
    amorphousArea,
    crystallineArea,
    parameters: {
      masks,
      kAlpha2Stripped: doStrip,
      // Kα1 alone reaches the sample (an incident-beam monochromator recorded): no Kα2 stripped or fitted.
      kAlpha1Only,
      kAlpha2Ratio: doStrip ? ratio : null,
      wavelength,
      wavelengthAssumed,
      background: { method: 'SNIP (LLS, decreasing window) on SG-smoothed data', halfWidthDeg: bgHalf },
      peakSearch: {
        method: 'matched filters (Gaussian orthogonal to 1, x, x² over ±3 FWHM) on raw counts, gated by the mean-subtracted kernel',
        widthsDeg: [0.1, 1.1],
        minSignificance,
        detectionSignificance,
        lowerThreshold: 'candidates below the detection significance (the default) are added one at a time, strongest first, each only where its own peak is kept and every peak kept before stays kept, within half its FWHM of where it was',
        variance: counting ? 'SNIP background of the raw counts (null hypothesis)' : "each point's, from the scatter of the second differences around it (MAD over ±100 of them)",
        countingDispersion: counting ? dispersion : null,
        effectiveCountsDivisor: noiseScale,
      },
      fit: {
        profile: 'pseudo-Voigt, Kα2 in the model',
        background: `${FIT_BACKGROUND} + Gaussian hump (FWHM ${FIT_HUMP.minFwhmDeg}–${FIT_HUMP.maxFwhmDeg}°)`,
        windowDeg: windowDeg,
        etaFixedBelowSignificance: strongSignificance,
        maxPeakFwhmDeg,
        minAreaSignificance: minAreaSig,
        weights: counting ? (noiseScale > 1 ? 'Poisson on effective counts (intensities / countingDispersion), at least 1' : 'Poisson: 1 / max(counts, 1)') : "each point's variance from the scatter of the second differences around it (MAD over ±100 of them)",
        optimiser: 'Levenberg–Marquardt, each parameter in units of its whitened Jacobian column at the start (independent of the intensities\' unit)',
        uncertainty: 'sqrt(diag((JᵀWJ)⁻¹)·χ²ᵣ) over the free parameters',
      },
      scherrer,
      amorphous: { method: 'rolling-ball hump curve over iterative-polynomial baseline, vs fitted peak areas', ...opts.amorphous },
      phaseToleranceDeg: opts.phaseToleranceDeg ?? 0.3,
      phases: phases.map((p) => p.id),
      phaseCandidates: opts.phases ? 'given' : opts.stack ? "the stack's materials" : 'every reference phase (no stack)',
      phaseEvidence: 'tentative where a reflection of the phase ≥ 2× its strongest matched one (reference intensities), in range and unmasked, predicted ≥ 12 σ, has no peak within the tolerance; single-crystal substrates exempt',
    },
  };
}

/**
 * The wafer's Si (400) diffracts the tube's tungsten W Lα1 line (1.4764 Å, from the cathode,
 * deposited on an ageing anode) at 65.87° whatever the anode. It is not masked blindly: it is
 * masked (±0.3°) only where the pattern shows it, a fitted peak whose counts peak
 * - at 65.87° shifted as the wafer's own Kα1 line is shifted from 69.13° (sample displacement),
 *   within 0.1°: a single crystal's line, where the position is exact;
 * - narrow (FWHM ≤ 0.2° in the counts), as the wafer's reflection is, and unlike a film's;
 * - weak against the wafer's Kα reflection in the same pattern: at most 1 % of its height (a
 *   contaminated tube gives 10⁻⁴–10⁻³ of Kα; a peak comparable to the wafer's is not the tube's);
 * and not with a monochromator recorded (set to the anode's Kα, it passes no W Lα). A β filter
 * does not rule it out (W Lα1, 8.40 keV, lies above the Ni K edge, 8.33 keV, so Ni absorbs it as
 * it does Kβ, but the wafer is strong). Height and width are read from the counts, not the fit,
 * whose Kα1 + Kα2 doublet does not describe a line without a Cu Kα2 companion. Null where any of
 * this fails.
 */
function tungstenLineMask(pattern: XrdPattern, wavelength: XrdWavelength, bridged: Float64Array, kept: readonly FittedPeak[]): MaskRange | null {
  if (opticsCase(pattern.optics) === 'monochromator') return null;
  const si = siSubstrateMask(wavelength);
  if (!si) return null;
  const x = pattern.twoThetaDeg;
  const y = pattern.intensity;
  // Its Kα1 angle itself, not read back from the mask's rounded edge.
  const siAlpha1Deg = si400TwoThetaDeg(wavelength.alpha1A)!;
  // The wafer's net reflection (above the line bridging its mask): its height and where it peaks.
  let top = -Infinity;
  let topDeg = Number.NaN;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < si.fromDeg || x[i] > si.toDeg) continue;
    if (y[i] - bridged[i] > top) {
      top = y[i] - bridged[i];
      topDeg = x[i];
    }
  }
  if (!(top > 0) || !(Math.abs(topDeg - siAlpha1Deg) < 0.5)) return null;
  const expected = SI_400_W_L_ALPHA1_DEG + (topDeg - siAlpha1Deg);
  if (!kept.some((p) => Math.abs(p.centerDeg - expected) <= 0.15)) return null;
  // The line in the counts: its highest point near the expected angle, over the median of the
  // counts 0.4–1° either side.
  let m = -1;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i] - expected) <= 0.15 && (m < 0 || y[i] > y[m])) m = i;
  if (m < 0 || Math.abs(x[m] - expected) > 0.1) return null;
  const side = Array.from(x, (t, i) => (Math.abs(t - x[m]) >= 0.4 && Math.abs(t - x[m]) <= 1 ? y[i] : Number.NaN)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (side.length < 4) return null;
  const base = side[Math.floor(side.length / 2)];
  const height = y[m] - base;
  if (!(height > 0) || height > 0.01 * top) return null;
  // Full width at half height, each side interpolated between the points that straddle it.
  const half = base + height / 2;
  const crossing = (dir: 1 | -1): number | null => {
    for (let i = m; i + dir >= 0 && i + dir < x.length && Math.abs(x[i + dir] - x[m]) <= 1; i += dir) {
      if (y[i + dir] <= half) return x[i] + ((x[i + dir] - x[i]) * (y[i] - half)) / (y[i] - y[i + dir]);
    }
    return null;
  };
  const [lo, hi] = [crossing(-1), crossing(1)];
  if (lo === null || hi === null || hi - lo > 0.2) return null;
  const percent = (100 * height) / top;
  return {
    fromDeg: Math.round((x[m] - 0.3) * 100) / 100,
    toDeg: Math.round((x[m] + 0.3) * 100) / 100,
    label: `${SI_400_W_L_ALPHA_NAME} (tube tungsten: narrow peak at ${x[m].toFixed(2)}°, FWHM ${(hi - lo).toFixed(2)}°, ${percent < 0.1 ? percent.toPrecision(1) : percent.toFixed(1)} % of the wafer's Si (400) height)`,
    name: SI_400_W_L_ALPHA_NAME,
  };
}

/** A σ for the report: null where the fit could not give one (NaN; JSON has no NaN). */
const known = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** `{file, peaks, amorphousFraction}` for the report's xrd section. */
export function analyzeXrd(pattern: XrdPattern, opts: AnalyzeXrdOptions = {}): XrdResult {
  return analyzeXrdPattern(pattern, opts).result;
}

/** Below this detection significance a peak's η is fixed (0.5): weak peaks cannot tell Lorentzian wings from background. */
const strongSignificance = 25;

/**
 * Most scatter, over counting noise (variance ratio), still taken for counts: raw counts give
 * 0.86–1.06 (see countingDispersion); past 2 (σ 1.4× Poisson) the numbers are not raw counts.
 */
const MAX_COUNTING_DISPERSION = 2;

/**
 * The background of every group's fit: a quadratic in 2θ and one Gaussian hump. With a linear
 * one, a ±5° window holds curvature the line cannot follow (the air scatter's fall, the tails of
 * the neighbouring humps): the hump went to the window's edge, often with a negative area, to
 * bend the line, and the peak sitting on the hump took the hump's top. Over 48 generated patterns
 * of the sample study's three states (16 noise seeds; test/xrd/humpBias.test.ts checks 6), the 0.7°
 * LiFePO₄ (101) on the SiO₂ hump came out 49–95 % too wide with a linear background, 4–8 % with
 * the quadratic; the widths of all film peaks 22 → 14 % off on average, their positions 0.044 →
 * 0.037° rms, and the reported σ nearer the scatter (width errors 1.7 → 1.3 σ rms, areas 1.9 →
 * 1.2 σ). A hump wider than 12° is the quadratic again over a ±5° window: the two traded and the
 * fits crawled (with the quadratic and a 20° bound, as beside the linear one, one fit in 15 ran
 * its 200 iterations; with 12°, one in 300, and the same peaks).
 */
const FIT_BACKGROUND: BackgroundTerms = 'quadratic';
const FIT_HUMP = { minFwhmDeg: 4, maxFwhmDeg: 12 };

/**
 * χ²ᵣ of a group fit above which the analysis warns that the model misses the data. Over the
 * generated patterns of test/xrd/humpBias.test.ts (the model right but for the background's
 * form) the fits of reported peaks leave 0.84–1.16; on the real patterns 1.0–1.6 where the fit
 * looks right, 2.2 under gredig_2Theta.asc's asymmetric 15.3° peak and 28–41 under
 * gredig_MB120718Si3.ras's strong low-angle ones (10⁵ counts: a profile a little asymmetric).
 */
export const POOR_FIT_CHI2_REDUCED = 2;

/** Half-width of a reported fit curve beyond each of its peaks (and its Kα2), in the peak's FWHMs. */
const FIT_CURVE_HALF_WIDTH_FWHM = 2;

/**
 * The model of every group fit with a reported peak, over those peaks (XrdResult.fits): at the
 * pattern's unmasked angles within 2 FWHM of a peak or its Kα2 and inside the fit's window, one
 * curve a run of consecutive such angles. Values to 5 significant digits (a report holds ~10³).
 * `groupOf[i]`: the fit `kept[i]` came from.
 */
function reportedFitCurves(x: ArrayLike<number>, masked: ArrayLike<boolean>, kept: readonly FittedPeak[], groupOf: readonly (PeakGroupFit | undefined)[], kAlpha2: FitOptions['kAlpha2']): XrdFitCurve[] {
  const curves: XrdFitCurve[] = [];
  const round = (v: number): number => Number(v.toPrecision(5));
  for (const fit of new Set(groupOf)) {
    if (!fit) continue;
    const spans = kept
      .filter((_, i) => groupOf[i] === fit)
      .map((p) => {
        const reach = FIT_CURVE_HALF_WIDTH_FWHM * p.fwhmDeg;
        const upper = kAlpha2 ? kAlpha2PositionDeg(p.centerDeg, kAlpha2.alpha1A, kAlpha2.alpha2A) : p.centerDeg;
        return [Math.max(p.centerDeg - reach, fit.rangeDeg[0]), Math.min(upper + reach, fit.rangeDeg[1])];
      });
    const runs: number[][] = [];
    let run: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const inside = !masked[i] && spans.some(([a, b]) => x[i] >= a && x[i] <= b);
      if (inside) run.push(x[i]);
      else if (run.length) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length) runs.push(run);
    for (const angles of runs.filter((r) => r.length >= 2)) {
      const { model, background } = groupCurve(fit, kAlpha2, angles);
      curves.push({ twoThetaDeg: angles, model: model.map(round), background: background.map(round) });
    }
  }
  return curves;
}

/** Upper bound of a film peak's FWHM in the fit, deg (the hump term starts at 4°). */
const maxPeakFwhmDeg = 2;

/** Index of the angle nearest to `value` (x increasing). */
function nearestIndex(x: ArrayLike<number>, value: number): number {
  const hi = Math.min(x.length - 1, Math.max(1, bisectLeft(x as number[], value)));
  const lo = hi - 1;
  return Math.abs(x[lo] - value) <= Math.abs(x[hi] - value) ? lo : hi;
}

/** The search's threshold where the user gives none, σ: noise alone gives no candidate above it (the sample study's humps + Poisson noise, 10 seeds). */
const DEFAULT_MIN_SIGNIFICANCE = 6;

/** One group's fit (in the intensities' units) and its own peaks below the width cap, by candidate index. */
interface GroupOutcome {
  fit: PeakGroupFit;
  own: Array<{ peak: FittedPeak; candidate: number }>;
}

/** Every group's fit of one set of candidates, and the peaks the groups call their own. */
interface CandidateSetFit {
  fits: PeakGroupFit[];
  fitted: Array<{ peak: FittedPeak; candidate: number }>;
}

/** Consecutive candidates (by angle) closer than 2·(w₁ + w₂): each run is one group, fitted together. */
function groupCandidates(candidates: readonly { twoThetaDeg: number; fwhmDeg: number }[], active: readonly number[]): number[][] {
  const groups: number[][] = [];
  for (const i of active) {
    const last = groups[groups.length - 1];
    const prev = last ? candidates[last[last.length - 1]] : undefined;
    if (prev && candidates[i].twoThetaDeg - prev.twoThetaDeg < 2 * (candidates[i].fwhmDeg + prev.fwhmDeg)) last.push(i);
    else groups.push([i]);
  }
  return groups;
}

/**
 * Fits the candidates `active` (indices into `candidates`, in order of angle): each group on
 * ±`windowDeg` around it, with every active candidate inside that window as a (context) peak.
 * A group's fit depends only on its own candidates and the window's, so it is cached by them:
 * trying one more candidate refits only the groups whose window it falls in.
 */
function fitCandidateSet(
  candidates: readonly { twoThetaDeg: number; fwhmDeg: number }[],
  active: readonly number[],
  windowDeg: number,
  fitGroup: (group: readonly number[], window: [number, number], members: number[]) => GroupOutcome | null,
  cache: Map<string, GroupOutcome | null>,
): CandidateSetFit {
  const fits: PeakGroupFit[] = [];
  const fitted: CandidateSetFit['fitted'] = [];
  for (const g of groupCandidates(candidates, active)) {
    const window: [number, number] = [candidates[g[0]].twoThetaDeg - windowDeg, candidates[g[g.length - 1]].twoThetaDeg + windowDeg];
    const members = active.filter((i) => candidates[i].twoThetaDeg > window[0] + 0.5 && candidates[i].twoThetaDeg < window[1] - 0.5);
    const key = `${g.join(',')}|${members.join(',')}`;
    if (!cache.has(key)) cache.set(key, fitGroup(g, window, members));
    const outcome = cache.get(key);
    if (!outcome) continue;
    fits.push(outcome.fit);
    fitted.push(...outcome.own);
  }
  return { fits, fitted };
}

/**
 * Hysteresis on the search threshold: the detections (candidates at the default threshold) are
 * fitted as they always are, and the weaker candidates a lowered threshold adds are then tried,
 * the most significant first. They are tried in runs, the weak candidates close enough to be
 * fitted as one group (two overlapping weak peaks can be significant only together: the charged
 * sample's 29.6° and 30.9°); a run is admitted where, fitted with everything admitted before,
 * at least one of its own peaks is kept and every peak kept before is still kept, within half
 * its FWHM of where it was (a member whose peak is not kept stays in the model, as any candidate
 * did before). A run that fails is tried one candidate at a time, on the same terms.
 *
 * Why: a weak candidate is weak evidence, and fitted on an equal footing it can take the data
 * of a strong peak. On gredig_2Theta.asc at 2–4 σ, 3–5 σ bumps on the 2°-wide 9.6° peak (a 20 σ
 * feature for the widest kernel) displaced the default's candidates there (the search takes
 * narrower kernels first) and stretched the group's fit window to the start of the scan, where
 * the background rises steeply: the peak ran to the width cap and was dropped. At 3 σ, bumps at
 * 30.6° and 31.8° widened in the fit and shared the 31.5° peak's area until none of them was
 * significant. Fitted first, a strong peak keeps the data it explains; weak ones must explain
 * what is left. So every peak found at the default threshold is found at any lower one, where
 * it was (what a user lowering the threshold expects), the default's result is unchanged, and
 * a weak run is admitted only after every stronger one was tried.
 */
function admitWeakCandidates(
  detections: readonly number[],
  weak: readonly number[],
  candidates: readonly { twoThetaDeg: number; fwhmDeg: number; significance: number }[],
  fitSet: (active: readonly number[]) => CandidateSetFit,
  isKept: (peak: FittedPeak) => boolean,
): CandidateSetFit {
  const keptOf = (f: CandidateSetFit): Map<number, FittedPeak> => new Map(f.fitted.filter((e) => isKept(e.peak)).map((e) => [e.candidate, e.peak]));
  const strongest = (run: readonly number[]): number => Math.max(...run.map((i) => candidates[i].significance));
  let active = [...detections].sort((a, b) => a - b);
  let current = fitSet(active);
  let kept = keptOf(current);
  // Admits `added` where one of them is kept and nothing kept before is lost or moved.
  const tryAdding = (added: readonly number[]): boolean => {
    const withAdded = [...active, ...added].sort((a, b) => a - b);
    const trial = fitSet(withAdded);
    const trialKept = keptOf(trial);
    const keepsEarlier = [...kept].every(([i, p]) => {
      const q = trialKept.get(i);
      return q !== undefined && Math.abs(q.centerDeg - p.centerDeg) < p.fwhmDeg / 2;
    });
    if (!keepsEarlier || !added.some((i) => trialKept.has(i))) return false;
    active = withAdded;
    current = trial;
    kept = trialKept;
    return true;
  };
  const runs = groupCandidates(candidates, [...weak].sort((a, b) => a - b)).sort((a, b) => strongest(b) - strongest(a) || a[0] - b[0]);
  for (const run of runs) {
    if (tryAdding(run) || run.length === 1) continue;
    for (const c of [...run].sort((a, b) => candidates[b].significance - candidates[a].significance || a - b)) tryAdding([c]);
  }
  return current;
}

/** Bayesian information criterion of a group fit, χ² + p·ln n: lower is the better model. */
const bicOf = (f: PeakGroupFit): number => f.chi2Reduced * Math.max(1, f.points - f.freeParameters) + f.freeParameters * Math.log(f.points);

/**
 * Candidates the data do not support are taken out of the group's model. A lower search
 * threshold adds weak candidates (2–5 σ) around the strong ones; each is fitted with a free
 * centre, width and area, and overlapping ones trade with each other and with the strong peak
 * beside them until none of them is significant (the 31.5° peak of a real pattern: 36 ± 8 at
 * the default threshold, 43 ± 32 among four weak neighbours, then dropped), or push its width
 * to the cap (the 9.6° peak). A peak whose fitted area is below `minAreaSig` σ (or has no σ,
 * or ran its width to the cap) is removed, the least significant candidate first, and the
 * group refitted, where that does not raise the Bayesian information criterion: the peak
 * then did not earn its four parameters. A strong candidate is tried only after every weaker
 * one. `members` loses the removed candidates (the fit's peaks stay in step with it).
 */
function pruneUnsupported<C extends { significance: number }>(
  members: number[],
  fit: PeakGroupFit | null,
  candidates: readonly C[],
  minAreaSig: number,
  refit: (members: readonly number[]) => PeakGroupFit | null,
): PeakGroupFit | null {
  let current = fit;
  while (current && members.length > 1) {
    const peaks = current.peaks;
    const unsupported = members
      .map((_, k) => k)
      .filter((k) => !(peaks[k].area >= minAreaSig * peaks[k].sigma.area) || peaks[k].fwhmDeg >= maxPeakFwhmDeg * 0.999)
      .sort((a, b) => candidates[members[a]].significance - candidates[members[b]].significance);
    let next: PeakGroupFit | null = null;
    for (const k of unsupported) {
      // From the search's guesses, as a search that never found the candidate would start (from
      // the crowded fit's values, a width pushed to the cap stayed there).
      const without = refit(members.filter((_, j) => j !== k));
      if (!without || bicOf(without) > bicOf(current)) continue;
      members.splice(k, 1);
      next = without;
      break;
    }
    if (!next) return current;
    current = next;
  }
  return current;
}

/**
 * Two fitted peaks of a group closer than the narrower one's FWHM, each the group's own, are
 * taken for one peak that the search split in two (noise, or the Kα2 shoulder of a broad peak,
 * seen as a candidate of its own): no dip between them shows two. (A narrow peak on the flank
 * of a broad one, farther from it than its own width, stays.) Left split, one half is then
 * dropped as insignificant, leaving half a peak 0.1° off. The pair is refitted as one peak, and
 * the one-peak fit kept where either candidate is weak (its η fixed: two peaks then fit
 * better only by standing in for a profile shape the fit cannot take), else unless two peaks
 * lower the Bayesian information criterion χ² + p·ln n. Pairs are merged one at a time,
 * nearest first; `members` loses the less significant candidate of each merged pair (the
 * fit's peaks stay in step with it).
 */
function mergeUnresolved<C extends { significance: number }>(
  members: number[],
  fit: PeakGroupFit | null,
  group: readonly number[],
  candidates: readonly C[],
  refit: (guesses: PeakGuess[], members: readonly number[]) => PeakGroupFit | null,
): PeakGroupFit | null {
  const bic = bicOf;
  let current = fit;
  const tried = new Set<string>();
  while (current) {
    const peaks = current.peaks;
    const order = members.map((_, k) => k).sort((a, b) => peaks[a].centerDeg - peaks[b].centerDeg);
    let pair: [number, number] | null = null;
    let nearest = Infinity;
    for (let j = 1; j < order.length; j++) {
      const [a, b] = [order[j - 1], order[j]];
      const gap = peaks[b].centerDeg - peaks[a].centerDeg;
      const key = `${members[a]}|${members[b]}`;
      if (!group.includes(members[a]) || !group.includes(members[b]) || tried.has(key)) continue;
      if (gap < Math.min(peaks[a].fwhmDeg, peaks[b].fwhmDeg) && gap < nearest) {
        pair = [a, b];
        nearest = gap;
      }
    }
    if (!pair) return current;
    const [a, b] = pair;
    tried.add(`${members[a]}|${members[b]}`);
    const [pa, pb] = [peaks[a], peaks[b]];
    const weightA = Math.abs(pa.area) / Math.max(Math.abs(pa.area) + Math.abs(pb.area), 1e-12);
    const one: PeakGuess = {
      centerDeg: weightA * pa.centerDeg + (1 - weightA) * pb.centerDeg,
      fwhmDeg: Math.max(pa.fwhmDeg, pb.fwhmDeg) + (pb.centerDeg - pa.centerDeg) / 2,
      area: Math.abs(pa.area) + Math.abs(pb.area),
    };
    const keep = candidates[members[a]].significance >= candidates[members[b]].significance ? a : b;
    const drop = keep === a ? b : a;
    const guesses: PeakGuess[] = peaks.map((p, k) => (k === keep ? one : { centerDeg: p.centerDeg, fwhmDeg: p.fwhmDeg, area: p.area }));
    guesses.splice(drop, 1);
    const merged = refit(guesses, members.filter((_, k) => k !== drop));
    // A weak pair (η fixed) cannot tell two peaks from one peak of another shape: merged.
    const weakPair = Math.min(candidates[members[a]].significance, candidates[members[b]].significance) < strongSignificance;
    if (!merged || (!weakPair && bic(merged) > bic(current))) continue;
    members.splice(drop, 1);
    current = merged;
  }
  return current;
}
