import type { ProfilePayload, RoiRect, StudySummary } from '../../../core/api/contract.js';
import { ionKey } from '../../../core/model/ions.js';
import type { LayerSegment } from '../../../core/model/report.js';

/** One plotted series: values and their Poisson σ on the chosen axis. */
export interface Series {
  state: string;
  ion: string;
  x: number[];
  y: number[];
  sigma: number[];
}

/**
 * Counts → what is plotted. Raw: counts with σ = √counts. Normalised: counts / total counts per
 * scan, σ propagated from both (r·√(1/c + 1/T)); without total counts no normalisation is made.
 */
export function seriesOf(profile: ProfilePayload, ion: string, normalise: boolean, toX: (t: number) => number): Series | null {
  const signal = profile.ions.find((i) => i.label === ion);
  if (!signal) return null;
  const total = normalise ? profile.totalCounts ?? profile.ions.reduce<number[]>((acc, i) => acc.map((v, k) => v + i.counts[k]), new Array(profile.timeS.length).fill(0)) : null;
  const x: number[] = [];
  const y: number[] = [];
  const sigma: number[] = [];
  profile.timeS.forEach((t, k) => {
    const c = Math.max(0, signal.counts[k]);
    x.push(toX(t));
    if (total) {
      const T = total[k];
      const r = T > 0 ? c / T : 0;
      y.push(r);
      sigma.push(T > 0 && c > 0 ? r * Math.sqrt(1 / c + 1 / T) : 0);
    } else {
      y.push(c);
      sigma.push(Math.sqrt(c));
    }
  });
  return { state: profile.state, ion, x, y, sigma };
}

/**
 * Time → depth for one state, piecewise linear through its layers' (startS, startNm) and
 * (endS, endNm): each layer has its own sputter rate. Null when the layers carry no depths.
 */
export function timeToDepth(layers: LayerSegment[] | undefined): ((t: number) => number) | null {
  if (!layers || layers.length === 0) return null;
  const knots: [number, number][] = [];
  for (const l of layers) {
    if (![l.startS, l.endS, l.startNm, l.endNm].every(Number.isFinite)) return null;
    knots.push([l.startS, l.startNm], [l.endS, l.endNm]);
  }
  knots.sort((a, b) => a[0] - b[0]);
  return (t) => {
    if (t <= knots[0][0]) {
      const [t0, d0] = knots[0];
      const [t1, d1] = knots[1];
      return t1 > t0 ? d0 + ((t - t0) * (d1 - d0)) / (t1 - t0) : d0;
    }
    for (let k = 1; k < knots.length; k++) {
      const [t0, d0] = knots[k - 1];
      const [t1, d1] = knots[k];
      if (t <= t1) return t1 > t0 ? d0 + ((t - t0) * (d1 - d0)) / (t1 - t0) : d1;
    }
    const [t0, d0] = knots[knots.length - 2];
    const [t1, d1] = knots[knots.length - 1];
    return t1 > t0 ? d1 + ((t - t1) * (d1 - d0)) / (t1 - t0) : d1;
  };
}

/** Index of the sample nearest to x in an increasing array. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

/**
 * How far interface `idx` of `timesS` (increasing) may be dragged: between its neighbours (the
 * profile's ends for the outermost), `marginS` short of each, so no drag can reorder the layers.
 * Pinned where it is when the neighbours leave no room.
 */
export function interfaceLimits(timesS: readonly number[], idx: number, rangeS: [number, number], marginS: number): [number, number] {
  const lo = (idx > 0 ? timesS[idx - 1] : rangeS[0]) + marginS;
  const hi = (idx < timesS.length - 1 ? timesS[idx + 1] : rangeS[1]) - marginS;
  return lo <= hi ? [lo, hi] : [timesS[idx], timesS[idx]];
}

/** Share of the detector's limit above which dead time matters: the profile view marks those scans. */
export const NEAR_SATURATION = 0.5;

/**
 * What the detector can count in one scan of a profile: N shots per pixel × the pixels summed
 * (at most one ion per shot). N is the report's; the pixels are the ROI's when the profile was
 * summed over one, else the analysis area's. Null when either is unknown.
 */
export function detectorLimit(profile: ProfilePayload, parameters: Record<string, unknown> | undefined): number | null {
  const n = parameters?.shotsPerPixel;
  const roi = profile.roi;
  const pixels = roi ? (roi.x1 - roi.x0) * (roi.y1 - roi.y0) : parameters?.pixelCount;
  return typeof n === 'number' && typeof pixels === 'number' && n > 0 && pixels > 0 ? n * pixels : null;
}

