import { num, parseIni, parseLengthNm } from './text.js';
import { finiteOrNull, valueCandidate } from './vendor.js';
import type { PixelSizeCandidate, VendorInfo } from './vendor.js';

/**
 * Hitachi sidecar `.txt` (`[SemImageFile]`, `Key=Value`; UTF-16 with BOM on newer software,
 * ASCII on older). `PixelSize` is in nm per pixel of `DataSize` (`1280x960`); a TIFF saved
 * with the data display combined under the image (`DataDisplayCombine`) has more rows than
 * `DataSize`, and those rows are the data bar. `MicronMarker` is the scale bar length (nm
 * when no unit is given). `StagePositionT` is the stage tilt in degrees.
 */
export function parseHitachiMetadata(text: string, tiffWidth: number, tiffHeight: number): VendorInfo {
  const ini = parseIni(text, true);
  const [dataW, dataH] = (ini.get('DataSize') ?? '').split(/[x×*\s]+/i).map(Number);
  const dataWidthPx = dataW && dataW > 0 ? dataW : tiffWidth;
  const scale = dataWidthPx / tiffWidth;
  const pixelNm = parseLengthNm(ini.get('PixelSize') ?? '', 'nm');
  const candidates: PixelSizeCandidate[] = valueCandidate(
    pixelNm !== null ? pixelNm * scale : null,
    'sidecar',
    `PixelSize${scale !== 1 ? ` × DataSize width ${dataWidthPx} / ${tiffWidth} px` : ''}`,
  );
  const markerNm = parseLengthNm(ini.get('MicronMarker') ?? '', 'nm');
  if (markerNm !== null && markerNm > 0) candidates.push({ kind: 'scalebar', markerNm, detail: `burned-in scale bar, MicronMarker ${ini.get('MicronMarker')}` });
  const frameRows = dataH && dataH > 0 ? Math.round(dataH / scale) : undefined;
  return {
    vendor: 'Hitachi',
    instrument: ini.get('InstructName') || undefined,
    candidates,
    tiltDeg: finiteOrNull(num(ini.get('StagePositionT')?.split(/\s+/)[0])),
    imageRows: frameRows !== undefined && frameRows < tiffHeight ? frameRows : undefined,
    metadata: Object.fromEntries(ini),
  };
}

/** True for a Hitachi sidecar (else it is read as JEOL). */
export function isHitachiText(text: string): boolean {
  return /\[SemImageFile\]/i.test(text) || /^\s*InstructName\s*=/m.test(text);
}
