import { AnalysisError } from '../model/errors.js';
import { layerName } from '../model/layerStack.js';
import type { Segmentation } from './segment.js';

/**
 * Interfaces the user set by hand (dragged in the depth-profile view) replace the ones found,
 * top-down; the layers between them follow. The markers' transitions are kept for the depth
 * resolution. Times must be finite, strictly increasing and inside the profile.
 */
export function withInterfaceTimes(seg: Segmentation, timesS: readonly number[], rangeS: [number, number]): Segmentation {
  if (timesS.length !== seg.boundaries.length) {
    throw new AnalysisError(`${timesS.length} interface times given, the stack has ${seg.boundaries.length} interfaces`);
  }
  timesS.forEach((t, i) => {
    if (!Number.isFinite(t) || t <= rangeS[0] || t >= rangeS[1]) throw new AnalysisError(`interface ${i + 1} at ${t} s lies outside the profile (${rangeS[0]}–${rangeS[1]} s)`);
    if (i > 0 && t <= timesS[i - 1]) throw new AnalysisError(`interface times must increase: ${timesS[i - 1]} s then ${t} s`);
  });
  // The workbench sends every interface of the state when one is dragged: those still at the time
  // the analysis found (the same number, as the report gave it) keep their markers' σ and
  // confidence. Giving them all Δt/√12 widened the σ of every interface, and of the Li shares
  // through them, for one moved by hand.
  const moved = seg.boundaries.map((b, i) => timesS[i] !== b.timeS);
  // Placed by hand: no marker spread to go by, only the scan a time falls in (Δt/√12).
  const boundaries = seg.boundaries.map((b, i) => (moved[i] ? { ...b, timeS: timesS[i], confidence: 1, timeSigmaS: seg.parameters.scanS / Math.sqrt(12) } : b));
  const layers = seg.layers.map((l, j) => ({
    ...l,
    startS: j === 0 ? l.startS : timesS[j - 1],
    endS: j === seg.layers.length - 1 ? l.endS : timesS[j],
  }));
  const named = seg.boundaries.flatMap((b, i) => (moved[i] ? [`${layerName(seg, b.upper)} | ${layerName(seg, b.lower)}`] : []));
  if (named.length === 0) return seg;
  return { ...seg, layers, boundaries, warnings: [...seg.warnings, `${named.length === 1 ? 'interface' : 'interfaces'} ${named.join(', ')} set by hand`] };
}
