/** The depth-profile figure: which ions it draws, its panels, axes and legend. */
import { describe, expect, it } from 'vitest';
import { chooseProfileIons, profilesFigure, SHARED_X_MIN_RATIO, shareXAxis, type ProfilesFigureInput } from '../../core/figures/depthProfiles.js';
import type { IonChannel } from '../../core/model/ions.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { profilesInput } from './fixtures.js';
import { all, parseSvg, texts, withAttr } from './svgQuery.js';
import { textWidthPt } from '../../core/figures/style.js';

const channels = (...labels: string[]): IonChannel[] => labels.map((label) => ({ label, mz: null }));
const SAMPLE_IONS = channels('^6Li-', 'Li-', 'C-', 'O-', 'OH-', 'LiO-', 'C_2-', 'Si-', 'Cr-', 'Fe-', 'Ni-', 'SiO_2-', 'PO_2-', 'CrO-', 'FeO-', 'NiO-', 'PO_3-');

describe('chooseProfileIons', () => {
  it("takes the analyte, then each layer's first marker, then the second, up to eight", () => {
    const ions = chooseProfileIons([SAMPLE_IONS], PAPER_ANODE_FREE.layers, { analyte: 'Li-' });
    expect(ions.map((i) => i.label)).toEqual(['Li-', 'Cr-', 'PO_2-', 'FeO-', 'Si-', 'Ni-', 'PO_3-', 'Fe-']);
    expect(ions[0]).toMatchObject({ kind: 'analyte' });
    // The lower collector is marked by the upper one's Cr⁻: it takes no ion of its own.
    expect(ions[1]).toMatchObject({ kind: 'marker', marks: ['CC/AAM', 'CC'] });
    expect(ions.find((i) => i.label === 'Si-')!.marks).toEqual(['SiO2/Si']);
  });

  it('leaves out ions the data lack, other isotopes of a drawn ion, the divisor, and obeys max', () => {
    const cigs = channels('F+', 'Na+', 'Mg+', '^25Mg+', 'Al+', 'K+', 'Cu+', 'Zn+', '^66Zn+', 'Ga+', '^71Ga+', 'Se+', 'Mo+', '^94Mo+', 'In+');
    const ions = chooseProfileIons([cigs], CIGS_POS.layers, { analyte: 'Li+' });
    expect(ions.map((i) => i.label)).toEqual(['Mg+', 'Al+', 'In+', 'Mo+', 'F+', 'Zn+', 'Ga+', 'Cu+']);
    expect(ions.every((i) => i.kind === 'marker')).toBe(true);
    const divided = chooseProfileIons([SAMPLE_IONS], PAPER_ANODE_FREE.layers, { analyte: 'Li-', exclude: ['Cr-'], max: 4 });
    expect(divided.map((i) => i.label)).toEqual(['Li-', 'Ni-', 'PO_2-', 'FeO-']);
    // An ion in one state's data only is still drawn (in the panels that have it).
    const split = chooseProfileIons([channels('Li-'), channels('Fe-')], PAPER_ANODE_FREE.layers, { analyte: 'Li-' });
    expect(split.map((i) => i.label)).toEqual(['Li-', 'Fe-']);
  });
});

