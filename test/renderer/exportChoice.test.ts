import { describe, expect, it } from 'vitest';
import type { StudySummary } from '../../core/api/contract.js';
import type { Report } from '../../core/model/report.js';
import { figureChoices, simsFigure } from '../../renderer/src/figureChoice.js';

/** A study summary with one state per entry: its files' kinds. */
function study(states: Record<string, string[]>): StudySummary {
  return {
    path: '/s',
    name: 's',
    origin: 'manifest',
    notes: [],
    stack: { id: 'x', name: 'x', analyteIon: null, layers: [] },
    states: Object.entries(states).map(([state, kinds]) => ({ state, files: kinds.map((kind, i) => ({ path: `${state}/${i}`, kind, format: 'f', summary: {} })) })),
  } as unknown as StudySummary;
}
/** A report whose states have (or lack) Li per layer. */
function report(li: Record<string, number>): Report {
  return { states: Object.entries(li).map(([state, n]) => ({ state, sims: { li: Array.from({ length: n }, (_, k) => ({ role: `r${k}` })) } })) } as unknown as Report;
}

describe('simsFigure: what the ToF-SIMS views export first', () => {
  it('Fig. 4 where the report has Li per layer', () => {
    expect(simsFigure({ study: study({ pristine: ['sims-profile'] }), report: report({ pristine: 5 }) }).figure).toBe('fig4');
  });
  it('Fig. 4 while the report is not in yet (nothing is known against it)', () => {
    expect(simsFigure({ study: study({ pristine: ['sims-profile'] }), report: null }).figure).toBe('fig4');
  });
  it('the depth profiles where no state has Li and no stack could give a Li map (a study of positive ions without Li)', () => {
    const choice = simsFigure({ study: study({ pristine: ['sims-profile'], roi: ['sims-profile'] }), report: report({ pristine: 0, roi: 0 }) });
    expect(choice.figure).toBe('profiles');
    // Fig. 4 is still offered beside it.
    expect(figureChoices(choice).map((c) => c.figure)).toEqual(['profiles', 'fig4']);
  });
  it("the 3-D view's own figure first, its terms kept; Fig. 4 (of the analyte) and the profiles beside it", () => {
    const volume = { ion: 'Fe-', deadTime: true, mode: 'mip' as const, azimuthDeg: 35, elevationDeg: 25, zExaggeration: 30 };
    const offered = figureChoices({ figure: 'volume', label: 'The 3-D view as shown', volume }, 'Na+');
    expect(offered.map((c) => c.figure)).toEqual(['volume', 'fig4', 'profiles']);
    expect(offered[0].volume).toBe(volume);
    expect(offered[1].label).toMatch(/^Fig\. 4: Na maps/);
    expect(offered[1].volume).toBeUndefined();
  });
  it('Fig. 4 where a 3-D stack holds the analyte (its Li map makes the figure without Li in any profile)', () => {
    const s = study({ pristine: ['sims-profile', 'sims-stack'] });
    (s.states[0].files[1] as { summary: unknown }).summary = { ions: ['C_2-', '7Li-'] };
    expect(simsFigure({ study: s, report: report({ pristine: 0 }) }).figure).toBe('fig4');
  });
  it('the depth profiles where the stacks lack the analyte the analysis took (Li⁺ of positive ions, a stack of Li⁻)', () => {
    const s = study({ pristine: ['sims-profile', 'sims-stack'] });
    (s.states[0].files[1] as { summary: unknown }).summary = { ions: ['Li-'] };
    const r = report({ pristine: 0 });
    (r.states[0].sims as { parameters?: unknown }).parameters = { analyteIon: 'Li+' };
    expect(simsFigure({ study: s, report: r }).figure).toBe('profiles');
  });
});
