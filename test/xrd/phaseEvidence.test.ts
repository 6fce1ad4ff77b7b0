import { describe, expect, it } from 'vitest';
import { openDataset } from '../../core/node/openDataset.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { analyzeXrd } from '../../core/xrd/analyze.js';
import { matchPeaks, PHASES, phaseSticks, weighPhaseEvidence } from '../../core/xrd/phases.js';
import type { EvidencePeak } from '../../core/xrd/phases.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';
import { synthesize } from './synthetic.js';

const at = (id: string, hkl: string): number => phaseSticks(PHASES.find((p) => p.id === id)!).find((s) => s.hkl === hkl)!.twoThetaDeg;
const baseline = (t: number): number => 200 + 2 * (80 - t);

/** Evidence for peaks given by position (and optionally area ± σ), on a measured range. */
function weigh(peaks: EvidencePeak[], rangeDeg: [number, number], phases = PHASES, masks: Array<{ fromDeg: number; toDeg: number }> = []) {
  const matches = matchPeaks(peaks.map((p) => p.twoThetaDeg), phases);
  return { matches, evidence: weighPhaseEvidence(peaks, matches, phases, { rangeDeg, masks }) };
}

describe('phase evidence: a phase is named outright only where its stronger in-range lines are not clearly absent', () => {
  it('a lone γ-Li3PO4 (211) with (210), (011), (111) in range and no peak there is tentative, and says which lines are missing', () => {
    const { matches, evidence } = weigh([{ twoThetaDeg: 28.87, area: 450, areaSigma: 23 }], [2, 30]);
    expect(matches[0]).toMatchObject({ phaseId: 'gamma-Li3PO4', hkl: '(211)' });
    const ev = evidence.get('gamma-Li3PO4')!;
    expect(ev.tentative).toBe(true);
    expect(ev.anchorHkl).toBe('(211)');
    expect(ev.absent.map((s) => s.hkl)).toEqual(['(210)', '(011)', '(111)']);
  });

  it('the same line is named outright where the stronger lines lie outside the measured range or under a mask', () => {
    // 26–33°: only (211) and (020) (both 25) are in range; (220) 50 at 33.95° is just outside.
    expect(weigh([{ twoThetaDeg: 28.87, area: 450, areaSigma: 23 }], [26, 33]).evidence.get('gamma-Li3PO4')!.tentative).toBe(false);
    // 2–30° with 21.5–25.5° masked: the three strong lines cannot be seen, so their absence says nothing.
    expect(weigh([{ twoThetaDeg: 28.87, area: 450, areaSigma: 23 }], [2, 30], PHASES, [{ fromDeg: 21.5, toDeg: 25.5 }]).evidence.get('gamma-Li3PO4')!.tentative).toBe(false);
  });

  it('a missing line is not held against a phase when a peak of another phase covers it, or when it would be too weak to see', () => {
    // A found peak at 22.40° (nearest: γ-Li3PO4 (210) itself, 0.05° off) is (210): the phase
    // is then anchored at 100 and supported.
    expect(weigh([{ twoThetaDeg: 28.87 }, { twoThetaDeg: 22.4 }], [2, 30]).evidence.get('gamma-Li3PO4')!.tentative).toBe(false);
    // A broad peak (FWHM 2°) at 23.75°, nearest LiFePO4 (011) at 24.04°, overlaps both (011)
    // 23.19° and (111) 24.72° (within half its FWHM): only (210) stays clearly absent.
    const overlapped = weigh([{ twoThetaDeg: 28.87 }, { twoThetaDeg: 23.75, fwhmDeg: 2 }], [2, 30]).evidence.get('gamma-Li3PO4')!;
    expect(overlapped.absent.map((s) => s.hkl)).toEqual(['(210)']);
    // Anchor at 2.5 σ: (210) at 4× would stand 10 σ, under the 12 σ of a clear absence; at 3.5 σ, 14 σ.
    expect(weigh([{ twoThetaDeg: 28.87, area: 25, areaSigma: 10 }], [2, 30]).evidence.get('gamma-Li3PO4')!.tentative).toBe(false);
    expect(weigh([{ twoThetaDeg: 28.87, area: 35, areaSigma: 10 }], [2, 30]).evidence.get('gamma-Li3PO4')!.absent.map((s) => s.hkl)).toEqual(['(210)', '(011)']);
  });

  it('a phase seen only by its strongest line in range is identified (a textured film): austenite (111) alone', () => {
    expect(weigh([{ twoThetaDeg: 43.58, area: 500, areaSigma: 10 }], [10, 80]).evidence.get('austenite')!.tentative).toBe(false);
    // …but its (200) alone, with the (111) at 2.2× in range and unseen, is not.
    expect(weigh([{ twoThetaDeg: 50.75, area: 500, areaSigma: 10 }], [10, 80]).evidence.get('austenite')!.tentative).toBe(true);
  });

  it('a single-crystal substrate is never judged by powder intensities: the wafer\'s Si (200) and (311) without (111)', () => {
    const peaks = [{ twoThetaDeg: 32.976, area: 8.7, areaSigma: 1 }, { twoThetaDeg: 56.337, area: 11.2, areaSigma: 1 }];
    expect(weigh(peaks, [4, 80]).evidence.get('Si')!.tentative).toBe(false);
    // The exemption is what keeps them: the same phase taken for a powder is tentative ((111) 100 at 28.44° missing).
    const powderSi = PHASES.map((p) => (p.id === 'Si' ? { ...p, singleCrystalSubstrate: false } : p));
    expect(weigh(peaks, [4, 80], powderSi).evidence.get('Si')!.absent.map((s) => s.hkl)).toContain('(111)');
  });
});

