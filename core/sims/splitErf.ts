/**
 * The 50 % point of a transition between two materials that sputter at different rates.
 *
 * An interface broadened by a Gaussian in depth (ion mixing, roughness) is an erf in depth; in
 * time it is an erf of width σ/rate on each side, broad on the slow material's side and sharp on
 * the fast one's, with a kink at the 50 % point. Interpolating linearly between the two scans
 * around it cuts the kink and moves the point towards the slower material by up to a fifth of a
 * scan (24 s scans, steel at 0.12 nm/s under or over Li3PO4 / LiFePO4 at 0.25–0.3 nm/s: −2.7 s
 * and +3.5 s on average over where the interface falls in its scan, up to 5 s).
 *
 * So each sample's fraction f of the way from one plateau to the other is mapped to u = Φ⁻¹(f),
 * which is linear in time on each side of the interface, with a slope of its own: u = (t − t₀)/τ
 * with τ_upper before t₀ and τ_lower after. t₀ is found by least squares between the two scans
 * that bracket the crossing (each side's slope fitted through (t₀, 0)), weighting each point by
 * φ(u)², as a fraction's noise is amplified by 1/φ(u) in u. Noise-free erf transitions give t₀
 * exactly whatever the phase of the scans. With Poisson noise on 1000 → 10000 counts, the two
 * interfaces above at 4 s and 24 s scans: t₀ off by 0.3–1.3 s RMS (mean within 0.35 s), the
 * linear crossing by 0.7–3.9 s (mean up to 3.4 s). Its σ follows from the same least squares:
 * the information on t₀ left once each side's slope is fitted.
 */

/** Fractions this close to 0 or 1 are plateau, not transition (their u is mostly noise). */
const TAIL = 0.02;

/** The standard normal quantile Φ⁻¹(p), 0 < p < 1 (Acklam's rational approximation, |rel. error| < 1.2e−9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

interface ProbitPoint {
  t: number;
  u: number;
  w: number;
}

/** Weighted residual of the points about the best line through (t₀, 0); 0 for fewer than two points. */
function sideResidual(points: readonly ProbitPoint[], t0: number): number {
  if (points.length < 2) return 0;
  let uu = 0;
  let ud = 0;
  let dd = 0;
  for (const p of points) {
    const d = p.t - t0;
    uu += p.w * p.u * p.u;
    ud += p.w * p.u * d;
    dd += p.w * d * d;
  }
  return dd > 0 ? uu - (ud * ud) / dd : uu;
}

/**
 * Information on t₀ from one side's points once its slope g is fitted (the Schur complement of
 * the least squares' normal matrix), in units of 1/σ_f² (σ_f: a fraction's noise): with
 * ∂f/∂t₀ = −φ(u)·g and ∂f/∂g = φ(u)·(t − t₀), it is g²·(Σφ² − (Σφ²d)² / Σφ²d²). None from a
 * single point (its slope takes it all).
 */
function sideInformation(points: readonly ProbitPoint[], t0: number): number {
  if (points.length < 2) return 0;
  let ud = 0;
  let dd = 0;
  let ww = 0;
  let wd = 0;
  for (const p of points) {
    const d = p.t - t0;
    ud += p.w * p.u * d;
    dd += p.w * d * d;
    ww += p.w;
    wd += p.w * d;
  }
  if (!(dd > 0)) return 0;
  const g = ud / dd;
  // w = 2π·φ(u)².
  return (g * g * (ww - (wd * wd) / dd)) / (2 * Math.PI);
}

/** A split-erf 50 % point and its σ (null: the linear crossing, not a fit). */
export interface SplitErfCrossing {
  timeS: number;
  sigmaS: number | null;
}

/**
 * The 50 % point of `y` between `upperLevel` (before) and `lowerLevel` (after) by the split erf
 * above, given the linear crossing `linearS` (which picks the two bracketing scans), the scan
 * range [lo, hi] the transition may use and `noise`, the scatter of y. Returns `linearS` (σ null)
 * where the transition has fewer than three points off its plateaus or none on a side (the fit
 * is then undetermined), or where the best t₀ lies outside the bracket.
 */
export function splitErfCrossing(timeS: ArrayLike<number>, y: ArrayLike<number>, upperLevel: number, lowerLevel: number, linearS: number, lo: number, hi: number, noise: number): SplitErfCrossing {
  const linear = { timeS: linearS, sigmaS: null };
  const first = Math.max(0, lo);
  const last = Math.min(y.length - 1, hi);
  let a = first;
  while (a + 1 <= last && timeS[a + 1] <= linearS) a++;
  if (a + 1 > last) return linear;
  const fraction = (k: number): number => (y[k] - upperLevel) / (lowerLevel - upperLevel);
  const point = (k: number): ProbitPoint => {
    const u = normalQuantile(fraction(k));
    return { t: timeS[k], u, w: Math.exp(-u * u) };
  };
  // The samples of the transition itself: outwards from the bracket while still on their side
  // of 50 % and off the plateau.
  const before: ProbitPoint[] = [];
  for (let k = a; k >= first; k--) {
    const f = fraction(k);
    if (!(f > TAIL && f <= 0.5)) break;
    before.push(point(k));
  }
  const after: ProbitPoint[] = [];
  for (let k = a + 1; k <= last; k++) {
    const f = fraction(k);
    if (!(f >= 0.5 && f < 1 - TAIL)) break;
    after.push(point(k));
  }
  if (before.length === 0 || after.length === 0 || before.length + after.length < 3) return linear;
  const t1 = timeS[a];
  const t2 = timeS[a + 1];
  const cost = (t0: number): number => sideResidual(before, t0) + sideResidual(after, t0);
  // A grid over the bracket and a scan either side, then a ternary search in the best cell's
  // neighbourhood. An erf transition has its best t₀ inside the bracket; one outside says the
  // shape is no split erf (a real Cs/FA perovskite's CH5N2⁺ decays slowly for two scans before
  // it drops: the fit put its 50 % point 0.5 scan past the linear crossing, against the run of
  // its six other markers), and then the linear crossing stands, whose error from the kink is
  // least there anyway (none at the scans).
  const span = t2 - t1;
  const from = t1 - span;
  const cells = 96;
  let best = from;
  let bestCost = Infinity;
  for (let i = 0; i <= cells; i++) {
    const t = from + (3 * span * i) / cells;
    const v = cost(t);
    if (v < bestCost) {
      bestCost = v;
      best = t;
    }
  }
  let l = best - (3 * span) / cells;
  let r = best + (3 * span) / cells;
  for (let it = 0; it < 50; it++) {
    const m1 = l + (r - l) / 3;
    const m2 = r - (r - l) / 3;
    if (cost(m1) < cost(m2)) r = m2;
    else l = m1;
  }
  const t0 = 0.5 * (l + r);
  if (!(t0 >= t1 && t0 <= t2)) return linear;
  const information = sideInformation(before, t0) + sideInformation(after, t0);
  const noiseFraction = noise / Math.abs(lowerLevel - upperLevel);
  return { timeS: t0, sigmaS: information > 0 ? noiseFraction / Math.sqrt(information) : null };
}
