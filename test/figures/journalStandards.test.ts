/**
 * The journal-production audit of the figures: one block per finding, each checking the SVG (or
 * the PDF) the way a production editor would look at it.
 */
import { scaleLinear } from 'd3-scale';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { axisBottom, tickFormatter } from '../../core/figures/axes.js';
import { colorbar } from '../../core/figures/colorbar.js';
import { svgToPdf } from '../../core/figures/export.js';
import { liBarsFigure } from '../../core/figures/liBars.js';
import { liFigure } from '../../core/figures/liFigure.js';
import { profilesFigure } from '../../core/figures/depthProfiles.js';
import { semFigure, semFigureNotes, type SemFigureInput } from '../../core/figures/semFigure.js';
import { semImageRaster } from '../../core/figures/semRaster.js';
import { layerBands, textWidthPt } from '../../core/figures/style.js';
import { PT_PER_MM, TYPE } from '../../core/figures/svg.js';
import { xrdFigure } from '../../core/figures/xrdFigure.js';
import { figureFonts } from '../../core/node/fonts.js';
import { SI_400_MASK } from '../../core/xrd/mask.js';
import { prepareWaterfall } from '../../core/xrd/waterfall.js';
import type { XrdPattern } from '../../core/model/xrdPattern.js';
import { LABELS, liInput, profilesInput, semPixels, STATES } from './fixtures.js';
import { all, parseSvg, texts, withAttr, type Node } from './svgQuery.js';

const ROLES = ['cc_aam', 'sei_se', 'cam', 'cc', 'substrate'];

/** An SEM figure input: the given image with five level layers between the given rows. */
function semInput(image: SemFigureInput['image'], rows: number[], over: Partial<SemFigureInput> = {}): SemFigureInput {
  return {
    state: 'pristine',
    file: 'pristine/sem.tif',
    image,
    pixelSizeNm: 2,
    pixelSizeSource: 'sidecar',
    angleDeg: 0,
    boundaries: rows.map((y, i) => ({ upper: i === 0 ? 'above' : ROLES[i - 1], lower: i < 5 ? ROLES[i] : 'bulk', yPxAtCentre: y })),
    layers: ROLES.map((role, i) => ({ role, label: LABELS[i], thicknessNm: (rows[i + 1] - rows[i]) * 2, sigmaNm: 3 })),
    tiltDeg: 0,
    widthMm: 85,
    ...over,
  };
}

/** A grey test image with some structure (the contrast stretch needs a spread of levels). */
function greyImage(width: number, height: number): SemFigureInput['image'] {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + Math.floor(i / width) * 13) % 256;
  return { pixels, width, height };
}

function embeddedPng(image: Node): { width: number; height: number } {
  return decode(Buffer.from(image.attrs['xlink:href'].split(',')[1], 'base64'));
}

const num = (n: Node, a: string): number => Number(n.attrs[a]);

describe('1. SEM image resolution in print', () => {
  it('embeds a 640 × 448 image at its own resolution (it was binned to 320 × 224, 153 ppi)', () => {
    const root = parseSvg(semFigure(semInput(greyImage(640, 448), [20, 60, 120, 300, 345, 400])));
    const image = withAttr(root, 'data-sem-image')[0];
    expect(embeddedPng(image)).toMatchObject({ width: 640, height: 448 });
  });

  it('bins only images far larger than the print needs, and never below 600 ppi at print size', () => {
    const root = parseSvg(semFigure(semInput(greyImage(3000, 2000), [100, 300, 600, 1300, 1500, 1700])));
    const image = withAttr(root, 'data-sem-image')[0];
    const png = embeddedPng(image);
    const ppi = png.width / (num(image, 'width') / 72);
    expect(png.width).toBeLessThan(3000);
    expect(ppi).toBeGreaterThanOrEqual(600);
    // Directly: up to twice the print's pixels kept, beyond that binned to at least the print's.
    expect(semImageRaster(greyImage(2000, 10), 1000).binning).toBe(1);
    const big = semImageRaster(greyImage(5000, 10), 1000);
    expect(big.binning).toBe(5);
    expect(big.width).toBeGreaterThanOrEqual(1000);
  });
});

