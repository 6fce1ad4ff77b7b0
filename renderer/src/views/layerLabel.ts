import type { StudySummary } from '../../../core/api/contract.js';

/** The name a layer goes by on screen: the study's label for its role (e.g. "SEI/SE"), else the role id. */
export function layerLabel(study: StudySummary, role: string): string {
  return study.stack.layers.find((l) => l.role === role)?.label ?? role;
}
