import type { StudyAnalysis } from '../../core/pipeline/analyzeStudy.js';

/**
 * A study's analysis without its time stamp: what must not depend on where or how often its
 * states were analysed (side by side, kept from an earlier analysis, or afresh).
 */
export function comparable(a: StudyAnalysis): unknown {
  const { createdAt: _, ...provenance } = a.report.provenance;
  return { report: { ...a.report, provenance }, details: [...a.details] };
}
