import type { Command } from 'commander';
import { DEFAULT_STACK_ID, layerName, type LayerStack } from '../model/layerStack.js';
import { DATASET_KIND_NAMES } from '../model/dataset.js';
import { FormatError, UsageError } from '../model/errors.js';
import type { SectionGeometry, SemImage } from '../model/semImage.js';
import type { SemResult } from '../model/report.js';
// Constants only: the measurement loads when the command runs (see analyze.ts).
import { MAX_TILT_DEG, roundDeg } from '../sem/tilt.js';
import type { CrossSectionResult } from '../sem/index.js';
import type { CliIo } from './context.js';
import { decimalNumber, positiveNumber, stackPreset, stackPresetList } from './context.js';

interface SemOptions {
  json?: boolean;
  stack?: string;
  tilt?: string;
  section?: string;
  pixelSize?: string;
  roi?: string;
  angle?: string;
}

function parseRoi(value: string): { x: number; y: number; width: number; height: number } {
  // Whole pixels, from the image's top-left corner: a negative origin was clipped silently.
  const parts = value.split(',').map((p) => (/^\s*\d+\s*$/.test(p) ? Number(p) : Number.NaN));
  if (parts.length !== 4 || parts.some((p) => !Number.isSafeInteger(p)) || parts[2] <= 0 || parts[3] <= 0) {
    throw new UsageError(`--roi wants x,y,width,height in whole pixels (x, y ≥ 0), got '${value}'`);
  }
  const [x, y, width, height] = parts;
  return { x, y, width, height };
}

/** The tilt the correction takes (±84°: beyond it 1/cos θ amplifies every error more than 10×). */
function parseTilt(value: string): number {
  const t = decimalNumber('--tilt', value, `degrees between -${MAX_TILT_DEG} and ${MAX_TILT_DEG}`);
  if (Math.abs(t) > MAX_TILT_DEG) throw new UsageError(`--tilt wants degrees between -${MAX_TILT_DEG} and ${MAX_TILT_DEG}, got '${value}'`);
  return t;
}

/** The JSON printed by `strata sem --json`: the report's `sem` section plus how it was found. */
function semJson(image: SemImage, r: CrossSectionResult, semResult: SemResult): Record<string, unknown> {
  return {
    ...semResult,
    pixelSizeDetail: image.pixelSizeDetail ?? null,
    angleDeg: r.details.angleDeg,
    tiltDeg: r.details.tiltDeg,
    tiltFrom: r.details.tiltFrom,
    roi: r.details.roi,
    substrateMeasured: r.details.substrateMeasured,
    boundaries: r.details.boundaries.map((b) => ({ upper: b.upper, lower: b.lower, uPx: b.uPx, yPxAtCentre: b.yPxAtCentre, contrast: b.contrast })),
    warnings: r.details.warnings,
  };
}

/** Where the view tilt came from, for the table: given, or the stage tilt through the section geometry. */
function tiltOrigin(r: CrossSectionResult): string {
  const from = r.details.tiltFrom;
  if (from.given) return ' (given)';
  if (from.section === 'fib-trench') return ` (FIB trench face at stage tilt ${roundDeg(from.stageTiltDeg)}°)`;
  return from.stageTiltDeg ? ` (stage tilt, ${from.section === 'cleaved' ? 'a cleaved face' : 'taken as a cleaved face'})` : '';
}

/** The text output: layers named by label, as `strata analyze` and the figures name them (--json keeps role ids). */
function table(image: SemImage, r: CrossSectionResult, stack: LayerStack): string {
  const names = r.layers.map((l) => layerName(stack, l.role));
  const nameWidth = Math.max(12, ...names.map((n) => n.length + 2));
  const lines = [
    `${r.file}: ${image.width} × ${image.height} px, pixel ${r.pixelSizeNm!.toPrecision(5)} nm (${r.pixelSizeSource}${image.pixelSizeDetail ? `: ${image.pixelSizeDetail}` : ''})`,
    `  layers at ${r.details.angleDeg.toFixed(2)}°, view tilt ${roundDeg(r.details.tiltDeg)}°${tiltOrigin(r)}, ${r.details.strips} strips`,
    `  ${'layer'.padEnd(nameWidth)}${'thickness nm'.padStart(14)}${'σ nm'.padStart(10)}`,
    ...r.layers.map((l, i) => `  ${names[i].padEnd(nameWidth)}${l.thicknessNm.toFixed(1).padStart(14)}${(l.sigmaNm === null ? '—' : l.sigmaNm.toFixed(1)).padStart(10)}`),
    ...r.details.warnings.map((w) => `  warning: ${w}`),
  ];
  return lines.join('\n') + '\n';
}

