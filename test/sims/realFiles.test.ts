import { expect, it } from 'vitest';
import { readSurfaceLabProfile } from '../../core/io/sims/surfacelab.js';
import { CIGS_POS, PEROVSKITE_PSC_POS } from '../../core/model/stackPresets.js';
import { STACK_PRESETS } from '../../core/model/layerStack.js';
import { findIon } from '../../core/model/ions.js';
import type { DepthProfile } from '../../core/model/depthProfile.js';
import { segmentProfile } from '../../core/sims/segment.js';
import { analyzeSimsState } from '../../core/sims/analyze.js';
import { describeShared, readSharedData } from '../helpers/sharedData.js';

function load(name: string): DepthProfile {
  return readSurfaceLabProfile(readSharedData('sims', name), name);
}

/** Mean of an ion over [t − gap − span, t − gap] and [t + gap, t + gap + span], s. */
function sideMeans(p: DepthProfile, ion: string, t: number, gapS: number, spanS: number): [number, number] {
  const c = p.ions[findIon(p.ions, ion)].counts;
  const mean = (a: number, b: number): number => {
    let s = 0;
    let n = 0;
    p.timeS.forEach((x, i) => {
      if (x >= a && x <= b) {
        s += c[i];
        n++;
      }
    });
    return s / n;
  };
  return [mean(t - gapS - spanS, t - gapS), mean(t + gapS, t + gapS + spanS)];
}

