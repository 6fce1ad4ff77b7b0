/** The depth-profile figure: which ions it draws, its panels, axes and legend. */
import { describe, expect, it } from 'vitest';
import { chooseProfileIons, profilesFigure, type ProfilesFigureInput } from '../../core/figures/depthProfiles.js';
import type { IonChannel } from '../../core/model/ions.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { CIGS_POS } from '../../core/model/stackPresets.js';
import { profilesInput } from './fixtures.js';
import { all, parseSvg, texts, withAttr } from './svgQuery.js';

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
    expect(axisLabels.filter((l) => l === 'Ion counts')).toHaveLength(1);
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
    expect(labels({ nominalDepth: true })).toContain('Depth (nm, nominal thicknesses)');
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
