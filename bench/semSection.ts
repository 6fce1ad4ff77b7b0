import type { SemImage } from '../core/model/semImage.js';
import { syntheticSection } from '../test/sem/synthetic.js';

/**
 * The benchmark's SEM cross-section of the paper's stack (the SEM tests' generator), `size`
 * "W×H" px: measured in (h), written as TIFF files and read in (l).
 */
export function benchSemSection(size: string): SemImage {
  const [width, height] = size.split('x').map(Number);
  return syntheticSection({
    width,
    height,
    pixelSizeNm: 0.6,
    rotationDeg: 1.37,
    topNm: 150,
    blurNm: 1.2,
    thicknessesNm: [150, 200, 600, 150, 200],
    levels: [16, 182, 70, 120, 182, 56, 98],
    noise: 12,
  });
}
