/** The XRD waterfall's labels: each state's name by the end of its trace, none over another. */
import { describe, expect, it } from 'vitest';
import { TYPE } from '../../core/figures/svg.js';
import { traceEndLevel, xrdFigure } from '../../core/figures/xrdFigure.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { all, parseSvg, withAttr, type Node } from './svgQuery.js';

/** 2–30°: a film whose intensity falls from a low-angle peak to a flat tail at `tail` of it, or rises to the end. */
function pattern(kind: 'falling' | 'rising' | 'flat', seed = 1): XrdPattern {
  const twoThetaDeg = Float64Array.from({ length: 1401 }, (_, i) => 2 + i * 0.02);
  const intensity = twoThetaDeg.map((x, i) => {
    const noise = 1 + 0.02 * Math.sin(i * 1.7 + seed);
    if (kind === 'falling') return (40 + 1000 * Math.exp(-(((x - 6.9) / 0.4) ** 2))) * noise;
    if (kind === 'rising') return (100 + 900 * ((x - 2) / 28) ** 2) * noise;
    return 500 * noise;
  });
  return { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity, intensityUnit: 'counts', wavelength: null, metadata: {} };
}

/** The last point of a trace's path, pt. */
const pathEnd = (trace: Node): number => {
  const d = all(trace, (n) => n.tag === 'path')[0].attrs.d;
  const pts = [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)];
  return Number(pts[pts.length - 1][2]);
};

describe('XRD waterfall labels', () => {
  it('puts each state label at the height where its trace ends', () => {
    // A film peak at low angle leaves the tail at 4 % of it; a rising trace ends at its top;
    // a flat one in the middle of its offset band. Labels at a fixed offset miss two of them.
    const data = prepareWaterfall(
      [
        { label: 'pristine', pattern: pattern('falling') },
        { label: 'aged', pattern: pattern('rising') },
        { label: 'annealed', pattern: pattern('flat') },
      ],
      { masks: [], phases: [] },
    );
    const root = parseSvg(xrdFigure({ data, intensityScale: 'linear', widthMm: 85 }));
    for (const trace of withAttr(root, 'data-trace')) {
      const label = withAttr(trace, 'data-state-label')[0];
      // The text's middle (baseline − 0.35 em) within a third of a line of the trace's end.
      const middle = Number(label.attrs.y) - 0.35 * TYPE.smallPt;
      expect(Math.abs(middle - pathEnd(trace)), trace.attrs['data-trace']).toBeLessThan(TYPE.smallPt / 3);
    }
  });

  it('spreads labels of traces that end at nearly one height, keeping their order', () => {
    // Offsets 0.2 apart: the three traces end within 0.4 of the normalised height.
    const data = prepareWaterfall(
      ['pristine', 'charged', 'discharged'].map((label, i) => ({ label, pattern: pattern('flat', i) })),
      { masks: [], phases: [], offset: 0.02 },
    );
    const root = parseSvg(xrdFigure({ data, intensityScale: 'linear', widthMm: 85 }));
    const ys = withAttr(root, 'data-state-label').map((n) => Number(n.attrs.y));
    // First state lowest on the page, each a line above the one before.
    for (let i = 1; i < ys.length; i++) expect(ys[i - 1] - ys[i]).toBeGreaterThanOrEqual(TYPE.smallPt + 1 - 1e-6);
  });

  it('keeps the state labels clear of the reference rows\' labels', () => {
    const data = prepareWaterfall([{ label: 'pristine', pattern: pattern('flat') }], { masks: [] });
    const root = parseSvg(xrdFigure({ data, intensityScale: 'linear', widthMm: 85 }));
    const ys = [...withAttr(root, 'data-state-label'), ...withAttr(root, 'data-phase-label')].map((n) => Number(n.attrs.y)).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(TYPE.smallPt + 1 - 1e-6);
  });

  it('reads the end level over the last points, past the masked gap', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i >= 95 ? Number.NaN : 2 + (i % 2 ? 0.1 : -0.1)));
    expect(traceEndLevel(y, 1)).toBeCloseTo(2, 1);
    expect(traceEndLevel(Float64Array.from([NaN, NaN]), 1.1)).toBe(1.1);
  });
});
