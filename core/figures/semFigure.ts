/**
 * The SEM cross-section of one state with the measured layer boundaries marked at its edges,
 * each layer labelled with its thickness ± σ (σ: the spread along the layer), and a scale bar.
 * Where the pixel size came from, the file and the tilt correction are the figure's notes
 * (semFigureNotes: the SVG <desc>, and the notes of figures.json), not text in the picture.
 */
import { greyToPngDataUri } from './raster.js';
import { lengthUnit, scaleBar } from './scaleBar.js';
import { semImageRaster, type SemPixels } from './semRaster.js';
import { OKABE_ITO } from './colormaps.js';
import { spreadLabels, textWidthPt, wrapText } from './style.js';
import { el, figureRoot, imageHref, num, panel, PRINT_DPI, PT_PER_MM, text, TYPE } from './svg.js';
import { formulaNotation } from '../model/formula.js';
import { formatWithSigma } from '../util/uncertainty.js';

export interface SemFigureInput {
  state: string;
  file: string;
  image: SemPixels;
  pixelSizeNm: number | null;
  pixelSizeSource: string;
  /** Layer angle (deg) and analysed region, as the measurement found them. */
  angleDeg: number;
  roi?: { x: number; y: number; width: number; height: number };
  /** Measured interfaces, top-down: image row at the region's horizontal centre. */
  boundaries: { upper: string; lower: string; yPxAtCentre: number }[];
  /** Measured layers, top-down, with their figure labels. */
  /** σ null: not known (fewer than two strips found the layer); the label then gives none. */
  /** implausible: the analysis rejected the thickness (10× off nominal): labelled with a "?". */
  layers: { role: string; label: string; thicknessNm: number; sigmaNm: number | null; implausible?: true }[];
  tiltDeg: number;
  widthMm: number;
  /** Why nothing was measured, when so (drawn under the image). */
  note?: string;
  /** Labels of roles that are not measured but bounded (e.g. the substrate), by role. */
  roleLabels?: Record<string, string>;
}

const fmtNm = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toPrecision(2));

/**
 * A layer's label: its name (formulae subscripted) and thickness ± σ, both to σ's precision, in
 * nm, µm or mm as the scale bar writes lengths ("Au 827000 ± 16000 nm" read as a typo), and a
 * "?" after a thickness the analysis rejected as implausible.
 */
function layerLabel(l: SemFigureInput['layers'][number]): string {
  const { unit, nmPerUnit } = lengthUnit(l.thicknessNm);
  const value = l.thicknessNm / nmPerUnit;
  const thickness = l.sigmaNm === null ? (unit === 'nm' ? fmtNm(value) : String(+value.toPrecision(3))) : formatWithSigma(value, l.sigmaNm / nmPerUnit);
  return `${formulaNotation(l.label)} ${thickness} ${unit}${l.implausible ? '?' : ''}`;
}

/**
 * What a caption or the figure's records say and the figure itself does not: the file, where
 * the pixel size came from (users must always be able to see that, DOMAIN.md §5), the tilt
 * correction and what ± σ means. A journal figure shows the image, not processing notes.
 */
export function semFigureNotes(input: SemFigureInput): string[] {
  const pixel = input.pixelSizeNm ? `${+input.pixelSizeNm.toPrecision(3)} nm` : 'unknown';
  return [
    `${input.state}: ${input.file}`,
    `pixel size ${pixel} (${input.pixelSizeSource})`,
    ...(input.tiltDeg ? [`tilt ${+input.tiltDeg.toFixed(2)}° corrected: layer thicknesses along the layer normal; the scale bar holds horizontally only`] : []),
    '± σ: spread of the thickness along the layer',
    ...(input.layers.some((l) => l.implausible)
      ? [`thicknesses marked "?" (${input.layers.filter((l) => l.implausible).map((l) => formulaNotation(l.label)).join(', ')}) are more than 10× off the stack's nominal ones: rejected by the analysis as implausible and not used for the depth axis`]
      : []),
  ];
}

const TITLE_H = TYPE.basePt + 4;
/** Length of the boundary ticks at each image edge, pt (at most 8 % of the image width). */
const TICK_PT = 8;

