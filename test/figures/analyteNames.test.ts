import { describe, expect, it } from 'vitest';
import { liBarsFigure } from '../../core/figures/liBars.js';
import { liFigure } from '../../core/figures/liFigure.js';
import { LABELS, liInput, STATES } from './fixtures.js';
import { all, parseSvg, texts } from './svgQuery.js';

/**
 * Fig. 4 and the bars per layer name the analyte the analysis counted: a study of Na⁺ (a solar
 * cell's sodium) had figures titled "Li per layer" and "Li share of the stack". With Li they say
 * what they always said.
 */
const roles = ['cc_aam', 'sei_se', 'cam', 'cc', 'substrate'];
const bars = {
  layers: roles.map((role, i) => ({ role, label: LABELS[i] })),
  states: STATES.map((state) => ({ state, li: roles.map((role) => ({ role, fraction: 0.2, fractionSigma: 0.01 })) })),
  changes: roles.map((role) => ({ role, state: 'charged', deltaFraction: 0.01, sigma: 0.014 })),
  referenceState: 'pristine',
  widthMm: 114,
};

/** Every text a reader sees in a figure: its <text>s, title, description and colour-bar labels. */
function readable(svg: string): string[] {
  const root = parseSvg(svg);
  return [...texts(root), ...all(root, (n) => n.tag === 'title' || n.tag === 'desc').map((n) => n.text), ...all(root, (n) => 'data-label' in n.attrs).map((n) => n.attrs['data-label'])];
}

describe('the bars per layer', () => {
  it('are titled and labelled by the analyte: Na for Na⁺', () => {
    const svg = liBarsFigure({ ...bars, analyte: 'Na+' });
    const root = parseSvg(svg);
    expect(all(root, (n) => n.tag === 'title')[0].text).toBe('Na per layer across states');
    expect(all(root, (n) => n.tag === 'desc')[0].text).toMatch(/^Na fraction per layer \(pristine, charged, discharged\)/);
    const axes = all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    expect(axes).toEqual(expect.arrayContaining(['Na share of the stack (%)', 'Δ Na share vs pristine (pp)']));
    expect(readable(svg).filter((t) => /\bLi\b/.test(t))).toEqual([]);
  });

  it('say Li as before for Li⁻, given or not', () => {
    for (const svg of [liBarsFigure(bars), liBarsFigure({ ...bars, analyte: 'Li-' })]) {
      const root = parseSvg(svg);
      expect(all(root, (n) => n.tag === 'title')[0].text).toBe('Li per layer across states');
      expect(all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text)).toEqual(expect.arrayContaining(['Li share of the stack (%)', 'Δ Li share vs pristine (pp)']));
    }
  });
});

describe('Fig. 4', () => {
  it('is titled by the analyte and its colour bars and profile axes name the ion: Na⁺', () => {
    const svg = liFigure({ ...liInput(180), ion: 'Na+' });
    const root = parseSvg(svg);
    expect(all(root, (n) => n.tag === 'title')[0].text).toBe('Na distribution across cell states');
    expect(all(root, (n) => n.tag === 'desc')[0].text).toMatch(/^Na⁺ maps, 3-D renderings and depth profiles/);
    const colourBars = all(root, (n) => n.attrs.class === 'colorbar').map((n) => n.attrs['data-label']);
    expect(colourBars.length).toBe(2);
    for (const label of colourBars) expect(label).toMatch(/^Na⁺ \(counts\//);
    expect(all(root, (n) => n.attrs.class === 'axis-label').map((n) => n.text)).toContain('Na⁺ counts (rel. to max.)');
    expect(readable(svg).filter((t) => /\bLi/.test(t))).toEqual([]);
  });

  it('keeps its Li title for Li⁻; a ⁶Li tracer is named as such', () => {
    expect(all(parseSvg(liFigure(liInput(180))), (n) => n.tag === 'title')[0].text).toBe('Li distribution across cell states');
    expect(all(parseSvg(liFigure({ ...liInput(180), ion: '^6Li-' })), (n) => n.tag === 'title')[0].text).toBe('⁶Li distribution across cell states');
  });
});
