/**
 * XrdPattern → Rigaku `.ras` text, laid out like the SmartLab files (see
 * ../shared/data/xrd/gredig_MB120718Si3.ras): `*RAS_DATA_START`, a `*RAS_HEADER_START` …
 * `*RAS_HEADER_END` block of `*KEY "value"` lines, then `*RAS_INT_START`, one line per point
 * `angle counts attenuation`, `*RAS_INT_END`, `*RAS_DATA_END`; CRLF throughout.
 *
 * The second column holds the counts the detector registered and the third the attenuator
 * factor in the beam at that step, so the intensity is counts × attenuation. Where a caller
 * gives attenuation > 1 (a strong substrate reflection, as the instrument's auto-attenuator
 * would), the counts column is the intensity divided by it. Header text is ASCII only here
 * (real files use Shift-JIS for Japanese instrument names).
 */
import type { XrdPattern } from '../../model/xrdPattern.js';

export interface RasWriteOptions {
  /** Attenuator factor per point (≥ 1); default 1 everywhere. */
  attenuation?: ArrayLike<number>;
  /** Further header keys (without `*`), written after the standard ones, sorted with them. */
  header?: Record<string, string>;
}

function fixed(v: number, digits: number): string {
  return v.toFixed(digits);
}

export function writeRas(pattern: XrdPattern, options: RasWriteOptions = {}): Uint8Array {
  const x = pattern.twoThetaDeg;
  const y = pattern.intensity;
  const n = x.length;
  if (y.length !== n) throw new RangeError(`XRD pattern: ${n} angles but ${y.length} intensities`);
  if (n < 2) throw new RangeError('XRD pattern needs at least two points');
  const att = options.attenuation;
  if (att && att.length !== n) throw new RangeError(`attenuation has ${att.length} values, pattern ${n}`);
  const step = (x[n - 1] - x[0]) / (n - 1);
  const wl = pattern.wavelength;
  const head: Record<string, string> = {
    FILE_TYPE: 'RAS_RAW',
    FILE_VERSION: '1.0000000000',
    FILE_SAMPLE: pattern.source.fileName,
    HW_XG_TARGET_NAME: 'Cu',
    MEAS_DATA_COUNT: fixed(n, 10),
    MEAS_SCAN_AXIS_X: '2-Theta',
    MEAS_SCAN_MODE: 'CONTINUOUS',
    MEAS_SCAN_START: fixed(x[0], 10),
    MEAS_SCAN_STEP: fixed(step, 10),
    MEAS_SCAN_STOP: fixed(x[n - 1], 10),
    MEAS_SCAN_UNIT_X: 'deg',
    MEAS_SCAN_UNIT_Y: pattern.intensityUnit === 'cps' ? 'cps' : 'counts',
    ...(wl
      ? {
          HW_XG_WAVE_LENGTH_ALPHA1: wl.alpha1A.toFixed(6),
          ...(wl.alpha2A !== undefined ? { HW_XG_WAVE_LENGTH_ALPHA2: wl.alpha2A.toFixed(6) } : {}),
          MEAS_COND_XG_WAVE_TYPE: 'Ka',
        }
      : {}),
    ...options.header,
  };
  const lines: string[] = ['*RAS_DATA_START', '*RAS_HEADER_START'];
  for (const key of Object.keys(head).sort()) {
    const value = head[key].replace(/"/g, "'");
    if (/[^\x20-\x7e]/.test(key + value)) throw new RangeError(`RAS header ${key}: only printable ASCII is written`);
    lines.push(`*${key} "${value}"`);
  }
  lines.push('*RAS_HEADER_END', '*RAS_INT_START');
  for (let i = 0; i < n; i++) {
    const a = att ? att[i] : 1;
    if (!(a >= 1)) throw new RangeError(`attenuation at point ${i} is ${a}, must be ≥ 1`);
    lines.push(`${fixed(x[i], 4)} ${fixed(y[i] / a, 4)} ${fixed(a, 4)}`);
  }
  lines.push('*RAS_INT_END', '*RAS_DATA_END');
  return new TextEncoder().encode(lines.join('\r\n') + '\r\n');
}