describe('2. chemical formulae in layer labels', () => {
  it('draws SiO₂/Si in Fig. 4, the SEM figure and the Li bars, keeping the stored label as data', () => {
    const fig4 = parseSvg(liFigure(liInput(180)));
    const sem = parseSvg(semFigure(semInput(semPixels(), [20, 95, 195, 495, 570, 620])));
    const bars = parseSvg(
      liBarsFigure({
        layers: ROLES.map((role, i) => ({ role, label: LABELS[i] })),
        states: [{ state: 'pristine', li: ROLES.map((role) => ({ role, fraction: 0.2, fractionSigma: 0.01 })) }],
        changes: [],
        referenceState: 'pristine',
        widthMm: 114,
      }),
    );
    for (const root of [fig4, sem, bars]) {
      const substrate = withAttr(root, 'data-layer-label', 'SiO2/Si');
      expect(substrate.length).toBeGreaterThan(0);
      for (const n of substrate) expect(n.text).toMatch(/^SiO₂\/Si/);
      expect(texts(root).join(' ')).not.toContain('SiO2');
    }
  });
});

describe('3. SEM figure', () => {
  const rows = [20, 95, 195, 495, 570, 620];
  const input = semInput(semPixels(), rows, {
    layers: ROLES.map((role, i) => ({ role, label: LABELS[i], thicknessNm: [150.2, 200.5, 599.4, 150.6, 200.7][i], sigmaNm: [2.4, 3.2, 3.2, 3.2, 3.1][i] })),
  });

  it('(a) writes thickness and σ to the same precision', () => {
    const labels = withAttr(parseSvg(semFigure(input)), 'data-layer-label').map((n) => n.text);
    expect(labels).toContain('CAM 599.4 ± 3.2 nm');
    for (const l of labels) {
      const m = /(\d+)(?:\.(\d+))? ± (\d+)(?:\.(\d+))? nm$/.exec(l);
      expect(m, l).not.toBeNull();
      expect((m![2] ?? '').length, l).toBe((m![4] ?? '').length);
    }
  });

  it('(b) titles the panel with the state alone; file and processing notes go to the notes', () => {
    const root = parseSvg(semFigure(input));
    const drawn = texts(root).join(' | ');
    expect(withAttr(root, 'data-state-title').map((n) => n.text)).toEqual(['pristine']);
    for (const gone of ['pristine/sem.tif', 'pixel size', 'sidecar', 'spread along']) expect(drawn).not.toContain(gone);
    const notes = semFigureNotes(input).join('; ');
    expect(notes).toContain('pristine/sem.tif');
    expect(notes).toContain('pixel size 2 nm (sidecar)');
    expect(notes).toMatch(/σ: spread/);
    expect(all(root, (n) => n.tag === 'desc')[0].text).toContain('pixel size 2 nm (sidecar)');
  });

  it('(c) marks the boundaries with short ticks at both image edges, not lines across the image', () => {
    const root = parseSvg(semFigure(input));
    const image = withAttr(root, 'data-sem-image')[0];
    const [x0, w] = [num(image, 'x'), num(image, 'width')];
    const boundaries = withAttr(root, 'data-boundary');
    expect(boundaries).toHaveLength(6);
    for (const b of boundaries) {
      const lines = all(b, (n) => n.tag === 'line');
      for (const l of lines) expect(Math.abs(num(l, 'x2') - num(l, 'x1'))).toBeLessThanOrEqual(0.1 * w);
      expect(lines.some((l) => Math.abs(num(l, 'x1') - x0) < 0.01)).toBe(true);
      expect(lines.some((l) => Math.abs(num(l, 'x2') - (x0 + w)) < 0.01)).toBe(true);
    }
  });

  it('(d) says the scale bar is horizontal when a tilt correction was applied', () => {
    const barText = (tiltDeg: number): string => texts(all(parseSvg(semFigure({ ...input, tiltDeg })), (n) => n.attrs.class === 'scale-bar')[0]).join(' ');
    expect(barText(10)).toMatch(/^\d+ [nµ]m \(horizontal\)$/);
    expect(barText(0)).not.toContain('horizontal');
    expect(semFigureNotes({ ...input, tiltDeg: 10 }).join(' ')).toMatch(/tilt 10° corrected/);
  });
});

