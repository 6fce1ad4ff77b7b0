import { describe, expect, it } from 'vitest';
import { volumeFigure, volumeScaleLabel } from '../../core/figures/volumeFigure.js';
import type { VolumeFigureInput } from '../../core/figures/volumeFigure.js';
import type { Volume } from '../../core/figures/volumeRender.js';
import { all, parseSvg, texts, withAttr } from './svgQuery.js';

// The 3-D view as a figure: a panel per state on one colour scale, with the view's rendering and
// camera, and depth ticks that start where the part of the stack shown starts.

/** 8 × 8 × 20 voxels of 2 µm × 2 µm × 10 nm, a bright layer in slices 5–9 (value `bright`). */
function volume(bright: number): Volume {
  const nx = 8;
  const ny = 8;
  const nz = 20;
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) data.fill(z >= 5 && z < 10 ? bright : 1, z * nx * ny, (z + 1) * nx * ny);
  return { data, nx, ny, nz, voxelNm: { x: 2000, y: 2000, z: 10 } };
}

const base: VolumeFigureInput = {
  states: [
    { state: 'pristine', volume: volume(50), depthTopNm: 400 },
    { state: 'charged', volume: volume(100), depthTopNm: 400 },
    { state: 'discharged', volume: volume(70), depthTopNm: 400 },
  ],
  widthMm: 180,
  ion: 'Li-',
  deadTimeCorrected: true,
  mode: 'mip',
  azimuthDeg: 35,
  elevationDeg: 25,
  zExaggeration: 100,
  lateralKnown: true,
  renderPxPerPt: 1,
};

/** Depth ticks (nm) of a state's panel. */
function ticks(svg: string, state: string): number[] {
  const root = parseSvg(svg);
  const panel = withAttr(root, 'data-panel', `volume-${state}`)[0];
  return all(panel, (n) => 'data-depth-tick' in n.attrs).map((n) => Number(n.attrs['data-depth-tick']));
}

describe('volumeFigure', () => {
  it('a lettered panel per state, every rendering on the one colour scale, its bar naming the ion, the correction and the rendering', () => {
    const svg = volumeFigure(base);
    const root = parseSvg(svg);
    expect(withAttr(root, 'data-panel').map((n) => n.attrs['data-panel'])).toEqual(['volume-pristine', 'volume-charged', 'volume-discharged']);
    expect(withAttr(root, 'data-panel-letter').map((n) => n.attrs['data-panel-letter'])).toEqual(['a', 'b', 'c']);
    const images = all(root, (n) => n.tag === 'image');
    expect(images).toHaveLength(3);
    for (const img of images) expect(img.attrs['data-scale-id']).toBe('volume');
    expect(withAttr(root, 'data-scale-id', 'volume').filter((n) => n.tag !== 'image').length).toBeGreaterThan(0);
    expect(volumeScaleLabel('Li-', true, 'mip')).toBe('Li⁻ (mean counts/voxel, dead-time corrected; maximum along each ray)');
    expect(volumeScaleLabel('Na+', false, 'composite')).toBe('Na⁺ (mean counts/voxel; composite)');
    // The bar's title wraps; its words are all there.
    expect(texts(root).join(' ')).toMatch(/Li⁻ \(mean counts\/voxel,\s+dead-time\s+corrected;\s+maximum\s+along\s+each\s+ray\)/);
    expect(root.attrs['data-strata-figure']).toBe('3-D distribution of Li⁻ across cell states');
  });

  it('depth ticks from the top of the part shown (400 nm below the surface), not from 0; a whole stack from 0', () => {
    const part = ticks(volumeFigure(base), 'charged');
    expect(part.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...part)).toBeGreaterThanOrEqual(400);
    expect(Math.max(...part)).toBeLessThanOrEqual(600);
    // The caption says where the part lies (a flat box may have no room for ticks); a whole stack's does not.
    const captions = (svg: string) => all(parseSvg(svg), (n) => n.attrs.class === 'volume-caption').map((n) => n.text).join(' ');
    expect(captions(volumeFigure(base))).toContain('400–600 nm deep, depth ×100');
    expect(captions(volumeFigure({ ...base, states: base.states.map((s) => ({ ...s, depthTopNm: undefined })) }))).not.toMatch(/nm deep/);
    const whole = ticks(volumeFigure({ ...base, states: base.states.map((s) => ({ ...s, depthTopNm: undefined })) }), 'charged');
    expect(Math.min(...whole)).toBe(0);
    expect(Math.max(...whole)).toBeLessThanOrEqual(200);
  });

  it("the view's camera and rendering are the figure's: another azimuth or composite rendering draws another picture", () => {
    const image = (svg: string) => all(parseSvg(svg), (n) => n.tag === 'image')[0].attrs['xlink:href'];
    const shown = image(volumeFigure(base));
    expect(image(volumeFigure({ ...base, azimuthDeg: 120 }))).not.toBe(shown);
    expect(image(volumeFigure({ ...base, mode: 'composite' }))).not.toBe(shown);
    expect(image(volumeFigure({ ...base }))).toBe(shown);
  });

  it("a colour scale's top given (the view's) is the bar's, from 0; the voxels above it are marked; by default the 99.8 % quantile", () => {
    const bar = (svg: string) => withAttr(parseSvg(svg), 'data-colorbar')[0].attrs;
    // Default: charged's bright layer (320 of the 3840 voxels) is at 100, the highest value: the 99.8 % quantile is 100.
    expect(Number(bar(volumeFigure(base))['data-max'])).toBe(100);
    expect(bar(volumeFigure(base))['data-clipped-high']).toBeUndefined();
    const given = bar(volumeFigure({ ...base, colourMax: 80 }));
    expect([Number(given['data-min']), Number(given['data-max'])]).toEqual([0, 80]);
    expect(given['data-clipped-high']).toBe('true');
    expect(bar(volumeFigure({ ...base, colourMax: 250 }))['data-clipped-high']).toBeUndefined();
  });

  it('a state without a volume keeps its place empty; none at all is refused', () => {
    const root = parseSvg(volumeFigure({ ...base, states: [base.states[0], { state: 'charged' }, base.states[2]] }));
    expect(withAttr(root, 'data-panel').map((n) => n.attrs['data-panel'])).toEqual(['volume-pristine', 'volume-discharged']);
    // Discharged stays in the third of three columns (two columns would put it left of the middle).
    const x = Number(/translate\(([\d.]+),/.exec(withAttr(root, 'data-panel', 'volume-discharged')[0].attrs.transform)![1]);
    const widthPt = Number(root.attrs.viewBox.split(' ')[2]);
    expect(x / widthPt).toBeGreaterThan(0.5);
    expect(() => volumeFigure({ ...base, states: [{ state: 'pristine' }] })).toThrow(/no state has a volume/);
  });
});
