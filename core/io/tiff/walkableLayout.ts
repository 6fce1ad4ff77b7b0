import type { GeoTIFFImage } from 'geotiff';
import { FormatError } from '../../model/errors.js';

/**
 * Refuses a page whose strips or tiles geotiff could not walk in bounded time and memory.
 * geotiff makes a promise for every block the layout implies before it reads one: a strip
 * height or tile size that is not whole pixels (a RowsPerStrip whose type was changed to DOUBLE
 * reads as 2e-306: 1e307 strips), or more blocks than the page gives offsets for, had it loop
 * until memory ran out. (Such field types are now refused where the IFD is read, ifd.ts
 * WHOLE_NUMBER_TAGS; this check stays on geotiff's own reading of the page, which is what it
 * walks.) `samplesRead`: how many samples are read (each has its own blocks when they are stored
 * planar); `offsetCount`: the values of the page's StripOffsets (TileOffsets).
 */
export function assertWalkableLayout(image: GeoTIFFImage, offsetCount: number, samplesRead: number, fileName: string, where?: { offset: number }): void {
  const width = image.getWidth();
  const height = image.getHeight();
  const blockWidth = image.getTileWidth();
  const blockHeight = image.getTileHeight();
  const kind = image.isTiled ? 'tiles' : 'strips';
  if (!(Number.isInteger(blockWidth) && blockWidth >= 1 && Number.isInteger(blockHeight) && blockHeight >= 1)) {
    throw new FormatError(fileName, `TIFF ${kind} of ${blockWidth} × ${blockHeight} pixels: not a whole number of pixels`, where);
  }
  const blocks = Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) * (image.planarConfiguration === 2 ? samplesRead : 1);
  if (!(blocks <= offsetCount)) throw new FormatError(fileName, `TIFF layout needs ${blocks} ${kind}; the file gives the offsets of ${offsetCount}`, where);
}
