import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { decodeRigakuText, optionalNumber, parseNumberAt, patternFromScans, putMeta, wavelengthFrom } from './common.js';
import type { ScanInit } from './common.js';
import { rasAxes, rigakuOptics } from './optics.js';

/**
 * Rigaku RAS (SmartLab, Ultima). Layout: `*RAS_DATA_START`, then per scan a header block
 * (`*RAS_HEADER_START` … `*KEY "value"` … `*RAS_HEADER_END`) and a data block
 * (`*RAS_INT_START` … `*RAS_INT_END`), then `*RAS_DATA_END`. Multi-scan files repeat the
 * header/data pair. Data rows are `angle counts attenuationFactor`; the third column is the
 * factor by which the attenuator reduced the beam, so the intensity is counts × factor
 * (two-column rows are taken as factor 1). Header text is Shift-JIS on Japanese-installed
 * software and is decoded to Unicode; CRLF or LF line ends.
 */
export function readRas(bytes: Uint8Array, fileName: string): XrdPattern {
  const { text, encoding } = decodeRigakuText(bytes);
  const lines = text.split(/\r?\n/);
  const scans: ScanInit[] = [];
  let header: Record<string, string> = {};
  let inData = false;
  let angles: number[] = [];
  let values: number[] = [];
  let attenuated = 0;
  let dataStartLine = 0;

  const finishScan = (lineNo: number): void => {
    const unitY = (header.MEAS_SCAN_UNIT_Y ?? '').toLowerCase();
    const declared = optionalNumber(header.MEAS_DATA_COUNT);
    const metadata: Record<string, string> = {
      ...header,
      'strata.encoding': encoding,
      'strata.intensity': 'counts × attenuation factor (column 3)',
    };
    if (attenuated > 0) metadata['strata.attenuatedPoints'] = String(attenuated);
    if (declared !== undefined && declared !== angles.length) {
      metadata['strata.warning'] = `MEAS_DATA_COUNT says ${declared}, data block has ${angles.length} rows (line ${dataStartLine}-${lineNo})`;
    }
    scans.push({
      source: { fileName, format: 'rigaku-ras' },
      twoThetaDeg: Float64Array.from(angles),
      intensity: Float64Array.from(values),
      intensityUnit: unitY === 'cps' ? 'cps' : 'counts',
      wavelength: wavelengthFrom(optionalNumber(header.HW_XG_WAVE_LENGTH_ALPHA1), optionalNumber(header.HW_XG_WAVE_LENGTH_ALPHA2)),
      metadata,
      optics: rigakuOptics(rasAxes(header), header, header.MEAS_COND_OPT_ATTR),
    });
  };

  let sawStart = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (line === '') continue;
    if (inData) {
      if (line.startsWith('*RAS_INT_END')) {
        inData = false;
        finishScan(lineNo);
        continue;
      }
      if (line.startsWith('*')) throw new FormatError(fileName, `'${line.slice(0, 30)}' inside a data block (no *RAS_INT_END)`, { line: lineNo });
      const cols = line.split(/[\s,]+/);
      if (cols.length < 2) throw new FormatError(fileName, 'data row needs angle and counts', { line: lineNo });
      const angle = parseNumberAt(fileName, cols[0], lineNo, 'angle');
      const counts = parseNumberAt(fileName, cols[1], lineNo, 'count');
      const factor = cols.length >= 3 ? parseNumberAt(fileName, cols[2], lineNo, 'attenuation factor') : 1;
      if (factor !== 1) attenuated++;
      angles.push(angle);
      values.push(counts * factor);
      continue;
    }
    if (line.startsWith('*RAS_DATA_START')) {
      sawStart = true;
      continue;
    }
    if (line.startsWith('*RAS_HEADER_START')) {
      sawStart = true;
      header = {};
      continue;
    }
    if (line.startsWith('*RAS_HEADER_END') || line.startsWith('*RAS_DATA_END')) continue;
    if (line.startsWith('*RAS_INT_START')) {
      inData = true;
      angles = [];
      values = [];
      attenuated = 0;
      dataStartLine = lineNo;
      continue;
    }
    if (line.startsWith('*')) {
      // `*KEY "value"`; the value may hold spaces and Japanese text; quotes are optional.
      const m = /^\*(\S+)\s*(.*)$/.exec(line);
      if (!m) continue;
      const raw = m[2].trim();
      putMeta(header, m[1], raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw);
      continue;
    }
    if (!sawStart) throw new FormatError(fileName, 'not a RAS file: no *RAS_DATA_START / *RAS_HEADER_START', { line: lineNo });
    throw new FormatError(fileName, `unexpected text outside a data block: '${line.slice(0, 40)}'`, { line: lineNo });
  }
  if (inData) throw new FormatError(fileName, `data block opened at line ${dataStartLine} never closed (*RAS_INT_END missing)`, { line: lines.length });
  return patternFromScans(fileName, scans);
}
