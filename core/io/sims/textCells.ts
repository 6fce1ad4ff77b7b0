/**
 * Cell-level helpers for instrument text exports: decoding, line splitting, and numbers that
 * may be written with a decimal point or a decimal comma.
 */

/** Decodes text as UTF-8, falling back to Windows-1252 when the bytes are not valid UTF-8 (old exports). */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Splits on LF, CRLF or lone CR, so both export generations (and old Mac files) read alike. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** Tab-separated cells of a line, trailing empty cells (from a trailing tab) removed. */
export function tabCells(line: string): string[] {
  const cells = line.split('\t');
  while (cells.length > 0 && cells[cells.length - 1].trim() === '') cells.pop();
  return cells;
}

export type DecimalSeparator = '.' | ',';

// A plain decimal number with either separator; no thousands grouping (IONTOF never writes it).
const NUMBER_RE = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const INF_RE = /^([+-]?)(?:inf|infinity|1\.#inf)$/i;
const NAN_RE = /^(?:nan|-?1\.#ind|-?1\.#qnan)$/i;

/**
 * Decides the decimal separator of a file from its numeric cells: a comma when commas occur
 * and points never do, else a point. Both at once is ambiguous (a thousands separator?) and
 * gets null so the caller can refuse the file instead of guessing.
 */
export function decideDecimalSeparator(cells: Iterable<string>): DecimalSeparator | null {
  let comma = false;
  let point = false;
  for (const raw of cells) {
    const cell = raw.trim();
    if (!NUMBER_RE.test(cell)) continue;
    if (cell.includes(',')) comma = true;
    else if (cell.includes('.')) point = true;
    if (comma && point) return null;
  }
  return comma ? ',' : '.';
}

/**
 * Parses one cell. Returns a number (±Infinity and NaN only for the spellings exporters use),
 * or undefined when the cell is not a number at all.
 */
export function parseNumberCell(raw: string, decimal: DecimalSeparator): number | undefined {
  const cell = raw.trim();
  if (NUMBER_RE.test(cell)) {
    if (decimal === '.' && cell.includes(',')) return undefined;
    if (decimal === ',' && cell.includes('.')) return undefined;
    return Number(decimal === ',' ? cell.replace(',', '.') : cell);
  }
  const inf = INF_RE.exec(cell);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (NAN_RE.test(cell)) return NaN;
  return undefined;
}
