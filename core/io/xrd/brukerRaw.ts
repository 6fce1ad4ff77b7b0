import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import { assertPointCount, patternFromScans, steppedAxis, wavelengthFrom } from './common.js';
import type { ScanInit } from './common.js';

/** Bounds-checked little-endian reads; a short file is a FormatError at the offset it ended. */
class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly fileName: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, length: number, what: string): void {
    if (offset < 0 || offset + length > this.bytes.length) {
      throw new FormatError(this.fileName, `file ends before ${what} (${length} bytes needed, ${Math.max(0, this.bytes.length - offset)} left)`, { offset });
    }
  }
  u32(o: number, what: string): number {
    this.need(o, 4, what);
    return this.view.getUint32(o, true);
  }
  f32(o: number, what: string): number {
    this.need(o, 4, what);
    return this.view.getFloat32(o, true);
  }
  f64(o: number, what: string): number {
    this.need(o, 8, what);
    return this.view.getFloat64(o, true);
  }
  str(o: number, length: number, what: string): string {
    this.need(o, length, what);
    let s = '';
    for (let i = 0; i < length; i++) {
      const c = this.bytes[o + i];
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s.trim();
  }
  floats(o: number, n: number, what: string): Float64Array {
    assertPointCount(this.fileName, what, n, { offset: o });
    this.need(o, 4 * n, what);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getFloat32(o + 4 * i, true);
    return out;
  }
}

/**
 * Bruker/Siemens DIFFRAC `.raw`, binary little-endian, three generations:
 * - `RAW ` (DIFFRAC-AT v1): per range a 160-byte header then float32 counts; a non-zero
 *   "following range" flag chains the next range.
 * - `RAW1.01` (DIFFRAC plus, "v3" in xylib): 712-byte file header (range count at 12, Kα1/Kα2/
 *   ratio as float64 at 624/632/648), then per range a 304-byte header (steps at 4, start 2θ at
 *   16, step at 176, time per step at 192, supplementary-header size at 256) and float32 counts.
 * - `RAW4.00` (DIFFRAC.SUITE): 61-byte header, tagged metadata segments (type, length; type 10
 *   text variables, type 30 hardware with the wavelengths), then ranges: a 160-byte range
 *   header (scan type at 32, start angle at 72, step at 80, steps at 88, time per step at 92,
 *   datum size at 136, extra header size at 140), extra headers, float32 counts.
 * Layouts as documented in the DIFFRAC plus XCH manual (appendix A) and implemented by xylib.
 */
export function readBrukerRaw(bytes: Uint8Array, fileName: string): XrdPattern {
  const r = new Reader(bytes, fileName);
  const magic = r.str(0, 7, 'the signature');
  if (magic.startsWith('RAW1.01')) return patternFromScans(fileName, readV3(r));
  if (magic.startsWith('RAW4.00')) return patternFromScans(fileName, readV4(r));
  if (magic.startsWith('RAW ') || magic === 'RAW') return patternFromScans(fileName, readV1(r));
  if (magic.startsWith('RAW2')) throw new FormatError(fileName, 'Bruker RAW version 2 is not supported (convert to RAW1.01/4.00 or xy)', { offset: 0 });
  throw new FormatError(fileName, `not a Bruker RAW file (signature '${magic}')`, { offset: 0 });
}

function scan(fileName: string, start: number, step: number, counts: Float64Array, meta: Record<string, string>, wl: ScanInit['wavelength']): ScanInit {
  return { source: { fileName, format: 'bruker-raw' }, twoThetaDeg: steppedAxis(start, step, counts.length), intensity: counts, intensityUnit: 'counts', wavelength: wl, metadata: meta };
}

function readV1(r: Reader): ScanInit[] {
  const scans: ScanInit[] = [];
  let o = 4;
  for (let range = 0; range < 1000; range++) {
    let steps = r.u32(o, 'range step count');
    // Early files repeat "RAW " before further ranges.
    if (range > 0 && steps === 0x20574152) {
      o += 4;
      steps = r.u32(o, 'range step count');
    }
    const meta: Record<string, string> = { 'format version': '1 (RAW )' };
    meta.MEASUREMENT_TIME_PER_STEP = String(r.f32(o + 4, 'time per step'));
    const step = r.f32(o + 8, 'step size');
    meta.SCAN_MODE = String(r.u32(o + 12, 'scan mode'));
    const start = r.f32(o + 20, 'start angle');
    meta.SAMPLE_NAME = r.str(o + 36, 32, 'sample name');
    const a1 = r.f32(o + 68, 'Kα1');
    const a2 = r.f32(o + 72, 'Kα2');
    const following = r.u32(o + 148, 'following-range flag');
    const counts = r.floats(o + 152, steps, 'range counts');
    scans.push(scan(r.fileName, start, step, counts, meta, wavelengthFrom(a1, a2)));
    o += 152 + 4 * steps;
    if (following === 0) break;
  }
  return scans;
}

