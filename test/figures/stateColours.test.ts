import { describe, expect, it } from 'vitest';
import { liBarsFigure } from '../../core/figures/liBars.js';
import { liFigure } from '../../core/figures/liFigure.js';
import { stateColour } from '../../core/figures/style.js';
import { scaleIntensity, xrdFigure } from '../../core/figures/xrdFigure.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { studyStateColour } from '../../renderer/src/colour.js';
import { layers, liInput, map, profile } from './fixtures.js';
import { all, parseSvg, withAttr } from './svgQuery.js';

/** A study whose states are not named pristine, charged, discharged; not every state has every modality. */
const ORDER = ['as-deposited', 'charged-1C', 'cycled-50'] as const;
const ROLES = ['cc_aam', 'sei_se'];

function pattern(): XrdPattern {
  const twoThetaDeg = Float64Array.from({ length: 3001 }, (_, i) => 15 + i * 0.02);
  const intensity = twoThetaDeg.map((x) => 100 + 300 * Math.exp(-(((x - 22) / 4) ** 2)) + 200 * Math.exp(-(((x - 35.6) / 0.1) ** 2)));
  return { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity, intensityUnit: 'counts', wavelength: null, metadata: {} };
}

/** Colour of each state's line or bar in a figure, by the element's data-state. */
function coloursIn(svg: string, pick: (root: ReturnType<typeof parseSvg>, state: string) => string | undefined): Record<string, string | undefined> {
  const root = parseSvg(svg);
  return Object.fromEntries(ORDER.map((s) => [s, pick(root, s)]));
}

describe('a state keeps one colour in every figure and in the workbench', () => {
  // li-bars: every state has a Li inventory.
  const bars = liBarsFigure({
    layers: ROLES.map((role) => ({ role, label: role })),
    states: ORDER.map((state, i) => ({ state, li: ROLES.map((role, k) => ({ role, fraction: k ? 0.6 - i / 10 : 0.4 + i / 10, fractionSigma: 0.01 })) })),
    changes: [],
    referenceState: 'as-deposited',
    widthMm: 114,
    stateOrder: ORDER,
  });
  // XRD: the first state has no pattern.
  const waterfall = prepareWaterfall(ORDER.slice(1).map((label) => ({ label, pattern: { ...pattern(), intensity: scaleIntensity(pattern().intensity, 'sqrt') } })), { stack: PAPER_ANODE_FREE });
  const xrd = xrdFigure({ data: waterfall, intensityScale: 'sqrt', widthMm: 85, stateOrder: ORDER });
  // Fig. 4: the first state has no profile (a stack alone), the others do.
  const fig4 = liFigure({
    ...liInput(180, { volumes: false, sem: false }),
    states: ORDER.map((state, i) => ({ state, map: map('pristine'), profile: i ? profile(i === 1 ? 'charged' : 'discharged') : undefined, layers: layers() })),
  });

  it('draws each state in the colour its place in the study gives it, whichever states a figure has data of', () => {
    const expected = Object.fromEntries(ORDER.map((s, i) => [s, stateColour(s, i)]));
    // Three states of other names: three colours.
    expect(new Set(Object.values(expected)).size).toBe(3);
    const barColours = coloursIn(bars, (root, s) => withAttr(root, 'data-bar', `${s}/cc_aam`)[0]?.children.find((n) => n.tag === 'rect')?.attrs.fill);
    const traceColours = coloursIn(xrd, (root, s) => withAttr(root, 'data-trace', s)[0]?.children.find((n) => n.tag === 'path')?.attrs.stroke);
    const lineColours = coloursIn(fig4, (root, s) => withAttr(root, 'data-series', s)[0] && all(withAttr(root, 'data-series', s)[0], (n) => n.tag === 'path' && n.attrs.class !== 'sigma-band')[0]?.attrs.stroke);
    expect(barColours).toEqual(expected);
    // Before, the XRD traces took the colours of places 0 and 1 of their own list, fig. 4's lines too.
    expect(traceColours).toEqual({ ...expected, 'as-deposited': undefined });
    expect(lineColours).toEqual({ ...expected, 'as-deposited': undefined });
    // The workbench's views colour a state as the figures do.
    for (const s of ORDER) expect(studyStateColour(ORDER.map((state) => ({ state })), s)).toBe(expected[s]);
  });

  it('never gives a state of another name a usual state\'s colour, however many states (a sixth took pristine\'s blue)', () => {
    const usual = new Set(['pristine', 'charged', 'discharged'].map((st, i) => stateColour(st, i)));
    expect(usual.size).toBe(3);
    const series = ['pristine', 'charged', 'discharged', ...Array.from({ length: 12 }, (_, k) => `cycled-${(k + 1) * 10}`)];
    series.forEach((st, i) => {
      if (i >= 3) expect(usual.has(stateColour(st, i)), st).toBe(false);
    });
    // Five others in five colours before any repeats.
    expect(new Set(series.slice(3, 8).map((st, i) => stateColour(st, i + 3))).size).toBe(5);
  });

  it('gives the XRD reference sticks no colour of a trace (a state of another name took the LiFePO₄ sticks\' pink)', () => {
    const root = parseSvg(xrd);
    const traces = new Set(withAttr(root, 'data-trace').map((t) => t.children.find((n) => n.tag === 'path')!.attrs.stroke));
    const sticks = withAttr(root, 'data-phase').flatMap((g) => all(g, (n) => n.tag === 'path').map((n) => n.attrs.stroke));
    expect(sticks.length).toBeGreaterThan(0);
    for (const colour of sticks) expect(traces.has(colour)).toBe(false);
  });
});
