import { csvFormat } from 'd3-dsv';
import { referenceStateOf } from '../model/report.js';
import type { Report } from '../model/report.js';

/** One spreadsheet table of a report: a file name and its rows. */
export interface ReportTable {
  name: string;
  rows: Record<string, string | number | null>[];
}

/** Flattens a report into tidy tables (one row per state × layer, etc.) for spreadsheets. */
export function reportTables(report: Report): ReportTable[] {
  const layers: ReportTable = { name: 'sims_layers.csv', rows: [] };
  const interfaces: ReportTable = { name: 'sims_interfaces.csv', rows: [] };
  const li: ReportTable = { name: 'li_per_layer.csv', rows: [] };
  const maps: ReportTable = { name: 'li_maps.csv', rows: [] };
  const sem: ReportTable = { name: 'sem_thickness.csv', rows: [] };
  const xrd: ReportTable = { name: 'xrd_peaks.csv', rows: [] };
  for (const s of report.states) {
    // The depths' basis beside them: nominal thicknesses give depths and widths that are the
    // stack's nominal ones, not measurements, and the table did not say so.
    // The layer the profile ends in says so: its width is the depth sputtered into it, not its thickness.
    for (const l of s.sims?.layers ?? []) layers.rows.push({ state: s.state, ...l, profileEndsInIt: l.profileEndsInIt ? 'true' : null, depthCalibration: s.sims!.depthCalibration });
    for (const i of s.sims?.interfaces ?? []) interfaces.rows.push({ state: s.state, ...i, depthCalibration: s.sims!.depthCalibration });
    // What the counts are: the analyte's, divided by what (a column of "counts" read as raw counts whatever the normalisation).
    const parameters = s.sims?.parameters ?? {};
    const analyteIon = typeof parameters.analyteIon === 'string' ? parameters.analyteIon : null;
    for (const { role, ...l } of s.sims?.li ?? []) li.rows.push({ state: s.state, role, analyteIon, normalizedBy: normalizedBy(parameters), ...l });
    // The maps' means are counts divided as the Li per layer's are: the same two columns say so.
    for (const { role, ...m } of s.sims?.maps ?? []) maps.rows.push({ state: s.state, role, analyteIon, normalizedBy: normalizedBy(parameters), ...m });
    if (s.sem) for (const l of s.sem.layers) sem.rows.push({ state: s.state, file: s.sem.file, pixelSizeNm: s.sem.pixelSizeNm, pixelSizeSource: s.sem.pixelSizeSource, ...l, implausible: l.implausible ? 'true' : null });
    // The areas' unit beside them (counts·°, cps·° or a.u.·°: "area" alone said nothing of it).
    if (s.xrd) for (const p of s.xrd.peaks) xrd.rows.push({ state: s.state, file: s.xrd.file, ...withAfter(p, 'areaSigma', 'areaUnit', s.xrd.areaUnit ?? null) });
  }
  // State before role, as in every other table. Named after the state the changes are against, and
  // each row says it: "li_change_vs_pristine.csv" held changes against "as-deposited".
  const referenceState = referenceStateOf(report);
  const comparison: ReportTable = { name: `li_change_vs_${referenceState}.csv`, rows: report.comparison.li.map(({ state, role, ...c }) => ({ state, role, referenceState, ...c })) };
  return [layers, interfaces, li, comparison, maps, sem, xrd].filter((t) => t.rows.length > 0);
}

/** The row with `key: value` put right after `after` (at its end where `after` is absent): a column beside the one it qualifies. */
function withAfter<T extends object>(row: T, after: string, key: string, value: string | number | null): Record<string, string | number | null> {
  const entries = Object.entries(row) as [string, string | number | null][];
  const at = entries.findIndex(([k]) => k === after);
  entries.splice(at < 0 ? entries.length : at + 1, 0, [key, value]);
  return Object.fromEntries(entries);
}

/** "none", "total ion count" or the reference ion, from a state's ToF-SIMS parameters. */
function normalizedBy(parameters: Record<string, unknown>): string | null {
  const how = parameters.normalization;
  if (how === 'tic') return 'total ion count';
  if (how === 'reference') return typeof parameters.referenceIon === 'string' ? parameters.referenceIon : 'reference ion';
  return typeof how === 'string' ? how : null;
}

/**
 * The table as CSV. A number that is not finite (a depth without a calibration, a resolution
 * without a marker) is an empty cell, as report.json has null there: "NaN" is not a number a
 * spreadsheet reads.
 */
export function tableToCsv(table: ReportTable): string {
  const rows = table.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v])));
  return csvFormat(rows) + '\n';
}
