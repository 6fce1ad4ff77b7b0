import { describe, expect, it } from 'vitest';
import { interfaceLimits } from '../../renderer/src/views/profileMath.js';

describe('interfaceLimits: a dragged interface stays between its neighbours', () => {
  const times = [100, 400, 420, 900];
  it('stops a margin short of each neighbour, the outermost a margin inside the profile', () => {
    expect(interfaceLimits(times, 1, [0, 1000], 5)).toEqual([105, 415]);
    expect(interfaceLimits(times, 0, [0, 1000], 5)).toEqual([5, 395]);
    expect(interfaceLimits(times, 3, [0, 1000], 5)).toEqual([425, 995]);
  });
  it('pins an interface whose neighbours leave no room', () => {
    expect(interfaceLimits(times, 1, [0, 1000], 200)).toEqual([400, 400]);
  });
});
