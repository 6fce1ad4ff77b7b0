import { latin1 } from './tiffTags.js';

/**
 * Sidecar text in whatever encoding the instrument chose: UTF-16 with a BOM (newer Hitachi),
 * UTF-8 (with or without BOM), or a Latin-1 / Shift-JIS-ish single-byte text where only
 * ASCII keys matter. Invalid UTF-8 falls back to Latin-1 so a µ byte survives as µ.
 */
export function decodeSidecarText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  // UTF-16 without BOM: every other byte of ASCII text is zero.
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0) return new TextDecoder('utf-16le').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

const UNIT_NM: Record<string, number> = { pm: 1e-3, nm: 1, um: 1e3, 'µm': 1e3, 'μm': 1e3, mm: 1e6, cm: 1e7, m: 1e9 };

/**
 * `500um`, `5.965 µm`, `200 nm`, `0.5mm` → nm. A replacement character or `?` in place of µ
 * (a Latin-1 µ read as UTF-8, or a codepage that lacks it) is read as micro, since no other
 * unit ends in `m` after one unknown character. `defaultUnit` applies to a bare number.
 */
export function parseLengthNm(text: string, defaultUnit?: keyof typeof UNIT_NM): number | null {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\s\d]*)\s*$/.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  let unit = m[2].toLowerCase();
  if (unit === '' && defaultUnit) unit = defaultUnit;
  if (/^[\ufffd?\u00b5\u03bcu]m$/.test(unit)) unit = 'um';
  const factor = UNIT_NM[unit];
  // The product too: `1e308µm` is a finite number of µm but not of nm.
  const nm = factor === undefined ? NaN : value * factor;
  return Number.isFinite(nm) ? nm : null;
}

/**
 * `key=value` lines (INI style) into a map; later keys win. Keys are `Section.key` inside a
 * section, or bare with `flat` (for files whose one section is only a file-type marker).
 */
export function parseIni(text: string, flat = false): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    out.set(section && !flat ? `${section}.${key}` : key, value);
  }
  return out;
}

/** A finite number or null (vendor files write empty values, `N/A`, …). */
export function num(value: string | undefined | null): number | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : null;
}
