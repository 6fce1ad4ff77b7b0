import { FormatError } from '../../model/errors.js';
import type { DepthProfile } from '../../model/depthProfile.js';

/** IONTOF SurfaceLab ASCII depth-profile export → DepthProfile. (placeholder, being written) */
export function readSurfaceLabProfile(bytes: Uint8Array, fileName: string): DepthProfile {
  void bytes;
  throw new FormatError(fileName, 'SurfaceLab reader not written yet');
}
