import { colourRange } from '../colour.js';

/**
 * The 3-D view's one colour scale for all states, so brighter means more in every panel: from
 * 0, as the figures' (ratios of colours stay ratios of counts), up to the highest state's 99.8 %
 * quantile (the figures' rule, VOLUME_SCALE_QUANTILE: with the maximum, one hot voxel darkened
 * every panel). `brightest` is the largest value loaded: above the top, drawn in the top colour.
 */
export function volumeColourScale(volumes: readonly { highQuantile: number; max: number }[]): { range: [number, number]; brightest: number } {
  const top = Math.max(0, ...volumes.map((v) => v.highQuantile).filter(Number.isFinite));
  const range = colourRange(0, top);
  return { range, brightest: Math.max(range[1], ...volumes.map((v) => v.max).filter(Number.isFinite)) };
}
