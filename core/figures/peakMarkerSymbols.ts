/**
 * The symbols that mark fitted XRD peaks by phase: one per phase (its reference-stick row's
 * index), cycled. The exported figure (xrdFigure.ts) and the workbench's XRD view both draw
 * these, so a phase has the same mark in both. Shapes, not glyphs, so a PNG or PDF does not
 * depend on its font having ▼ or ●; `char` is the glyph the notes name a shape by. Pure strings:
 * no DOM, so the CLI and the renderer share it.
 */
import { num } from './svg.js';

interface MarkerShape {
  /** The glyph a note names the shape by. */
  char: string;
  /** SVG path data centred on 0,0, the shape `2 × radius` across (in the caller's units). */
  path(radius: number): string;
}

const polygon = (pts: [number, number][]): string => `M${pts.map(([x, y]) => `${num(x)},${num(y)}`).join('L')}Z`;

/** The corners of a regular n-gon of circumradius r, the first at angle `start`. */
const regular = (r: number, n: number, start: number): [number, number][] =>
  Array.from({ length: n }, (_, i) => [r * Math.cos(start + (2 * Math.PI * i) / n), r * Math.sin(start + (2 * Math.PI * i) / n)]);

const SHAPES: readonly MarkerShape[] = [
  { char: '▼', path: (r) => polygon([[-r, -r * 0.8], [r, -r * 0.8], [0, r]]) },
  { char: '●', path: (r) => `M${num(-r)},0A${num(r)},${num(r)} 0 1 0 ${num(r)},0A${num(r)},${num(r)} 0 1 0 ${num(-r)},0Z` },
  { char: '■', path: (r) => polygon([[-r * 0.85, -r * 0.85], [r * 0.85, -r * 0.85], [r * 0.85, r * 0.85], [-r * 0.85, r * 0.85]]) },
  { char: '◆', path: (r) => polygon(regular(r, 4, -Math.PI / 2)) },
  { char: '▲', path: (r) => polygon([[-r, r * 0.8], [r, r * 0.8], [0, -r]]) },
  { char: '⬢', path: (r) => polygon(regular(r, 6, 0)) },
];

const shapeOf = (row: number): MarkerShape => SHAPES[row % SHAPES.length];

/** The glyph of the symbol of the phase of stick row `row` (for notes and legends in text). */
export const markerSymbol = (row: number): string => shapeOf(row).char;

/** The path data of the symbol of the phase of stick row `row`, centred on 0,0, `2 × radius` across. */
export const markerSymbolPath = (row: number, radius: number): string => shapeOf(row).path(radius);

/** The mark of a peak with no phase (or one without a row to name it): a vertical tick, `2 × radius` tall. */
export const unassignedTickPath = (radius: number): string => `M0,${num(-radius)}V${num(radius)}`;

/** The grey of an unassigned peak's tick: no phase's colour. */
export const UNASSIGNED_MARKER_COLOUR = '#999999';
