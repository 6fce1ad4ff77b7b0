import { describe, expect, it } from 'vitest';
import { findIon, ionKey } from '../../core/model/ions.js';

describe('ion identity', () => {
  it('folds IONTOF spellings onto one key', () => {
    expect(ionKey('PO_2-')).toBe(ionKey('PO2-'));
    expect(ionKey('^7Li-')).toBe(ionKey('Li-'));
    expect(ionKey('7Li-')).toBe('Li-');
    // Minor isotopes stay distinct from the element.
    expect(ionKey('^6Li-')).not.toBe(ionKey('Li-'));
    expect(ionKey('^13CC_25H_21N_2+')).toBe('13CC25H21N2+');
  });

  const ions = [
    { label: '^6Li-', mz: 6.015 },
    { label: 'Li-', mz: 7.016 },
    { label: 'PO_2-', mz: 62.964 },
    { label: 'Cr+ / total', mz: null },
  ];

  it('finds ions by label with or without charge', () => {
    expect(findIon(ions, 'Li-')).toBe(1);
    expect(findIon(ions, '7Li')).toBe(1);
    expect(findIon(ions, '6Li-')).toBe(0);
    expect(findIon(ions, 'PO2')).toBe(2);
    expect(findIon(ions, 'PO2+')).toBe(-1);
    expect(findIon(ions, 'Fe-')).toBe(-1);
  });

  it('finds ions by m/z within the tolerance, nearest first', () => {
    expect(findIon(ions, 62.95)).toBe(2);
    expect(findIon(ions, 7.0)).toBe(1);
    expect(findIon(ions, 7.2)).toBe(-1);
  });
});
