import { num, parseLengthNm } from './text.js';
import { finiteOrNull, valueCandidate } from './vendor.js';
import type { VendorInfo } from './vendor.js';

export const ZEISS_TAG = 34118;

/**
 * Zeiss SmartSEM tag 34118: after a block of bare numbers come pairs of lines, an id
 * (`AP_WIDTH`) and a labelled value (`Width = 5.965 µm`), in Latin-1 (µ is byte 0xB5).
 * Ids map to their value text, the part after the first `=` (or `:` for dates).
 */
export function parseZeissPairs(text: string): Map<string, string> {
  const lines = text.split(/\r\n|\r|\n/);
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const id = lines[i].trim();
    if (!/^(AP|DP|SV|SS)_[A-Z0-9_]+$/.test(id)) continue;
    const labelled = lines[i + 1];
    const sep = labelled.search(/[=:]/);
    out.set(id, (sep >= 0 ? labelled.slice(sep + 1) : labelled).trim());
    i++;
  }
  return out;
}

/** `  2.0 °` → 2; null when there is no number. */
function degrees(value: string | undefined): number | null {
  const m = value ? /[-+]?\d+(?:\.\d*)?/.exec(value) : null;
  return m ? num(m[0]) : null;
}

/**
 * Pixel size: `AP_IMAGE_PIXEL_SIZE` (the stored image's pixel), else the field width `AP_WIDTH`
 * over the TIFF width. `AP_PIXEL_SIZE` is deliberately not used: it is the pixel of the
 * 1024-px scan, wrong for images stored at another resolution (e.g. 512 px: twice too small).
 * Tilt: `AP_STAGE_AT_T`, the actual stage tilt (`AP_TILT_ANGLE` is the tilt-correction
 * setting, kept in the metadata only).
 */
export function parseZeissMetadata(text: string, tiffWidth: number): VendorInfo {
  const pairs = parseZeissPairs(text);
  const imagePixel = pairs.get('AP_IMAGE_PIXEL_SIZE');
  const width = pairs.get('AP_WIDTH');
  const fromImagePixel = imagePixel ? parseLengthNm(imagePixel) : null;
  const widthNm = width ? parseLengthNm(width) : null;
  const candidates = [
    ...valueCandidate(fromImagePixel, 'metadata', `tag ${ZEISS_TAG} AP_IMAGE_PIXEL_SIZE`),
    ...valueCandidate(widthNm !== null ? widthNm / tiffWidth : null, 'metadata', `tag ${ZEISS_TAG} AP_WIDTH / width ${tiffWidth} px`),
  ];
  const serial = pairs.get('SV_SERIAL_NUMBER');
  // DP_TILT_CORRECTION 'Tilt Corrn. = On': SmartSEM stretched the image for AP_TILT_ANGLE.
  const correctionOn = /^on$/i.test((pairs.get('DP_TILT_CORRECTION') ?? '').trim());
  return {
    vendor: 'Zeiss',
    instrument: serial || undefined,
    candidates,
    tiltDeg: finiteOrNull(degrees(pairs.get('AP_STAGE_AT_T'))),
    ...(correctionOn ? { tiltCorrection: { angleDeg: finiteOrNull(degrees(pairs.get('AP_TILT_ANGLE'))), detail: `tag ${ZEISS_TAG} DP_TILT_CORRECTION = On` } } : {}),
    metadata: Object.fromEntries(pairs),
  };
}
