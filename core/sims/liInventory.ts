/**
 * Li inventory per layer: integrated counts with Poisson σ, the share of the stack total with
 * its covariance-correct σ, the change against pristine, 2-D map statistics and the Li peak.
 */
import type { LiChange, LiLayerResult, LiMapStats } from '../model/report.js';
import { scanWeights } from './windows.js';

export interface LayerWindow {
  role: string;
  startS: number;
  endS: number;
}

/**
 * Integrates a per-scan series over each layer's window (fractional boundary scans, see
 * windows.ts). The first window is open towards the surface and the last towards the end of
 * the profile, so every scan's counts belong to some layer and fractions sum to 1.
 */
export function integrateLayers(
  timeS: Float64Array,
  values: ArrayLike<number>,
  sigma: ArrayLike<number>,
  windows: LayerWindow[],
): { role: string; counts: number; sigma: number }[] {
  return windows.map((w, j) => {
    const weights = scanWeights(timeS, j === 0 ? -Infinity : w.startS, j === windows.length - 1 ? Infinity : w.endS);
    let c = 0;
    let v = 0;
    for (let i = 0; i < weights.length; i++) {
      const wi = weights[i];
      if (wi === 0) continue;
      c += wi * values[i];
      v += wi * wi * sigma[i] * sigma[i];
    }
    return { role: w.role, counts: c, sigma: Math.sqrt(v) };
  });
}

/**
 * Variance of each layer's counts from where its boundaries lie (window j ends where j + 1
 * starts). A boundary known to σ_b moves about rate_b·σ_b counts from one of its layers to the
 * other, rate_b the counts per second within ±σ_b of it; boundaries are taken as independent.
 * Counts only move between layers, so the total stays as it is.
 */
export function boundaryVariances(timeS: Float64Array, values: ArrayLike<number>, windows: LayerWindow[], timeSigmaS: readonly number[]): Float64Array {
  const out = new Float64Array(windows.length);
  for (let b = 0; b + 1 < windows.length; b++) {
    const sigmaS = timeSigmaS[b];
    if (!(sigmaS > 0)) continue;
    const t = windows[b].endS;
    const weights = scanWeights(timeS, t - sigmaS, t + sigmaS);
    let counts = 0;
    for (let i = 0; i < weights.length; i++) if (weights[i] > 0) counts += weights[i] * values[i];
    // rate × σ, the rate being the counts in the 2σ around the boundary over 2σ.
    const moved = Math.abs(counts) / 2;
    out[b] += moved * moved;
    out[b + 1] += moved * moved;
  }
  return out;
}

/**
 * Shares of a sum with σ. With f_j = C_j / S (S = Σ C_k, the C_k independent):
 * Var f_j = [(1 − f_j)² σ_j² + f_j² Σ_{k≠j} σ_k²] / S² (C_j appears in numerator and
 * denominator; treating them as independent would overstate σ). Where the items also carry the
 * variance from their boundaries (boundaryVariances), which moves counts without changing S,
 * each share adds its own over S²: `sigma` and `fractionSigma` are then the whole σ, and
 * `sigmaCounting` / `fractionSigmaCounting` the counting statistics alone.
 */
export function shares(items: { role: string; counts: number; sigma: number; boundaryVariance?: number }[]): LiLayerResult[] {
  const total = items.reduce((s, x) => s + x.counts, 0);
  const totalVar = items.reduce((s, x) => s + x.sigma * x.sigma, 0);
  return items.map((x) => {
    const vb = x.boundaryVariance ?? 0;
    const split = x.boundaryVariance === undefined ? {} : { sigmaCounting: x.sigma };
    const sigma = Math.sqrt(x.sigma * x.sigma + vb);
    if (!(total > 0)) return { role: x.role, counts: x.counts, sigma, fraction: NaN, fractionSigma: NaN, ...split };
    const f = x.counts / total;
    const vj = x.sigma * x.sigma;
    const vOthers = totalVar - vj;
    const varF = Math.max(0, ((1 - f) ** 2 * vj + f * f * vOthers) / (total * total));
    if (x.boundaryVariance === undefined) return { role: x.role, counts: x.counts, sigma, fraction: f, fractionSigma: Math.sqrt(varF) };
    return { role: x.role, counts: x.counts, sigma, fraction: f, fractionSigma: Math.sqrt(varF + vb / (total * total)), ...split, fractionSigmaCounting: Math.sqrt(varF) };
  });
}

