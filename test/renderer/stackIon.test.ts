import { describe, expect, it } from 'vitest';
import type { StudySummary } from '../../core/api/contract.js';
import type { Report } from '../../core/model/report.js';
import { stackIonFor, studyStackIons } from '../../renderer/src/store.js';

/** A study of two states, each with a 3-D stack of the given ions (and a profile, which does not count). */
function study(ionsPerState: string[][], analyteIon?: string): StudySummary {
  return {
    stack: { analyteIon },
    states: ionsPerState.map((ions, k) => ({
      state: `s${k}`,
      files: [
        { kind: 'sims-profile', summary: { ions: ['Li-', 'Cs+'] } },
        { kind: 'sims-stack', summary: { ions } },
      ],
    })),
  } as unknown as StudySummary;
}

describe('the ion the 2-D and 3-D views show', () => {
  it("lists the stacks' ions once each, profiles' ions left out", () => {
    expect(studyStackIons(study([['Li-', 'Cr-'], ['Cr-', 'Ni-']]))).toEqual(['Li-', 'Cr-', 'Ni-']);
  });

  it("is the chosen ion in the stacks' own label, matched by canonical key", () => {
    expect(stackIonFor(study([['Li-', 'C_2-']]), 'C2-')).toBe('C_2-');
    expect(stackIonFor(study([['Li-', 'Cr-']]), 'Cr-')).toBe('Cr-');
  });

  it("falls back to the analyte, then the stacks' first ion, when the stacks lack the chosen one", () => {
    // An imzML whose windows were taken from its own peaks: no Li⁻ (the views asked for it and drew nothing).
    const peaks = study([['m/z 107.99', 'm/z 255.25']]);
    expect(stackIonFor(peaks, 'Li-')).toBe('m/z 107.99');
    expect(stackIonFor(study([['Cr-', 'Li+']], 'Li+'), 'Ni-')).toBe('Li+');
  });

  it("takes the analyte the report's analysis took before the preset's (Li⁺ in positive-ion data)", () => {
    const positive = study([['Cr+', 'Li+']], 'Li-');
    const report = { states: [{ state: 's0', sims: { parameters: { analyteIon: 'Li+' } } }] } as unknown as Report;
    expect(stackIonFor(positive, 'Li-', report)).toBe('Li+');
    // Without the report, the stacks' first ion, as before.
    expect(stackIonFor(positive, 'Li-')).toBe('Cr+');
  });

  it('keeps the chosen ion where the study has no stack', () => {
    expect(stackIonFor({ stack: {}, states: [] } as unknown as StudySummary, 'Li-')).toBe('Li-');
  });
});
