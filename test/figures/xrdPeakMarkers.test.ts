/**
 * The XRD waterfall's peak markers: a symbol above each peak the analysis fitted, at its 2θ on
 * its own trace, in its phase's stick colour; open where tentative, a grey tick where unassigned;
 * none (and the figure unchanged) where no peaks are given.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { markerSymbol, xrdFigure, xrdFigureNotes, type XrdFigureInput } from '../../core/figures/xrdFigure.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { buildFigures, collectFigureData, type BuiltFigure, type FigureData } from '../../core/node/figureFiles.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import { SI_400_MASK } from '../../core/xrd/mask.js';
import { PHASES } from '../../core/xrd/phases.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import { all, parseSvg, withAttr, type Node } from './svgQuery.js';

/** The plot's 2θ of an x in pt, from the axis' first and last ticks (their labels are the degrees). */
function axisDeg(root: Node): (x: number) => number {
  const axis = all(root, (n) => n.attrs.class === 'axis axis-x')[0];
  const ticks = all(axis, (n) => n.tag === 'text' && n.attrs.class !== 'axis-label').map((n) => ({ x: Number(n.attrs.x), deg: Number(n.text) }));
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  return (x) => a.deg + ((x - a.x) * (b.deg - a.deg)) / (b.x - a.x);
}

