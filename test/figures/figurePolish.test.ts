/** Print polish of the journal figures: depth ticks on the 3-D boxes, Li-bar legend and labels, XRD sticks. */
import { describe, expect, it } from 'vitest';
import { liBarsFigure } from '../../core/figures/liBars.js';
import { liFigure } from '../../core/figures/liFigure.js';
import { LABEL_GAP_PT, stateColour, textWidthPt } from '../../core/figures/style.js';
import { TYPE } from '../../core/figures/svg.js';
import { volumePanel } from '../../core/figures/volumePanel.js';
import { scaleIntensity, xrdFigure } from '../../core/figures/xrdFigure.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { LABELS, liInput, STATES, volume } from './fixtures.js';
import { all, parseSvg, withAttr } from './svgQuery.js';
import type { Node } from './svgQuery.js';

const n = (node: Node, attr: string): number => Number(node.attrs[attr]);

/** The box outline's leftmost vertical edge: its x and its top and bottom y. */
function leftEdge(volumeGroup: Node): { x: number; top: number; bottom: number } {
  const outline = all(volumeGroup, (c) => c.tag === 'path')[0];
  const segments = [...outline.attrs.d.matchAll(/M([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)/g)].map((m) => m.slice(1).map(Number));
  const vertical = segments.filter(([x1, , x2]) => Math.abs(x1 - x2) < 0.02).sort((a, b) => a[0] - b[0])[0];
  return { x: vertical[0], top: Math.min(vertical[1], vertical[3]), bottom: Math.max(vertical[1], vertical[3]) };
}

/** Checks the depth ticks of one rendered box (depthNm deep, panel at x = 0): on its leftmost edge, where the camera puts each depth. */
function checkDepthTicks(volumeGroup: Node, depthNm: number): number[] {
  const edge = leftEdge(volumeGroup);
  const ticks = withAttr(volumeGroup, 'data-depth-tick');
  const depths = ticks.map((t) => Number(t.attrs['data-depth-tick']));
  expect(depths.length).toBeGreaterThanOrEqual(2);
  expect(depths[0]).toBe(0);
  // Even, 1-2-5 steps within the box, as the other axes' ticks.
  const step = depths[1] - depths[0];
  expect(step / 10 ** Math.floor(Math.log10(step))).toSatisfy((m: number) => [1, 2, 5].some((k) => Math.abs(m - k) < 1e-9));
  depths.forEach((d, i) => expect(d).toBeCloseTo(i * step, 6));
  expect(depths[depths.length - 1]).toBeLessThanOrEqual(depthNm);
  let lastY = -Infinity;
  ticks.forEach((t, i) => {
    const line = all(t, (c) => c.tag === 'line')[0];
    const label = all(t, (c) => c.tag === 'text')[0];
    // On the edge, at the depth's place along it (orthographic: linear from surface to bottom).
    expect(Math.max(n(line, 'x1'), n(line, 'x2'))).toBeCloseTo(edge.x, 1);
    expect(n(line, 'y1')).toBeCloseTo(edge.top + (depths[i] / depthNm) * (edge.bottom - edge.top), 1);
    // Small labels left of the edge, far enough apart not to touch, the unit on the deepest.
    expect(n(label, 'font-size')).toBe(TYPE.smallPt);
    expect(label.attrs['text-anchor']).toBe('end');
    expect(n(label, 'x')).toBeLessThan(edge.x);
    // Inside the panel (its left is x = 0), not over its neighbour or off the page.
    expect(n(label, 'x') - textWidthPt(label.text, TYPE.smallPt)).toBeGreaterThanOrEqual(0);
    expect(n(line, 'y1') - lastY).toBeGreaterThanOrEqual(TYPE.smallPt);
    lastY = n(line, 'y1');
    expect(label.text.replace(/\u2009/g, '')).toBe(i === ticks.length - 1 ? `${depths[i]} nm` : String(depths[i]));
  });
  return depths;
}

describe('Fig. 4 3-D renderings: depth ticks', () => {
  it('puts depth ticks in nm on the leftmost vertical edge of every box, labels inside their panel', () => {
    const root = parseSvg(liFigure(liInput(180)));
    const boxes = all(root, (c) => c.attrs.class === 'volume');
    expect(boxes.map((b) => b.attrs['data-state'])).toEqual([...STATES]);
    // The fixture volume: 12 slices of 100 nm.
    for (const box of boxes) expect(checkDepthTicks(box, 1200)).toEqual([0, 500, 1000]);
  });

  it('takes no room from a box too small to hold the ticks (narrow figures)', () => {
    const withTicks: number[] = [];
    for (const widthMm of [85, 114, 180]) {
      for (const box of all(parseSvg(liFigure(liInput(widthMm))), (c) => c.attrs.class === 'volume')) {
        const image = all(box, (c) => c.tag === 'image')[0];
        if (withAttr(box, 'data-depth-tick').length) {
          checkDepthTicks(box, 1200);
          withTicks.push(widthMm);
        } else expect(n(image, 'x'), `${widthMm} mm: the rendering keeps the panel's width`).toBe(0);
      }
    }
    expect(withTicks).toContain(180);
  });

  it('follows the camera: the edge farthest left from any side, ticks spaced as the box is drawn', () => {
    const deep = { ...volume('charged'), voxelNm: { x: 10_000, y: 10_000, z: 1000 } };
    for (const azimuthDeg of [35, 120, 210, 300]) {
      const { svg } = volumePanel(deep, { x: 0, y: 0, widthPt: 150, heightPt: 160, min: 0, max: 400, colormap: 'viridis', scaleId: 'v', zExaggeration: 3, pxPerPt: 1, azimuthDeg, lateralKnown: true });
      const box = parseSvg(`<svg xmlns="http://www.w3.org/2000/svg">${svg}</svg>`);
      const depths = checkDepthTicks(box, 12_000);
      // Grouped as the other axes write five digits.
      expect(withAttr(box, 'data-depth-tick', String(depths[depths.length - 1]))[0].children[1].text).toMatch(/^\d{2}\u2009\d{3} nm$/);
    }
  });
});

describe('Li per layer bars: legend and layer names', () => {
  const roles = ['cc_aam', 'sei_se', 'cam', 'cc', 'substrate'];
  const input = (widthMm: number, layers = roles.map((role, i) => ({ role, label: LABELS[i] }))) => ({
    layers,
    states: STATES.map((state) => ({ state, li: layers.map(({ role }) => ({ role, fraction: 0.2, fractionSigma: 0.01 })) })),
    changes: ['charged', 'discharged'].flatMap((state) => layers.map(({ role }) => ({ role, state, deltaFraction: 0.01, sigma: 0.01 }))),
    referenceState: 'pristine',
    widthMm,
  });

  it('shows each state as a filled square in its bars\' colour, not a line', () => {
    const root = parseSvg(liBarsFigure(input(114)));
    const entries = withAttr(root, 'data-legend');
    expect(entries.map((e) => e.attrs['data-legend'])).toEqual([...STATES]);
    entries.forEach((e, i) => {
      expect(all(e, (c) => c.tag === 'line')).toHaveLength(0);
      const [swatch] = all(e, (c) => c.tag === 'rect');
      expect(swatch.attrs.fill).toBe(stateColour(STATES[i], i));
      expect(n(swatch, 'width')).toBe(n(swatch, 'height'));
      // The bars of that state are filled alike.
      const bar = withAttr(root, 'data-bar', `${STATES[i]}/cam`)[0];
      expect(all(bar, (c) => c.tag === 'rect')[0].attrs.fill).toBe(swatch.attrs.fill);
    });
  });

  /** Rows of the layer names of each panel (0: next to the axis), checking names on a row keep apart. */
  function rows(...args: Parameters<typeof input>): number[][] {
    const root = parseSvg(liBarsFigure(input(...args)));
    return withAttr(root, 'data-panel').map((p) => {
      const labels = withAttr(p, 'data-layer-label');
      const ys = [...new Set(labels.map((l) => n(l, 'y')))].sort((a, b) => a - b);
      const row = labels.map((l) => ys.indexOf(n(l, 'y')));
      const span = (l: Node): [number, number] => [n(l, 'x') - textWidthPt(l.text, TYPE.smallPt) / 2, n(l, 'x') + textWidthPt(l.text, TYPE.smallPt) / 2];
      labels.forEach((l, i) => {
        const prev = labels.slice(0, i).filter((_, k) => row[k] === 0).pop();
        const apart = !prev || span(l)[0] >= span(prev)[1] + LABEL_GAP_PT;
        // Staggered exactly where the first row has no room; never two names touching on one row.
        expect(row[i], l.text).toBe(apart ? 0 : 1);
        for (let k = 0; k < i; k++) if (row[k] === row[i]) expect(span(l)[0] - span(labels[k])[1], l.text).toBeGreaterThanOrEqual(LABEL_GAP_PT);
      });
      return row;
    });
  }

  it('puts the layer names on one row where they fit', () => {
    for (const widthMm of [85, 180]) for (const row of rows(widthMm)) expect(row).toEqual([0, 0, 0, 0, 0]);
    // A name wider than its group, between short ones: it has room, so nothing is staggered.
    const long = [{ role: 'cc', label: 'CC' }, { role: 'cam', label: 'LiFePO4 cathode' }, { role: 'substrate', label: 'Si' }];
    for (const row of rows(114, long)) expect(row).toEqual([0, 0, 0]);
  });

  it('staggers only the names that would crowd their neighbour', () => {
    // At 114 mm "CC/AAM" and "SEI/SE" would stand ~2 pt apart; "CC" has room beside "CAM".
    for (const row of rows(114)) expect(row).toEqual([0, 1, 0, 0, 0]);
  });
});

describe('XRD reference sticks', () => {
  function pattern(height: number): XrdPattern {
    const twoThetaDeg = Float64Array.from({ length: 3501 }, (_, i) => 10 + i * 0.02);
    const intensity = twoThetaDeg.map((x) => 100 + height * Math.exp(-(((x - 43.6) / 0.1) ** 2)));
    return { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity, intensityUnit: 'counts', wavelength: null, metadata: {} };
  }
  const build = (scale: 'linear' | 'sqrt' | 'log') => {
    const data = prepareWaterfall(STATES.map((label, i) => ({ label, pattern: { ...pattern(200 * (i + 1)), intensity: scaleIntensity(pattern(200 * (i + 1)).intensity, scale) } })), { stickHeight: 0.32 });
    return { data, root: parseSvg(xrdFigure({ data, intensityScale: scale, widthMm: 180 })) };
  };
  const onScale: Record<'linear' | 'sqrt' | 'log', (rel: number) => number> = { linear: (r) => r, sqrt: Math.sqrt, log: (r) => Math.log10(1 + r) };

  for (const scale of ['linear', 'sqrt', 'log'] as const) {
    it(`draws stick heights on the traces' ${scale} scale`, () => {
      const { data, root } = build(scale);
      const rows = withAttr(root, 'data-phase');
      expect(rows).toHaveLength(data.sticks.length);
      let compared = 0;
      rows.forEach((row, r) => {
        const path = all(row, (c) => c.tag === 'path')[0];
        const heights = [...path.attrs.d.matchAll(/M[-\d.]+,([-\d.]+)V([-\d.]+)/g)].map((m) => Number(m[1]) - Number(m[2]));
        const rel = data.sticks[r].sticks.map((s) => s.relIntensity);
        expect(heights).toHaveLength(rel.length);
        const strongest = rel.indexOf(Math.max(...rel));
        rel.forEach((v, i) => {
          expect(heights[i] / heights[strongest], `${data.sticks[r].phaseId} ${v}`).toBeCloseTo(onScale[scale](v) / onScale[scale](rel[strongest]), 2);
          compared++;
        });
      });
      expect(compared).toBeGreaterThan(10);
    });
  }

  it('keeps the strongest stick of a phase as tall as on a linear scale', () => {
    const height = (scale: 'linear' | 'sqrt'): number => {
      const { data, root } = build(scale);
      const r = data.sticks.findIndex((row) => row.sticks.some((s) => s.relIntensity === 100));
      const d = all(withAttr(root, 'data-phase')[r], (c) => c.tag === 'path')[0].attrs.d;
      return Math.max(...[...d.matchAll(/M[-\d.]+,([-\d.]+)V([-\d.]+)/g)].map((m) => Number(m[1]) - Number(m[2])));
    };
    expect(height('sqrt')).toBeCloseTo(height('linear'), 1);
  });

  it('draws the stick rows\' baselines visible in print: ≥ 0.5 pt, mid grey', () => {
    const { root } = build('sqrt');
    for (const row of withAttr(root, 'data-phase')) {
      const [baseline] = all(row, (c) => c.tag === 'line');
      expect(n(baseline, 'stroke-width')).toBeGreaterThanOrEqual(0.5);
      const hex = baseline.attrs.stroke.replace('#', '');
      const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
      const [red, green, blue] = [0, 2, 4].map((k) => parseInt(full.slice(k, k + 2), 16));
      expect(red === green && green === blue).toBe(true);
      expect(red).toBeGreaterThanOrEqual(0x60);
      expect(red).toBeLessThanOrEqual(0xa0);
    }
  });
});