describe('4. Fig. 4 panel h (profiles over the SEM cross-section)', () => {
  const root = parseSvg(liFigure({ ...liInput(180), sem: { ...liInput(180).sem!, state: 'pristine' } }));
  const h = withAttr(root, 'data-panel', 'sem-overlay')[0];

  it('(a) says whose cross-section lies behind the profiles', () => {
    expect(texts(h)).toContain('SEM: pristine');
  });

  it('(b) ends the depth axis where the data end (1200 nm), not at the 1.2× stack depth (1320 nm)', () => {
    const axis = all(h, (n) => n.attrs.class === 'axis axis-x')[0];
    const end = num(all(axis, (n) => n.tag === 'line')[0], 'x2');
    const tick1200 = all(axis, (n) => n.tag === 'text' && n.text.replace(/[,\u2009]/g, '') === '1200')[0];
    expect(tick1200).toBeDefined();
    expect(num(tick1200, 'x')).toBeCloseTo(end, 1);
  });

  it('(c) keeps layer labels apart and inside the plot in both profile panels', () => {
    for (const id of ['profiles', 'sem-overlay']) {
      const p = withAttr(root, 'data-panel', id)[0];
      const frame = all(p, (n) => n.tag === 'rect' && n.attrs.fill === 'none' && n.attrs.stroke === '#000')[0];
      const [lo, hi] = [num(frame, 'x'), num(frame, 'x') + num(frame, 'width')];
      checkLabels(withAttr(p, 'data-layer-label'), lo, hi);
    }
  });
});

/** Least space between labels on one row, pt: at 3 pt "CC SiO₂/Si" read as one label. */
const MIN_GAP_PT = 4;

/** Labels on one row keep MIN_GAP_PT apart, and all lie within [lo, hi]. */
function checkLabels(labels: Node[], lo: number, hi: number): void {
  const extents = labels.map((n) => {
    const w = textWidthPt(n.text, TYPE.smallPt);
    return { y: num(n, 'y'), left: num(n, 'x') - w / 2, right: num(n, 'x') + w / 2, text: n.text };
  });
  for (const e of extents) {
    expect(e.left, e.text).toBeGreaterThanOrEqual(lo - 0.01);
    expect(e.right, e.text).toBeLessThanOrEqual(hi + 0.01);
  }
  for (const a of extents) {
    for (const b of extents) {
      if (a === b || a.y !== b.y || a.left > b.left) continue;
      expect(b.left - a.right, `${a.text} | ${b.text}`).toBeGreaterThanOrEqual(MIN_GAP_PT);
    }
  }
}

