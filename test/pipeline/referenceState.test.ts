import { describe, expect, it } from 'vitest';
import { composeStudy, defaultReferenceState } from '../../core/pipeline/analyzeStudy.js';
import type { StateOutcome } from '../../core/pipeline/analyzeStudy.js';
import { batchSummary } from '../../core/pipeline/batchSummary.js';
import { reportTables } from '../../core/pipeline/reportTables.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import type { LiLayerResult, Report } from '../../core/model/report.js';
import { referenceStateOf } from '../../core/model/report.js';
import { formatReport } from '../../core/cli/analyze.js';

/** A state whose Li lies `top` in the top layer and the rest in the one below (σ 1 % of each). */
function outcome(state: string, top: number): StateOutcome {
  const li: LiLayerResult[] = [
    { role: 'cc_aam', counts: top * 1000, sigma: 10, fraction: top, fractionSigma: 0.01 },
    { role: 'sei_se', counts: (1 - top) * 1000, sigma: 10, fraction: 1 - top, fractionSigma: 0.01 },
  ];
  const layer = (role: string, label: string, startS: number, endS: number) => ({ role, label, startS, endS, startNm: Number.NaN, endNm: Number.NaN, widthNm: Number.NaN, profileEndsInIt: false, confidence: 1 });
  const layers = [layer('cc_aam', 'CC/AAM', 0, 100), layer('sei_se', 'SEI/SE', 100, 200)];
  return { report: { state, sims: { layers, interfaces: [], li, depthCalibration: 'none', saturatedPoints: 0 } }, warnings: [] };
}

const PROVENANCE = { software: 'strata' as const, version: '0', createdAt: '2026-01-01T00:00:00Z', inputs: [] };
const compose = (outcomes: StateOutcome[], referenceState?: string): Report =>
  composeStudy({ name: 'cell B', stack: PAPER_ANODE_FREE }, outcomes, referenceState ? { referenceState } : {}, PROVENANCE).report;

const FOUR = ['as-deposited', 'charged-1C', 'discharged', 'cycled-50'];

describe('the state a study compares against', () => {
  it('is pristine where the study has one, else its first state', () => {
    expect(defaultReferenceState(['charged', 'pristine'])).toBe('pristine');
    expect(defaultReferenceState(FOUR)).toBe('as-deposited');
  });

  it('compares a study without a "pristine" state against its first (it gave no comparison at all)', () => {
    const report = compose([outcome('as-deposited', 0.1), outcome('charged-1C', 0.4), outcome('discharged', 0.2), outcome('cycled-50', 0.3)]);
    expect(report.warnings).toEqual([]);
    expect(referenceStateOf(report)).toBe('as-deposited');
    expect([...new Set(report.comparison.li.map((c) => c.state))]).toEqual(['charged-1C', 'discharged', 'cycled-50']);
    expect(report.comparison.li.find((c) => c.state === 'charged-1C' && c.role === 'cc_aam')!.deltaFraction).toBeCloseTo(0.3, 12);
  });

  it('takes the first state with Li results where pristine has none (SEM and XRD only): it gave no comparison', () => {
    const semOnly: StateOutcome = { report: { state: 'pristine' }, warnings: [] };
    const report = compose([semOnly, outcome('charged', 0.4), outcome('discharged', 0.2)]);
    expect(referenceStateOf(report)).toBe('charged');
    expect(report.warnings).toEqual([]);
    expect(report.comparison.li.map((c) => c.state)).toEqual(['discharged', 'discharged']);
    expect(report.comparison.li.find((c) => c.role === 'cc_aam')!.deltaFraction).toBeCloseTo(-0.2, 12);
  });

  it('compares against the state study.json names, and every output names it', () => {
    const report = compose([outcome('as-deposited', 0.1), outcome('charged-1C', 0.4), outcome('discharged', 0.2), outcome('cycled-50', 0.3)], 'discharged');
    expect(report.comparison.li.map((c) => c.state)).not.toContain('discharged');
    expect(report.comparison.li.find((c) => c.state === 'as-deposited' && c.role === 'cc_aam')!.deltaFraction).toBeCloseTo(-0.1, 12);
    // The text: the heading names it, and "pristine" appears nowhere.
    const text = formatReport(report);
    expect(text).toContain('fraction change against discharged (percentage points):');
    expect(text).not.toMatch(/pristine/);
    // The CSV: named after it, and each row says it.
    const table = reportTables(report).find((t) => t.name.startsWith('li_change'))!;
    expect(table.name).toBe('li_change_vs_discharged.csv');
    expect(new Set(table.rows.map((r) => r.referenceState))).toEqual(new Set(['discharged']));
    expect(Object.keys(table.rows[0]).slice(0, 3)).toEqual(['state', 'role', 'referenceState']);
    // The summary across studies: its change column names no state, its reference column does.
    const rows = batchSummary([{ studyPath: '/x/cellB', outDir: '/o/cellB', report }]);
    expect(Object.keys(rows[0])).not.toContain('liDeltaVsPristine');
    const row = rows.find((r) => r.state === 'as-deposited' && r.role === 'cc_aam')!;
    expect(row).toMatchObject({ referenceState: 'discharged' });
    expect(row.liDeltaVsReference as number).toBeCloseTo(-0.1, 12);
    // The reference's own rows: the reference named, no change.
    expect(rows.find((r) => r.state === 'discharged' && r.role === 'cc_aam')).toMatchObject({ referenceState: 'discharged', liDeltaVsReference: null });
  });

  it('still says so where the reference state chosen has no Li inventory', () => {
    const noSims: StateOutcome = { report: { state: 'pristine' }, warnings: [] };
    const report = compose([noSims, outcome('charged', 0.4), outcome('discharged', 0.2)], 'pristine');
    expect(report.comparison.li).toEqual([]);
    expect(report.warnings).toEqual(["no 'pristine' state with a Li inventory: no comparison"]);
  });

  it('names the analyte the states counted in that warning (Na for Na⁺), not Li', () => {
    const withNa = (o: StateOutcome): StateOutcome => ({ ...o, report: { ...o.report, sims: { ...o.report.sims!, parameters: { analyteIon: 'Na+' } } } });
    const noSims: StateOutcome = { report: { state: 'pristine' }, warnings: [] };
    const report = compose([noSims, withNa(outcome('charged', 0.4)), withNa(outcome('discharged', 0.2))], 'pristine');
    expect(report.warnings).toEqual(["no 'pristine' state with a Na inventory: no comparison"]);
  });
});
