import { num, parseLengthNm } from './text.js';
import { finiteOrNull, valueCandidate } from './vendor.js';
import type { PixelSizeCandidate, VendorInfo } from './vendor.js';

/**
 * JEOL sidecar `.txt`: `$KEY value` lines. The older generation (`$CM_FORMAT JEOL-SEM`,
 * `$CM_VERSION 1.0`) writes `$$SM_MICRON_BAR` (bar length in pixels of the `$CM_FULL_SIZE`
 * frame) beside `$$SM_MICRON_MARKER` (its length, e.g. `500um`); newer software
 * (`$SEM_DATA_VERSION`, `$CM_VERSION 3.0`, InTouchScope) may drop the bar length and write
 * `$CM_FIELD_OF_VIEW`, or neither. Keys come with `$$SM_`, `$SM_` or `$CM_` prefixes depending
 * on the generation, so lookups accept any of them.
 */
export function parseJeolText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const m = /^\s*(\${1,2}[A-Z0-9_%]+)(?:\s+(.*))?$/.exec(raw);
    if (m) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** `MICRON_BAR` → the value of `$$SM_MICRON_BAR`, `$SM_MICRON_BAR` or `$CM_MICRON_BAR`. */
function lookup(keys: Map<string, string>, name: string): { key: string; value: string } | null {
  for (const key of [`$$SM_${name}`, `$SM_${name}`, `$CM_${name}`, `$$CM_${name}`]) {
    const value = keys.get(key);
    if (value !== undefined && value !== '') return { key, value };
  }
  return null;
}

const numbers = (value: string | undefined): number[] =>
  (value ?? '').split(/\s+/).filter(Boolean).map(Number);

/**
 * Field-of-view width in nm from `$CM_FIELD_OF_VIEW 96.0 72.0` or `96.0µm 72.0µm`
 * (µm when no unit is written).
 */
function fieldOfViewWidthNm(value: string): number | null {
  const first = value.trim().split(/\s+/)[0] ?? '';
  return parseLengthNm(first, 'um');
}

/**
 * The reference width of a JEOL magnification: Mag is defined on a 128 mm wide frame, so the
 * field of view is 0.128 m / Mag. Only an estimate: it ignores the instrument's calibration.
 */
export const JEOL_REFERENCE_WIDTH_NM = 0.128e9;

/**
 * Order of preference (data README): bar pixels with marker length (× full width / TIFF
 * width) → field of view → the burned-in scale bar measured in the image → 0.128 m / (Mag ×
 * width), flagged as an estimate.
 */
export function parseJeolMetadata(text: string, tiffWidth: number, tiffHeight: number): VendorInfo {
  const keys = parseJeolText(text);
  const [fullW, fullH] = numbers(keys.get('$CM_FULL_SIZE'));
  const fullWidthPx = fullW && fullW > 0 ? fullW : tiffWidth;
  const bar = lookup(keys, 'MICRON_BAR');
  const marker = lookup(keys, 'MICRON_MARKER');
  const markerNm = marker ? parseLengthNm(marker.value, 'um') : null;
  const barPx = bar ? num(bar.value.split(/\s+/)[0]) : null;
  const candidates: PixelSizeCandidate[] = [];
  if (markerNm !== null && barPx !== null && barPx > 0) {
    const scaled = fullWidthPx !== tiffWidth ? ` × full width ${fullWidthPx} / ${tiffWidth} px` : '';
    candidates.push(...valueCandidate((markerNm / barPx) * (fullWidthPx / tiffWidth), 'sidecar', `${marker!.key} ${marker!.value} / ${bar!.key} ${barPx} px${scaled}`));
  }
  const fov = keys.get('$CM_FIELD_OF_VIEW') ?? keys.get('$SM_FIELD_OF_VIEW') ?? keys.get('$$SM_FIELD_OF_VIEW');
  if (fov) candidates.push(...valueCandidate((fieldOfViewWidthNm(fov) ?? NaN) / tiffWidth, 'sidecar', `$CM_FIELD_OF_VIEW ${fov} / width ${tiffWidth} px`));
  if (markerNm !== null && markerNm > 0) candidates.push({ kind: 'scalebar', markerNm, detail: `burned-in scale bar, ${marker!.key} ${marker!.value}` });
  const mag = num(keys.get('$CM_MAG')?.split(/\s+/)[0]);
  if (mag !== null && mag > 0) candidates.push(...valueCandidate(JEOL_REFERENCE_WIDTH_NM / (mag * tiffWidth), 'estimate', `0.128 m / ($CM_MAG ${mag} × width ${tiffWidth} px)`));
  // $CM_STAGE_POS is X Y Z T R …: the fourth value is the stage tilt in degrees.
  const stage = numbers(keys.get('$CM_STAGE_POS') ?? keys.get('$CM_STAGE_POSITION'));
  const explicitTilt = num(lookup(keys, 'STAGE_TILT')?.value ?? null) ?? num(lookup(keys, 'TILT')?.value ?? null);
  const tiltDeg = finiteOrNull(explicitTilt ?? (stage.length >= 4 ? stage[3] : null));
  // An image saved with the data bar under it has more rows than the scan frame.
  const frameRows = fullH && fullH > 0 ? Math.round((fullH * tiffWidth) / fullWidthPx) : undefined;
  return {
    vendor: 'JEOL',
    instrument: keys.get('$CM_INSTRUMENT') || undefined,
    candidates,
    tiltDeg: tiltDeg === 0 ? 0 : tiltDeg, // JEOL writes "-0.0": report 0, not -0
    imageRows: frameRows !== undefined && frameRows < tiffHeight ? frameRows : undefined,
    metadata: Object.fromEntries(keys),
  };
}
