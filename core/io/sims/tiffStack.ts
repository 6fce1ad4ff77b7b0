import { FormatError } from '../../model/errors.js';
import type { IonStack } from '../../model/ionStack.js';
import type { ByteSource } from '../byteSource.js';

/** OME-TIFF or plain multi-page TIFF ion stack, read plane by plane. (placeholder, being written) */
export async function openTiffStack(source: ByteSource): Promise<IonStack> {
  throw new FormatError(source.name, 'TIFF stack reader not written yet');
}
