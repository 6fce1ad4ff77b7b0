import { FormatError } from '../../model/errors.js';
import type { DepthProfile, IonSignal } from '../../model/depthProfile.js';
import { decideDecimalSeparator, decodeText, parseNumberCell, splitLines, tabCells } from './textCells.js';
import type { DecimalSeparator } from './textCells.js';

/**
 * IONTOF SurfaceLab ASCII depth-profile export → DepthProfile.
 *
 * Both generations share one shape: an ion-label line, an m/z line and a column-kind line
 * (`Sputter Time (s)`, `Intensity (Raw)`, …), then tab-separated rows. SurfaceLab 7 prefixes
 * the header lines with `#` and may add comment lines above them; older exports do not. The
 * column-kind line is the anchor: the two lines above it are m/z and labels.
 *
 * Choices (see also the tests):
 * - Ratio columns (label contains `/`, m/z `N/A`) are derived values, not counts: they are
 *   dropped from `ions` so nothing sums or normalises them as counts; their labels are listed in
 *   `metadata.ratioColumnsDropped`. Their cells may hold `inf`/`nan`.
 * - The `total` column becomes `totalCounts`; `Dose (ions)` becomes `primaryDoseIons`; the
 *   fluence column is used only to state the sputtered area in `metadata.sputterAreaCm2`.
 * - A last row whose counts are all zero (SurfaceLab writes one after the final scan) is dropped.
 * - `Intensity (… Poisson Corrected)` → poissonCorrected; `Intensity (Raw)` → not. A bare
 *   `Intensity` says neither: counts with fractional parts can only come from the correction
 *   (−N·ln(1 − k/N) of integer k), so such files are marked corrected, integer ones raw, and
 *   `metadata.poissonCorrection` says it was inferred.
 */
export function readSurfaceLabProfile(bytes: Uint8Array, fileName: string): DepthProfile {
  if (bytes.byteLength === 0) throw new FormatError(fileName, 'empty file');
  if (bytes.includes(0)) {
    throw new FormatError(fileName, 'binary content (NUL byte) in a text export', { offset: bytes.indexOf(0) });
  }
  const lines = splitLines(decodeText(bytes));
  const header = findHeader(lines, fileName);
  const columns = classifyColumns(header, fileName);
  const rows = collectRows(lines, header.kindsLine + 1, header.width, fileName);
  if (rows.length === 0) throw new FormatError(fileName, 'no data rows after the header', { line: header.kindsLine + 1 });

  const decimal = decideDecimalSeparator(numericCells(header.mzCells, rows));
  if (decimal === null) {
    throw new FormatError(fileName, 'numbers use both decimal points and decimal commas; refusing to guess', { line: header.kindsLine + 2 });
  }
  return buildProfile(fileName, bytes.byteLength, header, columns, rows, decimal);
}

interface Header {
  /** 0-based line indices. */
  kindsLine: number;
  labelCells: string[];
  mzCells: string[] | null;
  kindCells: string[];
  comments: string[];
  width: number;
  /** SurfaceLab 7 style: header lines start with `#`. */
  hashed: boolean;
}

const KIND_RE = /^(?:Sputter Time|Intensity|Data Point|Dose|Fluence|Scan)\b/i;
const HEADER_SEARCH_LINES = 64;

/** Drops the `#` a SurfaceLab 7 header line starts with, keeping the cell layout. */
function unhash(line: string): string {
  return line.startsWith('#') ? line.slice(1) : line;
}

function findHeader(lines: string[], fileName: string): Header {
  const limit = Math.min(lines.length, HEADER_SEARCH_LINES);
  for (let i = 0; i < limit; i++) {
    const kindCells = tabCells(unhash(lines[i])).map((c) => c.trim());
    const kinds = kindCells.filter((c) => c !== '');
    if (kinds.length < 2 || !kinds.every((c) => KIND_RE.test(c))) continue;
    if (!kinds.some((c) => /^Intensity/i.test(c))) continue;
    // The line above is the m/z line when its cells are numbers or N/A; the labels sit above it.
    const above = i >= 1 ? tabCells(unhash(lines[i - 1])).map((c) => c.trim()) : [];
    const mzLike = above.some((c) => c !== '') && above.every((c) => c === '' || /^N\/A$/i.test(c) || parseNumberCell(c, c.includes(',') ? ',' : '.') !== undefined);
    const labelLine = mzLike ? i - 2 : i - 1;
    if (labelLine < 0) throw new FormatError(fileName, 'column-kind line without an ion-label line above it', { line: i + 1 });
    const labelCells = tabCells(unhash(lines[labelLine])).map((c) => c.trim());
    const mzCells = mzLike ? above : null;
    const width = kindCells.length;
    if (labelCells.length > width || (mzCells && mzCells.length > width)) {
      throw new FormatError(fileName, `header lines have more cells than the ${width} column kinds`, { line: labelLine + 1 });
    }
    const comments = lines.slice(0, labelLine).map((l) => unhash(l).trim()).filter((l) => l !== '');
    return { kindsLine: i, labelCells, mzCells, kindCells, comments, width, hashed: lines[i].startsWith('#') };
  }
  throw new FormatError(fileName, 'no SurfaceLab column header (a line of `Sputter Time (s)`, `Intensity …` cells) in the first lines', { line: 1 });
}

