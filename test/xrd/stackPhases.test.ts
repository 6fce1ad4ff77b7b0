/**
 * The candidate phases follow the study's stack: a battery stack's LiFePO4, FePO4, γ-Li3PO4, steel,
 * Li and Si; a solar cell's none (its peaks stay unassigned, and a note says why). One display
 * name per phase wherever a user reads it; the report keeps the id.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { xrdFigure } from '../../core/figures/xrdFigure.js';
import { readRas } from '../../core/io/xrd/ras.js';
import { PAPER_ANODE_FREE, type LayerStack } from '../../core/model/layerStack.js';
import { CIGS_POS, PEROVSKITE_PSC_POS } from '../../core/model/stackPresets.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { analyzeXrdPattern } from '../../core/xrd/analyze.js';
import { candidatePhases, layerPhases, phaseDisplayName, phaseLabel, PHASES } from '../../core/xrd/phases.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { all, parseSvg, withAttr } from '../figures/svgQuery.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';

const ids = (stack: Pick<LayerStack, 'layers'>): string[] => candidatePhases(stack).phases.map((p) => p.id);
const layer = (material: string, role = 'film', isSubstrate = false) => ({ role, label: material, material, markerIons: [], isSubstrate });

describe('candidate phases from the stack', () => {
  it("keeps every phase of the battery library for the paper's anode-free cell, with no note", () => {
    const c = candidatePhases(PAPER_ANODE_FREE);
    expect(c.phases.map((p) => p.id)).toEqual(['LiFePO4', 'FePO4', 'gamma-Li3PO4', 'Si', 'austenite', 'Li']);
    expect(c.note).toBeNull();
    // Which layer brings which: steel both collectors, Li3PO4 the electrolyte, LiFePO4 (and its
    // charged form FePO4) the cathode, Si the wafer under SiO2, Li metal the anode-side collector.
    expect(PAPER_ANODE_FREE.layers.map((l) => layerPhases(l).map((p) => p.id))).toEqual([
      ['austenite', 'Li'],
      ['gamma-Li3PO4'],
      ['LiFePO4', 'FePO4'],
      ['austenite'],
      ['Si'],
    ]);
  });

  it('gives a perovskite or CIGS cell no battery phase, and says which materials have none', () => {
    for (const stack of [PEROVSKITE_PSC_POS, CIGS_POS]) {
      const c = candidatePhases(stack);
      expect(c.phases, stack.id).toEqual([]);
      expect(c.unmatched).toEqual(stack.layers.map((l) => l.material));
      expect(c.note).toMatch(/^no reference XRD phases for /);
      for (const l of stack.layers) expect(c.note).toContain(l.material);
    }
  });

  it("keeps the substrate's Si where the stack is on a wafer, and only it", () => {
    const stack = { layers: [layer('spiro-OMeTAD'), layer('MAPbI3 perovskite'), layer('SiO2 (100 nm) on Si', 'substrate', true)] };
    const c = candidatePhases(stack);
    expect(c.phases.map((p) => p.id)).toEqual(['Si']);
    expect(c.note).toContain('spiro-OMeTAD');
    expect(c.note).toContain('Si only');
    expect(c.note).not.toContain('SiO2 (100 nm) on Si');
  });

  it('reads materials as whole words: SiO2 is not Si, Li3PO4 is not Li metal, glass is nothing', () => {
    expect(ids({ layers: [layer('SiO2')] })).toEqual([]);
    expect(ids({ layers: [layer('Li3PO4')] })).toEqual(['gamma-Li3PO4']);
    expect(ids({ layers: [layer('glass', 'substrate', true)] })).toEqual([]);
    expect(ids({ layers: [layer('lithium metal anode')] })).toEqual(['Li']);
    expect(ids({ layers: [layer('Stainless Steel 316L foil')] })).toEqual(['austenite']);
    expect(ids({ layers: [layer('silicon wafer (100)')] })).toEqual(['Si']);
  });

  it('reads ASCII and non-ASCII names by the same rules (case, white space, word edges)', () => {
    // ASCII names take an ASCII pattern, others the Unicode one: the same answers either way.
    const cases: [string, string[]][] = [
      ['STAINLESS \t STEEL', ['austenite']],
      ['stainless_steel', ['austenite']],
      ['steel2', []],
      ['LiFePO4-carbon', ['LiFePO4', 'FePO4']],
      ['Si-wafer', ['Si']],
      ['Si: n-type', ['Si']],
      ['SiC', []],
    ];
    for (const [ascii, expected] of cases) {
      expect(ids({ layers: [layer(ascii)] }), ascii).toEqual(expected);
      // The same name after a non-ASCII word (the Unicode pattern): the same phases.
      expect(ids({ layers: [layer(`Schicht · ${ascii}`)] }), `Schicht · ${ascii}`).toEqual(expected);
    }
    // Letters beyond ASCII are letters: no word edge inside "Siä"; Unicode case folding: ſ is s.
    expect(ids({ layers: [layer('Siä')] })).toEqual([]);
    expect(ids({ layers: [layer('ſteel')] })).toEqual(['austenite']);
    expect(ids({ layers: [layer('Li₃PO₄ on SI')] })).toEqual(['Si']);
  });

  it('uses every phase where no stack is given (a pattern analysed on its own)', () => {
    expect(candidatePhases(undefined).phases).toEqual([...PHASES]);
    expect(candidatePhases(undefined).note).toBeNull();
  });
});

describe('one display name per phase', () => {
  it('prints the phase by its display name in the peak table, as the warnings do; the id stays the id', () => {
    expect(phaseLabel({ phase: 'gamma-Li3PO4', phaseConfidence: 'tentative' })).toBe('γ-Li3PO4?');
    expect(phaseLabel({ phase: 'LiFePO4' })).toBe('LiFePO4');
    expect(phaseLabel({ phase: null })).toBeNull();
    expect(phaseDisplayName('no-such-phase')).toBe('no-such-phase');
    for (const p of PHASES) expect(p.label.length).toBeGreaterThan(0);
    expect(new Set(PHASES.map((p) => p.label)).size).toBe(PHASES.length);
  });
});

describeShared('XRD of a perovskite study (gredig_MB120718Si3.ras)', () => {
  const pattern = (): XrdPattern => readRas(readFileSync(sharedDataPath('xrd', 'gredig_MB120718Si3.ras')), 'gredig_MB120718Si3.ras');

  it('leaves the 28.9° peak unassigned on the perovskite stack and says there are no reference phases', () => {
    const a = analyzeXrdPattern(pattern(), { stack: PEROVSKITE_PSC_POS });
    const near = a.result.peaks.find((p) => Math.abs(p.twoThetaDeg - 28.87) < 0.3);
    expect(near).toBeDefined();
    expect(a.result.peaks.every((p) => p.phase === null && p.hkl === null)).toBe(true);
    const warnings = a.result.warnings ?? [];
    expect(warnings.some((w) => /Li3PO4/.test(w))).toBe(false);
    expect(warnings.filter((w) => w.startsWith('no reference XRD phases for '))).toHaveLength(1);
    expect(a.parameters.phases).toEqual([]);
    // The same peaks are found: only their names changed.
    const plain = analyzeXrdPattern(pattern());
    expect(a.result.peaks.map((p) => p.twoThetaDeg)).toEqual(plain.result.peaks.map((p) => p.twoThetaDeg));
    // Without a stack the library's phases are all candidates (as before): the peak is a tentative γ-Li3PO4.
    expect(plain.result.peaks.find((p) => Math.abs(p.twoThetaDeg - 28.87) < 0.3)).toMatchObject({ phase: 'gamma-Li3PO4', phaseConfidence: 'tentative' });
    expect((plain.result.warnings ?? []).some((w) => w.startsWith('γ-Li3PO4 is tentative'))).toBe(true);
  });

  it('draws no battery sticks in the waterfall, and prints the note under the axis', () => {
    const data = prepareWaterfall([{ label: 'pristine', pattern: pattern() }], { stack: PEROVSKITE_PSC_POS, stickHeight: 0.32 });
    expect(data.sticks).toEqual([]);
    expect(data.phaseNote).toMatch(/^no reference XRD phases for gold electrode; spiro-OMeTAD; /);
    const root = parseSvg(xrdFigure({ data, intensityScale: 'sqrt', widthMm: 85 }));
    expect(withAttr(root, 'data-phase')).toEqual([]);
    const note = withAttr(root, 'data-phase-note')[0];
    expect(all(note, (n) => n.tag === 'text').map((n) => n.text).join(' ')).toMatch(/^No reference XRD phases for gold electrode; spiro-OMeTAD; .*unassigned\.$/);
  });
});

describe('the sample study keeps its phases', () => {
  const STUDY = new URL('../../samples/study/', import.meta.url);
  const load = (state: string): XrdPattern => readRas(readFileSync(new URL(`${state}/xrd.ras`, STUDY)), 'xrd.ras');

  it("assigns exactly what it assigned with the whole library, on the battery stack's candidates", () => {
    for (const state of ['pristine', 'charged', 'discharged']) {
      const withStack = analyzeXrdPattern(load(state), { stack: PAPER_ANODE_FREE }).result;
      const library = analyzeXrdPattern(load(state)).result;
      expect(withStack, state).toEqual(library);
      expect(withStack.peaks.filter((p) => p.phase).length, state).toBeGreaterThanOrEqual(4);
    }
  });

  it('draws the battery stack\'s reference rows, named as the tables name them', () => {
    const data = prepareWaterfall([{ label: 'pristine', pattern: load('pristine') }], { stack: PAPER_ANODE_FREE });
    expect(data.sticks.map((s) => s.phaseId)).toEqual(PHASES.map((p) => p.id));
    expect(data.phaseNote).toBeUndefined();
    const root = parseSvg(xrdFigure({ data, intensityScale: 'sqrt', widthMm: 85 }));
    expect(withAttr(root, 'data-phase-label').map((n) => n.text)).toEqual(['LiFePO₄', 'FePO₄', 'γ-Li₃PO₄', 'Si', 'austenite', 'Li']);
  });
});

describe('a material that only its role links to a phase', () => {
  it('stays unmatched (and is named) though its role adds Li metal', () => {
    const c = candidatePhases({ layers: [{ role: 'aam', material: 'graphite' }, { role: 'cam', material: 'LiFePO4' }] });
    expect(c.phases.map((p) => p.id)).toContain('Li');
    expect(c.unmatched).toEqual(['graphite']);
    expect(c.note).toMatch(/^no reference XRD phases for graphite /);
  });
});
