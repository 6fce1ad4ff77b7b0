/**
 * The XRD view's peak markers: each phase's symbol as the exported figure numbers it (its
 * stick row), filled, open where tentative, a grey tick where unassigned; placed clear of the
 * peak's noisy top and of each other; and the line above the plot saying what they are.
 */
import { describe, expect, it } from 'vitest';
import { markerSymbol, markerSymbolPath, unassignedTickPath } from '../../core/figures/peakMarkerSymbols.js';
import { STACK_PRESETS } from '../../core/model/layerStack.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { candidatePhases } from '../../core/xrd/phases.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { peakMarkerKind, peakMarkerNote, peakPhaseName, peakTop, phaseName, phaseSymbolRows, stackMarkers } from '../../renderer/src/views/xrdMath.js';

const paperStack = STACK_PRESETS['anode-free-ss-lfp'];

describe('phaseSymbolRows: a phase has the symbol the exported figure gives it', () => {
  it("numbers the phases by the figure's stick rows, whatever order the report lists them in", () => {
    // The figure's rows: prepareWaterfall's sticks for the same stack.
    const twoThetaDeg = Float64Array.from({ length: 11 }, (_, i) => 10 + i * 7);
    const pattern: XrdPattern = { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity: twoThetaDeg.map(() => 1), intensityUnit: 'counts', wavelength: null, metadata: {} };
    const figureRows = prepareWaterfall([{ label: 'a', pattern }], { stack: paperStack }).sticks.map((s) => s.phaseId);
    const rows = phaseSymbolRows(paperStack, ['austenite', 'LiFePO4']);
    expect([...rows.keys()]).toEqual(['austenite', 'LiFePO4']);
    expect(rows.get('LiFePO4')).toBe(figureRows.indexOf('LiFePO4'));
    expect(rows.get('austenite')).toBe(figureRows.indexOf('austenite'));
    // The sample study's two phases have distinct symbols: ▼ LiFePO₄, ▲ austenite.
    expect(markerSymbol(rows.get('LiFePO4')!)).toBe('▼');
    expect(markerSymbol(rows.get('austenite')!)).toBe('▲');
  });

  it("gives a phase the stack does not propose a row after the stack's own, one each", () => {
    const stack = { layers: [{ role: 'cathode', material: 'LiFePO4' }] };
    const own = candidatePhases(stack).phases.length;
    const rows = phaseSymbolRows(stack, ['Si', 'LiFePO4', 'austenite']);
    expect(rows.get('LiFePO4')).toBe(candidatePhases(stack).phases.findIndex((p) => p.id === 'LiFePO4'));
    expect(rows.get('Si')).toBe(own);
    expect(rows.get('austenite')).toBe(own + 1);
  });
});

describe('peakMarkerKind', () => {
  it('fills an assigned peak, opens a tentative one, ticks an unassigned one', () => {
    expect(peakMarkerKind({ phase: 'LiFePO4' })).toBe('filled');
    expect(peakMarkerKind({ phase: 'LiFePO4', phaseConfidence: 'tentative' })).toBe('open');
    expect(peakMarkerKind({ phase: null })).toBe('tick');
  });
});

describe('phase names in formula notation, as the figures write them', () => {
  it('subscripts the counts and keeps the tentative ?', () => {
    expect(phaseName('LiFePO4')).toBe('LiFePO₄');
    expect(phaseName('gamma-Li3PO4')).toBe('γ-Li₃PO₄');
    expect(phaseName('austenite')).toBe('austenite');
    expect(peakPhaseName({ phase: 'FePO4', phaseConfidence: 'tentative' })).toBe('FePO₄?');
    expect(peakPhaseName({ phase: null })).toBeNull();
  });
});

describe('peakTop: where a marker clears the peak', () => {
  const twoThetaDeg = Float64Array.from({ length: 201 }, (_, i) => 20 + i * 0.01);
  it('takes the highest point within half the width either side, noise spikes included', () => {
    const y = twoThetaDeg.map((x) => 100 * Math.exp(-(((x - 21) / 0.1) ** 2)));
    y[110] = 130; // a noise spike at 21.10°, inside ±0.15°
    y[130] = 500; // outside it (21.30°)
    expect(peakTop(twoThetaDeg, y, { twoThetaDeg: 21, fwhmDeg: 0.3 })).toBe(130);
  });
  it('looks at least 0.1° either side of a very narrow peak', () => {
    const y = twoThetaDeg.map(() => 1);
    y[109] = 7; // 21.09°
    expect(peakTop(twoThetaDeg, y, { twoThetaDeg: 21, fwhmDeg: 0.01 })).toBe(7);
  });
  it('has nothing to mark where the peak lies in a masked range', () => {
    const y = twoThetaDeg.map((x) => (Math.abs(x - 21) < 0.5 ? Number.NaN : 1));
    expect(peakTop(twoThetaDeg, y, { twoThetaDeg: 21, fwhmDeg: 0.2 })).toBeNull();
  });
});

describe('stackMarkers: close markers lifted clear of each other', () => {
  it('leaves markers apart where they are', () => {
    expect(stackMarkers([{ x: 0, y: 50 }, { x: 20, y: 50 }], 10, 1)).toEqual([50, 50]);
  });
  it('lifts a marker overlapping one placed before it above it, and a third above both', () => {
    expect(stackMarkers([{ x: 0, y: 50 }, { x: 4, y: 52 }, { x: 8, y: 50 }], 10, 1)).toEqual([50, 39, 28]);
  });
  it('keeps a marker already higher than the one before it where it is', () => {
    expect(stackMarkers([{ x: 0, y: 50 }, { x: 4, y: 20 }], 10, 1)).toEqual([50, 20]);
  });
});

describe('peakMarkerNote: the line above the plot', () => {
  const rows = phaseSymbolRows(paperStack, ['LiFePO4', 'austenite']);
  it('names each phase by its symbol, in row order, and says nothing the plot does not show', () => {
    const note = peakMarkerNote([{ phase: 'austenite' }, { phase: 'LiFePO4' }, { phase: 'LiFePO4' }], rows);
    expect(note).toBe(`Marks above the traces: each state's fitted peaks, in the colour and symbol of the phase they are assigned to (${markerSymbol(rows.get('LiFePO4')!)} LiFePO₄, ${markerSymbol(rows.get('austenite')!)} austenite).`);
  });
  it('explains open and grey marks only where there are tentative and unassigned peaks', () => {
    const note = peakMarkerNote([{ phase: 'LiFePO4', phaseConfidence: 'tentative' }, { phase: null }], rows)!;
    expect(note).toMatch(/\(▼ LiFePO₄\); open where the assignment is tentative; a grey tick where the peak is unassigned\.$/);
    expect(peakMarkerNote([{ phase: null }], rows)).toBe("Marks above the traces: each state's fitted peaks; a grey tick where the peak is unassigned.");
  });
  it('is absent where there are no peaks', () => {
    expect(peakMarkerNote([], rows)).toBeNull();
  });
});

describe('the shared symbols', () => {
  it('scale with the radius asked for, centred on 0,0', () => {
    expect(markerSymbolPath(0, 5)).toBe('M-5,-4L5,-4L0,5Z');
    expect(markerSymbolPath(6, 5)).toBe(markerSymbolPath(0, 5)); // cycled
    expect(unassignedTickPath(5)).toBe('M0,-5V5');
  });
});
