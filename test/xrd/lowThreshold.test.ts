import { expect, it } from 'vitest';
import { openDataset } from '../../core/node/openDataset.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { analyzeXrdPattern } from '../../core/xrd/analyze.js';
import { describeShared, sharedDataPath } from '../helpers/sharedData.js';

describeShared('a lower search threshold on gredig_2Theta.asc', () => {
  it('keeps the peaks the default reports where weak candidates crowd their fit window (64.57° at 2σ, 31.5° at 4σ)', async () => {
    const opened = await openDataset(sharedDataPath('xrd/gredig_2Theta.asc'), {});
    try {
      const pattern = opened.dataset as XrdPattern;
      const analysis = analyzeXrdPattern(pattern);
      const standard = analysis.result.peaks;
      // A position the fit held at its bound has no σ: the peak is named in a warning.
      for (const p of analysis.result.peaks.filter((q) => q.twoThetaSigmaDeg === null)) {
        expect(analysis.result.warnings).toContain(`peak at ${p.twoThetaDeg.toFixed(2)}°: its position has no σ (the fit held it at the edge of the range it may move in: a neighbour or the background competes for it), nor has its size; read it with care`);
      }
      expect(analysis.result.peaks.some((q) => q.twoThetaSigmaDeg === null)).toBe(true);
      for (const [minSignificance, near] of [[2, 64.57], [4, 31.5]] as const) {
        const reference = standard.find((p) => Math.abs(p.twoThetaDeg - near) < 0.1)!;
        expect(reference, `default run: ${near}°`).toBeDefined();
        const lenient = analyzeXrdPattern(pattern, { minSignificance }).result.peaks;
        // The same peak: within half its width of where the default put it.
        expect(lenient.some((p) => Math.abs(p.twoThetaDeg - reference.twoThetaDeg) < reference.fwhmDeg / 2), `${near}° at ${minSignificance}σ`).toBe(true);
      }
    } finally {
      await opened.close();
    }
  });
});