describe('4c. layer labels of narrow bands', () => {
  const bands = (x: number[], maxX: number): Node =>
    parseSvg(
      `<svg xmlns="http://www.w3.org/2000/svg">${layerBands(
        ROLES.map((role, i) => ({ role, label: LABELS[i], x0: x[i], x1: x[i + 1] })),
        20,
        100,
        { minX: x[0], maxX },
      )}</svg>`,
    );

  /** Each shown label stands within its band, or centred over its middle half, or is joined to the band's middle by a leader line. */
  const checkTied = (root: Node, x: number[]): void => {
    for (const n of withAttr(root, 'data-layer-label')) {
      const i = LABELS.indexOf(n.attrs['data-layer-label']);
      const w = textWidthPt(n.text, TYPE.smallPt);
      const within = num(n, 'x') - w / 2 >= x[i] - 0.01 && num(n, 'x') + w / 2 <= x[i + 1] + 0.01;
      const centred = Math.abs(num(n, 'x') - (x[i] + x[i + 1]) / 2) <= (x[i + 1] - x[i]) / 4 + 0.01;
      const leader = withAttr(root, 'data-layer-leader', LABELS[i])[0];
      if (within || centred) expect(leader, n.text).toBeUndefined();
      else {
        expect(leader, `${n.text}: off its band, no leader`).toBeDefined();
        expect(num(leader, 'x1')).toBeCloseTo(num(n, 'x'), 1);
        expect(num(leader, 'x2')).toBeCloseTo((x[i] + x[i + 1]) / 2, 1);
        expect(num(leader, 'y2')).toBeCloseTo(20, 5);
        expect(num(leader, 'y1')).toBeGreaterThan(num(n, 'y'));
      }
    }
  };

  it('spreads crowded labels along one row, never one over another, each tied to its band', () => {
    // "CC" and "SiO₂/Si" at their bands' middles would stand 3 pt apart; stacked, "SiO₂/Si"
    // over "CC" read as one two-line name.
    const x = [30, 60, 100, 190, 205, 229];
    const root = bands(x, 240);
    const labels = withAttr(root, 'data-layer-label');
    expect(labels.map((n) => n.attrs['data-layer-label'])).toEqual(LABELS);
    expect(new Set(labels.map((n) => n.attrs.y)).size).toBe(1);
    checkLabels(labels, 30, 240);
    // Stack order kept left to right.
    const xs = labels.map((n) => num(n, 'x'));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    checkTied(root, x);
  });

  it('keeps labels at their bands, on the row next to the plot and without leaders, where they fit', () => {
    const x = [30, 80, 130, 180, 230, 280];
    const root = bands(x, 280);
    const labels = withAttr(root, 'data-layer-label');
    expect(labels.map((n) => num(n, 'x'))).toEqual([55, 105, 155, 205, 255]);
    expect(labels.every((n) => num(n, 'y') === 17)).toBe(true);
    expect(withAttr(root, 'data-layer-leader')).toEqual([]);
  });

  it('names thin layers side by side with leaders (Au and HTL of a solar cell on a 3 µm axis)', () => {
    // 80 nm Au and 200 nm HTL on a 3100 nm axis 240 pt wide: 6 pt and 15 pt bands.
    const x = [30, 36, 51, 90, 110, 240];
    const root = bands(x, 240);
    const labels = withAttr(root, 'data-layer-label');
    expect(labels.map((n) => n.attrs['data-layer-label'])).toEqual(LABELS);
    expect(new Set(labels.map((n) => n.attrs.y)).size).toBe(1);
    checkLabels(labels, 30, 240);
    checkTied(root, x);
    expect(withAttr(root, 'data-layer-leader').length).toBeGreaterThan(0);
  });

  it('leaves out the labels of the thinnest layers when one row cannot hold them all', () => {
    const x = [30, 60, 100, 190, 215, 229];
    const root = bands(x, 229);
    expect(withAttr(root, 'data-layer-label').map((n) => n.attrs['data-layer-label'])).toEqual(LABELS);
    // 95 pt for five labels that need ≈ 109 pt: the 1 pt CC band's label goes first, then the
    // 9 pt SiO₂/Si band's (≈ 97 pt still), the wider bands keep theirs.
    const narrow = bands([30, 60, 90, 115, 116, 125], 125);
    const kept = withAttr(narrow, 'data-layer-label');
    expect(kept.map((n) => n.attrs['data-layer-label'])).toEqual(['CC/AAM', 'SEI/SE', 'CAM']);
    expect(withAttr(narrow, 'data-layer-band')).toHaveLength(5);
    checkLabels(kept, 30, 125);
  });
});

describe('5. states told apart in greyscale', () => {
  it('gives each state its own dash pattern in the profile plots and their legends', () => {
    const root = parseSvg(liFigure(liInput(180)));
    for (const id of ['profiles', 'sem-overlay']) {
      const p = withAttr(root, 'data-panel', id)[0];
      // The series' line: the path in its colour (not the σ band, not the white halo).
      const dash = (state: string): string => all(withAttr(p, 'data-series', state)[0], (n) => n.tag === 'path' && n.attrs.fill === 'none' && n.attrs.stroke !== '#fff')[0].attrs['stroke-dasharray'] ?? '';
      const legendDash = (state: string): string => all(all(p, (n) => n.attrs['data-legend'] === state)[0], (n) => n.tag === 'line')[0].attrs['stroke-dasharray'] ?? '';
      const dashes = STATES.map(dash);
      expect(dashes[0]).toBe(''); // pristine solid
      expect(dashes[1]).not.toBe('');
      expect(dashes[2]).not.toBe('');
      expect(new Set(dashes).size).toBe(3);
      expect(STATES.map(legendDash)).toEqual(dashes);
    }
  });
});

