import type { SimsStateResult } from '../model/report.js';

/**
 * The layer a depth profile ends in, and what its width rests on. The sputtering stopped inside
 * it, so its width is the depth sputtered into it (the layer is at least that thick, the substrate
 * far thicker), and its time never set a rate: the depth there is its time at the substrate rate
 * given, or at the rate of the layer above (calibrate.ts). Said beside the width wherever it is
 * shown: a bare "SiO₂/Si 81 nm" read as the substrate's thickness.
 */
export interface EndLayerWidth {
  role: string;
  /** How the sputter rate in it was had: given (the study's substrate rate) or extrapolated. */
  rate: 'given' | 'extrapolated';
  /** Where extrapolated, the layer whose rate it took. */
  rateOfRole?: string;
}

interface CalibrationRate {
  role: string;
  source: string;
  rateNmPerS: number;
}

/** The layer `sims` ends in, where its width is a number (a calibrated depth axis); else null. */
export function endLayerWidth(sims: SimsStateResult): EndLayerWidth | null {
  const layer = sims.layers.find((l) => l.profileEndsInIt);
  if (!layer || !Number.isFinite(layer.widthNm)) return null;
  const rates = (sims.parameters?.calibration as { ratesNmPerS?: CalibrationRate[] } | null | undefined)?.ratesNmPerS ?? [];
  const at = rates.findIndex((r) => r.role === layer.role);
  // Without a record of its rate (a report made elsewhere), the rule the analysis applies unless told otherwise.
  if (at < 0) return { role: layer.role, rate: 'extrapolated' };
  if (rates[at].source !== 'extrapolated') return { role: layer.role, rate: 'given' };
  const above = rates[at - 1];
  return { role: layer.role, rate: 'extrapolated', rateOfRole: above && above.rateNmPerS === rates[at].rateNmPerS ? above.role : undefined };
}

/** "extrapolated at CC's sputter rate" / "at the substrate rate given": how the end layer's depth was had. */
export function endLayerRateText(end: EndLayerWidth, layerLabel: (role: string) => string): string {
  if (end.rate === 'given') return 'at the substrate rate given';
  return end.rateOfRole ? `extrapolated at ${layerLabel(end.rateOfRole)}'s sputter rate` : 'extrapolated';
}
