import { describe, expect, it } from 'vitest';
import { stackSummary } from '../../core/api/contract.js';
import type { StudySummary } from '../../core/api/contract.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import type { Report } from '../../core/model/report.js';
import {
  analyteInUse,
  analyteOptions,
  chosenAnalyteOf,
  overridesWithAnalyte,
  selectedAnalyteOption,
  stackAnalyte,
  studyAsChosen,
  studyIons,
  studyWithAnalyte,
  viewFollowingAnalyte,
} from '../../renderer/src/analyteChoice.js';
import { defaultView } from '../../renderer/src/store.js';
import { fig4Label, figureChoices, simsFigure } from '../../renderer/src/figureChoice.js';

/** A study whose states hold these files: a depth profile's ion labels, or a 3-D stack's ions. */
function study(stack = stackSummary(PAPER_ANODE_FREE), states: Record<string, { profile?: string[]; stackIons?: string[] }> = {}): StudySummary {
  return {
    path: '/s',
    name: 's',
    origin: 'manifest',
    notes: [],
    stack,
    states: Object.entries(states).map(([state, f]) => ({
      state,
      files: [
        ...(f.profile ? [{ path: `${state}/profile.txt`, kind: 'sims-profile', format: 'iontof-ascii', summary: { ionLabels: f.profile }, error: null }] : []),
        ...(f.stackIons ? [{ path: `${state}/stack.tif`, kind: 'sims-stack', format: 'tiff', summary: { ions: f.stackIons }, error: null }] : []),
      ],
    })),
  };
}
const report = (analyteIon: string): Report => ({ states: [{ state: 'pristine', sims: { li: [], parameters: { analyteIon } } }] }) as unknown as Report;

describe('the ions the "Analyte" selector offers', () => {
  it("are every state's ToF-SIMS ions once, by canonical key, a stack's where a state has no profile, never its total", () => {
    const s = study(undefined, { pristine: { profile: ['^6Li-', 'Li-', 'C_2-'] }, charged: { profile: ['Li-', 'C2-', 'PO_2-'] }, stackOnly: { stackIons: ['total', 'Na-'] } });
    expect(studyIons(s)).toEqual(['^6Li-', 'Li-', 'C_2-', 'PO_2-', 'Na-']);
    expect(studyIons(study())).toEqual([]);
  });

  it("put the stack's analyte first, said to be the stack's, then the others as ionNotation writes them", () => {
    const options = analyteOptions(['^6Li-', '7Li-', 'C_2-'], 'Li-', undefined);
    // The stack's entry takes the data's spelling of it (what the analysis will find).
    expect(options).toEqual([
      { value: '7Li-', label: "⁷Li⁻ (the stack's)" },
      { value: '^6Li-', label: '⁶Li⁻' },
      { value: 'C_2-', label: 'C₂⁻' },
    ]);
    expect(selectedAnalyteOption(options, undefined)).toBe('7Li-');
    expect(selectedAnalyteOption(options, '6Li-')).toBe('^6Li-');
  });

  it("say where the data lack the stack's analyte, and keep a chosen one the data lack (a project's) so it shows", () => {
    const options = analyteOptions(['Na+', 'Mg+'], 'Li+', 'Cs+');
    expect(options.map((o) => o.label)).toEqual(["Li⁺ (the stack's; not in the data)", 'Na⁺', 'Mg⁺', 'Cs⁺ (not in the data)']);
    expect(selectedAnalyteOption(options, 'Cs+')).toBe('Cs+');
  });

  it("take the stack's analyte, else Li in the data's polarity (a CIGS stack names none)", () => {
    expect(stackAnalyte(study(stackSummary(PAPER_ANODE_FREE), { pristine: { profile: ['Na+'] } }))).toBe('Li-');
    expect(stackAnalyte(study(stackSummary(CIGS_POS), { pristine: { profile: ['Na+', 'Mg+'] } }))).toBe('Li+');
  });
});

