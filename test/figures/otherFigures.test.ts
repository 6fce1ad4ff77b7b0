import { describe, expect, it } from 'vitest';
import { liBarsFigure } from '../../core/figures/liBars.js';
import { semFigure } from '../../core/figures/semFigure.js';
import { parseWidthMm } from '../../core/figures/width.js';
import { scaleIntensity, xrdFigure } from '../../core/figures/xrdFigure.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { SI_400_MASK } from '../../core/xrd/mask.js';
import { PHASES } from '../../core/xrd/phases.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { formulaNotation } from '../../core/model/formula.js';
import { LABELS, semPixels, STATES } from './fixtures.js';
import { all, parseSvg, texts, withAttr } from './svgQuery.js';

describe('width presets', () => {
  it('reads mm and preset names, refuses the rest', () => {
    expect(parseWidthMm('85mm')).toBe(85);
    expect(parseWidthMm('single')).toBe(85);
    expect(parseWidthMm('onehalf')).toBe(114);
    expect(parseWidthMm('double')).toBe(180);
    expect(parseWidthMm('114')).toBe(114);
    for (const bad of ['10mm', 'huge', '85cm', '', '-85']) expect(() => parseWidthMm(bad), bad).toThrow(RangeError);
  });
});

describe('SEM figure', () => {
  const roles = ['cc_aam', 'sei_se', 'cam', 'cc', 'substrate'];
  const rows = [20, 95, 195, 495, 570, 620];
  const input = {
    state: 'pristine',
    file: 'pristine/sem.tif',
    image: semPixels(),
    pixelSizeNm: 2,
    pixelSizeSource: 'sidecar',
    angleDeg: 0,
    boundaries: rows.map((y, i) => ({ upper: i === 0 ? 'above' : roles[i - 1], lower: i < 5 ? roles[i] : 'bulk', yPxAtCentre: y })),
    layers: roles.map((role, i) => ({ role, label: LABELS[i], thicknessNm: (rows[i + 1] - rows[i]) * 2, sigmaNm: 3 })),
    tiltDeg: 0,
    widthMm: 85,
  };

  it('overlays every boundary and labels every layer with thickness ± σ', () => {
    const root = parseSvg(semFigure(input));
    expect(root.attrs.width).toBe('85mm');
    expect(withAttr(root, 'data-boundary')).toHaveLength(6);
    const labels = withAttr(root, 'data-layer-label').map((n) => n.text);
    // Value and σ to σ's precision (formatWithSigma), formulae subscripted.
    expect(labels).toEqual(['CC/AAM 150.0 ± 3.0 nm', 'SEI/SE 200.0 ± 3.0 nm', 'CAM 600.0 ± 3.0 nm', 'CC 150.0 ± 3.0 nm', 'SiO₂/Si 100.0 ± 3.0 nm']);
    const bar = all(root, (n) => n.attrs.class === 'scale-bar');
    expect(bar).toHaveLength(1);
    // 64 px × 2 nm = 128 nm wide: a fifth of it, rounded down to 1-2-5, is 20 nm.
    expect(bar[0].attrs['data-length-nm']).toBe('20');
    // Where the pixel size came from is in the figure's notes (its <desc>), not drawn in it.
    expect(all(root, (n) => n.tag === 'desc')[0].text).toMatch(/pixel size 2 nm \(sidecar\)/);
    expect(texts(root).join(' ')).not.toMatch(/pixel size/);
  });

  it('keeps labels of thin layers apart', () => {
    const thin = { ...input, boundaries: input.boundaries.map((b, i) => ({ ...b, yPxAtCentre: 300 + i * 2 })) };
    const root = parseSvg(semFigure(thin));
    const ys = withAttr(root, 'data-layer-label').map((n) => Number(n.attrs.y)).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(6);
  });
});

function pattern(peakDeg: number, height: number): XrdPattern {
  const twoThetaDeg = Float64Array.from({ length: 3501 }, (_, i) => 10 + i * 0.02);
  const intensity = twoThetaDeg.map((x) => 100 + 300 * Math.exp(-(((x - 22) / 4) ** 2)) + height * Math.exp(-(((x - peakDeg) / 0.1) ** 2)) + 1e5 * Math.exp(-(((x - 69.13) / 0.05) ** 2)));
  return { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity, intensityUnit: 'counts', wavelength: null, metadata: {} };
}

