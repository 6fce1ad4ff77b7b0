import { FormatError } from '../../model/errors.js';
import type { XrdPattern } from '../../model/xrdPattern.js';
import type { FormatId } from '../detect.js';
import { readAsc } from './asc.js';
import { readBrml } from './brml.js';
import { readBrukerRaw } from './brukerRaw.js';
import { readRas } from './ras.js';
import { readRasx } from './rasx.js';
import { readXrdml } from './xrdml.js';
import { readXyText } from './xyText.js';
import type { XyTextOptions } from './xyText.js';

export { readAsc, readBrml, readBrukerRaw, readRas, readRasx, readXrdml, readXyText };
export type { XyTextOptions };

/** Any supported XRD file → XrdPattern: one reader module per format. */
export function readXrd(bytes: Uint8Array, fileName: string, format: FormatId, opts: XyTextOptions = {}): XrdPattern {
  switch (format) {
    case 'rigaku-ras':
      return readRas(bytes, fileName);
    case 'rigaku-rasx':
      return readRasx(bytes, fileName);
    case 'rigaku-asc':
      return readAsc(bytes, fileName);
    case 'xrdml':
      return readXrdml(bytes, fileName);
    case 'bruker-brml':
      return readBrml(bytes, fileName);
    case 'bruker-raw':
      return readBrukerRaw(bytes, fileName);
    case 'xy-text':
      return readXyText(bytes, fileName, opts);
    default:
      throw new FormatError(fileName, `not an XRD format (${format})`);
  }
}
