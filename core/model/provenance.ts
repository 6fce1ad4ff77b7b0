/** Where a dataset came from: enough to find the file again and to say how it was read. */
export interface SourceInfo {
  /** File name as the user knows it (relative to the study folder when inside a study). */
  fileName: string;
  /** Format id from `detectFormat`, e.g. `iontof-ascii`, `ome-tiff`, `rigaku-ras`. */
  format: string;
  /** Byte size of the file, when known. */
  sizeBytes?: number;
}

export interface InputRecord {
  path: string;
  sizeBytes: number;
  sha256: string;
}

/** Every result carries this, so a figure in a paper can be reproduced from its report. */
export interface Provenance {
  software: 'strata';
  version: string;
  createdAt: string;
  inputs: InputRecord[];
  parameters: Record<string, unknown>;
}
