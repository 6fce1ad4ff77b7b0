import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

/**
 * Turns a figure's SVG into the files journals take: PNG at a chosen dpi and vector PDF with
 * the font embedded. The SVG is the single source: the app shows it, the CLI writes it.
 */
export const MM_PER_INCH = 25.4;
export const PT_PER_INCH = 72;

/** Journal column widths, mm (defined in width.ts so the renderer can use them without Node). */
export { WIDTH_PRESETS_MM } from './width.js';

export interface FigureFonts {
  family: string;
  /** TrueType files: paths for the PNG renderer, bytes for PDF embedding. */
  files: { regular: string; bold: string; italic: string };
  bytes: { regular: Uint8Array; bold: Uint8Array; italic: Uint8Array };
}

/** Width and height of an SVG from its root `width`/`height` in mm (as the figure builders write them). */
export function svgSizeMm(svg: string): { widthMm: number; heightMm: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const read = (attr: string): number => {
    const m = new RegExp(`\\b${attr}="([\\d.]+)mm"`).exec(root);
    if (!m) throw new Error(`figure SVG has no ${attr} in mm`);
    return Number(m[1]);
  };
  return { widthMm: read('width'), heightMm: read('height') };
}

/** PNG whose pixel width is widthMm × dpi / 25.4, rounded; the PNG carries the dpi (pHYs). */
export function svgToPng(svg: string, opts: { dpi: number; fonts: FigureFonts }): Uint8Array {
  const { widthMm } = svgSizeMm(svg);
  const widthPx = Math.round((widthMm / MM_PER_INCH) * opts.dpi);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: widthPx },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: Object.values(opts.fonts.files), defaultFontFamily: opts.fonts.family, sansSerifFamily: opts.fonts.family },
    dpi: opts.dpi,
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Vector PDF of the page size of the figure, with the figure font embedded (subset). */
export function svgToPdf(svg: string, opts: { fonts: FigureFonts; title?: string }): Promise<Uint8Array> {
  const { widthMm, heightMm } = svgSizeMm(svg);
  const widthPt = (widthMm / MM_PER_INCH) * PT_PER_INCH;
  const heightPt = (heightMm / MM_PER_INCH) * PT_PER_INCH;
  const doc = new PDFDocument({ size: [widthPt, heightPt], margin: 0, autoFirstPage: true, info: { Title: opts.title ?? 'Strata figure', Creator: 'Strata' } });
  doc.registerFont('fig-regular', Buffer.from(opts.fonts.bytes.regular));
  doc.registerFont('fig-bold', Buffer.from(opts.fonts.bytes.bold));
  doc.registerFont('fig-italic', Buffer.from(opts.fonts.bytes.italic));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  SVGtoPDF(doc, svg, 0, 0, {
    width: widthPt,
    height: heightPt,
    assumePt: false,
    // Every text in a figure uses the figure font, so the PDF never falls back to an unembedded one.
    fontCallback: (_family, bold, italic) => (bold ? 'fig-bold' : italic ? 'fig-italic' : 'fig-regular'),
  });
  doc.end();
  return done;
}
