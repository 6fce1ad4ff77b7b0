import { describe, expect, it } from 'vitest';
import { shotsPerPixelText } from '../../renderer/src/views/deadTimeText.js';

const corrected = (state: string, n: number) => ({ state, deadTime: { applied: true, shotsPerPixel: n } });

describe('the N of the dead-time corrections in the 2-D and 3-D views\' notes', () => {
  it('one value where every state has it', () => {
    expect(shotsPerPixelText([corrected('pristine', 50), corrected('charged', 50)])).toBe('50');
  });

  it('each state\'s where they differ (acquired with other settings), not the first state\'s for all', () => {
    expect(shotsPerPixelText([corrected('pristine', 50), corrected('charged', 40), corrected('discharged', 50)])).toBe('50 (pristine), 40 (charged), 50 (discharged)');
  });

  it('states left raw do not count', () => {
    expect(shotsPerPixelText([corrected('pristine', 50), { state: 'charged', deadTime: { applied: false, shotsPerPixel: null } }])).toBe('50');
  });
});
