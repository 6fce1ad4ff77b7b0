import { it } from 'vitest';
import { analyzeXrdPattern } from '../../core/xrd/analyze.js';
import { synthesize } from './synthetic.js';
const TRUE_PEAKS = [
  { centerDeg: 20.77, fwhmDeg: 0.25, area: 400, eta: 0.4 },
];
const HUMPS = [{ centerDeg: 22, fwhmDeg: 7, area: 8000, eta: 0 }];
const baseline = (t: number): number => 200 + 2 * (80 - t);
it('dbg', () => {
  const s = synthesize({ peaks: TRUE_PEAKS, humps: HUMPS, baseline, seed: 1 });
  for (const k of [1, 2, 3, 5, 10]) {
    const a = analyzeXrdPattern({ ...s.pattern, intensity: Float64Array.from(s.pattern.intensity, (v) => k * v) } as any);
    const f = a.fits.find((g) => g.peaks.some((q) => Math.abs(q.centerDeg - 20.77) < 0.1))!;
    process.stdout.write(`k${k} ${JSON.stringify(f.peaks.map((q) => [q.centerDeg.toFixed(2), q.fwhmDeg.toFixed(3), (q.area/k).toFixed(0), q.eta.toFixed(2)]))} hump ${JSON.stringify((f as any).hump ?? null)?.slice(0, 120)} chi2r ${f.chi2Reduced.toFixed(2)} ${a.parameters.peakSearch && (a.parameters.peakSearch as any).noiseScale}\n`);
  }
});
