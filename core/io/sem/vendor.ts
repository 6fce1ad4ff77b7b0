import type { InstrumentTiltCorrection, PixelSizeSource } from '../../model/semImage.js';

export type { InstrumentTiltCorrection };

/** Height over width of two pixel sizes, when both are usable. */
export function aspectOf(widthM: number | null, heightM: number | null): number | undefined {
  return widthM !== null && heightM !== null && widthM > 0 && heightM > 0 ? heightM / widthM : undefined;
}

/**
 * One way to calibrate an image, as a vendor's metadata offers it. A vendor parser lists them
 * in its order of preference; the reader takes the first that yields a size. `scalebar` ones
 * need the pixels (the burned-in bar is measured), so they are resolved by the reader.
 */
export type PixelSizeCandidate =
  | { kind: 'value'; pixelSizeNm: number; source: PixelSizeSource; detail: string }
  | { kind: 'scalebar'; markerNm: number; detail: string };

/** What a vendor's metadata says about an image (all optional: the reader fills the gaps). */
export interface VendorInfo {
  vendor: string;
  instrument?: string;
  candidates: PixelSizeCandidate[];
  tiltDeg: number | null;
  /**
   * Present when the instrument stretched the image for the tilt itself (FEI TiltCorrectionIsOn,
   * Zeiss Tilt Corrn., Tescan TiltCorrection): correcting it again would count the tilt twice.
   */
  tiltCorrection?: InstrumentTiltCorrection;
  /** Pixel height / width where the metadata gives both (1 for square pixels). */
  pixelAspect?: number;
  /** Rows of the image proper, counted from the top; rows below are the data bar. */
  imageRows?: number;
  metadata: Record<string, string>;
}

/** A usable pixel size: finite and positive (vendors write 0 for "unknown"). */
export function valueCandidate(pixelSizeNm: number | null, source: PixelSizeSource, detail: string): PixelSizeCandidate[] {
  return pixelSizeNm !== null && Number.isFinite(pixelSizeNm) && pixelSizeNm > 0 ? [{ kind: 'value', pixelSizeNm, source, detail }] : [];
}

export function finiteOrNull(x: number | null | undefined): number | null {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}
