import { describe, expect, it } from 'vitest';
import { defaultProfileIons } from '../../renderer/src/views/profileMath.js';

describe('defaultProfileIons: what the depth-profile view ticks when no ticked ion is in the data', () => {
  const markers = [['Au+', 'Au_2+'], ['C+', 'C_2+'], ['Pb+', 'PbI+'], ['In+', 'InO+'], ['Si+']];
  it("ticks each layer's first marker the data have, by the data's labels", () => {
    // No Au+ in these data: the electrode's second marker stands for it; no Si+: the glass has none.
    const available = ['Au_2+', 'C+', 'C_2+', 'PbI+', 'Pb+', 'InO+', 'O+'];
    expect(defaultProfileIons(available, ['Li-', 'Li+'], markers)).toEqual(['Au_2+', 'C+', 'Pb+', 'InO+']);
  });
  it('puts the analyte first where the data have it, matched by canonical key', () => {
    expect(defaultProfileIons(['7Li+', 'Au+', 'C+'], ['Li-', 'Li+'], markers)).toEqual(['7Li+', 'Au+', 'C+']);
  });
  it('lists an ion marking two layers once', () => {
    expect(defaultProfileIons(['Fe-', 'Cr-'], ['Li-'], [['Cr-'], ['Fe-'], ['Fe-', 'PO_2-']])).toEqual(['Cr-', 'Fe-']);
  });
  it('is empty when the data have none of them (the view then says what to tick)', () => {
    expect(defaultProfileIons(['X+'], ['Li-'], markers)).toEqual([]);
  });
});
