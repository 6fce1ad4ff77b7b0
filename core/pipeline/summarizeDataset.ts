import { FORMATS } from '../io/detect.js';
import type { Dataset } from '../model/dataset.js';
import { describeOptics } from '../io/xrd/optics.js';

/** The key facts of a dataset, as plain JSON (what `strata info --json` prints). */
export function summarizeDataset(format: string, d: Dataset): Record<string, unknown> {
  const base = { file: d.source.fileName, format, description: describedAs(format, d) };
  switch (d.kind) {
    case 'depthProfile':
      return {
        ...base,
        kind: 'sims-profile',
        scans: d.timeS.length,
        ions: d.ions.length,
        timeRangeS: [d.timeS[0] ?? null, d.timeS[d.timeS.length - 1] ?? null],
        polarity: d.polarity,
        poissonCorrected: d.ions.some((i) => i.poissonCorrected),
        ionLabels: d.ions.map((i) => i.label),
      };
    case 'ionStack':
      return {
        ...base,
        kind: 'sims-stack',
        scans: d.scans,
        height: d.height,
        width: d.width,
        ions: d.ions.map((i) => i.label),
        pixelSizeNm: d.pixelSizeNm,
        timeRangeS: [d.timeS[0] ?? null, d.timeS[d.timeS.length - 1] ?? null],
        shotsPerPixel: d.shotsPerPixel ?? null,
        ...(d.metadata?.['strata.windowsOutsideSpectra'] ? { warning: d.metadata['strata.windowsOutsideSpectra'] } : {}),
      };
    case 'semImage':
      return {
        ...base,
        kind: 'sem',
        width: d.width,
        height: d.height,
        bitsPerSample: d.bitsPerSample,
        pixelSizeNm: d.pixelSizeNm,
        pixelSizeSource: d.pixelSizeSource,
        pixelSizeDetail: d.pixelSizeDetail ?? null,
        dataBarRows: d.dataBarRows,
        tiltDeg: d.tiltDeg,
        instrumentTiltCorrection: d.instrumentTiltCorrection?.detail ?? null,
        pixelAspect: d.pixelAspect ?? null,
        instrument: d.instrument ?? null,
      };
    case 'xrdPattern': {
      const n = d.twoThetaDeg.length;
      return {
        ...base,
        kind: 'xrd',
        points: n,
        twoThetaRangeDeg: [d.twoThetaDeg[0] ?? null, d.twoThetaDeg[n - 1] ?? null],
        stepDeg: n > 1 ? (d.twoThetaDeg[n - 1] - d.twoThetaDeg[0]) / (n - 1) : null,
        wavelength: d.wavelength,
        // The β filter and monochromators the file records (they decide the wafer's Kβ and edge masks).
        optics: describeOptics(d.optics),
        scans: 1 + (d.otherScans?.length ?? 0),
        // A plain column file's angle column may be θ (doubled to 2θ): which, and why, in view.
        ...(d.metadata['strata.angleColumn'] ? { angleColumn: d.metadata['strata.angleColumn'] } : {}),
      };
    }
  }
}


/**
 * The format's description, once the file is read: a TIFF is described as what its tags made it
 * (the format's own description says only that they will decide).
 */
function describedAs(format: string, d: Dataset): string | undefined {
  if (format === 'tiff' && d.kind === 'ionStack') return 'TIFF ion-image stack';
  if (format === 'tiff' && d.kind === 'semImage') return 'SEM image (TIFF)';
  return FORMATS[format as keyof typeof FORMATS]?.description;
}
