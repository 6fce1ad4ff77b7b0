import { rollingBallBackground, snipBackground } from './background.js';

export interface AmorphousOptions {
  /** Rolling-ball half-width that removes sharp peaks but keeps humps, deg (default 1). */
  sharpHalfWidthDeg?: number;
  /** SNIP half-width that removes humps too, leaving the instrument/air baseline, deg (default 20). */
  baselineHalfWidthDeg?: number;
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
 * the humps (hump curve); a wide SNIP clips the humps too (baseline). Sharp area =
 * ∫(y − hump curve), amorphous area = ∫(hump curve − baseline). A ratio of scattered
 * intensities, not a mass fraction: it ignores differences in scattering power between phases.
 */
export function amorphousCrystalline(twoThetaDeg: ArrayLike<number>, intensity: ArrayLike<number>, opts: AmorphousOptions = {}): AmorphousResult {
  const n = intensity.length;
  const humpCurve = rollingBallBackground(twoThetaDeg, intensity, { halfWidthDeg: opts.sharpHalfWidthDeg ?? 1 });
  // Linear SNIP here: in LLS space a sloping baseline turns concave and the clip would sag under the hump.
  const baselineRaw = snipBackground(twoThetaDeg, humpCurve, { halfWidthDeg: opts.baselineHalfWidthDeg ?? 20, lls: false });
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