export function semFigure(input: SemFigureInput): string {
  const W = input.widthMm * PT_PER_MM;
  const labelTexts = input.layers.map(layerLabel);
  const labelColW = Math.max(60, ...labelTexts.map((t) => textWidthPt(t, TYPE.smallPt))) + 12;
  const imgX = 2;
  const imgW = W - imgX - labelColW - 2;
  const { width, height } = input.image;
  const imgH = imgW * (height / width);
  const top = TITLE_H;
  const s = imgW / width; // pt per image pixel
  const raster = semImageRaster(input.image, (imgW / 72) * PRINT_DPI);
  const parts: string[] = [
    // The panel's title is the state alone; file and processing notes go to the records (semFigureNotes).
    text(imgX + imgW / 2, TYPE.basePt + 1, input.state, { 'text-anchor': 'middle', 'data-state-title': input.state }),
    el('image', { x: imgX, y: top, width: imgW, height: imgH, ...imageHref(greyToPngDataUri(raster.grey, raster.width, raster.height)), preserveAspectRatio: 'none', 'data-sem-image': input.file }),
    el('rect', { x: imgX, y: top, width: imgW, height: imgH, fill: 'none', stroke: '#000', 'stroke-width': 0.4 }),
  ];
  const tan = Math.tan((input.angleDeg * Math.PI) / 180);
  const xc = input.roi ? input.roi.x + (input.roi.width - 1) / 2 : (width - 1) / 2;
  const rowAt = (b: { yPxAtCentre: number }, xPx: number): number => b.yPxAtCentre + (xPx - xc) * tan;
  // Boundaries as short ticks at the left and right edges, along the layers' angle: lines across
  // the whole image hid the interfaces they mark. Colour-blind-safe orange over a dark
  // under-stroke, so they read on bright and dark layers alike.
  const tickPx = Math.min(TICK_PT, imgW * 0.08) / s;
  for (const b of input.boundaries) {
    const tick = (fromPx: number, toPx: number): string[] => {
      const at = { x1: imgX + fromPx * s, x2: imgX + toPx * s, y1: top + (rowAt(b, fromPx) + 0.5) * s, y2: top + (rowAt(b, toPx) + 0.5) * s };
      return [el('line', { ...at, stroke: '#000', 'stroke-width': 1.4, 'stroke-opacity': 0.7 }), el('line', { ...at, stroke: OKABE_ITO[4], 'stroke-width': 0.8 })];
    };
    parts.push(el('g', { 'data-boundary': `${b.upper}/${b.lower}` }, ...tick(0, tickPx), ...tick(width - tickPx, width)));
  }
  // Labels beside the image at the middle of each measured layer (at the right edge).
  const centres: number[] = [];
  const texts: { text: string; role: string; label: string; implausible?: true }[] = [];
  input.layers.forEach((l, i) => {
    const upper = input.boundaries.find((b) => b.lower === l.role) ?? input.boundaries[i];
    const lower = input.boundaries.find((b) => b.upper === l.role) ?? input.boundaries[i + 1];
    if (!upper || !lower) return;
    centres.push(top + ((rowAt(upper, width) + rowAt(lower, width)) / 2 + 0.5) * s);
    texts.push({ text: labelTexts[i], role: l.role, label: l.label, implausible: l.implausible });
  });
  // Bounded but unmeasured layers (the substrate whose bottom is not resolved): name only.
  const last = input.boundaries[input.boundaries.length - 1];
  if (last && !input.layers.some((l) => l.role === last.lower) && input.roleLabels?.[last.lower]) {
    const yb = top + (rowAt(last, width) + 0.5) * s;
    centres.push(Math.min(top + imgH - TYPE.smallPt, yb + TYPE.smallPt + 2));
    texts.push({ text: formulaNotation(input.roleLabels[last.lower]), role: last.lower, label: input.roleLabels[last.lower] });
  }
  const placed = spreadLabels(centres, TYPE.smallPt + 1.5, top + TYPE.smallPt, top + imgH);
  const lx = imgX + imgW + 10;
  texts.forEach((t, i) => {
    parts.push(
      el('g', { 'data-layer': t.role },
        el('path', { d: `M${num(imgX + imgW)},${num(centres[i])}L${num(lx - 2)},${num(placed[i])}`, stroke: '#444', 'stroke-width': 0.4, fill: 'none' }),
        text(lx, placed[i] + TYPE.smallPt * 0.35, t.text, { 'font-size': TYPE.smallPt, 'data-layer-label': t.label, 'data-implausible': t.implausible ? 'true' : undefined })),
    );
  });
  // A tilt-corrected image has one scale across and another down (thicknesses were divided by
  // cos θ): the bar says which one it gives.
  if (input.pixelSizeNm) {
    parts.push(scaleBar({ x: imgX + imgW - 3, y: top + imgH - 3, imageWidthPt: imgW, imageWidthNm: width * input.pixelSizeNm, qualifier: input.tiltDeg ? 'horizontal' : undefined }));
  }
  // Why nothing was measured, when so: the figure would otherwise look measured and unlabelled.
  let y = top + imgH + 2;
  for (const line of input.note ? wrapText(input.note, W - imgX - 4, TYPE.smallPt) : []) {
    y += TYPE.smallPt + 2;
    parts.push(text(imgX, y, line, { 'font-size': TYPE.smallPt, class: 'note' }));
  }
  const heightMm = (y + 3) / PT_PER_MM;
  return figureRoot(input.widthMm, heightMm, panel(0, 0, `sem-${input.state}`, ...parts), {
    title: `SEM cross-section, ${input.state}, with measured layers`,
    description: [...labelTexts, ...semFigureNotes(input)].join('; '),
  });
}