/**
 * Change of each layer's Li fraction against the pristine state, for every other state.
 * States are separate measurements, so σ adds in quadrature. The reference is the state named
 * `pristine`, else the first one given.
 */
export function compareStates(results: { state: string; li: LiLayerResult[] }[], referenceState = 'pristine'): LiChange[] {
  const ref = results.find((r) => r.state === referenceState) ?? results[0];
  if (!ref) return [];
  const out: LiChange[] = [];
  for (const r of results) {
    if (r === ref) continue;
    for (const layer of r.li) {
      const p = ref.li.find((x) => x.role === layer.role);
      if (!p) continue;
      out.push({
        role: layer.role,
        state: r.state,
        deltaFraction: layer.fraction - p.fraction,
        sigma: Math.hypot(layer.fractionSigma, p.fractionSigma),
      });
    }
  }
  return out;
}

/**
 * Statistics of a layer's 2-D Li map over the ROI: mean per pixel, coefficient of variation
 * (SD / mean, includes Poisson noise) and the hot-spot fraction, defined as the share of ROI
 * pixels exceeding the mean by more than `hotSpotSigma` (default 3) times the Poisson σ
 * expected for a pixel at the mean (√ of the mean per-pixel variance, which includes the
 * dead-time correction). A laterally uniform layer has a hot-spot fraction near 0.13 % from
 * noise alone; Li plated in islands gives a much larger one.
 */
export function mapStatistics(
  role: string,
  values: Float64Array,
  variance: Float64Array,
  mask: Uint8Array,
  hotSpotSigma = 3,
): LiMapStats & { sd: number; pixelCount: number; hotSpotThreshold: number } {
  let n = 0;
  let s = 0;
  let s2 = 0;
  let vs = 0;
  for (let k = 0; k < values.length; k++) {
    if (!mask[k]) continue;
    n++;
    s += values[k];
    s2 += values[k] * values[k];
    vs += variance[k];
  }
  const mean = n ? s / n : NaN;
  const sd = n > 1 ? Math.sqrt(Math.max(0, (s2 - n * mean * mean) / (n - 1))) : 0;
  const threshold = mean + hotSpotSigma * Math.sqrt(n ? vs / n : 0);
  let hot = 0;
  for (let k = 0; k < values.length; k++) if (mask[k] && values[k] > threshold) hot++;
  return { role, meanCountsPerPixel: mean, cv: mean > 0 ? sd / mean : NaN, hotSpotFraction: n ? hot / n : NaN, sd, pixelCount: n, hotSpotThreshold: threshold };
}

/**
 * Time of the maximum of a (conditioned) series, refined by a parabola through the highest
 * scan and its neighbours (sub-scan).
 */
export function peakTime(timeS: Float64Array, y: ArrayLike<number>): { timeS: number; index: number } {
  let k = 0;
  for (let i = 1; i < y.length; i++) if (y[i] > y[k]) k = i;
  if (k === 0 || k === y.length - 1) return { timeS: timeS[k], index: k };
  const a = y[k - 1];
  const b = y[k];
  const c = y[k + 1];
  const den = a - 2 * b + c;
  const off = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0;
  const t = off >= 0 ? timeS[k] + off * (timeS[k + 1] - timeS[k]) : timeS[k] + off * (timeS[k] - timeS[k - 1]);
  return { timeS: t, index: k };
}

/** Alias of `compareStates` (core/model also exports a `compareStates`: the state sort key). */
export const compareLiStates = compareStates;
