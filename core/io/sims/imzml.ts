import { FormatError } from '../../model/errors.js';
import type { IonStack } from '../../model/ionStack.js';
import type { ByteSource } from '../byteSource.js';

export interface ImzmlOptions {
  /** Mass windows that turn spectra into ion images; default: the DOMAIN.md marker ions. */
  peakWindows?: { label: string; mzLow: number; mzHigh: number }[];
}

/** imzML + ibd → IonStack. (placeholder, being written) */
export async function openImzml(xmlBytes: Uint8Array, ibd: ByteSource, fileName: string, opts: ImzmlOptions = {}): Promise<IonStack> {
  void xmlBytes; void ibd; void opts;
  throw new FormatError(fileName, 'imzML reader not written yet');
}
