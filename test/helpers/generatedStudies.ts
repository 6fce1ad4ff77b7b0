import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateStudy, type StudyOptions } from '../../samples/gen/study.js';
import { writeStudyFiles } from '../../samples/gen/writeFiles.js';
import type { Truth } from '../../samples/truth.js';

/**
 * A study whose states' layers lie at other depths: charged's CC/AAM and SEI/SE thicker (230 and
 * 260 nm against 150 and 200), so its CAM starts 140 nm deeper than pristine's and discharged's.
 * Small stacks (12 × 12 px) keep it quick.
 */
export const THICKER_CHARGED: StudyOptions = { seed: 17, stackWidth: 12, stackHeight: 12, stateThicknessNm: { charged: { cc_aam: 230, sei_se: 260 } } };

/** A generated study written to a fresh temporary folder: the folder and the study's truth. */
export function writeGeneratedStudy(options: StudyOptions, prefix: string): { dir: string; truth: Truth } {
  const study = generateStudy(options);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeStudyFiles(study.files, dir);
  return { dir, truth: study.truth };
}