/** Each scan's raw counts of `ion` as a share of `limit` (see detectorLimit); null without one. */
export function detectorShares(profile: ProfilePayload, ion: string, limit: number | null): number[] | null {
  const signal = profile.ions.find((i) => i.label === ion);
  return signal && limit ? signal.counts.map((c) => c / limit) : null;
}

/** The runs of true in `flags`, as [first, last] indices. */
export function runs(flags: readonly boolean[]): [number, number][] {
  const out: [number, number][] = [];
  flags.forEach((f, i) => {
    if (!f) return;
    if (i > 0 && flags[i - 1]) out[out.length - 1][1] = i;
    else out.push([i, i]);
  });
  return out;
}

/**
 * The ions a profile view ticks when none of those ticked is in any profile shown (a study of
 * positive ions, a stack without Li, opened with the default Li⁻): the analyte where the data
 * have it, and each layer's first marker ion the data have, so that the chart shows the layers
 * instead of an empty plot. Matched by canonical key (study.json's "C2-" is the data's "C_2-");
 * the data's own labels are returned. Empty when the data have none of them.
 */
export function defaultProfileIons(available: readonly string[], analytes: readonly (string | null | undefined)[], markerIons: readonly (readonly string[])[]): string[] {
  const byKey = new Map(available.map((label) => [ionKey(label), label]));
  const out: string[] = [];
  const add = (ion: string | null | undefined): boolean => {
    const label = ion ? byKey.get(ionKey(ion)) : undefined;
    if (!label) return false;
    if (!out.includes(label)) out.push(label);
    return true;
  };
  for (const a of analytes) if (add(a)) break;
  for (const markers of markerIons) markers.some(add);
  return out;
}

/**
 * Where the profile view takes a state's depth profile from: its profile file, or its 3-D ion
 * stack summed scan by scan over `roi` (getProfile with an ROI; `wholeField`: over every pixel).
 */
export type ProfileSource = { state: string; from: 'profile' } | { state: string; from: 'stack'; roi: RoiRect; wholeField: boolean };

/** A stack's width × height as its file summary gives them (`strata info`), or null. */
function stackField(summary: Record<string, unknown> | null): RoiRect | null {
  const width = summary?.width;
  const height = summary?.height;
  return typeof width === 'number' && typeof height === 'number' && width >= 1 && height >= 1 ? { x0: 0, y0: 0, x1: width, y1: height } : null;
}

/**
 * Each state's depth profile as the analysis reads the state, in the study's order. With an ROI
 * drawn: its stack summed over the ROI (a state without a stack has none to show). Without one:
 * its profile file; and a state with only a stack, the stack summed over its whole field: the
 * series the analysis found that state's layers in (analyze.ts: no profile, so profileFromStack
 * over the ROI, none drawn being the whole field), so the layers and interfaces shown fit the
 * curves. Unreadable files count as absent, as the analysis leaves them out; a state with
 * neither is left out.
 */
export function profileSources(states: StudySummary['states'], roi: RoiRect | undefined): ProfileSource[] {
  const out: ProfileSource[] = [];
  for (const { state, files } of states) {
    const stack = files.find((f) => f.kind === 'sims-stack' && !f.error);
    if (roi) {
      if (stack) out.push({ state, from: 'stack', roi, wholeField: false });
    } else if (files.some((f) => f.kind === 'sims-profile' && !f.error)) {
      out.push({ state, from: 'profile' });
    } else {
      const field = stack ? stackField(stack.summary) : null;
      if (field) out.push({ state, from: 'stack', roi: field, wholeField: true });
    }
  }
  return out;
}

/** The job-bar label of the stack passes behind `sources` (one job: one Cancel stops them all), or null when none reads a stack. */
export function stackProfilesLabel(sources: readonly ProfileSource[]): string | null {
  const stacks = sources.filter((x) => x.from === 'stack');
  if (!stacks.length) return null;
  const one = stacks.length === 1;
  const wholeField = stacks.every((x) => x.from === 'stack' && x.wholeField);
  const what = wholeField ? (one ? 'Whole-field profile from the 3-D stack' : 'Whole-field profiles from the 3-D stacks') : one ? 'ROI profile' : 'ROI profiles';
  return `${what}: ${stacks.map((x) => x.state).join(', ')}`;
}
