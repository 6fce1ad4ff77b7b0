import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import type { FormatId } from '../detect.js';

/** Any supported XRD file → XrdPattern. (placeholder, being written) */
export function readXrd(bytes: Uint8Array, fileName: string, format: FormatId): XrdPattern {
  void bytes; void format;
  throw new FormatError(fileName, 'XRD readers not written yet');
}
