import type { Report } from '../model/report.js';

export interface StudyOutcome {
  studyPath: string;
  outDir: string;
  report?: Report;
  error?: string;
}

export type SummaryRow = Record<string, string | number | null>;

/**
 * One table across studies: a row per study × state × layer with the Li share, its change
 * against pristine, the layer width and the SEM thickness; a failed study gets one row with
 * its error, so nothing disappears from the summary silently.
 */
export function batchSummary(outcomes: StudyOutcome[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const o of outcomes) {
    if (!o.report) {
      rows.push({ study: o.studyPath, status: 'failed', error: o.error ?? 'unknown error', state: null, role: null });
      continue;
    }
    const r = o.report;
    for (const s of r.states) {
      const roles = new Set([...(s.sims?.layers.map((l) => l.role) ?? []), ...(s.sem?.layers.map((l) => l.role) ?? [])]);
      for (const role of roles) {
        const layer = s.sims?.layers.find((l) => l.role === role);
        const li = s.sims?.li.find((l) => l.role === role);
        const change = r.comparison.li.find((c) => c.role === role && c.state === s.state);
        const sem = s.sem?.layers.find((l) => l.role === role);
        rows.push({
          study: r.study,
          path: o.studyPath,
          status: 'ok',
          error: null,
          state: s.state,
          role,
          startS: layer?.startS ?? null,
          endS: layer?.endS ?? null,
          widthNm: layer && Number.isFinite(layer.widthNm) ? layer.widthNm : null,
          liFraction: li?.fraction ?? null,
          liFractionSigma: li?.fractionSigma ?? null,
          liDeltaVsPristine: change?.deltaFraction ?? null,
          liDeltaSigma: change?.sigma ?? null,
          semThicknessNm: sem?.thicknessNm ?? null,
          semSigmaNm: sem?.sigmaNm ?? null,
        });
      }
    }
  }
  return rows;
}