describe('phase evidence end to end: two phases, one with its full set of lines, one with a weak line only', () => {
  // LiFePO4 with its four strongest lines (areas in the reference order), γ-Li3PO4 with only
  // its weak (211) at 28.86°: the (210) 22.35°, (011) 23.19° and (111) 24.72° it implies are absent.
  const lfp = [
    { centerDeg: at('LiFePO4', '(101)'), fwhmDeg: 0.3, area: 640, eta: 0.4 },
    { centerDeg: at('LiFePO4', '(111)'), fwhmDeg: 0.3, area: 400, eta: 0.4 },
    { centerDeg: at('LiFePO4', '(211)'), fwhmDeg: 0.3, area: 560, eta: 0.4 },
    { centerDeg: at('LiFePO4', '(311)'), fwhmDeg: 0.3, area: 800, eta: 0.4 },
  ];
  const li3po4Weak = { centerDeg: at('gamma-Li3PO4', '(211)'), fwhmDeg: 0.3, area: 300, eta: 0.4 };

  it('names LiFePO4 outright and γ-Li3PO4 only tentatively, with a warning naming its missing lines', () => {
    const r = analyzeXrd(synthesize({ startDeg: 10, stopDeg: 80, peaks: [...lfp, li3po4Weak], baseline, seed: 31 }).pattern);
    for (const t of lfp) {
      const p = r.peaks.find((q) => Math.abs(q.twoThetaDeg - t.centerDeg) < 0.05)!;
      expect(p.phase, `${t.centerDeg}`).toBe('LiFePO4');
      expect(p.phaseConfidence, `${t.centerDeg}`).toBeUndefined();
    }
    const weak = r.peaks.find((q) => Math.abs(q.twoThetaDeg - li3po4Weak.centerDeg) < 0.05)!;
    expect(weak).toMatchObject({ phase: 'gamma-Li3PO4', hkl: '(211)', phaseConfidence: 'tentative' });
    const w = (r.warnings ?? []).find((s) => s.includes('γ-Li3PO4'));
    expect(w).toMatch(/\(210\) 22\.35°/);
    expect(w).toMatch(/\(011\) 23\.19°/);
  });

  it('names γ-Li3PO4 outright once its strong lines are there too (same 28.86° line)', () => {
    const strong = [
      { centerDeg: at('gamma-Li3PO4', '(210)'), fwhmDeg: 0.3, area: 1200, eta: 0.4 },
      { centerDeg: at('gamma-Li3PO4', '(011)'), fwhmDeg: 0.3, area: 1080, eta: 0.4 },
    ];
    const r = analyzeXrd(synthesize({ startDeg: 10, stopDeg: 80, peaks: [...lfp, li3po4Weak, ...strong], baseline, seed: 31 }).pattern);
    const weak = r.peaks.find((q) => Math.abs(q.twoThetaDeg - li3po4Weak.centerDeg) < 0.05)!;
    expect(weak.phase).toBe('gamma-Li3PO4');
    expect(weak.phaseConfidence).toBeUndefined();
    expect(r.peaks.filter((p) => p.phaseConfidence)).toEqual([]);
    expect((r.warnings ?? []).filter((s) => s.includes('tentative'))).toEqual([]);
  });
});

describeShared('phase evidence on the real patterns', () => {
  const analyze = async (file: string) => {
    const opened = await openDataset(sharedDataPath('xrd', file));
    try {
      return analyzeXrd(opened.dataset as XrdPattern);
    } finally {
      await opened.close();
    }
  };

  it('gredig_MB120718Si3.ras (phthalocyanine film, 2–30°): the 28.9° bump is not named γ-Li3PO4 outright', async () => {
    const r = await analyze('gredig_MB120718Si3.ras');
    const bump = r.peaks.find((p) => Math.abs(p.twoThetaDeg - 28.88) < 0.1)!;
    expect(bump).toBeDefined();
    // Still the nearest line (a textured γ-Li3PO4 film could show it alone), but flagged.
    expect(bump).toMatchObject({ phase: 'gamma-Li3PO4', hkl: '(211)', phaseConfidence: 'tentative' });
    expect((r.warnings ?? []).some((w) => w.includes('γ-Li3PO4 is tentative') && w.includes('(210) 22.35°'))).toBe(true);
    // Nothing else in it is labelled.
    expect(r.peaks.filter((p) => p !== bump && p.phase !== null)).toEqual([]);
  });

  it('gredig_2Theta.asc: the wafer\'s Si (200) and (311) stay named Si, not tentative', async () => {
    const r = await analyze('gredig_2Theta.asc');
    for (const [t, hkl] of [[32.976, '(200)'], [56.337, '(311)']] as const) {
      const p = r.peaks.find((q) => Math.abs(q.twoThetaDeg - t) < 0.05)!;
      expect(p).toMatchObject({ phase: 'Si', hkl });
      expect(p.phaseConfidence).toBeUndefined();
    }
    expect((r.warnings ?? []).filter((w) => w.includes('tentative'))).toEqual([]);
  });
});