type ColumnRole =
  | { role: 'index' }
  | { role: 'time'; toSeconds: number }
  | { role: 'dose' }
  | { role: 'fluence' }
  | { role: 'total' }
  | { role: 'ion'; label: string; mz: number | null; poisson: boolean | null }
  | { role: 'ratio'; label: string }
  | { role: 'ignored'; kind: string };

function classifyColumns(header: Header, fileName: string): ColumnRole[] {
  const roles: ColumnRole[] = [];
  for (let j = 0; j < header.width; j++) {
    const kind = header.kindCells[j] ?? '';
    const label = header.labelCells[j] ?? '';
    if (/^Data Point/i.test(kind) || /^Scan\b/i.test(kind)) roles.push({ role: 'index' });
    else if (/^Sputter Time/i.test(kind)) roles.push({ role: 'time', toSeconds: timeUnitSeconds(kind, fileName, header.kindsLine + 1) });
    else if (/^Dose/i.test(kind)) roles.push({ role: 'dose' });
    else if (/^Fluence/i.test(kind)) roles.push({ role: 'fluence' });
    else if (/^Intensity/i.test(kind)) {
      if (label === '') throw new FormatError(fileName, `intensity column ${j + 1} has no ion label`, { line: header.kindsLine - 1 });
      if (/^total$/i.test(label)) roles.push({ role: 'total' });
      else if (label.includes('/')) roles.push({ role: 'ratio', label });
      else {
        const poisson = /poisson/i.test(kind) ? true : /raw/i.test(kind) ? false : null;
        roles.push({ role: 'ion', label, mz: parseMz(header.mzCells?.[j]), poisson });
      }
    } else roles.push({ role: 'ignored', kind });
  }
  if (!roles.some((r) => r.role === 'time')) {
    throw new FormatError(fileName, 'no `Sputter Time` column', { line: header.kindsLine + 1 });
  }
  if (roles.filter((r) => r.role === 'time').length > 1) {
    throw new FormatError(fileName, 'more than one `Sputter Time` column', { line: header.kindsLine + 1 });
  }
  return roles;
}

function timeUnitSeconds(kind: string, fileName: string, line: number): number {
  const unit = /\(([^)]*)\)/.exec(kind)?.[1]?.trim().toLowerCase() ?? 's';
  if (unit === 's' || unit === 'sec') return 1;
  if (unit === 'min') return 60;
  throw new FormatError(fileName, `sputter time in unknown unit "${unit}"`, { line });
}

function parseMz(cell: string | undefined): number | null {
  if (cell === undefined || cell === '' || /^N\/A$/i.test(cell)) return null;
  const v = parseNumberCell(cell, cell.includes(',') ? ',' : '.');
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : null;
}

interface Row {
  line: number;
  cells: string[];
}

function collectRows(lines: string[], start: number, width: number, fileName: string): Row[] {
  const rows: Row[] = [];
  for (let i = start; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = tabCells(lines[i]);
    if (cells.length !== width) {
      throw new FormatError(fileName, `row has ${cells.length} cells, the header has ${width} columns`, { line: i + 1 });
    }
    rows.push({ line: i + 1, cells });
  }
  return rows;
}

function* numericCells(mzCells: string[] | null, rows: Row[]): Generator<string> {
  if (mzCells) yield* mzCells;
  for (const row of rows) yield* row.cells;
}

