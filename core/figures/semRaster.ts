/**
 * Grey-level SEM pixels → embeddable images: contrast stretched between percentiles (16-bit
 * images use a small part of their range; one hot pixel must not wash the picture out), either
 * as shot or turned so that depth runs left → right under a depth profile.
 */
import { binnedGrey, displayLevels } from '../sem/contrast.js';

export interface SemPixels {
  pixels: ArrayLike<number>;
  width: number;
  height: number;
}

/** One 8-bit grey level a pixel, row-major: a quarter of the bytes of RGBA (an SEM at source resolution made an SVG of 410 kB). */
export interface GreyRaster {
  grey: Uint8Array;
  width: number;
  height: number;
}

/**
 * The image as shot, for a print that needs `printWidthPx` pixels across it (its drawn width at
 * the densest export, PRINT_DPI). An image up to twice that is kept as is: binning it (as the
 * figure once did, 640 px to 320 px, 153 ppi in print) threw away detail the print shows. Larger
 * images are binned (box average) by the largest factor that still leaves `printWidthPx`, so the
 * embedded image never drops below PRINT_DPI at print size and stays a sensible size.
 */
export function semImageRaster(sem: SemPixels, printWidthPx: number): GreyRaster & { binning: number } {
  const bin = sem.width <= 2 * printWidthPx ? 1 : Math.max(1, Math.floor(sem.width / printWidthPx));
  const w = Math.floor(sem.width / bin);
  const h = Math.floor(sem.height / bin);
  return { grey: binnedGrey(sem, bin, displayLevels(sem)), width: w, height: h, binning: bin };
}

/**
 * The cross-section turned so depth is the horizontal axis: output column j is depth
 * (j + ½)·depthMaxNm/columns below the surface row, output row i a position along the layers.
 * `rows` lateral positions are taken around the image centre (the layers' middle is the part
 * the thickness was measured on). Depth beyond the image is white.
 */
export function semDepthRaster(
  sem: SemPixels & { surfaceRowPx: number; nmPerRowPx: number },
  opts: { depthMaxNm: number; columns: number; rows: number },
): GreyRaster {
  const g = displayLevels(sem);
  const { columns, rows } = opts;
  const grey = new Uint8Array(columns * rows);
  const lateral = Math.min(rows, sem.width);
  const x0 = Math.floor((sem.width - lateral) / 2);
  for (let j = 0; j < columns; j++) {
    const depthNm = ((j + 0.5) * opts.depthMaxNm) / columns;
    const yPx = Math.round(sem.surfaceRowPx + depthNm / sem.nmPerRowPx);
    for (let i = 0; i < rows; i++) {
      const xPx = x0 + Math.floor((i * lateral) / rows);
      const v = yPx >= 0 && yPx < sem.height ? g(sem.pixels[yPx * sem.width + xPx]) : 255;
      grey[i * columns + j] = v;
    }
  }
  return { grey, width: columns, height: rows };
}
