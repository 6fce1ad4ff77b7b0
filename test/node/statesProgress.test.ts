import { describe, expect, it } from 'vitest';
import { PASSES_SHARE, StatesProgress } from '../../core/node/stateLanes.js';

describe('StatesProgress: the states of an analysis as states done', () => {
  it('each state an equal share, moved by its passes, never back, whole only when done', () => {
    const told: [number, number][] = [];
    const p = new StatesProgress(3, (done, total) => told.push([done, total]));
    p.pass(0, 50, 100);
    expect(p.done).toBeCloseTo(PASSES_SHARE / 2, 9);
    // A second pass starts at 0 again: the share stays where the first left it.
    p.pass(0, 10, 40);
    expect(p.done).toBeCloseTo(PASSES_SHARE / 2, 9);
    p.pass(0, 40, 40);
    expect(p.done).toBeCloseTo(PASSES_SHARE, 9);
    p.finished(0);
    p.finished(2);
    expect(p.done).toBe(2);
    expect(told.map(([, total]) => total)).toEqual([3, 3, 3, 3]);
    expect(told.map(([done]) => done)).toEqual([...told.map(([done]) => done)].sort((a, b) => a - b));
    p.pass(1, 0, 0); // no planes to read: nothing to say
    expect(told).toHaveLength(4);
  });
});
