import { describe, expect, it } from 'vitest';
import { PAPER_ANODE_FREE, type LayerStack } from '../../core/model/layerStack.js';
import { correctDeadTime } from '../../core/sims/deadTime.js';
import { orderedAssignment, segmentProfile } from '../../core/sims/segment.js';
import { batterySpec, makeSynthetic, step } from './synthetic.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSurfaceLabProfile } from '../../core/io/sims/surfacelab.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

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
    expect(s.warnings.some((w) => w.startsWith('layer SEI/SE: none of its markers'))).toBe(true);
  });
});

describe('segmentation of a transition lopsided in time', () => {
  it('places the boundary within 1 % of a scan of the truth with the default smoothing (noise-free)', () => {
    // Steel (0.12 nm/s) over Li3PO4 (0.25 nm/s), σ_z = 4.2 nm, 24 s scans: before crossings were
    // taken from the unsmoothed signal, the boundary sat 4–5 s (0.17–0.21 scan) early, in the steel.
    const stack: LayerStack = {
      id: 'two',
      name: 'two layers',
      layers: [
        { role: 'top', label: 'Top', material: 'steel', markerIons: ['Cr-'] },
        { role: 'bottom', label: 'Bottom', material: 'Li3PO4', markerIons: ['PO2-'], isSubstrate: true },
      ],
    };
    const timeS = Float64Array.from({ length: 120 }, (_, i) => i * 24);
    for (const t0 of [1201, 1207, 1213, 1219]) {
      const f = timeS.map((t) => step(t, t0, t < t0 ? 4.2 / 0.12 : 4.2 / 0.25));
      const cr = f.map((x) => 20 + 9000 * (1 - x));
      const po2 = f.map((x) => 50 + 4000 * x);
      const seg = segmentProfile(timeS, [{ label: 'Cr-', mz: 51.94 }, { label: 'PO2-', mz: 62.96 }], [cr, po2], stack);
      expect(seg.boundaries).toHaveLength(1);
      expect(Math.abs(seg.boundaries[0].timeS - t0), `t0 ${t0}`).toBeLessThan(0.01 * 24);
    }
  });
});

describe('a boundary\'s confidence', () => {
  it('is not lowered by weak markers that agree with it (the sample\'s SEI/SE|CAM, steps 0.995, 0.992, 0.30, 0.32: 0.65 as their median)', async () => {
    const profile = readSurfaceLabProfile(readFileSync(join(PROJECT_ROOT, 'samples/study/pristine/profile.txt')), 'profile.txt');
    const N = 50 * 32 * 32;
    const seg = segmentProfile(profile.timeS, profile.ions, profile.ions.map((i) => correctDeadTime(i.counts, N).counts), PAPER_ANODE_FREE);
    const b = seg.boundaries.find((x) => x.upper === 'sei_se')!;
    expect(b.markers.filter((m) => m.contrast < 0.5).length).toBeGreaterThan(0);
    expect(b.confidence).toBeGreaterThan(0.95);
  });
});
