import { describe, expect, it } from 'vitest';
import { formulaNotation } from '../../core/model/formula.js';

describe('formula notation for figure labels', () => {
  it('subscripts the counts of formulae', () => {
    expect(formulaNotation('SiO2/Si')).toBe('SiO₂/Si');
    expect(formulaNotation('Li3PO4')).toBe('Li₃PO₄');
    expect(formulaNotation('LiFePO4')).toBe('LiFePO₄');
    expect(formulaNotation('γ-Li3PO4')).toBe('γ-Li₃PO₄');
    expect(formulaNotation('Ca3(PO4)2')).toBe('Ca₃(PO₄)₂');
    expect(formulaNotation('LiNi0.8Mn0.1Co0.1O2')).toBe('LiNi₀.₈Mn₀.₁Co₀.₁O₂');
    expect(formulaNotation('SiO2 (200 nm) on Si')).toBe('SiO₂ (200 nm) on Si');
    expect(formulaNotation('LiCoO2.')).toBe('LiCoO₂.');
  });

  it('leaves text that is not a formula as written', () => {
    for (const s of ['CC/AAM', 'SEI/SE', 'CAM', 'CC', 'Layer 2', '2θ', '600 nm', 'x 4–28', 'Si (400), masked', 'cycled-2', 'Cu Kα1', '']) expect(formulaNotation(s), s).toBe(s);
    // Not element symbols throughout, or alloy grades (counts of three digits and more).
    expect(formulaNotation('CAM2')).toBe('CAM2');
    expect(formulaNotation('SS316')).toBe('SS316');
    expect(formulaNotation('SUS304')).toBe('SUS304');
    // One symbol and a number is more often a name than a formula.
    expect(formulaNotation('Sample B2')).toBe('Sample B2');
  });

  it('is idempotent', () => {
    expect(formulaNotation(formulaNotation('SiO2/Si'))).toBe('SiO₂/Si');
  });
});
