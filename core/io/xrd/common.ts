import { assertSaneAllocation, FormatError } from '../../model/errors.js';
import type { SourceInfo } from '../../model/provenance.js';
import type { XrdOptics, XrdPattern, XrdWavelength } from '../../model/xrdPattern.js';

/**
 * A 1-D diffraction scan never has more than a few 10^5 points; ten million is a generous
 * ceiling that still refuses a corrupt header's "4 billion steps" before anything is allocated.
 */
export const MAX_XRD_POINTS = 10_000_000;

/** Largest member a zipped format (rasx, brml) may inflate to: far above any real scan. */
export const MAX_ZIP_MEMBER_BYTES = 256 * 1024 ** 2;

export function assertPointCount(fileName: string, what: string, count: number, where: { offset?: number; line?: number } = {}): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_XRD_POINTS) {
    throw new FormatError(fileName, `${what}: ${count} points claimed, refused (limit ${MAX_XRD_POINTS})`, where);
  }
  assertSaneAllocation(fileName, what, count, 8);
}

/** Text with a UTF-8 byte-order mark removed; `encoding` as TextDecoder names it. */
export function decodeText(bytes: Uint8Array, encoding = 'utf-8'): string {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (hasBom) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * Rigaku writes header text in the instrument's locale: Shift-JIS on Japanese-installed
 * SmartLab software (instrument names like 標準アッテネータ). Valid UTF-8 (or a BOM) is taken
 * as UTF-8; anything else is decoded as Shift-JIS, which is ASCII-compatible for the numbers.
 */
export function decodeRigakuText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: decodeText(bytes), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('shift_jis').decode(bytes), encoding: 'shift_jis' };
  }
}

/** A finite number, or a FormatError naming the file and line. */
export function parseNumberAt(fileName: string, text: string, line: number, what = 'number'): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new FormatError(fileName, `expected ${what}, found '${text.trim().slice(0, 40)}'`, { line });
  }
  return value;
}

/** Optional numeric header value: NaN-free number or undefined. */
export function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  const value = Number(t);
  return Number.isFinite(value) ? value : undefined;
}

/** Kα1 (and Kα2, ratio) from header values; null when the file gives no usable Kα1. */
export function wavelengthFrom(alpha1?: number, alpha2?: number, ratio?: number): XrdWavelength | null {
  if (alpha1 === undefined || !(alpha1 > 0.1 && alpha1 < 10)) return null;
  const w: XrdWavelength = { alpha1A: alpha1 };
  if (alpha2 !== undefined && alpha2 > 0.1 && alpha2 < 10) w.alpha2A = alpha2;
  if (ratio !== undefined && ratio >= 0 && ratio <= 1) w.ratioAlpha2 = ratio;
  return w;
}

/** Evenly stepped angles start, start+step, … (n points), computed without drift. */
export function steppedAxis(startDeg: number, stepDeg: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = startDeg + i * stepDeg;
  return out;
}

export interface ScanInit {
  source: SourceInfo;
  twoThetaDeg: Float64Array;
  intensity: Float64Array;
  intensityUnit: XrdPattern['intensityUnit'];
  wavelength: XrdWavelength | null;
  metadata: Record<string, string>;
  /** The beam optics, where the reader reads them (core/io/xrd/optics.ts). */
  optics?: XrdOptics;
}

/**
 * The scan with its angles ascending, as every analysis reads them: one written from high to low
 * angle is turned round (its metadata says so; read as it was, its peaks were searched for
 * backwards and none was found, without a word). One whose angles go back and forth is refused:
 * no order of its points is the scan.
 */
function inAscendingOrder(fileName: string, s: ScanInit): ScanInit {
  const x = s.twoThetaDeg;
  let rises = 0;
  let firstFall = -1;
  for (let i = 1; i < x.length; i++) {
    if (x[i] > x[i - 1]) rises++;
    else if (x[i] < x[i - 1] && firstFall < 0) firstFall = i;
  }
  if (firstFall < 0) return s;
  if (rises > 0) {
    throw new FormatError(fileName, `the angles go up and down (point ${firstFall + 1}: ${x[firstFall]}° after ${x[firstFall - 1]}°), not in one direction`);
  }
  return {
    ...s,
    twoThetaDeg: x.slice().reverse(),
    intensity: s.intensity.slice().reverse(),
    metadata: { ...s.metadata, 'strata.angleOrder': 'high to low in the file: read from low to high' },
  };
}

/** The first scan carries the others in `otherScans`, as the model wants for multi-scan files. */
export function patternFromScans(fileName: string, scans: ScanInit[]): XrdPattern {
  if (scans.length === 0) throw new FormatError(fileName, 'no scan with data found');
  const patterns: XrdPattern[] = scans.map((s) => {
    if (s.twoThetaDeg.length !== s.intensity.length) {
      throw new FormatError(fileName, `${s.twoThetaDeg.length} angles but ${s.intensity.length} intensities`);
    }
    if (s.twoThetaDeg.length === 0) throw new FormatError(fileName, 'a scan has no data points');
    // Each value may parse, yet overflow once combined (counts × attenuation, start + i·step)
    // or be a NaN/Inf float in a binary file: a pattern holds finite numbers only.
    for (const [what, values] of [['angle', s.twoThetaDeg], ['intensity', s.intensity]] as const) {
      const i = values.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) throw new FormatError(fileName, `${what} of point ${i + 1} is ${values[i]}, not a finite number`);
    }
    return { kind: 'xrdPattern', ...inAscendingOrder(fileName, s) };
  });
  const [first, ...rest] = patterns;
  if (rest.length > 0) first.otherScans = rest;
  return first;
}

/** Adds a key, keeping repeats distinct (`KEY`, `KEY#2`, …) so nothing the file wrote is lost. */
export function putMeta(meta: Record<string, string>, key: string, value: string): void {
  if (!(key in meta)) {
    meta[key] = value;
    return;
  }
  let i = 2;
  while (`${key}#${i}` in meta) i++;
  meta[`${key}#${i}`] = value;
}
