import type { SourceInfo } from './provenance.js';

/** Where the pixel size came from; users must always be able to see this. */
export type PixelSizeSource = 'metadata' | 'sidecar' | 'scalebar' | 'manual' | 'estimate' | 'none';

/**
 * How a cross-section face was made, which says how the stage tilt T in an image's metadata
 * becomes the view angle θ (beam vs face normal, core/sem/tilt.ts): a cleaved or polished face
 * mounted square to the beam at T = 0 is seen at θ = T; a FIB trench face, milled square to the
 * sample surface and viewed at stage tilt T (52–54° on dual-beam instruments), at θ = 90° − T.
 */
export type SectionGeometry = 'cleaved' | 'fib-trench';

/** The instrument's own tilt correction of an image (the vertical already stretched). */
export interface InstrumentTiltCorrection {
  /** The angle it corrected for, degrees, where the metadata says. */
  angleDeg: number | null;
  /** Which metadata said so, e.g. `[EBeam] TiltCorrectionIsOn=yes`. */
  detail: string;
}

/** A grey-level SEM image, vendor data bar already cropped off. */
export interface SemImage {
  kind: 'semImage';
  source: SourceInfo;
  width: number;
  height: number;
  /** Row-major grey levels. */
  pixels: Uint8Array | Uint16Array | Float32Array;
  bitsPerSample: 8 | 16 | 32;
  /** Null when nothing calibrates the image; the user then sets it (`manual`). */
  pixelSizeNm: number | null;
  pixelSizeSource: PixelSizeSource;
  /** What exactly gave the pixel size, e.g. `tag 34682 [Scan] PixelWidth`. */
  pixelSizeDetail?: string;
  /** Stage or view tilt, degrees, when known: a tilted cross-section foreshortens the vertical. */
  tiltDeg: number | null;
  /** Set when the instrument corrected the tilt itself: then it is not corrected again. */
  instrumentTiltCorrection?: InstrumentTiltCorrection;
  /** Pixel height / width where the metadata gives both and they differ (pixelSizeNm is the width). */
  pixelAspect?: number;
  /** Rows removed from the bottom (the instrument's data bar). */
  dataBarRows: number;
  instrument?: string;
  metadata: Record<string, string>;
}
