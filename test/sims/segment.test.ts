import { describe, expect, it } from 'vitest';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { correctDeadTime } from '../../core/sims/deadTime.js';
import { orderedAssignment, segmentProfile } from '../../core/sims/segment.js';
import { batterySpec, makeSynthetic } from './synthetic.js';

describe('ordered assignment', () => {
  it('assigns repeated marker sets by order (two steel layers)', () => {
    const steel = Float64Array.of(1, 1, 1, 0, 0, 0, 1, 1, 1, 1);
    const mid = Float64Array.of(0, 0, 0, 1, 1, 1, 0, 0, 0, 0);
    expect(orderedAssignment([steel, mid, steel])).toEqual([0, 3, 6]);
  });
});

describe('segmentation of a synthetic battery profile', () => {
  const spec = batterySpec({ seed: 21 });
  const syn = makeSynthetic(spec);
  const N = spec.shotsPerPixel * spec.width * spec.height;
  const corrected = syn.profile.ions.map((i) => correctDeadTime(i.counts, N).counts);
  const seg = segmentProfile(syn.profile.timeS, syn.profile.ions, corrected, PAPER_ANODE_FREE);

  it('finds every boundary within half a scan of the truth, in order', () => {
    expect(seg.boundaries.map((b) => `${b.upper}/${b.lower}`)).toEqual(['cc_aam/sei_se', 'sei_se/cam', 'cam/cc', 'cc/substrate']);
    seg.boundaries.forEach((b, k) => expect(Math.abs(b.timeS - spec.boundariesS[k])).toBeLessThan(0.5 * spec.scanPeriodS));
    for (let k = 1; k < seg.boundaries.length; k++) expect(seg.boundaries[k].timeS).toBeGreaterThan(seg.boundaries[k - 1].timeS);
  });

  it('reports the 84–16 % width of the broadening (2σ) within 30 %', () => {
    for (const b of seg.boundaries) expect(Math.abs(b.primary!.resolutionS / (2 * spec.sigmaS) - 1)).toBeLessThan(0.3);
  });

  it('gives clear layers a high confidence and layers top-down', () => {
    expect(seg.layers.map((l) => l.role)).toEqual(PAPER_ANODE_FREE.layers.map((l) => l.role));
    for (const l of seg.layers) expect(l.confidence).toBeGreaterThan(0.5);
    expect(seg.layers[0].startS).toBe(0);
    expect(seg.layers[4].endS).toBe(syn.timeS[syn.timeS.length - 1]);
    expect(seg.warnings).toEqual([]);
  });

  it('a layer whose markers are missing gets confidence 0 and a warning', () => {
    const ions = syn.profile.ions.filter((i) => !i.label.startsWith('PO'));
    const s = segmentProfile(syn.profile.timeS, ions, ions.map((i) => i.counts), PAPER_ANODE_FREE);
    expect(s.layers[1].confidence).toBe(0);
    expect(s.warnings.some((w) => w.includes('sei_se'))).toBe(true);
  });
});
