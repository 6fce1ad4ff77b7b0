import type { XrdPattern } from '../model/xrdPattern.js';
import { CU_K_ALPHA } from '../model/xrdPattern.js';
import { snipBackground } from './background.js';
import { stripKAlpha2 } from './kalpha2.js';
import { bridgeMasked, maskedPoints, siSubstrateMasks } from './mask.js';
import { radiationLabel } from './radiation.js';
import type { MaskRange } from './mask.js';
import { candidatePhases, phaseSticks } from './phases.js';
import type { PhaseStackLayer, PhaseStick, ReferencePhase } from './phases.js';

export interface WaterfallState {
  /** State label as the figure shows it: pristine, charged, discharged, … */
  label: string;
  pattern: XrdPattern;
  /**
   * The ranges the analysis masked in this pattern (its XrdResult.masks), blanked in its trace;
   * default `WaterfallOptions.masks`.
   */
  masks?: readonly MaskRange[];
}

export interface WaterfallOptions {
  /** `max`: divide by the largest unmasked value (default); `area`: by the integral; `none`. */
  normalise?: 'max' | 'area' | 'none';
  /** Vertical gap between traces, in units of the normalised maximum (default 1.1). */
  offset?: number;
  /** Plot range; default the union of the patterns. */
  twoThetaRangeDeg?: [number, number];
  stripKAlpha2?: boolean;
  /** Subtract a SNIP background (half-width deg) before normalising; default none. */
  subtractBackgroundHalfWidthDeg?: number;
  /**
   * Masked ranges are drawn as gaps (NaN), so the Si wafer does not set the scale: those of a
   * state that gives none of its own. Default the first pattern's Si (400) and its companions.
   */
  masks?: readonly MaskRange[];
  /** The phases drawn as stick rows; default the stack's candidates (candidatePhases). */
  phases?: readonly ReferencePhase[];
  /** The study's layer stack: where given (and `phases` is not), only its materials' reference phases are drawn. */
  stack?: { layers: readonly PhaseStackLayer[] };
  /** Height of the strongest reference stick, in normalised units (default 0.4). */
  stickHeight?: number;
}

export interface WaterfallTrace {
  label: string;
  twoThetaDeg: Float64Array;
  /** Normalised intensity plus `offset` (NaN in masked ranges). */
  y: Float64Array;
  offset: number;
  /** What the raw intensity was divided by. */
  scale: number;
  /** The ranges blanked in it. */
  masks: readonly MaskRange[];
}

export interface WaterfallSticks {
  phaseId: string;
  /** The phase's short display name (its `label`: γ-Li3PO4). */
  phaseLabel: string;
  phaseName: string;
  /** Baseline of this phase's stick row (below the traces: negative). */
  baseline: number;
  sticks: Array<PhaseStick & { top: number }>;
}

export interface WaterfallData {
  traces: WaterfallTrace[];
  sticks: WaterfallSticks[];
  twoThetaRangeDeg: [number, number];
  yRange: [number, number];
  normalise: 'max' | 'area' | 'none';
  /** The radiation of the 2θ axis (the first pattern's, as the sticks and masks): "Cu Kα". */
  radiation: string;
  /** Where the stack names materials without reference phases: says so (the figure prints it). */
  phaseNote?: string;
}

/**
 * Stacked ("waterfall") comparison of states, as in the paper's Fig. 2a: each state's pattern
 * cropped to a common range, optionally Kα2-stripped and background-subtracted, normalised,
 * and lifted by `offset` × its order (first state at the bottom); reference sticks of the
 * phases in rows below zero, heights scaled by relative intensity. Pure data for the figure
 * builders: no drawing here.
 */
