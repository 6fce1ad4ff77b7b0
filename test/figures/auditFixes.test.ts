/**
 * The journal-figure audit: 3-D renderings at the output's resolution, colour bars that say they
 * clip, normalised maps labelled so, rejected SEM thicknesses flagged, SVGs that open in older
 * editors, the profiles' unit, formulae in the XRD note, and what li-bars' error bars are.
 */
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { colorbar } from '../../core/figures/colorbar.js';
import { svgToPdf, svgToPng } from '../../core/figures/export.js';
import { liBarsFigure, liBarsNotes, type LiBarsInput } from '../../core/figures/liBars.js';
import { liFigure } from '../../core/figures/liFigure.js';
import { volumeRenderPxPerPt } from '../../core/figures/renderResolution.js';
import { semFigure, semFigureNotes, type SemFigureInput } from '../../core/figures/semFigure.js';
import { xrdFigure } from '../../core/figures/xrdFigure.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { figureFonts } from '../../core/node/fonts.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import { liInput, semPixels } from './fixtures.js';
import { all, parseSvg, texts, volumePxPerPt, withAttr, type Node } from './svgQuery.js';

describe('fig4 3-D renderings follow the output resolution', () => {
  it('are rendered at dpi/72 px per pt for a PNG, 300 ppi for vector output, capped at 600', () => {
    expect(volumeRenderPxPerPt(null)).toBeCloseTo(300 / 72, 9);
    expect(volumeRenderPxPerPt(150)).toBeCloseTo(150 / 72, 9);
    expect(volumeRenderPxPerPt(600)).toBeCloseTo(600 / 72, 9);
    expect(volumeRenderPxPerPt(2400)).toBeCloseTo(600 / 72, 9);
  });

  it('default to vector resolution (≥ 300 ppi), not 3 px/pt (216 ppi)', () => {
    const { renderPxPerPt: _, ...input } = liInput(180);
    const ppp = volumePxPerPt(parseSvg(liFigure(input)));
    expect(ppp).toHaveLength(3);
    // Within a pixel of the panel's width.
    for (const v of ppp) expect(v).toBeGreaterThan(300 / 72 - 0.05);
    const at600 = volumePxPerPt(parseSvg(liFigure({ ...input, renderPxPerPt: volumeRenderPxPerPt(600) })));
    for (const v of at600) expect(v).toBeCloseTo(600 / 72, 1);
  });
});