function readV3(r: Reader): ScanInit[] {
  const meta: Record<string, string> = { 'format version': '3 (RAW1.01)' };
  const status = r.u32(8, 'file status');
  meta['file status'] = ['', 'done', 'active', 'aborted', 'interrupted'][status] ?? String(status);
  const ranges = r.u32(12, 'range count');
  if (ranges > 10000) throw new FormatError(r.fileName, `header claims ${ranges} ranges, refused`, { offset: 12 });
  meta.MEASURE_DATE = r.str(16, 10, 'date');
  meta.MEASURE_TIME = r.str(26, 10, 'time');
  meta.USER = r.str(36, 72, 'user');
  meta.SITE = r.str(108, 218, 'site');
  meta.SAMPLE_ID = r.str(326, 60, 'sample id');
  meta.COMMENT = r.str(386, 160, 'comment');
  meta.ANODE_MATERIAL = r.str(608, 4, 'anode');
  const avg = r.f64(616, 'Kα average');
  const a1 = r.f64(624, 'Kα1');
  const a2 = r.f64(632, 'Kα2');
  const ratio = r.f64(648, 'Kα2/Kα1 ratio');
  Object.assign(meta, { ALPHA_AVERAGE: String(avg), ALPHA1: String(a1), ALPHA2: String(a2), ALPHA_RATIO: String(ratio) });
  const wl = wavelengthFrom(a1, a2, ratio);
  const scans: ScanInit[] = [];
  let o = 712;
  for (let k = 0; k < ranges; k++) {
    const headerLen = r.u32(o, 'range header length');
    if (headerLen !== 304) throw new FormatError(r.fileName, `range ${k + 1}: header length ${headerLen}, expected 304`, { offset: o });
    const steps = r.u32(o + 4, 'range step count');
    assertPointCount(r.fileName, `range ${k + 1} steps`, steps, { offset: o + 4 });
    const rangeMeta: Record<string, string> = { ...meta, 'strata.range': String(k) };
    rangeMeta.START_THETA = String(r.f64(o + 8, 'start θ'));
    const start = r.f64(o + 16, 'start 2θ');
    const step = r.f64(o + 176, 'step size');
    rangeMeta.TIME_PER_STEP = String(r.f32(o + 192, 'time per step'));
    rangeMeta.GENERATOR_VOLTAGE = String(r.u32(o + 224, 'generator voltage'));
    rangeMeta.GENERATOR_CURRENT = String(r.u32(o + 228, 'generator current'));
    rangeMeta.USED_LAMBDA = String(r.f64(o + 240, 'used λ'));
    const supplementary = r.u32(o + 256, 'supplementary header size');
    const dataAt = o + 304 + supplementary;
    const counts = r.floats(dataAt, steps, `range ${k + 1} counts`);
    scans.push(scan(r.fileName, start, step, counts, rangeMeta, wl));
    o = dataAt + 4 * steps;
  }
  return scans;
}

function readV4(r: Reader): ScanInit[] {
  const meta: Record<string, string> = { 'format version': '4 (RAW4.00)' };
  meta.MEASURE_DATE = r.str(12, 12, 'date');
  meta.MEASURE_TIME = r.str(24, 10, 'time');
  let wl: ScanInit['wavelength'] = null;
  let o = 61;
  let type = r.u32(o, 'segment type');
  // Global metadata segments until the first range (type 0 or 160).
  for (let guard = 0; type !== 0 && type !== 160; guard++) {
    const len = r.u32(o + 4, 'segment length');
    if (len < 8 || guard > 100000) throw new FormatError(r.fileName, `metadata segment of length ${len}`, { offset: o });
    r.need(o, len, `segment type ${type}`);
    if (type === 10 && len >= 36) {
      meta[r.str(o + 12, 24, 'variable name')] = r.str(o + 36, len - 36, 'variable value');
    } else if (type === 30 && len >= 120) {
      const a1 = r.f64(o + 80, 'Kα1');
      const a2 = r.f64(o + 88, 'Kα2');
      const ratio = r.f64(o + 104, 'ratio');
      Object.assign(meta, { ALPHA_AVERAGE: String(r.f64(o + 72, 'Kα average')), ALPHA1: String(a1), ALPHA2: String(a2), BETA: String(r.f64(o + 96, 'Kβ')), ALPHA_RATIO: String(ratio) });
      meta.ANODE_MATERIAL = r.str(o + 116, 4, 'anode');
      wl = wavelengthFrom(a1, a2, ratio);
    }
    o += len;
    type = r.u32(o, 'segment type');
  }
  const scans: ScanInit[] = [];
  for (let k = 0; ; k++) {
    r.need(o, 160, `range ${k + 1} header`);
    const rangeMeta: Record<string, string> = { ...meta, 'strata.range': String(k) };
    rangeMeta.SCAN_TYPE = r.str(o + 32, 24, 'scan type');
    const start = r.f64(o + 72, 'start angle');
    const step = r.f64(o + 80, 'step size');
    const steps = r.u32(o + 88, 'step count');
    assertPointCount(r.fileName, `range ${k + 1} steps`, steps, { offset: o + 88 });
    rangeMeta.TIME_PER_STEP = String(r.f32(o + 92, 'time per step'));
    rangeMeta.GENERATOR_VOLTAGE = String(r.f32(o + 100, 'generator voltage'));
    rangeMeta.GENERATOR_CURRENT = String(r.f32(o + 104, 'generator current'));
    rangeMeta.USED_LAMBDA = String(r.f64(o + 112, 'used λ'));
    const datumSize = r.u32(o + 136, 'datum size');
    const extra = r.u32(o + 140, 'extra header size');
    if (datumSize !== 4) throw new FormatError(r.fileName, `range ${k + 1}: datum size ${datumSize}, only 4-byte floats are read`, { offset: o + 136 });
    const dataAt = o + 160 + extra;
    const counts = r.floats(dataAt, steps, `range ${k + 1} counts`);
    scans.push(scan(r.fileName, start, step, counts, rangeMeta, wl));
    o = dataAt + 4 * steps;
    if (o + 4 > r.bytes.length) break;
    const next = r.u32(o, 'next range marker');
    if (next !== 0 && next !== 160) break;
  }
  return scans;
}