export function prepareWaterfall(states: readonly WaterfallState[], opts: WaterfallOptions = {}): WaterfallData {
  const normalise = opts.normalise ?? 'max';
  const gap = opts.offset ?? 1.1;
  // Default: the Si (400) substrate where the first pattern's wavelength puts it (its sticks' too),
  // with the companions its optics leave.
  const defaultMasks = opts.masks ?? siSubstrateMasks(states[0]?.pattern.wavelength, states[0]?.pattern.optics);
  const lo = opts.twoThetaRangeDeg?.[0] ?? Math.min(...states.map((s) => s.pattern.twoThetaDeg[0]));
  const hi = opts.twoThetaRangeDeg?.[1] ?? Math.max(...states.map((s) => s.pattern.twoThetaDeg[s.pattern.twoThetaDeg.length - 1]));
  const traces: WaterfallTrace[] = states.map((state, k) => {
    const p = state.pattern;
    const keep: number[] = [];
    for (let i = 0; i < p.twoThetaDeg.length; i++) if (p.twoThetaDeg[i] >= lo && p.twoThetaDeg[i] <= hi) keep.push(i);
    const x = Float64Array.from(keep, (i) => p.twoThetaDeg[i]);
    const masks = state.masks ?? defaultMasks;
    const masked = maskedPoints(x, masks);
    let y = bridgeMasked(Float64Array.from(keep, (i) => p.intensity[i]), masked);
    if (opts.stripKAlpha2) y = stripKAlpha2(x, y, p.wavelength ?? CU_K_ALPHA);
    if (opts.subtractBackgroundHalfWidthDeg) {
      const bg = snipBackground(x, y, { halfWidthDeg: opts.subtractBackgroundHalfWidthDeg });
      y = y.map((v, i) => v - bg[i]);
    }
    let scale = 1;
    if (normalise === 'max') scale = Math.max(...y.filter((_, i) => !masked[i]), 1e-300);
    else if (normalise === 'area') {
      let a = 0;
      for (let i = 1; i < x.length; i++) if (!masked[i] && !masked[i - 1]) a += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
      scale = a > 0 ? a : 1;
    }
    const offset = k * gap;
    return { label: state.label, twoThetaDeg: x, y: y.map((v, i) => (masked[i] ? Number.NaN : v / scale + offset)), offset, scale, masks };
  });
  const stickHeight = opts.stickHeight ?? 0.4;
  const wavelengthA = states[0]?.pattern.wavelength?.alpha1A ?? CU_K_ALPHA.alpha1A;
  const candidates = candidatePhases(opts.stack);
  const sticks: WaterfallSticks[] = (opts.phases ?? candidates.phases).map((phase, r) => {
    const baseline = -(r + 1) * stickHeight * 1.2;
    return {
      phaseId: phase.id,
      phaseLabel: phase.label,
      phaseName: phase.name,
      baseline,
      sticks: phaseSticks(phase, wavelengthA)
        .filter((s) => s.twoThetaDeg >= lo && s.twoThetaDeg <= hi)
        .map((s) => ({ ...s, top: baseline + (stickHeight * s.relIntensity) / 100 })),
    };
  });
  const yMax = Math.max(0, ...traces.map((t) => Math.max(...t.y.filter((v) => Number.isFinite(v)))));
  const yMin = sticks.length ? Math.min(...sticks.map((s) => s.baseline)) : 0;
  const phaseNote = !opts.phases && candidates.note ? candidates.note : undefined;
  return { traces, sticks, twoThetaRangeDeg: [lo, hi], yRange: [yMin, yMax], normalise, radiation: radiationLabel(states[0]?.pattern.wavelength?.alpha1A), ...(phaseNote ? { phaseNote } : {}) };
}

/** The masks of a waterfall's traces, sorted out for shading. */
export interface TraceMasks {
  /** Those every trace has (and any given to shade across): shaded across the plot. */
  shared: MaskRange[];
  /** Each trace's others (a tungsten line found in one state's pattern alone): shaded over that trace only. */
  own: MaskRange[][];
  /** Every mask, once: what the labels name. */
  all: MaskRange[];
}

/**
 * Sorts the traces' masks (each its analysis's) into those shaded across the plot and those of
 * some traces only, so that a figure does not mark a range masked in a trace drawn through it.
 * `across`: ranges to shade across the plot besides. Masks are one where range, label and name are.
 */
export function traceMasks(traces: readonly Pick<WaterfallTrace, 'masks'>[], across: readonly MaskRange[] = []): TraceMasks {
  const key = (m: MaskRange): string => JSON.stringify([m.fromDeg, m.toDeg, m.label, m.name ?? null]);
  const once = (masks: readonly MaskRange[]): MaskRange[] => masks.filter((m, i) => masks.findIndex((n) => key(n) === key(m)) === i);
  const inEvery = (traces[0]?.masks ?? []).filter((m) => traces.every((t) => t.masks.some((n) => key(n) === key(m))));
  const shared = once([...across, ...inEvery]);
  const sharedKeys = new Set(shared.map(key));
  const own = traces.map((t) => once(t.masks.filter((m) => !sharedKeys.has(key(m)))));
  return { shared, own, all: once([...shared, ...own.flat()]) };
}