describe('6. tick labels without thousands commas', () => {
  it('writes no comma-grouped numbers in the figures (Fig. 4: sputter time 1000 s …)', () => {
    const root = parseSvg(liFigure(liInput(180)));
    expect(texts(root).filter((t) => /\d,\d{3}/.test(t))).toEqual([]);
    expect(texts(withAttr(root, 'data-panel', 'profiles')[0])).toContain('1000');
  });

  it('writes 1000 plain and 10 000 with a thin space', () => {
    const f = tickFormatter(scaleLinear().domain([0, 6000]), 6);
    expect([0, 1000, 5000].map(f)).toEqual(['0', '1000', '5000']);
    const g = tickFormatter(scaleLinear().domain([0, 40000]), 4);
    expect(g(10000)).toBe('10\u2009000');
    expect(tickFormatter(scaleLinear().domain([0, 1]), 4)(0.2)).toBe('0.2');
    const axis = parseSvg(`<svg xmlns="http://www.w3.org/2000/svg">${axisBottom(scaleLinear().domain([0, 6000]).range([0, 200]), 10, { label: 'Sputter time (s)' })}</svg>`);
    expect(texts(axis)).toContain('2000');
    const bar = parseSvg(`<svg xmlns="http://www.w3.org/2000/svg">${colorbar({ x: 0, y: 0, widthPt: 6, heightPt: 100, min: 0, max: 20000, map: 'viridis', label: 'Li', id: 'cb' })}</svg>`);
    expect(texts(bar)).toContain('10\u2009000');
    for (const root of [axis, bar]) expect(texts(root).filter((t) => /\d,\d{3}/.test(t))).toEqual([]);
  });
});

