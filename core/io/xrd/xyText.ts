import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { assertPointCount, decodeRigakuText, optionalNumber, patternFromScans, wavelengthFrom } from './common.js';

export interface XyTextOptions {
  /**
   * What the first column is. `auto` (default) reads a column label from the header, else the
   * file name (a `Theta` token without a leading `2`/`two` means θ), else assumes 2θ.
   */
  angleAxis?: 'auto' | 'twoTheta' | 'theta';
}

const TWO_THETA_LABEL = /(^|[^a-z0-9])(2\s*[-_]?\s*(theta|θ|th)|two\s*[-_]?\s*theta|2θ)([^a-z]|$)/i;
const THETA_LABEL = /(^|[^a-z0-9])(theta|θ)([^a-z]|$)/i;

/**
 * Decides whether the angle column is θ or 2θ and says why, so the choice is visible in the
 * dataset's metadata. A θ column (θ/2θ scans exported as θ, e.g. gredig_MnPcTheta.txt) is
 * doubled to 2θ.
 */
export function angleAxisOf(fileName: string, headerLabels: string[], option: XyTextOptions['angleAxis'] = 'auto'): { axis: 'theta' | 'twoTheta'; reason: string } {
  if (option === 'theta' || option === 'twoTheta') return { axis: option, reason: 'as the user said' };
  for (const label of headerLabels) {
    if (TWO_THETA_LABEL.test(label)) return { axis: 'twoTheta', reason: `column label '${label.trim()}'` };
    if (THETA_LABEL.test(label)) return { axis: 'theta', reason: `column label '${label.trim()}'` };
  }
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  // Split camelCase and separators: "gredig_MnPcTheta" → gredig Mn Pc Theta.
  const spaced = base.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ');
  if (TWO_THETA_LABEL.test(base) || TWO_THETA_LABEL.test(spaced)) return { axis: 'twoTheta', reason: `file name '${base}' says 2θ` };
  if (THETA_LABEL.test(spaced)) return { axis: 'theta', reason: `file name '${base}' says θ, not 2θ` };
  return { axis: 'twoTheta', reason: 'nothing says otherwise: 2θ assumed' };
}

/**
 * Plain column text: `.xy`, `.xye`, `.csv`, `.dat`, `.txt` exports. Columns x y [σ] separated by
 * whitespace, comma, semicolon or tab; decimal commas accepted when the separator is not a
 * comma. Lines starting with `#`, `;`, `!`, `%`, `'`, `*` and leading non-numeric lines are
 * header; `key: value` / `key = value` header lines are kept in metadata. A third column (σ)
 * is noted but not kept: the model holds intensities only.
 */
export function readXyText(bytes: Uint8Array, fileName: string, opts: XyTextOptions = {}): XrdPattern {
  const { text } = decodeRigakuText(bytes);
  const lines = text.split(/\r?\n/);
  const metadata: Record<string, string> = {};
  const labels: string[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  let columns = 0;
  let inData = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].replace(/^\uFEFF/, '').trim();
    if (line === '') continue;
    if (/^[#;!%'*]/.test(line)) {
      const body = line.replace(/^[#;!%'*]+\s*/, '');
      const kv = /^([^:=]{1,60}?)\s*[:=]\s*(.*)$/.exec(body);
      if (kv) metadata[kv[1].trim()] = kv[2].trim();
      else if (body) labels.push(body);
      continue;
    }
    const cells = splitCells(line);
    const nums = cells.map((c) => Number(c));
    if (cells.length < 2 || nums.slice(0, 2).some((n) => !Number.isFinite(n))) {
      if (!inData) {
        labels.push(line);
        continue;
      }
      throw new FormatError(fileName, `expected 'x y' numbers, found '${line.slice(0, 40)}'`, { line: lineNo });
    }
    inData = true;
    columns = Math.max(columns, cells.length);
    xs.push(nums[0]);
    ys.push(nums[1]);
  }
  if (xs.length < 2) throw new FormatError(fileName, 'fewer than two data rows');
  assertPointCount(fileName, 'rows', xs.length);
  const { axis, reason } = angleAxisOf(fileName, labels, opts.angleAxis);
  const twoTheta = Float64Array.from(xs, (x) => (axis === 'theta' ? 2 * x : x));
  metadata['strata.angleColumn'] = axis === 'theta' ? `θ (${reason}): doubled to 2θ` : `2θ (${reason})`;
  if (columns >= 3) metadata['strata.errorColumn'] = 'third column present (σ), not kept';
  if (labels.length) metadata['strata.headerLines'] = labels.join(' | ');
  const integers = ys.every((y) => Number.isInteger(y) && y >= 0);
  return patternFromScans(fileName, [
    {
      source: { fileName, format: 'xy-text' },
      twoThetaDeg: twoTheta,
      intensity: Float64Array.from(ys),
      // Whole non-negative numbers look like counts; fractions (averaged or normalised) do not.
      intensityUnit: integers ? 'counts' : 'arbitrary',
      wavelength: wavelengthFrom(optionalNumber(metadata.wavelength ?? metadata.Wavelength ?? metadata.lambda)),
      metadata,
    },
  ]);
}

function splitCells(line: string): string[] {
  if (line.includes(';')) return line.split(';').map((c) => c.trim().replace(',', '.')).filter((c) => c !== '');
  if (line.includes('\t')) {
    const cells = line.split('\t').map((c) => c.trim()).filter((c) => c !== '');
    return cells.map((c) => (/^[-+]?\d+,\d+([eE][-+]?\d+)?$/.test(c) ? c.replace(',', '.') : c));
  }
  if (line.includes(',')) return line.split(',').map((c) => c.trim()).filter((c) => c !== '');
  return line.split(/\s+/);
}