export function registerSem(program: Command, io: CliIo): void {
  program
    .command('sem')
    .description('Measure the layer thicknesses of one SEM cross-section image')
    .argument('<file>', 'SEM image (TIFF; a JEOL/Hitachi .txt sidecar beside it is read too)')
    .option('--json', 'machine-readable output on stdout')
    .option('--stack <id>', `layer stack preset (${stackPresetList()})`, DEFAULT_STACK_ID)
    .option('--tilt <deg>', `view angle: beam vs the cross-section face normal, degrees within ±${MAX_TILT_DEG} (default: from the metadata's stage tilt, see --section)`)
    .option('--section <how>', 'how the face was made: cleaved (seen at the stage tilt T) or fib-trench (milled, seen at 90° − T)')
    .option('--pixel-size <nm>', 'pixel size in nm, overriding the metadata')
    .option('--roi <x,y,w,h>', 'analyse only this rectangle, pixels')
    .option('--angle <deg>', 'layer angle in the image, degrees (default: found automatically)')
    .action(async (file: string, options: SemOptions) => {
      const stack = stackPreset(options.stack ?? DEFAULT_STACK_ID);
      const tiltDeg = options.tilt !== undefined ? parseTilt(options.tilt) : undefined;
      const pixelSizeNm = options.pixelSize !== undefined ? positiveNumber('--pixel-size', options.pixelSize) : undefined;
      const roi = options.roi !== undefined ? parseRoi(options.roi) : undefined;
      const angleDeg = options.angle !== undefined ? decimalNumber('--angle', options.angle, 'degrees within ±45') : undefined;
      if (options.section !== undefined && options.section !== 'cleaved' && options.section !== 'fib-trench') throw new UsageError(`--section wants cleaved or fib-trench, got '${options.section}'`);
      const section = options.section as SectionGeometry | undefined;
      // --tilt is the view angle itself; --section only says how a stage tilt becomes one: with
      // both, --section was dropped in silence.
      if (tiltDeg !== undefined && section !== undefined) throw new UsageError('--tilt gives the view angle itself and --section how the metadata\'s stage tilt becomes one: give one of them');
      if (angleDeg !== undefined && !(Math.abs(angleDeg) <= 45)) throw new UsageError(`--angle wants degrees within ±45, got '${options.angle}'`);
      // The readers load only when a file is read (see analyze.ts).
      const [{ openDataset }, { measureCrossSection, toSemResult, withPixelSize }] = await Promise.all([import('../node/openDataset.js'), import('../sem/index.js')]);
      const opened = await openDataset(file, { displayName: file });
      try {
        if (opened.dataset.kind !== 'semImage') throw new FormatError(file, `not an SEM image: it is ${DATASET_KIND_NAMES[opened.dataset.kind]}`);
        let image = opened.dataset;
        if (pixelSizeNm !== undefined) image = withPixelSize(image, pixelSizeNm);
        if (roi && (roi.x + roi.width > image.width || roi.y + roi.height > image.height) && roi.x < image.width && roi.y < image.height) {
          io.stderr(`strata: --roi ${options.roi} reaches beyond the image (${image.width} × ${image.height} px): only the part inside it is measured\n`);
        }
        let result: CrossSectionResult;
        try {
          result = measureCrossSection(image, stack, { tiltDeg, section, roi, angleDeg });
        } catch (err) {
          // A ROI outside the image is a usage mistake, reported as such.
          if (err instanceof RangeError) throw new UsageError(`${file}: ${err.message}`);
          throw err;
        }
        io.stdout(options.json ? JSON.stringify(semJson(image, result, toSemResult(result)), null, 2) + '\n' : table(image, result, stack));
      } finally {
        await opened.close();
      }
    });
}
