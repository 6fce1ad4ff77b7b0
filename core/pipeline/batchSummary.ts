import { referenceStateOf, stateWarnings } from '../model/report.js';
import type { Report } from '../model/report.js';

export interface StudyOutcome {
  studyPath: string;
  outDir: string;
  report?: Report;
  error?: string;
}

export type SummaryRow = Record<string, string | number | null>;

/** The summary table's columns, in order (a failed study's row has the same, mostly empty). */
export const SUMMARY_COLUMNS = ['study', 'path', 'status', 'error', 'state', 'role', 'startS', 'endS', 'widthNm', 'profileEndsInIt', 'depthCalibration', 'layerConfidence', 'analyteIon', 'liFraction', 'liFractionSigma', 'referenceState', 'liDeltaVsReference', 'liDeltaSigma', 'semThicknessNm', 'semSigmaNm', 'semImplausible', 'warnings'] as const;

/** The last part of a path, either separator. */
const folderName = (path: string): string => path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || path;

/**
 * One table across studies: a row per study × state × layer with the Li share, its change
 * against the study's reference state (each study has its own: pristine, as-deposited, …), the layer width and the SEM thickness; a failed study gets one row with
 * its error, so nothing disappears from the summary silently.
 */
export function batchSummary(outcomes: StudyOutcome[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const o of outcomes) {
    if (!o.report) {
      // Named by its folder (no manifest was read), its path in `path` as for every study: two
      // studies of one name are told apart by it.
      rows.push(Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, null])));
      Object.assign(rows[rows.length - 1], { study: folderName(o.studyPath), path: o.studyPath, status: 'failed', error: o.error ?? 'unknown error' });
      continue;
    }
    const r = o.report;
    for (const s of r.states) {
      // What the state's own analysis warned of (a saturated marker, a weak interface), beside
      // its numbers: without it a study with a doubtful segmentation read as fine in the table.
      const warnings = [...r.warnings.filter((w) => w.startsWith(`${s.state}: `)).map((w) => w.slice(s.state.length + 2)), ...stateWarnings(s)].join(' | ');
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
          // The layer the profile ends in: its width is the depth sputtered into it, not its thickness.
          profileEndsInIt: layer?.profileEndsInIt ? 'true' : null,
          // What the width rests on: the SEM, the stack's nominal thicknesses (then it is the
          // nominal one, not a measurement) or nothing.
          depthCalibration: layer ? s.sims!.depthCalibration : null,
          layerConfidence: layer?.confidence ?? null,
          // Which ion the "li" columns count (Li-, Li+, or another an inline stack names): a
          // summary across studies may mix them. Null where the layer has no inventory.
          analyteIon: li && typeof s.sims?.parameters?.analyteIon === 'string' ? s.sims.parameters.analyteIon : null,
          liFraction: li?.fraction ?? null,
          liFractionSigma: li?.fractionSigma ?? null,
          // The state the change is against, beside it: studies of one batch may name different ones.
          referenceState: li && r.comparison.li.length ? referenceStateOf(r) : null,
          liDeltaVsReference: change?.deltaFraction ?? null,
          liDeltaSigma: change?.sigma ?? null,
          semThicknessNm: sem?.thicknessNm ?? null,
          semSigmaNm: sem?.sigmaNm ?? null,
          // Ten times off its nominal thickness: not used for the depth axis (sem_thickness.csv's flag).
          semImplausible: sem?.implausible ? 'true' : null,
          warnings: warnings || null,
        });
      }
    }
  }
  return rows;
}