function buildProfile(
  fileName: string,
  sizeBytes: number,
  header: Header,
  columns: ColumnRole[],
  rows: Row[],
  decimal: DecimalSeparator,
): DepthProfile {
  const n = rows.length;
  const values = columns.map((c) => (c.role === 'ignored' || c.role === 'index' ? null : new Float64Array(n)));
  rows.forEach((row, r) => {
    columns.forEach((col, j) => {
      const out = values[j];
      if (!out) return;
      const v = parseNumberCell(row.cells[j], decimal);
      if (v === undefined) throw new FormatError(fileName, `column ${j + 1}: "${clip(row.cells[j])}" is not a number`, { line: row.line });
      // Ratios of zero counts are legitimately inf or nan; counts, times and doses must be finite.
      if (col.role !== 'ratio' && !Number.isFinite(v)) {
        throw new FormatError(fileName, `column ${j + 1}: ${row.cells[j].trim()} where a finite value is required`, { line: row.line });
      }
      out[r] = v;
    });
  });

  const timeCol = columns.findIndex((c) => c.role === 'time');
  const toSeconds = (columns[timeCol] as { toSeconds: number }).toSeconds;
  const countCols = columns.flatMap((c, j) => (c.role === 'ion' || c.role === 'total' ? [j] : []));
  let kept = n;
  const lastIsZero = n > 1 && countCols.length > 0 && countCols.every((j) => values[j]![n - 1] === 0);
  if (lastIsZero) kept = n - 1;

  const timeS = new Float64Array(kept);
  for (let r = 0; r < kept; r++) {
    timeS[r] = values[timeCol]![r] * toSeconds;
    if (r > 0 && !(timeS[r] > timeS[r - 1])) {
      throw new FormatError(fileName, `sputter time ${timeS[r]} s does not increase (previous ${timeS[r - 1]} s)`, { line: rows[r].line });
    }
  }

  const metadata: Record<string, string> = {};
  header.comments.forEach((c, i) => (metadata[`comment${i + 1}`] = c));
  metadata.decimalSeparator = decimal;
  metadata.headerStyle = header.hashed ? '# header lines (SurfaceLab 7)' : 'plain header lines (older SurfaceLab)';
  if (lastIsZero) metadata.droppedTrailingZeroRow = `line ${rows[n - 1].line}`;

  // Bare `Intensity` columns: fractional counts betray the Poisson correction (see the module note).
  const ionCols = columns.flatMap((c, j) => (c.role === 'ion' ? [j] : []));
  const undecided = ionCols.filter((j) => (columns[j] as { poisson: boolean | null }).poisson === null);
  let inferred = false;
  if (undecided.length > 0) {
    inferred = undecided.some((j) => values[j]!.subarray(0, kept).some((v) => !Number.isInteger(v)));
    metadata.poissonCorrection = inferred ? 'inferred: fractional counts in bare Intensity columns' : 'inferred: integer counts in bare Intensity columns (raw)';
  } else if (ionCols.length > 0) {
    metadata.poissonCorrection = 'stated by the column kinds';
  }

  const ions: IonSignal[] = ionCols.map((j) => {
    const col = columns[j] as { label: string; mz: number | null; poisson: boolean | null };
    return { label: col.label, mz: col.mz, counts: values[j]!.slice(0, kept), poissonCorrected: col.poisson ?? inferred };
  });
  const ratios = columns.flatMap((c) => (c.role === 'ratio' ? [c.label] : []));
  if (ratios.length > 0) metadata.ratioColumnsDropped = ratios.join(' | ');
  const ignored = columns.flatMap((c) => (c.role === 'ignored' ? [c.kind] : []));
  if (ignored.length > 0) metadata.columnsIgnored = ignored.join(' | ');

  const profile: DepthProfile = {
    kind: 'depthProfile',
    source: { fileName, format: 'iontof-ascii', sizeBytes },
    polarity: polarityOf(ions.map((i) => i.label)),
    timeS,
    ions,
    metadata,
  };
  const totalCol = columns.findIndex((c) => c.role === 'total');
  if (totalCol >= 0) profile.totalCounts = values[totalCol]!.slice(0, kept);
  // An all-zero dose column means the exporter had no dose to write (Strata's own writer does this).
  const doseCol = columns.findIndex((c, j) => c.role === 'dose' && values[j]!.subarray(0, kept).some((v) => v !== 0));
  if (doseCol >= 0) profile.primaryDoseIons = values[doseCol]!.slice(0, kept);
  const fluenceCol = columns.findIndex((c) => c.role === 'fluence');
  if (doseCol >= 0 && fluenceCol >= 0) {
    const r = kept - 1;
    const area = values[doseCol]![r] / values[fluenceCol]![r];
    if (Number.isFinite(area) && area > 0) metadata.sputterAreaCm2 = area.toPrecision(4);
  }
  return profile;
}

/** Polarity from the charge signs at the end of the ion labels; mixed or unsigned → unknown. */
export function polarityOf(labels: readonly string[]): DepthProfile['polarity'] {
  let plus = 0;
  let minus = 0;
  for (const label of labels) {
    const last = label.trim().slice(-1);
    if (last === '+') plus++;
    else if (last === '-' || last === '\u2212') minus++;
  }
  if (plus > 0 && minus === 0) return 'positive';
  if (minus > 0 && plus === 0) return 'negative';
  return 'unknown';
}

function clip(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
