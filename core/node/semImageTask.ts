/**
 * The SEM view's image of one state: the image binned to the view's size in the grey levels a
 * figure shows, the layer boundaries the cross-section measurement finds, and the data bar, as
 * a task of the stack pool's worker threads (stackTasks.ts). Decoding and measuring a
 * 5120 × 3840 px image (a usual field-emission SEM frame) took ~3 s (~2 s since its strips are
 * copied, not decoded by geotiff: the measurement is most of it); on the backend's thread (in the
 * desktop app, Electron's main process) every window froze for that long, each time the view was
 * opened or its state, scale or geometry changed.
 */
import { join } from 'node:path';
import type { SemImagePayload } from '../api/contract.js';
import type { GreyImage } from '../io/sem/decode.js';
import { StrataError } from '../model/errors.js';
import type { SemImage } from '../model/semImage.js';
import { semViewOf } from '../model/study.js';
import type { StudyState } from '../model/study.js';
import type { LayerStack } from '../model/layerStack.js';
import { withPixelSize } from '../sem/calibration.js';
import { binnedGrey, displayLevels, linearLevels } from '../sem/contrast.js';
import { viewToBase64 } from './base64.js';
import { measureCrossSectionKept } from './crossSectionMemo.js';
import type { LoadedStudy } from './loadStudy.js';
import { openDataset } from './openDataset.js';

export interface SemImageTask {
  kind: 'sem-image';
  /** The study as the user chose it: the layer stack and the SEM view they set (withChosenStack, withSemGeometry). */
  study: LoadedStudy;
  state: string;
  /** The longest side of the image sent, px: larger images are binned to it. */
  maxSize: number;
  /** A scale the user set, nm per pixel: replaces the file's, as the analysis applies it. */
  pixelSizeNm?: number;
}

export interface SemImageTaskResult {
  kind: 'sem-image';
  payload: SemImagePayload;
}

/** The payload of the SEM view for one state (see the file's comment). */
export async function semImagePayload({ study, state, maxSize, pixelSizeNm }: SemImageTask): Promise<SemImagePayload> {
  const settings = study.states.find((s) => s.state === state);
  if (!settings) throw new StrataError(`${study.name}: no state '${state}'`);
  const file = settings.files.find((f) => f.kind === 'sem');
  if (!file) throw new StrataError(`${study.name}: state '${state}' has no SEM image`);
  const opened = await openDataset(join(study.root, file.path), { displayName: file.path, semDataBar: true });
  try {
    if (opened.dataset.kind !== 'semImage') throw new StrataError(`${file.path}: not a semImage`);
    return payloadOf(file.path, study.stack, settings, opened.dataset, opened.semDataBar ?? null, maxSize, pixelSizeNm);
  } finally {
    await opened.close();
  }
}

function payloadOf(path: string, stack: LayerStack, settings: StudyState, fileImg: SemImage, dataBarPixels: GreyImage['pixels'] | null, maxSize: number, pixelSizeNm: number | undefined): SemImagePayload {
  const img = pixelSizeNm !== undefined ? withPixelSize(fileImg, pixelSizeNm) : fileImg;
  // The boundaries come from the same measurement the analysis makes (its report keeps only
  // the thicknesses), so what is drawn is what was measured: on the worker that analysed the
  // state, the measurement it made (crossSectionMemo.ts).
  let boundaries: SemImagePayload['boundaries'] = null;
  let boundaryError: string | null = null;
  try {
    const measured = measureCrossSectionKept(img, stack, semViewOf(settings));
    const { roi, angleDeg } = measured.details;
    boundaries = { angleDeg, x0Px: roi.x, x1Px: roi.x + roi.width, lines: measured.details.boundaries.map((b) => ({ upper: b.upper, lower: b.lower, uPx: b.uPx })) };
  } catch (err) {
    boundaryError = (err as Error).message;
  }
  const bin = Math.max(1, Math.ceil(Math.max(img.width, img.height) / maxSize));
  // The grey levels as a figure shows them (see displayLevels).
  const out = binnedGrey(img, bin, displayLevels(img));
  const dataBar = dataBarPixels && img.dataBarRows >= bin ? dataBarStrip(dataBarPixels, img, bin) : null;
  return {
    state: settings.state,
    file: path,
    width: Math.floor(img.width / bin),
    height: Math.floor(img.height / bin),
    greyU8: viewToBase64(out),
    binning: bin,
    pixelSizeNm: img.pixelSizeNm === null ? null : img.pixelSizeNm * bin,
    pixelSizeSource: img.pixelSizeSource,
    pixelSizeDetail: img.pixelSizeDetail ?? null,
    tiltDeg: img.tiltDeg,
    section: settings.semSection ?? null,
    viewAngleDeg: settings.semTiltDeg ?? null,
    boundaries,
    boundaryError,
    dataBar,
    filePixelSizeNm: fileImg.pixelSizeNm,
    filePixelSizeSource: fileImg.pixelSizeSource,
  };
}

/**
 * The data bar the reader cropped off (readSemImageWithDataBar): the burned-in scale bar the user
 * clicks to set the scale lives there. Stretched on its own (it is text and lines, not sample),
 * binned like the image.
 */
function dataBarStrip(bar: GreyImage['pixels'], img: SemImage, bin: number): SemImagePayload['dataBar'] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < bar.length; k++) {
    if (bar[k] < lo) lo = bar[k];
    if (bar[k] > hi) hi = bar[k];
  }
  const out = binnedGrey({ pixels: bar, width: img.width, height: img.dataBarRows }, bin, linearLevels(lo, hi));
  return { height: Math.floor(img.dataBarRows / bin), greyU8: viewToBase64(out) };
}
