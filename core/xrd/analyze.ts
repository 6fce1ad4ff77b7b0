import type { XrdPeakResult, XrdResult } from '../model/report.js';
import { bisectLeft } from 'd3-array';
import type { XrdPattern, XrdWavelength } from '../model/xrdPattern.js';
import { CU_K_ALPHA } from '../model/xrdPattern.js';
import { amorphousCrystalline } from './amorphous.js';
import { snipBackground } from './background.js';
import { fitPeaks } from './fit.js';
import type { FittedPeak, PeakGroupFit } from './fit.js';
import { stripKAlpha2 } from './kalpha2.js';
import { bridgeMasked, maskedPoints, SI_400_MASK } from './mask.js';
import type { MaskRange } from './mask.js';
import { findPeaks } from './peakSearch.js';
import { matchPeaks, PHASES } from './phases.js';
import type { ReferencePhase } from './phases.js';
import { scherrerSizeNm } from './scherrer.js';
import type { ScherrerOptions } from './scherrer.js';
import { convolve, savitzkyGolayWeights } from './smooth.js';
import { medianStepDeg } from './background.js';

export interface AnalyzeXrdOptions {
  /** Mask Si (400) of the wafer (default true). */
  maskSi?: boolean;
  /** Further masks (substrate, holder, known artefacts). */
  masks?: MaskRange[];
  /** Rachinger Kα2 stripping before peak work (default true when Kα2 is known or Cu is assumed). */
  stripKAlpha2?: boolean;
  /** SNIP half-width for the peak background, deg (default 1.5°: 3–10× typical film FWHM). */
  backgroundHalfWidthDeg?: number;
  /** Narrowest expected FWHM, deg (peak-search smoothing), default 0.1°. */
  minFwhmDeg?: number;
  /** Peak-search significance threshold in σ of the second derivative, default 5. */
  minSignificance?: number;
  /** A fitted peak is kept when area / σ(area) ≥ this (default 3). */
  minAreaSignificance?: number;
  /** Scherrer: K (0.9), instrument FWHM (deg, default 0.05°), broadening removal (quadratic). */
  scherrer?: ScherrerOptions;
  phases?: readonly ReferencePhase[];
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
 * The whole XRD chain on one pattern: masks → Kα2 stripping → SNIP background → second-derivative
 * peak search → pseudo-Voigt fits (overlapping peaks together, quadratic background) → Scherrer
 * size → phase markers; and the amorphous fraction from the hump area against the fitted
 * peak areas.
 */
export function analyzeXrdPattern(pattern: XrdPattern, opts: AnalyzeXrdOptions = {}): XrdAnalysis {
  const x = pattern.twoThetaDeg;
  const wavelengthAssumed = pattern.wavelength === null;
  const wavelength: XrdWavelength = pattern.wavelength ?? { ...CU_K_ALPHA };
  const masks = [...(opts.maskSi === false ? [] : [SI_400_MASK]), ...(opts.masks ?? [])];
  const masked = maskedPoints(x, masks);
  const raw = bridgeMasked(pattern.intensity, masked);
  const canStrip = wavelength.alpha2A !== undefined || Math.abs(wavelength.alpha1A - CU_K_ALPHA.alpha1A) < 1e-3;
  const doStrip = (opts.stripKAlpha2 ?? true) && canStrip;
  const alpha1 = doStrip ? stripKAlpha2(x, raw, wavelength) : raw;
  const ratio = wavelength.ratioAlpha2 ?? CU_K_ALPHA.ratioAlpha2;
  // Variance of the stripped data: Rachinger adds R²·var of the earlier point, repeatedly.
  const inflate = doStrip ? 1 / (1 - ratio * ratio) : 1;
  const counting = pattern.intensityUnit === 'counts';
  const variance = counting ? Float64Array.from(raw, (v) => Math.max(v, 1) * inflate) : undefined;
  const bgHalf = opts.backgroundHalfWidthDeg ?? 1.5;
  // Smoothing before SNIP keeps the clip from riding the bottom of the noise band.
  const step = medianStepDeg(x);
  const smoothHalf = Math.max(1, Math.round((opts.minFwhmDeg ?? 0.1) / step / 2));
  const smoothed = convolve(alpha1, savitzkyGolayWeights(smoothHalf, 2, 0));
  const background = Float64Array.from(snipBackground(x, smoothed, { halfWidthDeg: bgHalf }), (b, i) => Math.min(b, smoothed[i]));
  const net = Float64Array.from(alpha1, (v, i) => v - background[i]);
  const candidates = findPeaks(x, net, { fwhmDeg: opts.minFwhmDeg ?? 0.1, minSignificance: opts.minSignificance ?? 5, variance, masked });
  const fits = fitPeaks(
    x,
    net,
    candidates.map((c) => ({ centerDeg: c.twoThetaDeg, fwhmDeg: Math.min(c.fwhmDeg, bgHalf), height: c.height })),
    { variance, masked, background: 'quadratic', windowFwhm: 4 },
  );
  const minAreaSig = opts.minAreaSignificance ?? 3;
  const scherrer: ScherrerOptions = { k: 0.9, instrumentFwhmDeg: DEFAULT_INSTRUMENT_FWHM_DEG, broadening: 'quadratic', ...opts.scherrer };
  const kept = fits
    .flatMap((f) => f.peaks)
    .filter((p) => p.area > 0 && Number.isFinite(p.sigma.area) && p.area >= minAreaSig * p.sigma.area)
    .filter((p) => !masked[nearestIndex(x, p.centerDeg)])
    .sort((a, b) => a.centerDeg - b.centerDeg);
  const matches = matchPeaks(
    kept.map((p) => p.centerDeg),
    opts.phases ?? PHASES,
    { toleranceDeg: opts.phaseToleranceDeg, wavelengthA: wavelength.alpha1A },
  );
  const peaks: XrdPeakDetail[] = kept.map((p, i) => {
    const cand = candidates.reduce((best, c) => (Math.abs(c.twoThetaDeg - p.centerDeg) < Math.abs(best.twoThetaDeg - p.centerDeg) ? c : best), candidates[0]);
    return {
      twoThetaDeg: p.centerDeg,
      fwhmDeg: p.fwhmDeg,
      area: p.area,
      phase: matches[i]?.phaseId ?? null,
      hkl: matches[i]?.hkl ?? null,
      crystalliteNm: scherrerSizeNm(p.centerDeg, p.fwhmDeg, wavelength.alpha1A, scherrer),
      fit: p,
      significance: cand?.significance ?? 0,
    };
  });
  // Amorphous vs crystalline: hump area from the two-SNIP curves on the Kα1 data, crystalline
  // area from the fitted peaks (integrated by the fit, so noise does not inflate it).
  const am = amorphousCrystalline(x, alpha1, { ...opts.amorphous, masked });
  const crystallineArea = peaks.reduce((s, p) => s + p.area, 0);
  const total = am.amorphousArea + crystallineArea;
  const result: XrdResult = {
    file: pattern.source.fileName,
    peaks: peaks.map(({ twoThetaDeg, fwhmDeg, area, phase, hkl, crystalliteNm }) => ({ twoThetaDeg, fwhmDeg, area, phase, hkl, crystalliteNm })),
    amorphousFraction: total > 0 ? am.amorphousArea / total : null,
  };
  return {
    result,
    peaks,
    fits,
    wavelength,
    wavelengthAssumed,
    alpha1,
    background,
    net,
    masked,
    masks,
    amorphousArea: am.amorphousArea,
    crystallineArea,
    parameters: {
      masks,
      kAlpha2Stripped: doStrip,
      kAlpha2Ratio: doStrip ? ratio : null,
      wavelength,
      wavelengthAssumed,
      background: { method: 'SNIP (LLS, decreasing window) on SG-smoothed data', halfWidthDeg: bgHalf },
      peakSearch: { method: 'smoothed second derivative', minFwhmDeg: opts.minFwhmDeg ?? 0.1, minSignificance: opts.minSignificance ?? 5 },
      fit: { profile: 'pseudo-Voigt', background: 'quadratic', minAreaSignificance: minAreaSig, uncertainty: 'sqrt(diag((JᵀWJ)⁻¹)·χ²ᵣ)' },
      scherrer,
      amorphous: { method: 'rolling-ball hump curve over iterative-polynomial baseline, vs fitted peak areas', ...opts.amorphous },
      phaseToleranceDeg: opts.phaseToleranceDeg ?? 0.3,
    },
  };
}

/** `{file, peaks, amorphousFraction}` for the report's xrd section. */
export function analyzeXrd(pattern: XrdPattern, opts: AnalyzeXrdOptions = {}): XrdResult {
  return analyzeXrdPattern(pattern, opts).result;
}

/** Index of the angle nearest to `value` (x increasing). */
function nearestIndex(x: ArrayLike<number>, value: number): number {
  const hi = Math.min(x.length - 1, Math.max(1, bisectLeft(x as number[], value)));
  const lo = hi - 1;
  return Math.abs(x[lo] - value) <= Math.abs(x[hi] - value) ? lo : hi;
}
