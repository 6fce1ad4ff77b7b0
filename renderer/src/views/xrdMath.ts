import type { XrdPayload } from '../../../core/api/contract.js';
import { markerSymbol } from '../../../core/figures/peakMarkerSymbols.js';
import { formulaNotation } from '../../../core/model/formula.js';
import type { Report } from '../../../core/model/report.js';
import type { XrdPattern } from '../../../core/model/xrdPattern.js';
import { prepareWaterfall, traceMasks } from '../../../core/xrd/waterfall.js';
import type { TraceMasks, WaterfallTrace } from '../../../core/xrd/waterfall.js';
import { candidatePhases, phaseDisplayName, phaseLabel } from '../../../core/xrd/phases.js';
import type { PhaseStackLayer } from '../../../core/xrd/phases.js';
import { nearestIndex } from './profileMath.js';

/**
 * The patterns as the exported figure has them: cropped to their common range with the ranges
 * masked blanked (NaN), by the figure's own `prepareWaterfall`, left in raw intensity (the view
 * stacks them itself), and their masks sorted for shading as the figure sorts them. Each
 * pattern's masks are those its analysis applied (the report's); without a report, or from one
 * that predates them, the substrate masks where the first pattern's wavelength and optics put
 * them (a monochromator leaves no Kβ line or filter edge to mask).
 */
export function maskedPatterns(d: XrdPayload, report: Report | null): TraceMasks & { traces: WaterfallTrace[] } {
  // prepareWaterfall reads only a pattern's axis, intensities, wavelength and optics.
  const states = d.patterns.map((p) => ({
    label: p.state,
    pattern: { twoThetaDeg: Float64Array.from(p.twoThetaDeg), intensity: Float64Array.from(p.intensity), wavelength: p.wavelengthA ? { alpha1A: p.wavelengthA } : null, optics: p.optics ?? undefined } as XrdPattern,
    masks: report?.states.find((s) => s.state === p.state)?.xrd?.masks,
  }));
  const traces = prepareWaterfall(states, { normalise: 'none', offset: 0, phases: [] }).traces;
  return { ...traceMasks(traces), traces };
}

/** What the peak markers read of a fitted peak (report.json's `states[].xrd.peaks[]`). */
export interface MarkedPeak {
  twoThetaDeg: number;
  fwhmDeg: number;
  phase: string | null;
  phaseConfidence?: 'tentative';
}

/** A phase's name as the figures write it: LiFePO₄, γ-Li₃PO₄ (the library's label, formulae subscripted). */
export const phaseName = (phaseId: string): string => formulaNotation(phaseDisplayName(phaseId));

/** A peak's phase as the tables name it, in formula notation, `?` where tentative ("LiFePO₄?"); null where unassigned. */
export function peakPhaseName(peak: Pick<MarkedPeak, 'phase' | 'phaseConfidence'>): string | null {
  const label = phaseLabel(peak);
  return label === null ? null : formulaNotation(label);
}

/**
 * Each phase's symbol row, as the exported figure numbers them: its reference-stick row, the
 * stack's candidate phases in library order (prepareWaterfall's rows), so a phase has the same
 * symbol in the view and the figure. A phase the stack does not propose (a report from another
 * stack) goes after those rows, in the order given, so it still has a symbol of its own.
 */
export function phaseSymbolRows(stack: { layers: readonly PhaseStackLayer[] }, phases: readonly string[]): Map<string, number> {
  const rows = new Map(candidatePhases(stack).phases.map((p, r) => [p.id, r]));
  for (const phase of phases) if (!rows.has(phase)) rows.set(phase, rows.size);
  return new Map(phases.map((phase) => [phase, rows.get(phase)!]));
}

/** How a peak is marked: its phase's symbol filled, open where the assignment is tentative, a grey tick where it has no phase. */
export type PeakMarkerKind = 'filled' | 'open' | 'tick';

export function peakMarkerKind(peak: Pick<MarkedPeak, 'phase' | 'phaseConfidence'>): PeakMarkerKind {
  if (peak.phase === null) return 'tick';
  return peak.phaseConfidence === 'tentative' ? 'open' : 'filled';
}

/**
 * The top of a trace at a fitted peak, in its raw intensity: the highest point within half the
 * peak's width either side (at least 0.1°), so the marker clears the noise on the peak and not
 * just its fitted apex. Null where every point there is masked (NaN): nothing to mark on.
 */
export function peakTop(twoThetaDeg: ArrayLike<number>, y: ArrayLike<number>, peak: Pick<MarkedPeak, 'twoThetaDeg' | 'fwhmDeg'>): number | null {
  const halfWidth = Math.max(0.1, peak.fwhmDeg / 2);
  let top = -Infinity; // masked points (NaN) never win
  for (let i = nearestIndex(twoThetaDeg, peak.twoThetaDeg - halfWidth); i < y.length && twoThetaDeg[i] <= peak.twoThetaDeg + halfWidth; i++) if (y[i] > top) top = y[i];
  return Number.isFinite(top) ? top : null;
}

/**
 * Marker centres lifted clear of each other, as the figure lifts them: a marker that would
 * overlap one placed before it (closer than `size` + `clearance` both across and up) goes above
 * it, staying on its own 2θ. `points` in the order they are placed (by 2θ); returns their y
 * (page coordinates: up is smaller).
 */
export function stackMarkers(points: readonly { x: number; y: number }[], size: number, clearance: number): number[] {
  const placed: { x: number; y: number }[] = [];
  for (const p of points) {
    let y = p.y;
    for (const q of placed) if (Math.abs(q.x - p.x) < size + clearance && Math.abs(q.y - y) < size + clearance) y = Math.min(y, q.y - size - clearance);
    placed.push({ x: p.x, y });
  }
  return placed.map((p) => p.y);
}

/**
 * The line above the plot on what the marks are, saying only what it shows (as the figure's
 * notes do): the symbol of each phase with peaks, in symbol-row order; "open" only where a peak
 * is tentative, "grey tick" only where one is unassigned. Null where there are no peaks to mark.
 */
export function peakMarkerNote(peaks: readonly Pick<MarkedPeak, 'phase' | 'phaseConfidence'>[], symbolRows: ReadonlyMap<string, number>): string | null {
  if (!peaks.length) return null;
  const phases = [...new Set(peaks.flatMap((p) => (p.phase === null ? [] : [p.phase])))].sort((a, b) => (symbolRows.get(a) ?? 0) - (symbolRows.get(b) ?? 0));
  const kinds = new Set(peaks.map(peakMarkerKind));
  return [
    "Marks above the traces: each state's fitted peaks",
    phases.length ? `, in the colour and symbol of the phase they are assigned to (${phases.map((ph) => `${markerSymbol(symbolRows.get(ph) ?? 0)} ${phaseName(ph)}`).join(', ')})` : '',
    kinds.has('open') ? '; open where the assignment is tentative' : '',
    kinds.has('tick') ? '; a grey tick where the peak is unassigned' : '',
    '.',
  ].join('');
}
