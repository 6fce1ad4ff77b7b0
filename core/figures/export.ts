import { crc32 } from 'node:zlib';

/**
 * Turns a figure's SVG into the files journals take: PNG at a chosen dpi and vector PDF with
 * the font embedded. The SVG is the single source: the app shows it, the CLI writes it.
 *
 * resvg, pdfkit and svg-to-pdfkit are imported inside the functions that use them, not at the
 * top: importing them took ~0.15 s, which every `strata` command paid at start (the CLI is one
 * bundle, whose package imports all load with it) though only figure export needs them.
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

/** PNG whose pixel width is widthMm × dpi / 25.4, rounded; the PNG carries the dpi (pHYs) and says its colours are sRGB. */
export async function svgToPng(svg: string, opts: { dpi: number; fonts: FigureFonts }): Promise<Uint8Array> {
  const { renderAsync } = await import('@resvg/resvg-js'); // lazy: see the top of this file
  const { widthMm } = svgSizeMm(svg);
  const widthPx = Math.round((widthMm / MM_PER_INCH) * opts.dpi);
  // Parsed and rendered on the I/O thread pool, not this thread (Fig. 4 at 600 dpi: ~0.7 s of
  // ~1 s): the caller's thread makes the next file meanwhile. Only the PNG encoding runs here.
  const image = await renderAsync(svg, {
    fitTo: { mode: 'width', value: widthPx },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: Object.values(opts.fonts.files), defaultFontFamily: opts.fonts.family, sansSerifFamily: opts.fonts.family },
    dpi: opts.dpi,
  });
  return withPngMetadata(new Uint8Array(image.asPng()), opts.dpi);
}

const INCHES_PER_METRE = 1000 / MM_PER_INCH;

/** One PNG chunk: its length, type, data and CRC (Node's own CRC-32, as PNG defines it). */
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(4 + 4 + data.length + 4);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** Big-endian 32-bit words, as PNG chunks hold their numbers. */
function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v));
  return out;
}

/**
 * The PNG with, after its header, what resvg does not write:
 * - pHYs (pixels per metre): without it every program takes the file for 72 dpi (a 600 dpi
 *   double-column figure read as 1.5 m wide), which journals' upload checks flag as too coarse;
 * - sRGB (the colours are sRGB, as resvg renders an SVG's), with the gAMA and cHRM the PNG
 *   specification gives for sRGB, for readers that do not know the sRGB chunk: untagged, a
 *   colour-managed layout program may take the pixels for its own working space (Adobe RGB,
 *   say) and shift the colour maps.
 * No PNG library at hand writes chunks alone; they are a few bytes each.
 */
export function withPngMetadata(png: Uint8Array, dpi: number): Uint8Array {
  const ihdrEnd = 8 + 8 + 13 + 4; // signature, IHDR length + type, its 13 bytes, CRC
  const perMetre = Math.round(dpi * INCHES_PER_METRE);
  const chunks = [
    pngChunk('pHYs', new Uint8Array([...words(perMetre, perMetre), 1])), // unit: the metre
    pngChunk('sRGB', new Uint8Array([0])), // rendering intent: perceptual
    pngChunk('gAMA', words(45455)), // 1 / 2.2, × 100 000
    // White point and primaries of sRGB (Rec. 709, D65), × 100 000.
    pngChunk('cHRM', words(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)),
  ];
  const added = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(png.length + added);
  out.set(png.subarray(0, ihdrEnd));
  let at = ihdrEnd;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(ihdrEnd), at);
  return out;
}

/** Vector PDF of the page size of the figure, with the figure font embedded (subset). */
export async function svgToPdf(svg: string, opts: { fonts: FigureFonts; title?: string }): Promise<Uint8Array> {
  // Lazy: see the top of this file.
  const [{ default: PDFDocument }, { default: SVGtoPDF }] = await Promise.all([import('pdfkit'), import('svg-to-pdfkit')]);
  const { widthMm, heightMm } = svgSizeMm(svg);
  const widthPt = (widthMm / MM_PER_INCH) * PT_PER_INCH;
  const heightPt = (heightMm / MM_PER_INCH) * PT_PER_INCH;
  // PDF 1.4 at least: the figures use transparency (σ bands, label boxes), which PDF 1.3, pdfkit's
  // default, does not have; preflight checks flag a 1.3 file that uses it.
  const doc = new PDFDocument({ size: [widthPt, heightPt], margin: 0, autoFirstPage: true, pdfVersion: '1.4', info: { Title: opts.title ?? 'Strata figure', Creator: 'Strata' } });
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