describeShared('segmentation of the real solar-cell profiles', () => {
  it('presets are registered', () => {
    expect(STACK_PRESETS['perovskite-psc-pos']).toBe(PEROVSKITE_PSC_POS);
    expect(STACK_PRESETS['cigs-pos']).toBe(CIGS_POS);
  });

  it('CIGS: MgF2 / window / absorber / Mo where the markers change', () => {
    const p = load('grapa_cigs_sample_d.txt');
    const seg = segmentProfile(p.timeS, p.ions, p.ions.map((i) => i.counts), CIGS_POS);
    const t = seg.boundaries.map((b) => b.timeS);
    expect(t.length).toBe(3);
    for (let k = 1; k < t.length; k++) expect(t[k]).toBeGreaterThan(t[k - 1]);
    // Mg+ (saturated in the coating) drops and Al+/Zn+ rise at ≈ 70–85 s.
    expect(t[0]).toBeGreaterThan(60);
    expect(t[0]).toBeLessThan(90);
    // In+ and Ga+ rise while Zn+ falls at ≈ 200–240 s (the CdS buffer sits there).
    expect(t[1]).toBeGreaterThan(200);
    expect(t[1]).toBeLessThan(245);
    // Mo+ rises and In+ falls at ≈ 1200–1300 s.
    expect(t[2]).toBeGreaterThan(1200);
    expect(t[2]).toBeLessThan(1300);
    // The markers really step the way the preset says, by at least a factor 3.
    const [inAbove, inBelow] = sideMeans(p, 'In+', t[1], 15, 30);
    expect(inBelow).toBeGreaterThan(3 * inAbove);
    const [moAbove, moBelow] = sideMeans(p, 'Mo+', t[2], 60, 100);
    expect(moBelow).toBeGreaterThan(3 * moAbove);
    for (const l of seg.layers) expect(l.confidence).toBeGreaterThan(0.5);
  });

  it('perovskite cell: Au / HTL / perovskite / ITO / glass in order, at the marker steps', () => {
    const p = load('uhasselt_psc_pos_electrode1.txt');
    const seg = segmentProfile(p.timeS, p.ions, p.ions.map((i) => i.counts), PEROVSKITE_PSC_POS);
    const t = seg.boundaries.map((b) => b.timeS);
    expect(t.length).toBe(4);
    for (let k = 1; k < t.length; k++) expect(t[k]).toBeGreaterThan(t[k - 1]);
    // C+ of the organic HTL rises after the Au electrode (≈ 900–1100 s).
    expect(t[0]).toBeGreaterThan(850);
    expect(t[0]).toBeLessThan(1100);
    // Pb+ and PbI+ rise at ≈ 1350–1420 s.
    expect(t[1]).toBeGreaterThan(1350);
    expect(t[1]).toBeLessThan(1420);
    // Pb falls, In+ (ITO) saturates at ≈ 1480–1540 s.
    expect(t[2]).toBeGreaterThan(1480);
    expect(t[2]).toBeLessThan(1540);
    // Si+ of the glass rises near the end (≈ 1900–1980 s).
    expect(t[3]).toBeGreaterThan(1900);
    expect(t[3]).toBeLessThan(1980);
    const [pbAbove, pbBelow] = sideMeans(p, 'Pb+', t[1], 70, 40);
    expect(pbBelow).toBeGreaterThan(10 * pbAbove);
    // The glass is only just reached: Si+ is still rising at the end, so check that the
    // boundary sits half-way up its rise and that 80 s earlier Si+ was still near its floor.
    const si = p.ions[findIon(p.ions, 'Si+')].counts;
    const siMax = Math.max(...si);
    const at = (tq: number): number => si[p.timeS.findIndex((x) => x >= tq)];
    expect(at(t[3]) / siMax).toBeGreaterThan(0.3);
    expect(at(t[3]) / siMax).toBeLessThan(0.8);
    expect(at(t[3] - 80) / siMax).toBeLessThan(0.1);
  });

  it('perovskite ROI profile (starts in the perovskite, ends in the ITO): says the Au and glass it "finds" may not be there', () => {
    // Pb+ is at its plateau from the second scan, Au+ is 0–2 counts and Si+ 0–3: the profile
    // starts below the electrode and ends above the glass. The assignment still gives each a
    // scan; the warnings must say so (the full profile gets none of them).
    const roi = load('uhasselt_psc_pos_roi.txt');
    const seg = segmentProfile(roi.timeS, roi.ions, roi.ions.map((i) => i.counts), PEROVSKITE_PSC_POS);
    expect(seg.warnings.filter((w) => w.startsWith('layer Au:') && w.includes('may start below this layer'))).toHaveLength(1);
    expect(seg.warnings.filter((w) => w.startsWith('layer Glass:') && w.includes('may end above this layer'))).toHaveLength(1);
    const full = load('uhasselt_psc_pos_electrode1.txt');
    const fullSeg = segmentProfile(full.timeS, full.ions, full.ions.map((i) => i.counts), PEROVSKITE_PSC_POS);
    expect(fullSeg.warnings.some((w) => w.includes('may start below') || w.includes('may end above'))).toBe(false);
  });

  it('names at each interface a marker whose own 50 % point is there (within two scans)', () => {
    for (const [name, preset] of [['grapa_cigs_sample_d.txt', CIGS_POS], ['uhasselt_psc_pos_electrode1.txt', PEROVSKITE_PSC_POS]] as const) {
      const p = load(name);
      const seg = segmentProfile(p.timeS, p.ions, p.ions.map((i) => i.counts), preset);
      const scanS = (p.timeS[p.timeS.length - 1] - p.timeS[0]) / (p.timeS.length - 1);
      for (const b of seg.boundaries) if (b.primary) expect(Math.abs(b.primary.t50S - b.timeS), `${name} ${b.upper}/${b.lower}: ${b.primary.ion}`).toBeLessThan(2 * scanS);
    }
  });

  it('analyzeSimsState runs on a real file without an analyte or N and says so', async () => {
    const p = load('grapa_cigs_sample_d.txt');
    const r = await analyzeSimsState({ profile: p, layerStack: CIGS_POS });
    expect(r.layers.length).toBe(4);
    expect(r.depthCalibration).toBe('nominal');
    // Nominal thicknesses give increasing depths ending at the sum of the layers above Mo.
    expect(r.layers[3].startNm).toBeCloseTo(100 + 350 + 2000, 6);
    expect(r.li).toEqual([]);
    // The analyte defaults to Li in the data's polarity: positive ions here.
    expect(r.warnings).toContain('analyte Li⁺ not in the data: no Li inventory (study.json\'s inline stack names the analyte in "analyteIon", e.g. "Na+")');
    expect(r.parameters?.analyteIon).toBe('Li+');
  });
});
