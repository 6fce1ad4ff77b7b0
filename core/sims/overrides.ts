import { AnalysisError } from '../model/errors.js';
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
  // Placed by hand: no marker spread to go by, only the scan a time falls in (Δt/√12).
  const boundaries = seg.boundaries.map((b, i) => ({ ...b, timeS: timesS[i], confidence: 1, timeSigmaS: seg.parameters.scanS / Math.sqrt(12) }));
  const layers = seg.layers.map((l, j) => ({
    ...l,
    startS: j === 0 ? l.startS : timesS[j - 1],
    endS: j === seg.layers.length - 1 ? l.endS : timesS[j],
  }));
  return { ...seg, layers, boundaries, warnings: [...seg.warnings, 'interfaces set by hand'] };
}
