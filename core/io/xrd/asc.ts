import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { assertPointCount, decodeRigakuText, optionalNumber, parseNumberAt, patternFromScans, putMeta, steppedAxis, wavelengthFrom } from './common.js';
import type { ScanInit } from './common.js';
import { ascOptics } from './optics.js';

/**
 * Rigaku `.asc` (and the same layout saved as `.dat`/`.txt`): `*KEY = value` lines (tab or
 * spaces around `=`), file-level keys first, then one group per scan between `*BEGIN` and
 * `*END` with `*START`, `*STOP`, `*STEP`, `*COUNT` and the data. Data come in two shapes:
 * intensities only, comma-separated, several per line (angles from START + i·STEP, the layout
 * xylib calls rigaku_dat), or one `angle intensity` pair per line. Repeated keys keep every
 * value (`KEY`, `KEY#2`, …).
 */
export function readAsc(bytes: Uint8Array, fileName: string): XrdPattern {
  const { text, encoding } = decodeRigakuText(bytes);
  const lines = text.split(/\r?\n/);
  const fileMeta: Record<string, string> = { 'strata.encoding': encoding };
  const scans: ScanInit[] = [];
  let group: Record<string, string> | null = null;
  let dataLines: Array<{ text: string; line: number }> = [];
  let groupLine = 0;

  const finishGroup = (endLine: number): void => {
    if (!group) return;
    const g = group;
    // Exports without *BEGIN put START/STEP/COUNT among the file-level keys.
    const get = (k: string): string | undefined => g[k] ?? fileMeta[k];
    const startDeg = optionalNumber(get('START'));
    const stepDeg = optionalNumber(get('STEP'));
    const declared = optionalNumber(get('COUNT'));
    const pairs = dataLines.length > 0 && dataLines.every((d) => !d.text.includes(',') && d.text.trim().split(/\s+/).length === 2);
    let angles: Float64Array;
    let values: Float64Array;
    if (pairs) {
      assertPointCount(fileName, 'data pairs', dataLines.length, { line: groupLine });
      angles = new Float64Array(dataLines.length);
      values = new Float64Array(dataLines.length);
      dataLines.forEach((d, i) => {
        const [a, v] = d.text.trim().split(/\s+/);
        angles[i] = parseNumberAt(fileName, a, d.line, 'angle');
        values[i] = parseNumberAt(fileName, v, d.line, 'intensity');
      });
    } else {
      if (startDeg === undefined || stepDeg === undefined || !(stepDeg !== 0)) {
        throw new FormatError(fileName, 'intensity-only group without usable *START / *STEP', { line: groupLine });
      }
      const list: number[] = [];
      for (const d of dataLines) {
        for (const item of d.text.split(/[,\s]+/)) if (item !== '') list.push(parseNumberAt(fileName, item, d.line, 'intensity'));
      }
      if (declared !== undefined && declared !== list.length) {
        throw new FormatError(fileName, `*COUNT says ${declared} points, the group holds ${list.length}`, { line: endLine });
      }
      assertPointCount(fileName, 'intensities', list.length, { line: groupLine });
      values = Float64Array.from(list);
      angles = steppedAxis(startDeg, stepDeg, list.length);
    }
    const yUnit = (fileMeta.YUNIT ?? g.YUNIT ?? '').toLowerCase();
    scans.push({
      source: { fileName, format: 'rigaku-asc' },
      twoThetaDeg: angles,
      intensity: values,
      intensityUnit: yUnit.startsWith('count') ? 'counts' : yUnit === 'cps' ? 'cps' : 'arbitrary',
      wavelength: wavelengthFrom(optionalNumber(g.WAVE_LENGTH1 ?? fileMeta.WAVE_LENGTH1), optionalNumber(g.WAVE_LENGTH2 ?? fileMeta.WAVE_LENGTH2)),
      metadata: { ...fileMeta, ...g },
      optics: ascOptics({ ...fileMeta, ...g }),
    });
    group = null;
    dataLines = [];
  };

  let sawKey = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (line === '') continue;
    if (line.startsWith('*')) {
      const m = /^\*([A-Za-z0-9_]+)\s*(?:=\s*(.*))?$/.exec(line);
      if (!m) throw new FormatError(fileName, `unreadable header line '${line.slice(0, 40)}'`, { line: lineNo });
      const key = m[1].toUpperCase();
      sawKey = true;
      if (key === 'BEGIN') {
        finishGroup(lineNo);
        group = {};
        groupLine = lineNo;
      } else if (key === 'END') {
        finishGroup(lineNo);
      } else if (key === 'EOF') {
        break;
      } else if (group && dataLines.length > 0 && key !== 'END') {
        throw new FormatError(fileName, `header key *${key} after data inside a group`, { line: lineNo });
      } else {
        putMeta(group ?? fileMeta, m[1], (m[2] ?? '').trim());
      }
      continue;
    }
    if (!sawKey) throw new FormatError(fileName, 'not a Rigaku ASC file: data before any *KEY = value header', { line: lineNo });
    if (!group) {
      group = {};
      groupLine = lineNo;
    }
    dataLines.push({ text: line, line: lineNo });
  }
  if (group) finishGroup(lines.length);
  return patternFromScans(fileName, scans);
}
