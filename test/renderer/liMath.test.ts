import { describe, expect, it } from 'vitest';
import { LEGEND_MIN_PX, legendRoomPx, ratioWithSigma, referenceChoice, referenceIons, referenceStateChoices } from '../../renderer/src/views/liMath.js';
import type { Report } from '../../core/model/report.js';

describe('ratioWithSigma: a state against pristine, σ from both', () => {
  it('adds the relative σ of both in quadrature: r·√((σa/a)² + (σb/b)²)', () => {
    const r = ratioWithSigma(300, 9, 100, 4)!;
    expect(r.value).toBe(3);
    expect(r.sigma).toBeCloseTo(3 * Math.hypot(0.03, 0.04), 12); // 0.15
  });
  it('has no ratio where either count is not positive', () => {
    expect(ratioWithSigma(5, 1, 0, 0)).toBeNull();
    expect(ratioWithSigma(0, 0, 5, 1)).toBeNull();
  });
});

describe('referenceIons: what the counts may be divided by', () => {
  const profile = (labels: string[]) => ({ path: 'p.txt', kind: 'sims-profile', format: 'iontof-ascii', summary: { ionLabels: labels }, error: null });
  const study = (...states: string[][]) => ({ path: '/s', name: 's', origin: 'manifest' as const, notes: [], stack: { id: 'x', name: 'x', analyteIon: 'Li-', layers: [] }, states: states.map((labels, i) => ({ state: `s${i}`, files: [profile(labels)] })) });
  it('offers the ions every state has, as the data name them, not the analyte (in any spelling)', () => {
    expect(referenceIons(study(['^7Li-', 'C_2-', 'Fe-', 'O-'], ['Li-', 'C2-', 'O-']), 'Li-')).toEqual(['C_2-', 'O-']);
  });
  it('takes a state\'s ion stack where it has no profile (a study of stacks alone offered none), not its total', () => {
    const stack = (labels: string[]) => ({ path: 's.ome.tif', kind: 'sims-stack', format: 'tiff', summary: { ions: labels }, error: null });
    const stacks = { ...study(), states: [{ state: 'a', files: [stack(['Li-', 'C2-', 'total'])] }, { state: 'b', files: [profile(['Li-', 'C_2-', 'O-'])] }] };
    expect(referenceIons(stacks, 'Li-')).toEqual(['C2-']);
  });
});

describe('legendRoomPx: room for a bar chart legend', () => {
  it('keeps the usual room for short names, and grows for long state names (they were cut off)', () => {
    expect(legendRoomPx(['charged − pristine'])).toBe(LEGEND_MIN_PX);
    const long = 'charged-1C − as-deposited';
    // Swatch and gap (28 px) and the text at 12 px, ≈ 7.2 px a character, fit.
    expect(legendRoomPx([long, 'cycled-50 − as-deposited'])).toBeGreaterThanOrEqual(28 + 7.2 * [...long].length);
  });
});

describe('"Compare against": the state the changes are measured against', () => {
  const study = { path: '/s', name: 's', origin: 'manifest' as const, notes: [], stack: { id: 'x', name: 'x', analyteIon: 'Li-', layers: [] }, states: ['pristine', 'charged', 'sem-only', 'discharged'].map((state) => ({ state, files: [] })) };
  const li = [{ role: 'cam', counts: 10, sigma: 1, fraction: 1, fractionSigma: 0 }];
  const report = (referenceState?: string) =>
    ({
      states: [{ state: 'pristine', sims: { li } }, { state: 'charged', sims: { li } }, { state: 'sem-only', sem: {} }, { state: 'discharged', sims: { li: [] } }],
      provenance: { parameters: referenceState ? { referenceState } : {} },
    }) as unknown as Report;

  it("shows the user's choice once made, else the report's, else nothing (before the first report)", () => {
    expect(referenceChoice({ referenceState: 'charged' }, report('pristine'))).toBe('charged');
    expect(referenceChoice({}, report('discharged'))).toBe('discharged');
    expect(referenceChoice({ normalization: 'tic' }, null)).toBeUndefined();
  });

  it('offers the states with Li per layer; without a report every state; the one in force always', () => {
    expect(referenceStateChoices(study, report(), 'pristine')).toEqual(['pristine', 'charged']);
    expect(referenceStateChoices(study, report(), 'sem-only')).toEqual(['pristine', 'charged', 'sem-only']);
    expect(referenceStateChoices(study, null, undefined)).toEqual(['pristine', 'charged', 'sem-only', 'discharged']);
  });
});