describe('7. PDF version', () => {
  it('declares PDF 1.4 or later, as the transparency it uses needs', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="10mm" viewBox="0 0 56.7 28.3"><rect x="5" y="5" width="20" height="10" fill="#0072B2" fill-opacity="0.3"/></svg>`;
    const pdf = Buffer.from(await svgToPdf(svg, { fonts: figureFonts() }));
    const version = /^%PDF-(\d+\.\d+)/.exec(pdf.subarray(0, 16).toString('latin1'));
    expect(version).not.toBeNull();
    expect(Number(version![1])).toBeGreaterThanOrEqual(1.4);
  });
});

describe('8. XRD mask label', () => {
  it('reads "Si (400), masked", not "Si (400) (masked)"', () => {
    const twoThetaDeg = Float64Array.from({ length: 3001 }, (_, i) => 10 + i * 0.02);
    const pattern: XrdPattern = { kind: 'xrdPattern', source: { fileName: 'x.ras', format: 'rigaku-ras' }, twoThetaDeg, intensity: twoThetaDeg.map((x) => 100 + 50 * Math.exp(-(((x - 22) / 4) ** 2))), intensityUnit: 'counts', wavelength: null, metadata: {} };
    const data = prepareWaterfall([{ label: 'pristine', pattern }], { masks: [SI_400_MASK] });
    const drawn = texts(parseSvg(xrdFigure({ data, intensityScale: 'linear', masks: [SI_400_MASK], widthMm: 85 })));
    expect(drawn).toContain('Si (400), masked');
    expect(drawn.join(' ')).not.toContain('(masked)');
  });
});

describe('9. the depth-profile figure meets the same standards', () => {
  const WIDTHS = [85, 114, 180];
  const build = (widthMm: number) => parseSvg(profilesFigure(profilesInput(widthMm)));
  /** A panel's offset on the page (its translate). */
  const offset = (p: Node): [number, number] => /translate\(([-\d.]+),([-\d.]+)\)/.exec(p.attrs.transform)!.slice(1, 3).map(Number) as [number, number];

  it('(a) one font (DejaVu Sans), text at 6 pt or more, all of it on the page', () => {
    for (const widthMm of WIDTHS) {
      const root = build(widthMm);
      // DejaVu Sans first; the rest are fallbacks for editors without it.
      expect(root.attrs['font-family'].split(',')[0].trim()).toBe('DejaVu Sans');
      expect(all(root, (n) => 'font-family' in n.attrs && n.tag !== 'svg')).toEqual([]);
      const pageW = widthMm * PT_PER_MM;
      const check = (t: Node, dx: number): void => {
        const size = Number(t.attrs['font-size'] ?? TYPE.basePt);
        expect(size, t.text).toBeGreaterThanOrEqual(6);
        if (t.attrs.transform) return; // the rotated y title: checked by its x below
        const w = textWidthPt(t.text, size);
        const x = dx + num(t, 'x');
        const left = t.attrs['text-anchor'] === 'end' ? x - w : t.attrs['text-anchor'] === 'middle' ? x - w / 2 : x;
        expect(left, `${widthMm} mm: ${t.text}`).toBeGreaterThanOrEqual(-0.01);
        expect(left + w, `${widthMm} mm: ${t.text}`).toBeLessThanOrEqual(pageW + 0.01);
      };
      for (const p of withAttr(root, 'data-panel')) {
        const [dx] = offset(p);
        for (const t of all(p, (n) => n.tag === 'text')) check(t, dx);
        // The y title's centre, rotated: half its size either side, on the page.
        for (const t of all(p, (n) => n.tag === 'text' && Boolean(n.attrs.transform))) expect(dx + num(t, 'x') - TYPE.labelPt / 2).toBeGreaterThanOrEqual(0);
      }
      for (const t of all(withAttr(root, 'class', 'legend')[0], (n) => n.tag === 'text')) check(t, 0);
    }
  });

  it('(b) no line finer than 0.5 pt', () => {
    for (const widthMm of WIDTHS) {
      const stroked = all(build(widthMm), (n) => ['line', 'path', 'rect'].includes(n.tag) && n.attrs.stroke !== undefined && n.attrs.stroke !== 'none');
      expect(stroked.length).toBeGreaterThan(20);
      for (const n of stroked) expect(num(n, 'stroke-width'), `${widthMm} mm ${n.tag}`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('(c) layer labels apart and inside each plot, formulae subscripted', () => {
    for (const widthMm of WIDTHS) {
      const input = profilesInput(widthMm);
      for (const p of input.panels) p.layers[1].label = 'Li3PO4';
      const root = parseSvg(profilesFigure(input));
      for (const p of withAttr(root, 'data-panel')) {
        const frame = all(p, (n) => n.tag === 'rect' && n.attrs.fill === 'none' && n.attrs.stroke === '#000')[0];
        checkLabels(withAttr(p, 'data-layer-label'), num(frame, 'x'), num(frame, 'x') + num(frame, 'width'));
        expect(withAttr(p, 'data-layer-label', 'Li3PO4').map((n) => n.text)).toEqual(['Li₃PO₄']);
      }
      expect(texts(root).join(' ')).not.toMatch(/Li3PO4|PO_2/);
    }
  });

  it('(d) each ion its own dash (told apart in greyscale) and colour, the legend drawn alike', () => {
    const root = build(180);
    const ions = profilesInput(180).ions.map((i) => i.label);
    const curve = (ion: string): Node => withAttr(withAttr(root, 'data-panel')[0], 'data-ion', ion)[0];
    const dashes = ions.map((ion) => curve(ion).attrs['stroke-dasharray'] ?? '');
    expect(new Set(dashes).size).toBe(ions.length);
    expect(dashes[0]).toBe(''); // the analyte solid
    expect(new Set(ions.map((ion) => curve(ion).attrs.stroke)).size).toBe(ions.length);
    const entries = withAttr(root, 'data-legend');
    expect(entries).toHaveLength(ions.length);
    entries.forEach((e, i) => {
      const swatch = all(e, (n) => n.tag === 'line')[0];
      expect(swatch.attrs['stroke-dasharray'] ?? '').toBe(dashes[i]);
      expect(swatch.attrs.stroke).toBe(curve(ions[i]).attrs.stroke);
    });
  });

  it('(e) no comma-grouped numbers; the decades in superscript', () => {
    for (const widthMm of WIDTHS) {
      const root = build(widthMm);
      expect(texts(root).filter((t) => /\d,\d{3}/.test(t))).toEqual([]);
      for (const d of withAttr(root, 'data-decade')) expect(d.text).toMatch(/^10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
    }
  });
});
