import { describe, expect, it } from 'vitest';
import type { StudySummary } from '../../core/api/contract.js';
import { profileSources, stackProfilesLabel } from '../../renderer/src/views/profileMath.js';

type State = StudySummary['states'][number];
const file = (path: string, kind: string, summary: Record<string, unknown> | null = null, error: string | null = null) => ({ path, kind, format: 'x', summary, error });
const stack = (state: string, size = { width: 32, height: 24 }) => file(`${state}/stack.ome.tif`, 'sims-stack', { ...size, scans: 250 });

/** A mixed study: a state with both files, one with only a stack, one with only a profile, one with only SEM. */
const states: State[] = [
  { state: 'pristine', files: [file('pristine/profile.txt', 'sims-profile'), stack('pristine')] },
  { state: 'charged', files: [stack('charged', { width: 64, height: 48 }), file('charged/sem.tif', 'sem')] },
  { state: 'discharged', files: [file('discharged/profile.txt', 'sims-profile')] },
  { state: 'stored', files: [file('stored/sem.tif', 'sem')] },
];

describe('profileSources: each state’s depth profile as the analysis reads the state', () => {
  it('without an ROI: the profile file, and the whole field of the stack of a state without one', () => {
    expect(profileSources(states, undefined)).toEqual([
      { state: 'pristine', from: 'profile' },
      { state: 'charged', from: 'stack', roi: { x0: 0, y0: 0, x1: 64, y1: 48 }, wholeField: true },
      { state: 'discharged', from: 'profile' },
    ]);
  });

  it('a study of stacks only (the bug: its Depth profiles tab was empty) has a profile per state', () => {
    const only: State[] = [{ state: 'pristine', files: [stack('pristine')] }];
    expect(profileSources(only, undefined)).toEqual([{ state: 'pristine', from: 'stack', roi: { x0: 0, y0: 0, x1: 32, y1: 24 }, wholeField: true }]);
  });

  it('with an ROI: every state with a stack over that ROI, the others have none', () => {
    const roi = { x0: 4, y0: 2, x1: 20, y1: 18 };
    expect(profileSources(states, roi)).toEqual([
      { state: 'pristine', from: 'stack', roi, wholeField: false },
      { state: 'charged', from: 'stack', roi, wholeField: false },
    ]);
  });

  it('unreadable files count as absent; a stack whose summary gives no size is not guessed at', () => {
    const odd: State[] = [
      { state: 'a', files: [file('a/profile.txt', 'sims-profile', null, 'bad header'), stack('a')] },
      { state: 'b', files: [file('b/stack.tif', 'sims-stack', { scans: 3 })] },
      { state: 'c', files: [file('c/stack.tif', 'sims-stack', { width: 8, height: 8 }, 'truncated')] },
    ];
    expect(profileSources(odd, undefined)).toEqual([{ state: 'a', from: 'stack', roi: { x0: 0, y0: 0, x1: 32, y1: 24 }, wholeField: true }]);
  });
});

describe('stackProfilesLabel: one job-bar row for the stack passes', () => {
  it('names the states and what is summed', () => {
    expect(stackProfilesLabel(profileSources(states, undefined))).toBe('Whole-field profile from the 3-D stack: charged');
    expect(stackProfilesLabel(profileSources(states, { x0: 0, y0: 0, x1: 5, y1: 5 }))).toBe('ROI profiles: pristine, charged');
    expect(stackProfilesLabel([{ state: 'discharged', from: 'profile' }])).toBeNull();
  });
});
