import { describe, expect, it } from 'vitest';
import { defaultAnalyteIon, findIon, ionKey, ionNotation, labelsPolarity, speciesName } from '../../core/model/ions.js';

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

describe('ion notation for display', () => {
  it('writes mass numbers and charges as superscripts, counts as subscripts, in every spelling', () => {
    expect(ionNotation('Li-')).toBe('Li⁻');
    expect(ionNotation('^6Li-')).toBe('⁶Li⁻');
    expect(ionNotation('6Li-')).toBe('⁶Li⁻');
    expect(ionNotation('7Li+')).toBe('⁷Li⁺');
    expect(ionNotation('PO_2-')).toBe('PO₂⁻');
    expect(ionNotation('PO2-')).toBe('PO₂⁻');
    expect(ionNotation('SiO_2-')).toBe('SiO₂⁻');
    expect(ionNotation('C_2-')).toBe('C₂⁻');
    expect(ionNotation('OH-')).toBe('OH⁻');
    expect(ionNotation('^13CC_25H_21N_2+')).toBe('¹³CC₂₅H₂₁N₂⁺');
    expect(ionNotation('LiF')).toBe('LiF');
  });

  it('leaves words that are not formulas as the file wrote them', () => {
    expect(ionNotation('Cr+ / total')).toBe('Cr⁺ / total');
    expect(ionNotation('total')).toBe('total');
    expect(ionNotation('counts')).toBe('counts');
    expect(ionNotation('m/z 23.0')).toBe('m/z 23.0');
    expect(ionNotation('Li_-')).toBe('Li_-');
    expect(ionNotation('^Li-')).toBe('^Li-');
    expect(ionNotation('')).toBe('');
  });

  it('leaves a label already written so as it is', () => {
    for (const label of ['^6Li-', 'PO_2-', 'SiO2-', 'C_2-']) expect(ionNotation(ionNotation(label))).toBe(ionNotation(label));
    expect(ionNotation('^6Li-')).not.toBe(ionNotation('Li-'));
  });
});

describe('the analyte named in prose', () => {
  it('is its species without the charge: Li for every spelling of ⁷Li, Na for Na⁺, ⁶Li kept apart', () => {
    for (const li of ['Li-', 'Li+', '7Li-', '^7Li-', 'Li']) expect(speciesName(li)).toBe('Li');
    expect(speciesName('Na+')).toBe('Na');
    expect(speciesName('^6Li-')).toBe('⁶Li');
    expect(speciesName('6Li+')).toBe('⁶Li');
    expect(speciesName('PO_2-')).toBe('PO₂');
    expect(speciesName('^25Mg+')).toBe('²⁵Mg');
    // Not a formula (an imzML peak named by its m/z): as written.
    expect(speciesName(' m/z 23.0 ')).toBe('m/z 23.0');
  });

  it('defaults to the stack\'s analyte, else Li in the polarity most of the labels carry', () => {
    expect(labelsPolarity(['Na+', 'Mg+', 'total'])).toBe('positive');
    expect(labelsPolarity(['Li-', 'C_2-', 'Na+'])).toBe('negative');
    expect(labelsPolarity(['total'])).toBe('unknown');
    expect(defaultAnalyteIon({ analyteIon: 'Na+' }, 'negative')).toBe('Na+');
    expect(defaultAnalyteIon({}, 'positive')).toBe('Li+');
    expect(defaultAnalyteIon({ analyteIon: null }, 'unknown')).toBe('Li-');
  });
});