/** A marker's centre, pt (its translate). */
const centre = (n: Node): { x: number; y: number } => {
  const [, x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(n.attrs.transform)!;
  return { x: Number(x), y: Number(y) };
};

/** The points of a trace's path, pt. */
const tracePoints = (root: Node, state: string): { x: number; y: number }[] => {
  const d = all(withAttr(root, 'data-trace', state)[0], (n) => n.tag === 'path')[0].attrs.d;
  return [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
};

/** The stroke of a phase's reference sticks. */
const stickColour = (root: Node, phase: string): string => all(withAttr(root, 'data-phase', phase)[0], (n) => n.tag === 'path')[0].attrs.stroke;

const markersOf = (root: Node, state: string): Node[] => withAttr(root, 'data-peak-markers', state).flatMap((g) => withAttr(g, 'data-peak-deg'));

const SAMPLE = join(PROJECT_ROOT, 'samples/study');

describe.skipIf(!existsSync(join(SAMPLE, 'study.json')))("the sample study's XRD figure", () => {
  let data: FigureData;
  let xrd: BuiltFigure;
  let root: Node;
  beforeAll(async () => {
    data = await collectFigureData(await loadStudy(SAMPLE), { needSem: false, needVolumes: false });
    xrd = buildFigures(data, { figures: ['xrd'] }, []).find((f) => f.name === 'xrd')!;
    root = parseSvg(xrd.svg);
  }, 120_000);

  it("marks each state's fitted peaks at their 2θ, above its own trace, in the phase's stick colour", () => {
    const deg = axisDeg(root);
    const states = data.report.states.filter((s) => s.xrd?.peaks.length);
    expect(states.length).toBe(3);
    for (const s of states) {
      const peaks = s.xrd!.peaks;
      const marks = markersOf(root, s.state);
      expect(marks, s.state).toHaveLength(peaks.length);
      const points = tracePoints(root, s.state);
      for (const p of peaks) {
        const mark = marks.find((m) => Math.abs(deg(centre(m).x) - p.twoThetaDeg) < 0.02);
        expect(mark, `${s.state} ${p.twoThetaDeg}°`).toBeDefined();
        expect(mark!.attrs['data-peak-phase']).toBe(p.phase);
        expect(mark!.attrs.fill).toBe(stickColour(root, p.phase!));
        // Above the trace there (smaller y on the page), and close to it: within 12 pt.
        const near = points.filter((q) => Math.abs(q.x - centre(mark!).x) < 1.5);
        const top = Math.min(...near.map((q) => q.y));
        expect(centre(mark!).y).toBeLessThan(top);
        expect(top - centre(mark!).y).toBeLessThan(12);
      }
    }
    // Each phase with markers shows its symbol by its stick row's name: the rows are the legend.
    expect(withAttr(root, 'data-phase-key').map((n) => n.attrs['data-phase-key']).sort()).toEqual(['LiFePO4', 'austenite']);
  });

  it('says in the notes what the markers are', () => {
    // All its peaks assigned, none tentative: the note names the symbols and nothing it does not show.
    const row = (phase: string) => withAttr(root, 'data-phase').map((n) => n.attrs['data-phase']).indexOf(phase);
    expect(xrd.notes).toEqual([`markers above the traces: the peaks the analysis fitted, each in the colour and symbol of its assigned phase's reference sticks (${markerSymbol(row('LiFePO4'))} LiFePO₄, ${markerSymbol(row('austenite'))} austenite)`]);
  });

  it('is the figure as before where the report has no peaks', () => {
    const bare = { ...data, report: { ...data.report, states: data.report.states.map((s) => (s.xrd ? { ...s, xrd: { ...s.xrd, peaks: [] } } : s)) } };
    const before = buildFigures(bare, { figures: ['xrd'] }, []).find((f) => f.name === 'xrd')!;
    expect(withAttr(parseSvg(before.svg), 'data-peak-markers')).toHaveLength(0);
    expect(before.notes).toBeUndefined();
  });
});

describe('XRD peak markers', () => {
  function pattern(): XrdPattern {
    const twoThetaDeg = Float64Array.from({ length: 3501 }, (_, i) => 10 + i * 0.02);
    const intensity = twoThetaDeg.map((x) => 100 + 400 * Math.exp(-(((x - 25.6) / 0.1) ** 2)) + 300 * Math.exp(-(((x - 43.6) / 0.1) ** 2)) + 200 * Math.exp(-(((x - 52) / 0.1) ** 2)));
    return { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity, intensityUnit: 'counts', wavelength: null, metadata: {} };
  }
  const data = prepareWaterfall(['pristine', 'charged'].map((label) => ({ label, pattern: pattern() })), { masks: [SI_400_MASK], phases: PHASES });
  const base: XrdFigureInput = { data, intensityScale: 'linear', masks: [SI_400_MASK], widthMm: 85 };
  const lfp = PHASES.findIndex((p) => p.id === 'LiFePO4');
  const input: XrdFigureInput = {
    ...base,
    peaks: {
      pristine: [
        { twoThetaDeg: 25.6, fwhmDeg: 0.17, phase: 'LiFePO4', hkl: '111' },
        { twoThetaDeg: 43.6, fwhmDeg: 0.17, phase: 'austenite', hkl: '111', phaseConfidence: 'tentative' },
        { twoThetaDeg: 52, fwhmDeg: 0.17, phase: null, hkl: null },
        // Two peaks closer than a marker: both drawn, each on its own 2θ, one above the other.
        { twoThetaDeg: 25.65, fwhmDeg: 0.17, phase: 'LiFePO4', hkl: '111' },
      ],
    },
  };
  const root = parseSvg(xrdFigure(input));
  const marks = markersOf(root, 'pristine');
  const at = (d: number) => marks.find((m) => Number(m.attrs['data-peak-deg']) === d)!;

  it('draws tentative ones open and unassigned ones as a grey tick', () => {
    const colour = stickColour(root, 'austenite');
    expect(at(25.6).attrs.fill).toBe(stickColour(root, 'LiFePO4'));
    // Tentative: white inside, its phase's colour round it.
    expect(at(43.6).attrs.fill).toBe('#ffffff');
    expect(at(43.6).attrs.stroke).toBe(colour);
    expect(at(43.6).attrs['data-tentative']).toBe('true');
    expect(at(52).attrs.stroke).toBe('#999999');
    expect(at(52).attrs.fill).toBe('none');
    expect(xrdFigureNotes(input)[0]).toMatch(new RegExp(`${markerSymbol(lfp)} LiFePO₄.*; open where the assignment is tentative; a grey tick where the peak is unassigned`));
  });

  it('puts none on a trace without peaks', () => {
    expect(marks).toHaveLength(4);
    expect(markersOf(root, 'charged')).toHaveLength(0);
  });

  it('keeps close markers on their own 2θ, stacked clear of each other', () => {
    const [a, b] = [centre(at(25.6)), centre(at(25.65))];
    const deg = axisDeg(root);
    expect(deg(a.x)).toBeCloseTo(25.6, 1);
    expect(deg(b.x)).toBeCloseTo(25.65, 1);
    expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(3.5);
  });

  it('leaves the figure as it was without peaks', () => {
    const without = xrdFigure(base);
    expect(xrdFigure({ ...base, peaks: {} })).toBe(without);
    expect(xrdFigure({ ...base, peaks: { pristine: [], aged: [{ twoThetaDeg: 25.6, phase: 'LiFePO4' }] } })).toBe(without);
    expect(xrdFigureNotes(base)).toEqual([]);
  });
});
