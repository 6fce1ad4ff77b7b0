import { num, parseIni } from './text.js';
import { aspectOf, finiteOrNull, valueCandidate } from './vendor.js';
import type { VendorInfo } from './vendor.js';

export const FEI_TAG = 34682;

/**
 * FEI / Thermo Fisher (xT, TFS): tag 34682 holds an INI text. `[Scan] PixelWidth` is in metres
 * and refers to `[Image] ResolutionX` pixels; the TIFF has `[Image] ResolutionY` image rows and
 * the data bar below them (`[PrivateFei] DatabarHeight` is not reliable: 0 on a Scios file that
 * has a 68-row bar). `[Stage] StageT` is the stage tilt in radians.
 */
export function parseFeiMetadata(text: string, tiffWidth: number): VendorInfo {
  const ini = parseIni(text);
  const metadata = Object.fromEntries(ini);
  const pixelWidthM = num(ini.get('Scan.PixelWidth')) ?? num(ini.get('EScan.PixelWidth')) ?? num(ini.get('IScan.PixelWidth'));
  const resolutionX = num(ini.get('Image.ResolutionX'));
  const resolutionY = num(ini.get('Image.ResolutionY'));
  // An exported, resampled TIFF keeps the acquisition's PixelWidth: rescale to the TIFF's width.
  const scale = resolutionX && resolutionX > 0 ? resolutionX / tiffWidth : 1;
  const which = ini.has('Scan.PixelWidth') ? '[Scan]' : ini.has('EScan.PixelWidth') ? '[EScan]' : '[IScan]';
  const candidates = valueCandidate(pixelWidthM !== null ? pixelWidthM * 1e9 * scale : null, 'metadata', `tag ${FEI_TAG} ${which} PixelWidth${scale !== 1 ? ` × ResolutionX/width ${resolutionX}/${tiffWidth}` : ''}`);
  const stageTRad = num(ini.get('Stage.StageT')) ?? num(ini.get('EBeam.StageTa'));
  const instrument = ini.get('System.SystemType')?.replace(/"/g, '').trim() || undefined;
  // [EBeam] TiltCorrectionIsOn=yes: xT stretched the image for TiltCorrectionAngle (radians).
  const correctionOn = /^(yes|on|true|1)$/i.test((ini.get('EBeam.TiltCorrectionIsOn') ?? '').trim());
  const correctionRad = num(ini.get('EBeam.TiltCorrectionAngle'));
  const pixelHeightM = num(ini.get('Scan.PixelHeight')) ?? num(ini.get('EScan.PixelHeight')) ?? num(ini.get('IScan.PixelHeight'));
  return {
    vendor: 'FEI/Thermo Fisher',
    instrument,
    candidates,
    tiltDeg: finiteOrNull(stageTRad !== null ? (stageTRad * 180) / Math.PI : null),
    ...(correctionOn ? { tiltCorrection: { angleDeg: finiteOrNull(correctionRad !== null ? (correctionRad * 180) / Math.PI : null), detail: `tag ${FEI_TAG} [EBeam] TiltCorrectionIsOn=yes` } } : {}),
    pixelAspect: aspectOf(pixelWidthM, pixelHeightM),
    imageRows: resolutionY !== null && resolutionY > 0 ? Math.round(resolutionY / scale) : undefined,
    metadata,
  };
}
