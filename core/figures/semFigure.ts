/**
 * The SEM cross-section with the measured layer boundaries drawn over it, each layer labelled
 * with its thickness ± σ (σ: the spread along the layer), a scale bar, and a line saying where
 * the pixel size came from (users must always be able to see that, DOMAIN.md §5).
 */
import { rgbaToPngDataUri } from './raster.js';
import { scaleBar } from './scaleBar.js';
import { semImageRaster, type SemPixels } from './semRaster.js';
import { OKABE_ITO } from './colormaps.js';
import { spreadLabels, textWidthPt, wrapText } from './style.js';
import { el, figureRoot, num, panel, PT_PER_MM, text, TYPE } from './svg.js';

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
  layers: { role: string; label: string; thicknessNm: number; sigmaNm: number | null }[];
  tiltDeg: number;
  widthMm: number;
  /** Why nothing was measured, when so (drawn under the image). */
  note?: string;
  /** Labels of roles that are not measured but bounded (e.g. the substrate), by role. */
  roleLabels?: Record<string, string>;
}

const fmtNm = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toPrecision(2));

export function semFigure(input: SemFigureInput): string {
  const W = input.widthMm * PT_PER_MM;
  const labelFor = (l: SemFigureInput['layers'][number]): string => `${l.label} ${fmtNm(l.thicknessNm)}${l.sigmaNm === null ? '' : ` ± ${fmtNm(l.sigmaNm)}`} nm`;
  const labelTexts = input.layers.map(labelFor);
  const labelColW = Math.max(60, ...labelTexts.map((t) => textWidthPt(t, TYPE.smallPt))) + 12;
  const imgX = 2;
  const imgW = W - imgX - labelColW - 2;
  const { width, height } = input.image;
  const imgH = imgW * (height / width);
  const top = 4;
  const s = imgW / width; // pt per image pixel
  const raster = semImageRaster(input.image, Math.max(200, Math.round(imgW * 4)));
  const parts: string[] = [
    el('image', { x: imgX, y: top, width: imgW, height: imgH, href: rgbaToPngDataUri(raster.rgba, raster.width, raster.height), preserveAspectRatio: 'none', 'data-sem-image': input.file }),
    el('rect', { x: imgX, y: top, width: imgW, height: imgH, fill: 'none', stroke: '#000', 'stroke-width': 0.4 }),
  ];
  const tan = Math.tan((input.angleDeg * Math.PI) / 180);
  const xc = input.roi ? input.roi.x + (input.roi.width - 1) / 2 : (width - 1) / 2;
  const rowAt = (b: { yPxAtCentre: number }, xPx: number): number => b.yPxAtCentre + (xPx - xc) * tan;
  // Boundary lines across the whole image: dashed, colour-blind-safe orange with a dark
  // under-stroke so they read on bright and dark layers alike.
  for (const b of input.boundaries) {
    const y0 = top + (rowAt(b, 0) + 0.5) * s;
    const y1 = top + (rowAt(b, width) + 0.5) * s;
    parts.push(
      el('g', { 'data-boundary': `${b.upper}/${b.lower}` },
        el('line', { x1: imgX, x2: imgX + imgW, y1: y0, y2: y1, stroke: '#000', 'stroke-width': 1.1, 'stroke-opacity': 0.6 }),
        el('line', { x1: imgX, x2: imgX + imgW, y1: y0, y2: y1, stroke: OKABE_ITO[4], 'stroke-width': 0.6, 'stroke-dasharray': '3 1.5' })),
    );
  }
  // Labels beside the image at the middle of each measured layer (at the right edge).
  const centres: number[] = [];
  const texts: { text: string; role: string; label: string }[] = [];
  input.layers.forEach((l, i) => {
    const upper = input.boundaries.find((b) => b.lower === l.role) ?? input.boundaries[i];
    const lower = input.boundaries.find((b) => b.upper === l.role) ?? input.boundaries[i + 1];
    if (!upper || !lower) return;
    centres.push(top + ((rowAt(upper, width) + rowAt(lower, width)) / 2 + 0.5) * s);
    texts.push({ text: labelTexts[i], role: l.role, label: l.label });
  });
  // Bounded but unmeasured layers (the substrate whose bottom is not resolved): name only.
  const last = input.boundaries[input.boundaries.length - 1];
  if (last && !input.layers.some((l) => l.role === last.lower) && input.roleLabels?.[last.lower]) {
    const yb = top + (rowAt(last, width) + 0.5) * s;
    centres.push(Math.min(top + imgH - TYPE.smallPt, yb + TYPE.smallPt + 2));
    texts.push({ text: input.roleLabels[last.lower], role: last.lower, label: input.roleLabels[last.lower] });
  }
  const placed = spreadLabels(centres, TYPE.smallPt + 1.5, top + TYPE.smallPt, top + imgH);
  const lx = imgX + imgW + 10;
  texts.forEach((t, i) => {
    parts.push(
      el('g', { 'data-layer': t.role },
        el('path', { d: `M${num(imgX + imgW)},${num(centres[i])}L${num(lx - 2)},${num(placed[i])}`, stroke: '#444', 'stroke-width': 0.4, fill: 'none' }),
        text(lx, placed[i] + TYPE.smallPt * 0.35, t.text, { 'font-size': TYPE.smallPt, 'data-layer-label': t.label })),
    );
  });
  if (input.pixelSizeNm) parts.push(scaleBar({ x: imgX + imgW - 3, y: top + imgH - 3, imageWidthPt: imgW, imageWidthNm: width * input.pixelSizeNm }));
  const noteLines = [
    `${input.state}: ${input.file}; pixel size ${input.pixelSizeNm ? `${+input.pixelSizeNm.toPrecision(3)} nm` : 'unknown'} (${input.pixelSizeSource})` +
      `${input.tiltDeg ? `, tilt ${+input.tiltDeg.toFixed(2)}° corrected` : ''}; ± σ: spread along the layer`,
  ];
  if (input.note) noteLines.push(input.note);
  let y = top + imgH + TYPE.smallPt + 3;
  for (const line of noteLines.flatMap((l) => wrapText(l, W - imgX - 4, TYPE.smallPt))) {
    parts.push(text(imgX, y, line, { 'font-size': TYPE.smallPt, class: 'note' }));
    y += TYPE.smallPt + 2;
  }
  const heightMm = (y + 2) / PT_PER_MM;
  return figureRoot(input.widthMm, heightMm, panel(0, 0, `sem-${input.state}`, ...parts), {
    title: `SEM cross-section, ${input.state}, with measured layers`,
    description: input.layers.map(labelFor).join('; '),
  });
}