describe('profiles figure', () => {
  it('draws one panel per state with every ion, on shared axes', () => {
    const input = profilesInput(180);
    const root = parseSvg(profilesFigure(input));
    const panels = withAttr(root, 'data-panel');
    expect(panels.map((p) => p.attrs['data-panel'])).toEqual(['profiles-pristine', 'profiles-charged', 'profiles-discharged']);
    expect(withAttr(root, 'data-panel-letter').map((n) => n.text)).toEqual(['a', 'b', 'c']);
    expect(withAttr(root, 'data-state-title').map((n) => n.text)).toEqual(['pristine', 'charged', 'discharged']);
    for (const p of panels) expect(withAttr(p, 'data-ion').map((n) => n.attrs['data-ion'])).toEqual(input.ions.map((i) => i.label));
    // 180 mm: side by side, one row; the decades and the y title only on the first.
    const ys = panels.map((p) => /translate\([-\d.]+,([-\d.]+)\)/.exec(p.attrs.transform)![1]);
    expect(new Set(ys).size).toBe(1);
    expect(panels.map((p) => withAttr(p, 'data-decade').length)).toEqual([expect.any(Number), 0, 0]);
    expect(withAttr(panels[0], 'data-decade').length).toBeGreaterThanOrEqual(3);
    const axisLabels = all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    expect(axisLabels.filter((l) => l === 'Ion counts per scan')).toHaveLength(1);
    expect(axisLabels.filter((l) => l === 'Depth (nm)')).toHaveLength(3);
    // Layers named over each panel, formulae subscripted.
    expect(withAttr(panels[0], 'data-layer-label').map((n) => n.text)).toEqual(expect.arrayContaining(['CC/AAM', 'CAM']));
  });

  it('labels the decades 10⁰, 10¹ … and spans the data', () => {
    const root = parseSvg(profilesFigure(profilesInput(85)));
    const decades = withAttr(withAttr(root, 'data-panel')[0], 'data-decade');
    // The fixture's counts run from 2 to 40 000: 10⁰ … 10⁵.
    expect(decades.map((n) => n.text)).toEqual(['10⁰', '10¹', '10²', '10³', '10⁴', '10⁵']);
    const tic = parseSvg(profilesFigure({ ...profilesInput(85), panels: profilesInput(85).panels.map((p) => ({ ...p, values: p.values.map((v) => v && Float64Array.from(v, (x) => x / 1e5)) })) }));
    expect(withAttr(tic, 'data-decade').map((n) => n.text)).toContain('10⁻³');
  });

  it('stacks the panels in one column at single width, x numbers and title on the lowest only', () => {
    const root = parseSvg(profilesFigure(profilesInput(85)));
    const panels = withAttr(root, 'data-panel');
    const ys = panels.map((p) => Number(/translate\([-\d.]+,([-\d.]+)\)/.exec(p.attrs.transform)![1]));
    expect(ys[1]).toBeGreaterThan(ys[0]);
    expect(ys[2]).toBeGreaterThan(ys[1]);
    const xTitles = panels.map((p) => all(p, (n) => n.attrs.class === 'axis-label' && /Depth/.test(n.text)).length);
    expect(xTitles).toEqual([0, 0, 1]);
    // Every panel has its own y decades (each is the first of its row).
    for (const p of panels) expect(withAttr(p, 'data-decade').length).toBeGreaterThan(0);
    // No taller than a page (≈ 230 mm).
    expect(Number(root.attrs.height.replace('mm', ''))).toBeLessThan(230);
  });

  it('says on its axes what the curves are and what the depth rests on', () => {
    const labels = (over: Partial<ProfilesFigureInput>): string[] => all(parseSvg(profilesFigure({ ...profilesInput(114), ...over })), (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    expect(labels({ normalization: { mode: 'tic' } })).toContain('Ion counts / total');
    expect(labels({ normalization: { mode: 'reference', referenceIon: 'C2-' } })).toContain('Ion counts / C₂⁻');
    // The study-wide flag says only that some state's depth is nominal: so does the title.
    expect(labels({ nominalDepth: true })).toContain('Depth (nm, nominal where no SEM)');
    expect(labels({ nominalDepth: true })).not.toContain('Depth (nm, nominal thicknesses)');
    expect(labels({ axis: 'time' })).toContain('Sputter time (s)');
  });

  it('writes the legend in ion notation, one entry per ion, and leaves out ions a state lacks', () => {
    const input = profilesInput(180);
    input.panels[1].values[3] = null;
    const root = parseSvg(profilesFigure(input));
    expect(withAttr(root, 'data-legend').map((n) => n.attrs['data-legend'])).toEqual(['Li⁻', 'Cr⁻', 'PO₂⁻', 'FeO⁻', 'Si⁻']);
    expect(withAttr(withAttr(root, 'data-panel')[1], 'data-ion')).toHaveLength(4);
    expect(texts(root).join(' ')).not.toMatch(/PO_2|Li-/);
  });
});

/** The fixture with each state's depth axis (and its layers) stretched by a factor. */
function stretched(widthMm: number, factors: number[]): ProfilesFigureInput {
  const input = profilesInput(widthMm);
  input.panels = input.panels.map((p, i) => ({
    ...p,
    x: Float64Array.from(p.x, (v) => v * factors[i]),
    layers: p.layers.map((l) => ({ ...l, start: l.start * factors[i], end: l.end * factors[i] })),
  }));
  return input;
}

const domainOf = (p: ReturnType<typeof parseSvg>): number[] => {
  return p.attrs['data-x-domain'].split(',').map(Number);
};
/** The rightmost x a panel's curves reach, pt, and its plot's width. */
const reach = (p: ReturnType<typeof parseSvg>): { right: number; width: number } => {
  const frame = all(p, (n) => n.tag === 'rect' && n.attrs.fill === 'none' && n.attrs.stroke === '#000')[0];
  const xs = withAttr(p, 'data-ion').flatMap((n) => [...n.attrs.d.matchAll(/[ML]([-\d.]+),/g)].map((m) => Number(m[1])));
  return { right: Math.max(...xs), width: Number(frame.attrs.width) };
};

describe('profiles figure: x range per state', () => {
  it('shares the x axis only where the states reach comparable depths', () => {
    expect(shareXAxis([1200, 1300, 1150])).toBe(true);
    expect(shareXAxis([950, 3100])).toBe(false);
    expect(shareXAxis([3000 * SHARED_X_MIN_RATIO + 1, 3000])).toBe(true);
    expect(shareXAxis([3000 * SHARED_X_MIN_RATIO - 1, 3000])).toBe(false);
    expect(shareXAxis([1000])).toBe(true);
  });

  it('gives each state its own x range where depths differ (950 nm beside 3100 nm), numbers on every panel', () => {
    for (const widthMm of [85, 180]) {
      const root = parseSvg(profilesFigure(stretched(widthMm, [950 / 1200, 3100 / 1200, 1])));
      const panels = withAttr(root, 'data-panel');
      const maxima = panels.map((p) => domainOf(p)[1]);
      expect(maxima[0]).toBeCloseTo(950, 0);
      expect(maxima[1]).toBeCloseTo(3100, 0);
      expect(maxima[2]).toBeCloseTo(1200, 0);
      for (const p of panels) {
        // The state's curves run across its whole plot, not a third of it.
        const { right, width } = reach(p);
        expect(right / width, p.attrs['data-panel']).toBeGreaterThan(0.99);
        // Every panel has its own depth numbers and title.
        const axis = all(p, (n) => n.attrs.class === 'axis axis-x')[0];
        expect(all(axis, (n) => n.tag === 'text' && /^\d/.test(n.text)).length, `${widthMm} mm ${p.attrs['data-panel']}`).toBeGreaterThanOrEqual(2);
        expect(all(p, (n) => n.attrs.class === 'axis-label' && /Depth/.test(n.text))).toHaveLength(1);
      }
      // 0–950 nm: its numbers stop below 1000; 0–3100 nm: they pass 3000.
      const ticks = (p: (typeof panels)[number]): number[] => all(all(p, (n) => n.attrs.class === 'axis axis-x')[0], (n) => n.tag === 'text' && /^\d/.test(n.text)).map((n) => Number(n.text.replace(/\u2009/g, '')));
      expect(Math.max(...ticks(panels[0]))).toBeLessThan(950);
      expect(Math.max(...ticks(panels[1]))).toBeGreaterThanOrEqual(3000);
    }
  });

  it("leaves room between panels for a last depth number on the panel's edge and the next panel's 0", () => {
    // Depths ending on round numbers (1000 nm), each state on its own axis: its "1000" on the
    // plot's right edge ran into the next panel's "0" and read "10000".
    const root = parseSvg(profilesFigure(stretched(180, [1000 / 1200, 1000 / 1200, 3100 / 1200])));
    const panels = withAttr(root, 'data-panel');
    expect(domainOf(panels[0])[1]).toBeCloseTo(1000, 6);
    const left = (p: (typeof panels)[number]): number => Number(/translate\(([-\d.]+),/.exec(p.attrs.transform)![1]);
    const gap = left(panels[1]) - (left(panels[0]) + reach(panels[0]).width);
    expect(gap).toBeGreaterThanOrEqual(textWidthPt('1000') / 2 + textWidthPt('0') / 2 + 2);
  });

  it('keeps one shared x axis for states of comparable depth', () => {
    const root = parseSvg(profilesFigure(stretched(85, [1, 1.1, 0.95])));
    const panels = withAttr(root, 'data-panel');
    const domains = panels.map((p) => domainOf(p).join(','));
    expect(new Set(domains).size).toBe(1);
    expect(domainOf(panels[0])[1]).toBeCloseTo(1320, 0);
    // The shallowest state ends short of the axis's end, as it should on a shared axis.
    expect(reach(panels[2]).right / reach(panels[2]).width).toBeCloseTo(0.95 / 1.1, 2);
    // Stacked in one column: numbers and title on the lowest panel only.
    expect(panels.map((p) => all(p, (n) => n.attrs.class === 'axis-label' && /Depth/.test(n.text)).length)).toEqual([0, 0, 1]);
  });
});

describe('profiles figure: the depth scale of each state', () => {
  const titles = (input: ProfilesFigureInput): string[] =>
    withAttr(parseSvg(profilesFigure(input)), 'data-panel').map((p) => all(p, (n) => n.attrs.class === 'axis-label' && /Depth/.test(n.text)).map((n) => n.text).join('|'));

  it("says per panel whether its depth rests on the state's SEM thicknesses or on nominal ones", () => {
    for (const widthMm of [85, 180]) {
      const input = profilesInput(widthMm);
      input.nominalDepth = true;
      const how = ['sem', 'nominal', 'sem'] as const;
      input.panels.forEach((p, i) => (p.depthCalibration = how[i]));
      expect(titles(input)).toEqual(['Depth (nm, SEM thicknesses)', 'Depth (nm, nominal thicknesses)', 'Depth (nm, SEM thicknesses)']);
    }
  });

  it('says it once, under the lowest panel, where every state rests on the same scale', () => {
    const input = profilesInput(85);
    for (const p of input.panels) p.depthCalibration = 'sem';
    expect(titles(input)).toEqual(['', '', 'Depth (nm, SEM thicknesses)']);
    for (const p of input.panels) p.depthCalibration = 'nominal';
    expect(titles(input)).toEqual(['', '', 'Depth (nm, nominal thicknesses)']);
  });
});
