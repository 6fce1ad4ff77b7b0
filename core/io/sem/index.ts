import { FormatError } from '../../model/errors.js';
import type { SemImage } from '../../model/semImage.js';

export interface SidecarFile {
  name: string;
  bytes: Uint8Array;
}

/** SEM TIFF (+ optional JEOL/Hitachi sidecar) → SemImage. (placeholder, being written) */
export async function readSemImage(bytes: Uint8Array, fileName: string, sidecar?: SidecarFile): Promise<SemImage> {
  void bytes; void sidecar;
  throw new FormatError(fileName, 'SEM reader not written yet');
}