describe('the analyte chosen', () => {
  it("sends no override for the stack's own, however the data spell it", () => {
    expect(chosenAnalyteOf('Li-', '7Li-')).toBeUndefined();
    expect(chosenAnalyteOf('Li-', '^6Li-')).toBe('^6Li-');
    expect(chosenAnalyteOf('Li+', 'Na+')).toBe('Na+');
  });

  it('replaces only overrides.analyteIon: the interfaces, ROI, normalisation and stack stay', () => {
    const before = { interfacesS: { pristine: [10, 20] }, roi: { x0: 0, y0: 0, x1: 8, y1: 8 }, normalization: 'tic' as const, referenceState: 'charged', stack: 'cigs-pos' };
    expect(overridesWithAnalyte(before, 'Na+')).toEqual({ ...before, analyteIon: 'Na+' });
    expect(overridesWithAnalyte({ ...before, analyteIon: 'Na+' }, undefined)).toEqual(before);
    const same = { ...before, analyteIon: 'Na+' };
    expect(overridesWithAnalyte(same, 'Na+')).toBe(same);
  });

  it("becomes the shown study's analyte, and its notes say so, as --analyte does", () => {
    const own = study(stackSummary(PAPER_ANODE_FREE));
    const na = studyWithAnalyte(own, 'Na+');
    expect(na.stack.analyteIon).toBe('Na+');
    expect(na.stack.layers).toEqual(own.stack.layers);
    expect(na.notes).toEqual(["analyte: Na⁺, chosen in the workbench (the stack's: Li⁻)"]);
    expect(studyWithAnalyte(own, undefined)).toBe(own);
    // The stack's own, spelt otherwise: nothing chosen, nothing said.
    expect(studyWithAnalyte(own, '^7Li-')).toBe(own);
    expect(studyWithAnalyte(study(stackSummary(CIGS_POS)), 'Na+').notes).toEqual(['analyte: Na⁺, chosen in the workbench']);
  });

  it('holds under a stack chosen after it: the preset\'s layers, the analyte chosen', () => {
    const shown = studyAsChosen(study(stackSummary(PAPER_ANODE_FREE)), { stack: 'cigs-pos', analyteIon: 'Na+' });
    expect(shown.stack.id).toBe('cigs-pos');
    expect(shown.stack.analyteIon).toBe('Na+');
    expect(shown.notes).toEqual(["stack: cigs-pos, chosen in the workbench (study.json's: anode-free-ss-lfp)", 'analyte: Na⁺, chosen in the workbench']);
  });
});

describe('the analyte the views name', () => {
  it("is the report's analyte, else the shown study's, else Li in the data's polarity (Li⁻ without data)", () => {
    expect(analyteInUse(study(stackSummary(CIGS_POS)), report('Li+'))).toBe('Li+');
    expect(analyteInUse(studyWithAnalyte(study(), 'Na+'), null)).toBe('Na+');
    expect(analyteInUse(study(stackSummary(CIGS_POS)), null)).toBe('Li-');
    expect(analyteInUse(study(stackSummary(CIGS_POS), { pristine: { profile: ['Li+', 'Na+', 'Cu+'] } }), null)).toBe('Li+');
  });

  it('names Fig. 4 in the export dialog: "Na maps" for Na⁺, the Li label unchanged', () => {
    expect(fig4Label()).toBe('Fig. 4: Li maps of the states, 3-D renderings, Li profiles over the SEM cross-section');
    expect(fig4Label('Na+')).toBe('Fig. 4: Na maps of the states, 3-D renderings, Na profiles over the SEM cross-section');
    const na = studyWithAnalyte(study(stackSummary(CIGS_POS), { pristine: { profile: ['Na+'] } }), 'Na+');
    expect(simsFigure({ study: na, report: null }).label).toBe(fig4Label('Na+'));
    expect(figureChoices({ figure: 'profiles', label: '' }, 'Na+')[1].label).toBe(fig4Label('Na+'));
  });
});

describe('the views follow the analyte', () => {
  const s = study(stackSummary(PAPER_ANODE_FREE), { pristine: { profile: ['Li-', 'Na-', 'Fe-', 'Co-'], stackIons: ['Li-', 'Na-', 'Fe-'] } });

  it('the maps, the 3-D view and the profiles that showed the analyte show the new one', () => {
    const view = defaultView(s);
    expect([view.maps.ion, view.volume.ion, view.profile.ions]).toEqual(['Li-', 'Li-', ['Li-']]);
    const next = viewFollowingAnalyte(view, 'Li-', 'Na-');
    expect([next.maps.ion, next.volume.ion, next.profile.ions]).toEqual(['Na-', 'Na-', ['Na-']]);
    // Everything else as it was.
    expect({ ...next, maps: view.maps, volume: view.volume, profile: view.profile }).toEqual(view);
  });

  it("an ion picked in a view that is not the analyte stays; the analyte's place in the profiles' list is kept, not doubled", () => {
    const view = defaultView(s);
    const picked = { ...view, maps: { ...view.maps, ion: 'Fe-' }, profile: { ...view.profile, ions: ['Co-', 'Li-', 'Na-'] } };
    const next = viewFollowingAnalyte(picked, 'Li-', 'Na-');
    expect(next.maps.ion).toBe('Fe-');
    expect(next.volume.ion).toBe('Na-');
    expect(next.profile.ions).toEqual(['Co-', 'Na-']);
    // The same analyte again: nothing changes.
    expect(viewFollowingAnalyte(picked, 'Li-', 'Li-')).toBe(picked);
  });

  it('positive-ion data: the default views show Li⁺, the analyte the analysis takes', () => {
    const positive = study(stackSummary(CIGS_POS), { pristine: { profile: ['Li+', 'Na+', 'Cu+'] } });
    expect(defaultView(positive).profile.ions).toEqual(['Li+']);
  });
});