describe('colour bars that clip', () => {
  const bar = (clippedHigh?: boolean): Node => parseSvg(`<svg xmlns="http://www.w3.org/2000/svg">${colorbar({ x: 0, y: 10, widthPt: 6, heightPt: 100, min: 0, max: 200, map: 'viridis', label: 'Li', id: 'cb', clippedHigh })}</svg>`);

  it('end in a triangle of the top colour above the bar where data exceed the top', () => {
    const tri = withAttr(bar(true), 'data-clipped', 'high');
    expect(tri).toHaveLength(1);
    // Above the bar (y < 10), legible: at least 5 pt tall.
    const ys = [...tri[0].attrs.d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeLessThanOrEqual(10 - 5);
    expect(Math.max(...ys)).toBe(10);
    expect(withAttr(bar(false), 'data-clipped')).toEqual([]);
  });

  it("fig4 marks its map bar where a hot pixel is above the pooled 99.5 % quantile, and not the volume's that no voxel exceeds", () => {
    const input = liInput(180);
    (input.states[1].map!.values as Float64Array)[0] = 10_000;
    const root = parseSvg(liFigure(input));
    const bars = all(root, (n) => n.attrs.class === 'colorbar');
    const clipped = (id: string) => bars.find((b) => b.attrs['data-scale-id'] === id)!.attrs['data-clipped-high'];
    expect(clipped('li-map')).toBe('true');
    expect(clipped('li-volume')).toBeUndefined();
    expect(withAttr(root, 'data-clipped', 'high')).toHaveLength(1);
  });
});

describe("fig4's map colour bar with normalised data", () => {
  const mapLabel = (input: ReturnType<typeof liInput>): string =>
    all(parseSvg(liFigure(input)), (n) => n.attrs.class === 'colorbar' && n.attrs['data-scale-id'] === 'li-map')[0].attrs['data-label'];

  it('names the divisor as the profiles figure does, not plain counts', () => {
    expect(mapLabel(liInput(180))).toBe('Li⁻ (counts/pixel, all layers)');
    const tic = mapLabel({ ...liInput(180), profileNormalization: { mode: 'tic' } });
    expect(tic).toMatch(/^Li⁻ \/ total \(/);
    expect(tic).not.toContain('(counts/pixel, all layers)');
    expect(mapLabel({ ...liInput(180), profileNormalization: { mode: 'reference', referenceIon: 'C2-' } })).toMatch(/^Li⁻ \/ C₂⁻ \(/);
  });
});

describe('SEM thicknesses the analysis rejected', () => {
  const input = (): SemFigureInput => ({
    state: 'pristine',
    file: 'sem.tif',
    image: semPixels(),
    pixelSizeNm: 2,
    pixelSizeSource: 'metadata',
    angleDeg: 0,
    boundaries: [
      { upper: 'surface', lower: 'cc_aam', yPxAtCentre: 20 },
      { upper: 'cc_aam', lower: 'sei_se', yPxAtCentre: 95 },
      { upper: 'sei_se', lower: 'cam', yPxAtCentre: 195 },
    ],
    layers: [
      { role: 'cc_aam', label: 'Au', thicknessNm: 827_000, sigmaNm: 16_000, implausible: true },
      { role: 'sei_se', label: 'SiO2', thicknessNm: 200.5, sigmaNm: 3.2 },
    ],
    tiltDeg: 0,
    widthMm: 85,
  });

  it('are labelled with a "?", in µm, and the notes say they were not used for the depth axis', () => {
    const root = parseSvg(semFigure(input()));
    const labels = withAttr(root, 'data-layer-label').map((n) => n.text);
    expect(labels).toContain('Au 827 ± 16 µm?');
    expect(labels).toContain('SiO₂ 200.5 ± 3.2 nm');
    expect(withAttr(root, 'data-implausible', 'true').map((n) => n.attrs['data-layer-label'])).toEqual(['Au']);
    const notes = semFigureNotes(input()).join(' ');
    expect(notes).toMatch(/"\?" \(Au\).*not used for the depth axis/);
    const plain = input();
    plain.layers = plain.layers.filter((l) => !l.implausible);
    expect(semFigureNotes(plain).join(' ')).not.toMatch(/\?/);
  });
});

describe('SVGs for older editors', () => {
  const svg = liFigure(liInput(180));
  const root = parseSvg(svg);

  it('give fallbacks after DejaVu Sans, ending in the generic sans-serif', () => {
    const families = all(root, (n) => 'font-family' in n.attrs).map((n) => n.attrs['font-family'].split(',').map((s) => s.trim()));
    expect(families.length).toBeGreaterThan(0);
    for (const f of families) {
      expect(f[0]).toBe('DejaVu Sans');
      expect(f.length).toBeGreaterThan(2);
      expect(f[f.length - 1]).toBe('sans-serif');
    }
  });

  it('link each embedded image by xlink:href (SVG 1.1, which older editors read), with xmlns:xlink on the root', () => {
    expect(root.attrs['xmlns:xlink']).toBe('http://www.w3.org/1999/xlink');
    const images = all(root, (n) => n.tag === 'image');
    expect(images.length).toBeGreaterThanOrEqual(7); // 3 maps, 3 volumes, the SEM backdrop
    for (const im of images) {
      expect(im.attrs['xlink:href']).toMatch(/^data:image\/png;base64,/);
      // Written once: SVG 2's plain href beside it doubled the file.
      expect(im.attrs.href).toBeUndefined();
    }
  });

  it('still render to PNG (images drawn) and PDF', async () => {
    const fonts = figureFonts();
    const png = decode(await svgToPng(svg, { dpi: 72, fonts }));
    // The first map (pristine, uniform 100 of 0…~200) is drawn: its centre is neither white nor black.
    const map = all(root, (n) => n.tag === 'image' && n.attrs['data-scale-id'] === 'li-map')[0];
    const g = /translate\(([\d.]+),([\d.]+)\)/.exec(all(root, (n) => n.attrs['data-panel'] === 'map-pristine')[0].attrs.transform)!;
    const cx = Math.round(Number(g[1]) + Number(map.attrs.x) + Number(map.attrs.width) / 2);
    const cy = Math.round(Number(g[2]) + Number(map.attrs.y) + Number(map.attrs.height) / 2);
    const i = (cy * png.width + cx) * png.channels;
    const rgb = [...png.data.slice(i, i + 3)];
    expect(rgb).not.toEqual([255, 255, 255]);
    const pdf = Buffer.from(await svgToPdf(svg, { fonts }));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The images went into the PDF as image XObjects.
    expect(pdf.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0).toBeGreaterThanOrEqual(7);
  });
});

describe("the XRD figure's phase note", () => {
  it('subscripts the formulae of the materials it names', () => {
    const twoThetaDeg = Float64Array.from({ length: 1001 }, (_, i) => 10 + i * 0.05);
    const pattern: XrdPattern = { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity: twoThetaDeg.map((x) => 100 + 50 * Math.exp(-(((x - 22) / 4) ** 2))), intensityUnit: 'counts', wavelength: null, metadata: {} };
    const data = { ...prepareWaterfall([{ label: 'pristine', pattern }]), phaseNote: 'no reference XRD phases for indium tin oxide (with SnO2 transport layer); glass: peaks of these materials are left unassigned' };
    const drawn = texts(parseSvg(xrdFigure({ data, intensityScale: 'linear', widthMm: 85 }))).join(' ');
    expect(drawn).toContain('SnO₂');
    expect(drawn).not.toContain('SnO2');
  });
});

describe("li-bars' error bars in figures.json", () => {
  const input: LiBarsInput = {
    layers: [{ role: 'a', label: 'CC/AAM' }, { role: 'b', label: 'Li3PO4' }],
    states: [
      { state: 'pristine', li: [{ role: 'a', fraction: 0.02, fractionSigma: 0.0002 }, { role: 'b', fraction: 0.98, fractionSigma: 0.02 }] },
      { state: 'charged', li: [{ role: 'a', fraction: 0.3, fractionSigma: 0.0021 }, { role: 'b', fraction: 0.7, fractionSigma: 0.03 }] },
    ],
    changes: [{ role: 'a', state: 'charged', deltaFraction: 0.28, sigma: 0.0021 }, { role: 'b', state: 'charged', deltaFraction: -0.28, sigma: 0.036 }],
    referenceState: 'pristine',
    widthMm: 114,
  };

  it('say they are ±1σ of counting statistics, and name those drawn shorter than their line width', () => {
    const notes = liBarsNotes(input);
    expect(notes[0]).toMatch(/±1σ.*counting statistics.*propagated/);
    // Which bars are under the 0.5 pt stroke, read from the drawing itself.
    const root = parseSvg(liBarsFigure(input));
    const lengthPt = (panel: string, key: string) => {
      const g = all(root, (n) => n.attrs['data-panel'] === panel)[0];
      const path = all(g, (n) => n.attrs['data-bar'] === key)[0].children.find((c) => c.attrs.class === 'error-bar')!;
      const m = /^M[-\d.]+,([-\d.]+)V([-\d.]+)/.exec(path.attrs.d)!;
      return Math.abs(Number(m[2]) - Number(m[1]));
    };
    const noteA = notes.find((n) => n.startsWith('a:')) ?? '';
    const noteB = notes.find((n) => n.startsWith('b:')) ?? '';
    for (const [state, role, label] of [['pristine', 'a', 'CC/AAM'], ['pristine', 'b', 'Li₃PO₄'], ['charged', 'a', 'CC/AAM'], ['charged', 'b', 'Li₃PO₄']]) {
      expect(noteA.includes(`${state} ${label} ±`), `${state} ${label}`).toBe(lengthPt('li-fraction', `${state}/${role}`) < 0.5);
    }
    for (const [role, label] of [['a', 'CC/AAM'], ['b', 'Li₃PO₄']]) {
      expect(noteB.includes(`charged ${label} ±`), label).toBe(lengthPt('li-change', `charged/${role}`) < 0.5);
    }
    // The fixture has both kinds: the smallest σ is hidden, the largest is not.
    expect(noteA).toContain('pristine CC/AAM ±0.02 pp');
    expect(noteA).not.toContain('charged Li₃PO₄');
  });
});
