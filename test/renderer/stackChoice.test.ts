import { describe, expect, it } from 'vitest';
import { stackSummary } from '../../core/api/contract.js';
import type { StudySummary } from '../../core/api/contract.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { chosenStackOf, overridesWithStack, selectedStackOption, stackOptions, studyWithStack } from '../../renderer/src/stackChoice.js';

const own = stackSummary(PAPER_ANODE_FREE);
const inline = { ...stackSummary(CIGS_POS), name: 'my CIGS cell', layers: stackSummary(CIGS_POS).layers.slice(1) };

describe('the Study tab\'s "Layer stack"', () => {
  it('lists the presets, study.json\'s inline stack first where it has one, the study\'s own selected', () => {
    expect(stackOptions(own, 'guessed').map((o) => o.value)).toEqual(['anode-free-ss-lfp', 'perovskite-psc-pos', 'cigs-pos']);
    expect(stackOptions(own, 'guessed')[0].label).toMatch(/\(the default: no study\.json\)$/);
    expect(stackOptions(own, 'manifest')[0].label).toMatch(/\(study\.json's\)$/);
    // An inline stack with a preset's id is not that preset.
    expect(stackOptions(inline, 'manifest').map((o) => o.value)).toEqual(['', 'anode-free-ss-lfp', 'perovskite-psc-pos', 'cigs-pos']);
    expect(stackOptions(inline, 'manifest')[0].label).toBe("study.json's stack — my CIGS cell");
    expect(selectedStackOption(own, undefined)).toBe('anode-free-ss-lfp');
    expect(selectedStackOption(inline, undefined)).toBe('');
    expect(selectedStackOption(inline, 'cigs-pos')).toBe('cigs-pos');
  });

  it("sends no override for the study's own stack", () => {
    expect(chosenStackOf(own, 'anode-free-ss-lfp')).toBeUndefined();
    expect(chosenStackOf(own, 'cigs-pos')).toBe('cigs-pos');
    expect(chosenStackOf(inline, '')).toBeUndefined();
    expect(chosenStackOf(inline, 'cigs-pos')).toBe('cigs-pos');
  });

  it('drops the dragged interfaces (one per boundary of the old layers) and keeps the other overrides', () => {
    const before = { interfacesS: { pristine: [10, 20] }, roi: { x0: 0, y0: 0, x1: 8, y1: 8 }, semPixelSizeNm: { pristine: 5 }, normalization: 'tic' as const, referenceState: 'charged' };
    const { interfacesS: _, ...kept } = before;
    expect(overridesWithStack(before, 'cigs-pos')).toEqual({ ...kept, stack: 'cigs-pos' });
    expect(overridesWithStack({ ...kept, stack: 'cigs-pos' }, undefined)).toEqual(kept);
    // The same stack again: nothing changes, nothing dropped.
    const same = { ...before, stack: 'cigs-pos' };
    expect(overridesWithStack(same, 'cigs-pos')).toBe(same);
  });

  it("gives the views the chosen preset's layers, and the study's own back", () => {
    const study: StudySummary = { path: '/s', name: 's', origin: 'guessed', notes: [], stack: own, states: [] };
    expect(studyWithStack(study, 'cigs-pos').stack.layers.map((l) => l.label)).toEqual(['MgF2', 'ZnO:Al/CdS', 'CIGS', 'Mo']);
    expect(studyWithStack(study, undefined)).toBe(study);
  });

  it('says in the study\'s notes which stack is in use (a guessed study\'s "the default" note gives way)', () => {
    const guessed: StudySummary = { path: '/s', name: 's', origin: 'guessed', notes: ["a.txt: state 'pristine' guessed from 'pristine'", 'stack: anode-free-ss-lfp, the default (no study.json to name the study\'s)'], stack: own, states: [] };
    expect(studyWithStack(guessed, 'cigs-pos').notes).toEqual(["a.txt: state 'pristine' guessed from 'pristine'", 'stack: cigs-pos, chosen in the workbench']);
    expect(studyWithStack(guessed, undefined).notes).toEqual(guessed.notes);
    const manifest: StudySummary = { ...guessed, origin: 'manifest', notes: [] };
    expect(studyWithStack(manifest, 'cigs-pos').notes).toEqual(["stack: cigs-pos, chosen in the workbench (study.json's: anode-free-ss-lfp)"]);
  });
});