describe('XRD waterfall', () => {
  const states = STATES.map((s, i) => ({ label: s, pattern: pattern(43.6, 200 * (i + 1)) }));
  const build = (scale: 'linear' | 'sqrt' | 'log', widthMm = 85): string => {
    const data = prepareWaterfall(states.map((s) => ({ ...s, pattern: { ...s.pattern, intensity: scaleIntensity(s.pattern.intensity, scale) } })), { masks: [SI_400_MASK] });
    return xrdFigure({ data, intensityScale: scale, masks: [SI_400_MASK], widthMm });
  };

  it('stacks the states bottom-up in order with reference sticks and the 2θ axis', () => {
    const root = parseSvg(build('sqrt'));
    const traces = withAttr(root, 'data-trace');
    expect(traces.map((t) => t.attrs['data-trace'])).toEqual([...STATES]);
    const offsets = traces.map((t) => Number(t.attrs['data-offset']));
    expect(offsets[1]).toBeGreaterThan(offsets[0]);
    expect(offsets[2]).toBeGreaterThan(offsets[1]);
    const labelY = withAttr(root, 'data-state-label').map((n) => Number(n.attrs.y));
    expect(labelY[0]).toBeGreaterThan(labelY[1]); // pristine lowest on the page
    expect(withAttr(root, 'data-phase').map((n) => n.attrs['data-phase'])).toEqual(PHASES.map((p) => p.id));
    for (const p of withAttr(root, 'data-phase')) expect(Number(p.attrs['data-sticks'])).toBeGreaterThan(0);
    const axes = all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    // Patterns with no wavelength in the file are read as Cu Kα, and the axis says so.
    expect(axes).toEqual(['2θ (°, Cu Kα, assumed)', '√Intensity (a.u., offset)']);
    expect(withAttr(root, 'data-mask')).toHaveLength(1);
  });

  it('names the radiation on the 2θ axis: the first pattern\'s', () => {
    const label = (wavelength: XrdPattern['wavelength']): string | undefined => {
      const data = prepareWaterfall(states.map((s) => ({ ...s, pattern: { ...s.pattern, wavelength } })), { masks: [] });
      return all(parseSvg(xrdFigure({ data, intensityScale: 'linear', widthMm: 85 })), (n) => n.attrs.class === 'axis-label')[0]?.text;
    };
    expect(label({ alpha1A: 1.540593, alpha2A: 1.544414 })).toBe('2θ (°, Cu Kα)');
    expect(label({ alpha1A: 1.78897 })).toBe('2θ (°, Co Kα)');
    expect(label({ alpha1A: 1.2 })).toBe('2θ (°, λ = 1.2000 Å)');
  });

  it('names the intensity scale on the axis', () => {
    for (const [scale, label] of [['linear', 'Intensity (a.u., offset)'], ['log', 'log₁₀ intensity (a.u., offset)']] as const) {
      const root = parseSvg(build(scale, 180));
      expect(root.attrs.width).toBe('180mm');
      expect(all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text)).toContain(label);
    }
  });

  it('compresses strong peaks under sqrt and log', () => {
    const lin = scaleIntensity([1, 100, 10000], 'linear');
    expect(Array.from(scaleIntensity([1, 100, 10000], 'sqrt'))).toEqual([1, 10, 100]);
    expect(scaleIntensity([0, 9, 999], 'log')[2]).toBeCloseTo(3, 6);
    expect(Array.from(lin)).toEqual([1, 100, 10000]);
  });
});

describe('Li per layer bars', () => {
  const roles = ['cc_aam', 'sei_se', 'cam', 'cc', 'substrate'];
  const frac: Record<string, number[]> = { pristine: [0.05, 0.3, 0.6, 0.04, 0.01], charged: [0.4, 0.3, 0.26, 0.03, 0.01], discharged: [0.1, 0.3, 0.55, 0.04, 0.01] };
  const input = {
    layers: roles.map((role, i) => ({ role, label: LABELS[i] })),
    states: STATES.map((state) => ({ state, li: roles.map((role, i) => ({ role, fraction: frac[state][i], fractionSigma: 0.01 })) })),
    changes: ['charged', 'discharged'].flatMap((state) => roles.map((role, i) => ({ role, state, deltaFraction: frac[state][i] - frac.pristine[i], sigma: 0.014 }))),
    referenceState: 'pristine',
    widthMm: 114,
  };

  it('draws a bar with an error bar per state and layer, and the changes against pristine', () => {
    const root = parseSvg(liBarsFigure(input));
    expect(withAttr(root, 'data-panel').map((n) => n.attrs['data-panel'])).toEqual(['li-fraction', 'li-change']);
    expect(withAttr(root, 'data-panel-letter').map((n) => n.attrs['data-panel-letter'])).toEqual(['a', 'b']);
    const [a, b] = withAttr(root, 'data-panel');
    const barsA = withAttr(a, 'data-bar');
    expect(barsA).toHaveLength(15);
    expect(barsA.slice(0, 5).map((n) => n.attrs['data-state'])).toEqual(Array(5).fill('pristine'));
    expect(Number(withAttr(a, 'data-bar', 'charged/cc_aam')[0].attrs['data-value'])).toBeCloseTo(40, 6);
    expect(all(a, (n) => n.attrs.class === 'error-bar')).toHaveLength(15);
    const barsB = withAttr(b, 'data-bar');
    expect(barsB).toHaveLength(10);
    expect(barsB.some((n) => n.attrs['data-state'] === 'pristine')).toBe(false);
    expect(Number(withAttr(b, 'data-bar', 'charged/cam')[0].attrs['data-value'])).toBeCloseTo(-34, 6);
    const axes = all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    expect(axes).toEqual(expect.arrayContaining(['Li share of the stack (%)', 'Δ Li share vs pristine (pp)', 'Layer']));
    expect(withAttr(a, 'data-layer-label').map((n) => n.text)).toEqual(LABELS.map(formulaNotation));
    expect(withAttr(root, 'data-legend').map((n) => n.attrs['data-legend'])).toEqual([...STATES]);
  });

  it('stacks the two panels at single-column width', () => {
    const root = parseSvg(liBarsFigure({ ...input, widthMm: 85 }));
    const [a, b] = withAttr(root, 'data-panel').map((n) => /translate\(([-\d.]+),([-\d.]+)\)/.exec(n.attrs.transform)!.slice(1).map(Number));
    expect(b[0]).toBe(a[0]);
    expect(b[1]).toBeGreaterThan(a[1]);
  });
});
