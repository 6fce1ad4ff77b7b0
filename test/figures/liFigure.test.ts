import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { bandLayersState, interfaceOffsetsFromBands, liFigure, type LiFigureLayer } from '../../core/figures/liFigure.js';
import { PT_PER_MM } from '../../core/figures/svg.js';
import { formulaNotation } from '../../core/model/formula.js';
import { layers, liInput, LABELS, STATES } from './fixtures.js';
import { all, parseSvg, texts, withAttr } from './svgQuery.js';
import type { Node } from './svgQuery.js';

/** RGBA of pixel (x, y) of an <image> whose href is a PNG data URI. */
/** The colour of map pixel (x, y) of an 8 × 8 fixture map (embedded with each pixel a block). */
function pixel(image: Node, x: number, y: number): number[] {
  const png = decode(Buffer.from(image.attrs['xlink:href'].split(',')[1], 'base64'));
  const block = png.width / 8;
  const o = (Math.floor((y + 0.5) * block) * png.width + Math.floor((x + 0.5) * block)) * png.channels;
  return Array.from(png.data.slice(o, o + 3));
}

describe('Fig. 4 (Li across states)', () => {
  const svg = liFigure(liInput(180));
  const root = parseSvg(svg);

  it('has eight panels lettered a–h: 3 maps, 3 renderings, profiles, profile over SEM', () => {
    const panels = withAttr(root, 'data-panel').map((n) => n.attrs['data-panel']);
    expect(panels).toEqual(['map-pristine', 'map-charged', 'map-discharged', 'volume-pristine', 'volume-charged', 'volume-discharged', 'profiles', 'sem-overlay']);
    expect(withAttr(root, 'data-panel-letter').map((n) => n.attrs['data-panel-letter'])).toEqual([...'abcdefgh']);
  });

  it('draws the three maps on exactly one colour scale with one colour bar', () => {
    const bars = withAttr(root, 'data-scale-id', 'li-map').filter((n) => n.attrs.class === 'colorbar');
    expect(bars).toHaveLength(1);
    const maps = withAttr(root, 'data-scale-id', 'li-map').filter((n) => n.tag === 'image');
    expect(maps.map((m) => m.attrs['data-state'])).toEqual([...STATES]);
    expect(Number(bars[0].attrs['data-min'])).toBe(0);
    // The charged hot half (200) sets the top of the shared scale, not each map its own.
    expect(Number(bars[0].attrs['data-max'])).toBeCloseTo(200, 0);
    // Same value, same colour, whatever the state: pristine (100) = charged's right half (100).
    expect(pixel(maps[0], 1, 1)).toEqual(pixel(maps[1], 6, 1));
    expect(pixel(maps[1], 1, 1)).not.toEqual(pixel(maps[1], 6, 1));
    // Discharged (150) lies between them.
    expect(pixel(maps[2], 1, 1)).not.toEqual(pixel(maps[0], 1, 1));
  });

  it('renders the volumes on one scale and states the depth exaggeration', () => {
    const vols = withAttr(root, 'data-scale-id', 'li-volume').filter((n) => n.tag === 'image');
    expect(vols).toHaveLength(3);
    expect(withAttr(root, 'data-scale-id', 'li-volume').filter((n) => n.attrs.class === 'colorbar')).toHaveLength(1);
    const z = withAttr(root, 'data-z-exaggeration').map((n) => n.attrs['data-z-exaggeration']);
    expect(new Set(z).size).toBe(1);
    expect(texts(root).filter((t) => /depth ×\d+/.test(t)).length).toBeGreaterThanOrEqual(3);
  });

  it('labels the layers, the axes with units and the states in order', () => {
    const layerLabels = withAttr(root, 'data-layer-label').map((n) => n.text);
    // Each layer named in both profile panels, formulae subscripted.
    for (const l of LABELS.map(formulaNotation)) expect(layerLabels.filter((x) => x === l).length, l).toBe(2);
    const axes = all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    expect(axes).toEqual(expect.arrayContaining(['Sputter time (s)', 'Depth (nm)', 'Li⁻ counts (rel. to max.)']));
    const bars = all(root, (n) => n.attrs.class === 'colorbar').map((n) => n.attrs['data-label']);
    for (const b of bars) expect(b).toMatch(/\(counts\/(pixel|voxel)/);
    expect(withAttr(root, 'data-state-title').map((n) => n.text)).toEqual([...STATES, ...STATES]);
    const series = withAttr(root, 'data-series').map((n) => n.attrs['data-series']);
    expect(series).toEqual([...STATES, ...STATES]);
    expect(withAttr(root, 'data-sem-backdrop')).toHaveLength(1);
    expect(all(root, (n) => n.attrs.class === 'scale-bar')).toHaveLength(3);
  });

  it('keeps text at 6 pt or more and inside the page, at every width', () => {
    for (const widthMm of [85, 114, 180]) {
      const r = parseSvg(liFigure(liInput(widthMm)));
      expect(r.attrs.width).toBe(`${widthMm}mm`);
      const wPt = widthMm * PT_PER_MM;
      for (const t of all(r, (n) => n.tag === 'text')) {
        if (t.attrs['font-size']) expect(Number(t.attrs['font-size'])).toBeGreaterThanOrEqual(6);
      }
      // Panels sit inside the page: their translate() x plus nothing negative.
      for (const p of withAttr(r, 'data-panel')) {
        const [x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(p.attrs.transform)!.slice(1).map(Number);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(wPt);
        expect(y).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('stacks the profile panels at single-column width and puts them side by side at double', () => {
    const y = (svgText: string, id: string): number => {
      const p = withAttr(parseSvg(svgText), 'data-panel', id)[0];
      return Number(/translate\([-\d.]+,([-\d.]+)\)/.exec(p.attrs.transform)![1]);
    };
    const single = liFigure(liInput(85));
    const double = liFigure(liInput(180));
    expect(y(single, 'sem-overlay')).toBeGreaterThan(y(single, 'profiles'));
    expect(y(double, 'sem-overlay')).toBe(y(double, 'profiles'));
  });

  it('leaves out panels without data and letters the rest in sequence', () => {
    const r = parseSvg(liFigure(liInput(180, { volumes: false, sem: false })));
    expect(withAttr(r, 'data-panel').map((n) => n.attrs['data-panel'])).toEqual(['map-pristine', 'map-charged', 'map-discharged', 'profiles', 'sem-overlay']);
    expect(withAttr(r, 'data-panel-letter').map((n) => n.attrs['data-panel-letter'])).toEqual([...'abcde']);
    expect(withAttr(r, 'data-sem-backdrop')).toHaveLength(0);
  });
});

describe('Fig. 4 profile axis', () => {
  it('says what the curves were divided by, not a bare "normalised"', () => {
    expect(liFigure(liInput(180))).toContain('Li⁻ counts (rel. to max.)');
    expect(liFigure({ ...liInput(180), profileNormalization: { mode: 'tic' } })).toContain('Li⁻ / total (rel. to max.)');
    expect(liFigure({ ...liInput(180), profileNormalization: { mode: 'reference', referenceIon: 'C2-' } })).toContain('Li⁻ / C₂⁻ (rel. to max.)');
    expect(liFigure(liInput(180))).not.toContain('normalised');
  });
});

describe("Fig. 4's profile panels: whose layers band them", () => {
  // Pristine's layers, and a charged state whose SEI/SE | CAM interface lies 30 s and 12 nm deeper.
  const shifted = (): LiFigureLayer[] => {
    const l = layers().map((x) => ({ ...x }));
    l[2].startS += 30;
    l[2].startNm += 12;
    l[1].endS += 30;
    l[1].endNm += 12;
    return l;
  };
  const input = liInput(180);
  const states = input.states.map((s) => (s.state === 'charged' ? { ...s, layers: shifted() } : s));

  it("the first state with a profile's, and how far the others' interfaces lie from them", () => {
    expect(bandLayersState(states)?.state).toBe('pristine');
    expect(interfaceOffsetsFromBands(states)).toEqual({ others: ['charged', 'discharged'], maxS: 30, maxNm: 12 });
    // Without a profile a state is not drawn over the bands, so its interfaces do not count.
    const noChargedProfile = states.map((s) => (s.state === 'charged' ? { ...s, profile: undefined } : s));
    expect(interfaceOffsetsFromBands(noChargedProfile)).toEqual({ others: ['discharged'], maxS: 0, maxNm: 0 });
    // Pristine without a profile: charged's layers band the panels, and pristine is not compared.
    const noPristineProfile = states.map((s) => (s.state === 'pristine' ? { ...s, profile: undefined } : s));
    expect(bandLayersState(noPristineProfile)?.state).toBe('charged');
    expect(interfaceOffsetsFromBands(noPristineProfile)).toEqual({ others: ['discharged'], maxS: 30, maxNm: 12 });
  });

  it("ticks the other states' interfaces inside the profile panels' top edge where they lie apart from the bands", () => {
    // Charged's SEI/SE | CAM interface 300 s and 50 nm deeper than pristine's: one tick in each panel.
    const moved = (): LiFigureLayer[] => {
      const l = layers().map((x) => ({ ...x }));
      l[2].startS = l[1].endS = l[2].startS + 300;
      l[2].startNm = l[1].endNm = l[2].startNm + 50;
      return l;
    };
    const root = parseSvg(liFigure({ ...input, states: input.states.map((s) => (s.state === 'charged' ? { ...s, layers: moved() } : s)) }));
    const ticks = withAttr(root, 'data-interface-of');
    expect(ticks.map((t) => t.attrs['data-interface-of'])).toEqual(['charged', 'charged']);
    // Each at charged's interface on its panel's axis: right of the band boundary it is apart from.
    const panels = ['profiles', 'sem-overlay'].map((p) => withAttr(root, 'data-panel', p)[0]);
    panels.forEach((panel) => {
      const [tick] = withAttr(panel, 'data-interface-of', 'charged');
      const camBand = withAttr(panel, 'data-layer-band', 'cam')[0];
      expect(tick, panel.attrs['data-panel']).toBeDefined();
      expect(Number(tick.attrs.x1)).toBeGreaterThan(Number(camBand.attrs.x) + 1);
    });
    // The same layers for every state: nothing to tick.
    expect(withAttr(parseSvg(liFigure(input)), 'data-interface-of')).toEqual([]);
  });

  it('no other state to compare: null', () => {
    expect(interfaceOffsetsFromBands(states.slice(0, 1))).toBeNull();
    expect(interfaceOffsetsFromBands(states.map((s, k) => (k === 0 ? s : { ...s, layers: [] })))).toBeNull();
  });
});
