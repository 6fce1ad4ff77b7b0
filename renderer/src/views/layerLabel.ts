import type { StudySummary } from '../../../core/api/contract.js';
import { formulaNotation } from '../../../core/model/formula.js';

/** The name a layer goes by on screen: the study's label for its role (e.g. "SEI/SE", "SiO₂/Si"), else the role id. */
export function layerLabel(study: StudySummary, role: string): string {
  return formulaNotation(study.stack.layers.find((l) => l.role === role)?.label ?? role);
}
