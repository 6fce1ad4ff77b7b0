/**
 * The SEM cross-section measurement, kept per thread by what it is measured from: the image's
 * pixels (their SHA-256) and everything else of the image, the options and the layer stack. The
 * analysis measures a state's image (its SEM step), and the SEM view measures it again to draw
 * the boundaries (semImageTask.ts): at 20–25 MP the measurement takes ~1.5 s, so the view waited
 * that long each time it showed a state the analysis had just measured, and again at every
 * return to it. Both run on the stack pool's workers, and the view's task goes to the worker that
 * analysed the state (services.getSemImage), which then finds the measurement here.
 *
 * Keyed by content, not by the file's stamp: the image may have a scale set by hand, and a key
 * from the pixels needs no stamp taken before the read. Hashing 20 MB of pixels takes ~15 ms.
 * A failed measurement is not kept (it throws, and is measured again).
 */
import { createHash } from 'node:crypto';
import type { LayerStack } from '../model/layerStack.js';
import type { SemImage } from '../model/semImage.js';
import { measureCrossSection } from '../sem/crossSection.js';
import type { CrossSectionOptions, CrossSectionResult } from '../sem/crossSection.js';
import { BoundedLru } from '../util/boundedLru.js';

/** Measurements kept at most: a study has one image a state; a few studies' worth. */
const MAX_KEPT = 16;
const counts = { measured: 0, reused: 0 };
const kept = new BoundedLru<string, CrossSectionResult>(MAX_KEPT);

/** Measurements made and reused through measureCrossSectionKept in this thread so far (for tests). */
export function crossSectionMemoCounts(): { measured: number; reused: number } {
  return { ...counts };
}

/** measureCrossSection, or a copy of the result it gave for the same image, options and stack in this thread. */
export function measureCrossSectionKept(image: SemImage, stack: LayerStack, options: CrossSectionOptions = {}): CrossSectionResult {
  const { pixels, ...described } = image;
  const pixelHash = createHash('sha256').update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength)).digest('hex');
  const key = JSON.stringify([pixels.constructor.name, pixelHash, described, options, stack]);
  const known = kept.get(key);
  if (known) {
    counts.reused++;
    return structuredClone(known);
  }
  const result = measureCrossSection(image, stack, options);
  counts.measured++;
  kept.set(key, structuredClone(result));
  return result;
}
