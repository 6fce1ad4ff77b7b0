import { medianStepDeg, polynomialBackground, rollingBallBackground } from './background.js';
import { convolve, savitzkyGolayWeights } from './smooth.js';

export interface AmorphousOptions {
  /** Rolling-ball half-width that removes sharp peaks but keeps humps, deg (default 1.5). */
  sharpHalfWidthDeg?: number;
  /** Degree of the iterative polynomial under the humps (instrument/air baseline), default 2. */
  baselineDegree?: number;
  /** Points excluded from the areas (masks). */
  masked?: readonly boolean[];
}

export interface AmorphousResult {
  /** Integrated area of sharp (crystalline) peaks above the hump curve, counts·deg. */
  crystallineArea: number;
  /** Integrated area of broad humps above the baseline, counts·deg. */
  amorphousArea: number;
  /** amorphous / (amorphous + crystalline); null when there is no signal above the baseline. */
  amorphousFraction: number | null;
  /** The hump curve (baseline + humps) and the baseline alone, for plotting. */
  humpCurve: Float64Array;
  baseline: Float64Array;
}

/**
 * Amorphous vs crystalline by integrated area after background, with two backgrounds of very
 * different width (the two-background approach of crystallinity estimates, as done in
 * HighScore/Profex with an amorphous hump): a narrow rolling ball removes sharp peaks and keeps
 * the humps (hump curve); an iterative low-degree polynomial under it is the baseline. Sharp area =
 * ∫(y − hump curve), amorphous area = ∫(hump curve − baseline). A ratio of scattered
 * intensities, not a mass fraction: it ignores differences in scattering power between phases.
 */
export function amorphousCrystalline(twoThetaDeg: ArrayLike<number>, intensity: ArrayLike<number>, opts: AmorphousOptions = {}): AmorphousResult {
  const n = intensity.length;
  // Smooth first (±0.25°): the rolling ball's running minimum would otherwise follow the
  // bottom of the counting noise and pull the hump curve down.
  const half = Math.max(2, Math.round(0.25 / medianStepDeg(twoThetaDeg)));
  const smoothed = convolve(intensity, savitzkyGolayWeights(half, 2, 0));
  const humpCurve = rollingBallBackground(twoThetaDeg, smoothed, { halfWidthDeg: opts.sharpHalfWidthDeg ?? 1.5 });
  // A low-degree iterative polynomial follows a smooth air/instrument background but cannot
  // bend into a hump a few degrees wide, so it passes under the humps.
  // 300 clipping rounds: the modified polyfit converges slowly (linearly); beyond 300 rounds the
  // baseline moves by ~1 count per point (< 1 % of the hump area) at ~0.07 ms a round.
  const baselineRaw = polynomialBackground(twoThetaDeg, humpCurve, { degree: opts.baselineDegree ?? 2, maxIterations: 300 });
  const baseline = Float64Array.from(baselineRaw, (b, i) => Math.min(b, humpCurve[i]));
  let crystalline = 0;
  let amorphous = 0;
  for (let i = 1; i < n; i++) {
    if (opts.masked?.[i] || opts.masked?.[i - 1]) continue;
    const dx = twoThetaDeg[i] - twoThetaDeg[i - 1];
    crystalline += 0.5 * dx * (intensity[i] - humpCurve[i] + intensity[i - 1] - humpCurve[i - 1]);
    amorphous += 0.5 * dx * (humpCurve[i] - baseline[i] + humpCurve[i - 1] - baseline[i - 1]);
  }
  crystalline = Math.max(0, crystalline);
  amorphous = Math.max(0, amorphous);
  const total = crystalline + amorphous;
  return { crystallineArea: crystalline, amorphousArea: amorphous, amorphousFraction: total > 0 ? amorphous / total : null, humpCurve, baseline };
}
