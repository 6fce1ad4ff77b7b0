/**
 * A tiny SVG string builder. Figure builders return SVG strings so the same code serves the
 * app (DOM) and the CLI (no DOM); d3 gives scales, ticks and colours, this file gives markup.
 */
export type Attrs = Record<string, string | number | undefined | null | false>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Rounds coordinates to 0.01 so files stay small and diffs stable. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export function el(tag: string, attrs: Attrs = {}, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(String(v))}"`)
    .join('');
  return children.length ? `<${tag}${a}>${children.join('')}</${tag}>` : `<${tag}${a}/>`;
}

export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, esc(content));
}

/** Points per mm: figures use pt as SVG user units so font sizes read as print sizes. */
export const PT_PER_MM = 72 / 25.4;

/** The densest raster export (dpi): embedded images are sized so that it loses no detail. */
export const PRINT_DPI = 600;

/** Typography that stays readable at print size (journals ask ≥ 6–7 pt). */
export const TYPE = { fontFamily: 'DejaVu Sans', basePt: 7, labelPt: 7.5, panelLetterPt: 9, smallPt: 6.2 } as const;

/**
 * The font-family the SVGs give: the figure font first, then fonts of the same widths that
 * editors and viewers without DejaVu have, then the generic family. The name alone left
 * Illustrator and browsers without it on a serif default.
 */
export const FONT_FAMILY_LIST = `${TYPE.fontFamily}, Arial, Helvetica, sans-serif`;

/**
 * The link attribute of an embedded image: SVG 1.1's `xlink:href`, which every reader takes
 * (browsers, resvg and svg-to-pdfkit also read SVG 2's plain `href`; Illustrator and Inkscape
 * 0.92 read only this one and showed an empty frame). One attribute, not both: the data URI is
 * most of a figure's bytes, and written twice it doubled fig4.svg.
 */
export function imageHref(uri: string): { 'xmlns:xlink': string; 'xlink:href': string } {
  // Declared on the element too: a panel drawn into another SVG (the app, a test) whose root
  // does not declare it would not parse (resvg: "unknown namespace prefix 'xlink'").
  return { 'xmlns:xlink': XLINK_NS, 'xlink:href': uri };
}

const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** Root element of a figure: width/height in mm, user units in pt. */
export function figureRoot(widthMm: number, heightMm: number, body: string, meta: { title: string; description?: string }): string {
  const w = widthMm * PT_PER_MM;
  const h = heightMm * PT_PER_MM;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="${XLINK_NS}" width="${num(widthMm)}mm" height="${num(heightMm)}mm" viewBox="0 0 ${num(w)} ${num(h)}" ` +
    `font-family="${esc(FONT_FAMILY_LIST)}" font-size="${TYPE.basePt}" data-strata-figure="${esc(meta.title)}">` +
    el('title', {}, esc(meta.title)) +
    (meta.description ? el('desc', {}, esc(meta.description)) : '') +
    el('rect', { x: 0, y: 0, width: w, height: h, fill: 'white' }) +
    body +
    '</svg>'
  );
}

/** Bold panel letter (a, b, c…) at a panel's top-left corner. */
export function panelLetter(x: number, y: number, letter: string): string {
  return text(x, y, letter, { 'font-size': TYPE.panelLetterPt, 'font-weight': 'bold', 'data-panel-letter': letter });
}

/** A group translated to a panel's origin, tagged so tests can count panels. */
export function panel(x: number, y: number, id: string, ...children: string[]): string {
  return el('g', { transform: `translate(${num(x)},${num(y)})`, 'data-panel': id }, ...children);
}
