import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseWidthMm } from '../figures/width.js';
import type { IntensityScale } from '../figures/xrdFigure.js';
import { UsageError } from '../model/errors.js';
import { VOLUME_CAMERA, VOLUME_FIGURE_MAX_VOXELS, type VolumeVoxels } from '../api/contract.js';
import { StrataError } from '../model/errors.js';
import { prepareOutputFolder, sha256File, writeFileAtomic } from '../node/files.js';
import { DEFAULT_FIGURE_NAMES, FIGURE_NAMES } from '../figures/figureNames.js';
import type { FigureName } from '../figures/figureNames.js';
import { STRATA_VERSION } from '../version.js';
import { mapConcurrently, weightBudget } from '../util/concurrently.js';
import type { CliIo } from './context.js';
import { asNormalizeFlagError, checkReferenceFlag, decimalNumber, flagOverrides, positiveNumber, stackPreset, stackPresetList } from './context.js';
import { DEFAULT_STACK_ID, type LayerStack } from '../model/layerStack.js';
import type { AnalyzeOverrides } from '../node/analyzeStudyOnDisk.js';
import type { StackPool } from '../node/stackPool.js';
import type { BuiltFigure } from '../node/figureFiles.js';
import { VOLUME_SCALE_QUANTILE_TEXT } from '../figures/stats.js';
import { FIGURE_VOLUME } from '../figures/renderResolution.js';

const FORMATS = ['svg', 'png', 'pdf'] as const;
/**
 * Figure files made at once: with more, PNGs (each up to ~50 MB of pixels at 600 dpi) would only
 * queue on the I/O thread pool, which file writes share.
 */
const FILES_AT_ONCE = 3;
/**
 * Pixels of the PNGs rendered at once (each 4 bytes in resvg's canvas, more while encoded): the
 * sample's at 600 dpi (Fig. 4 ~13 MP) go side by side; one much larger (2400 dpi) goes alone.
 */
const PNG_PIXELS_AT_ONCE = 32e6;
type Format = (typeof FORMATS)[number];

interface FigureOptions {
  out?: string;
  format: string;
  dpi: string;
  width?: string;
  figures: string;
  xrdScale: string;
  normalize?: string;
  reference?: string;
  stack?: string;
  analyte?: string;
  volumeMode: string;
  volumeView: string;
  volumeZExaggeration?: string;
  volumeColourMax?: string;
  volumeVoxels?: string;
}

/** A comma list whose items must all be in `allowed`; names the option in the usage error. */
function list<T extends string>(option: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`${option} wants one or more of ${allowed.join(',')}`);
  for (const it of items) if (!(allowed as readonly string[]).includes(it)) throw new UsageError(`${option}: unknown '${it}' (use ${allowed.join(',')})`);
  return [...new Set(items)] as T[];
}

export interface FigureParameters {
  formats: Format[];
  dpi: number;
  widthMm: number | null;
  figures: FigureName[];
  xrdScale: IntensityScale;
  /** The volume figure's rendering and camera (its ion is the analyte, its stacks whole). */
  volume: { mode: 'mip' | 'composite'; azimuthDeg: number; elevationDeg: number; zExaggeration?: number; colourMax?: number; voxels?: VolumeVoxels };
}

/** `--volume-view 35,25`: the camera's azimuth and elevation, degrees, within the workbench's bounds (VOLUME_CAMERA). */
function volumeView(value: string): { azimuthDeg: number; elevationDeg: number } {
  const parts = value.split(',');
  if (parts.length !== 2) throw new UsageError(`--volume-view wants azimuth,elevation in degrees (e.g. ${DEFAULT_VOLUME_VIEW}), got '${value}'`);
  const [azimuthDeg, elevationDeg] = parts.map((p) => decimalNumber('--volume-view', p, `azimuth,elevation in degrees (e.g. ${DEFAULT_VOLUME_VIEW})`));
  const [azMin, azMax] = VOLUME_CAMERA.azimuthRangeDeg;
  const elMax = VOLUME_CAMERA.maxElevationDeg;
  if (!(azimuthDeg >= azMin && azimuthDeg <= azMax)) throw new UsageError(`--volume-view: azimuth ${azimuthDeg}° is not between ${azMin} and ${azMax}`);
  if (!(elevationDeg >= -elMax && elevationDeg <= elMax)) throw new UsageError(`--volume-view: elevation ${elevationDeg}° is not between -${elMax} and ${elMax}`);
  return { azimuthDeg, elevationDeg };
}
const DEFAULT_VOLUME_VIEW = `${VOLUME_CAMERA.azimuthDeg},${VOLUME_CAMERA.elevationDeg}`;

/**
 * `--volume-voxels N`: the most voxels a 3-D panel's stack is binned to (lateral detail goes
 * first, as in the workbench), up to a GPU view's budget; any number of them a side.
 */
function volumeVoxels(value: string): VolumeVoxels {
  const n = decimalNumber('--volume-voxels', value, 'a whole number of voxels');
  if (!Number.isInteger(n) || n < 512 || n > VOLUME_FIGURE_MAX_VOXELS) throw new UsageError(`--volume-voxels wants a whole number from 512 to ${VOLUME_FIGURE_MAX_VOXELS} (160 × 160 × 256), got '${value}'`);
  return { maxSize: 4096, maxVoxels: n };
}

/** Parses and checks the options before any file is read: usage errors exit 2. */
export function parseFigureOptions(o: FigureOptions): FigureParameters & { out: string } {
  if (!o.out) throw new UsageError('figure: --out <dir> is required');
  const dpi = decimalNumber('--dpi', o.dpi, 'a resolution from 72 to 2400');
  if (!(dpi >= 72 && dpi <= 2400)) throw new UsageError(`--dpi wants a resolution from 72 to 2400, got '${o.dpi}'`);
  let widthMm: number | null = null;
  if (o.width !== undefined) {
    try {
      widthMm = parseWidthMm(o.width);
    } catch (err) {
      throw new UsageError(`--width: ${(err as Error).message}`);
    }
  }
  const xrdScale = list('--xrd-scale', o.xrdScale, ['linear', 'sqrt', 'log'] as const);
  if (xrdScale.length !== 1) throw new UsageError('--xrd-scale takes one of linear, sqrt, log');
  const mode = list('--volume-mode', o.volumeMode, ['mip', 'composite'] as const);
  if (mode.length !== 1) throw new UsageError('--volume-mode takes one of mip, composite');
  const [zMin, zMax] = VOLUME_CAMERA.zExaggerationRange;
  const zExaggeration = o.volumeZExaggeration === undefined ? undefined : positiveNumber('--volume-z-exaggeration', o.volumeZExaggeration, zMax);
  if (zExaggeration !== undefined && zExaggeration < zMin) throw new UsageError(`--volume-z-exaggeration wants a factor of 1 or more, got '${o.volumeZExaggeration}'`);
  const colourMax = o.volumeColourMax === undefined ? undefined : positiveNumber('--volume-colour-max', o.volumeColourMax);
  const voxels = o.volumeVoxels === undefined ? undefined : volumeVoxels(o.volumeVoxels);
  const volume = { mode: mode[0], ...volumeView(o.volumeView), ...(zExaggeration === undefined ? {} : { zExaggeration }), ...(colourMax === undefined ? {} : { colourMax }), ...(voxels === undefined ? {} : { voxels }) };
  return { out: o.out, formats: list('--format', o.format, FORMATS), dpi, widthMm, figures: list('--figures', o.figures, FIGURE_NAMES), xrdScale: xrdScale[0], volume };
}

export function registerFigure(program: Command, io: CliIo): void {
  program
    .command('figure')
    .description('Journal figures of a study: analyte (Li) maps/3-D/profiles (fig4), depth profiles of the marker ions (profiles), SEM with layers, XRD waterfall, analyte per layer (li-bars), and on request the 3-D view of the analyte alone (volume)')
    .argument('<study>', 'study folder (with or without study.json) or a study.json')
    .option('--out <dir>', 'folder for the figures and figures.json (required)')
    .option('--format <list>', 'any of svg,png,pdf', 'svg,png,pdf')
    .option('--dpi <n>', 'PNG resolution, 72–2400 dpi', '600')
    .option('--width <w>', 'figure width: 85mm|114mm|180mm or single|onehalf|double (default: double for fig4, profiles and volume, single for sem/xrd, 1.5 column for li-bars)')
    .option('--figures <list>', `any of ${FIGURE_NAMES.join(',')}`, DEFAULT_FIGURE_NAMES.join(','))
    .option('--xrd-scale <scale>', 'XRD intensity scale: linear, sqrt or log', 'sqrt')
    .option('--normalize <how>', "divide the analyte's counts, scan by scan, by: none, tic or an ion (as strata analyze); default: study.json's normalization, else none")
    .option('--reference <state>', "the state li-bars compares the others against (as strata analyze); default: study.json's referenceState, else pristine, else the first state with analyte results")
    .option('--stack <id>', `layer stack preset (${stackPresetList()}), as strata analyze; default: study.json's stack, else ${DEFAULT_STACK_ID}`)
    .option('--analyte <ion>', "the ion the figures are of, as the data name it (e.g. Na+, ^6Li-), as strata analyze; default: the stack's analyteIon, else Li")
    .option('--volume-mode <mode>', 'the volume figure\'s rendering: mip (maximum along each ray) or composite', 'mip')
    .option('--volume-view <az,el>', 'the volume figure\'s camera: azimuth,elevation in degrees', DEFAULT_VOLUME_VIEW)
    .option('--volume-z-exaggeration <n>', 'the volume figure\'s depth exaggeration (default: the box 0.3× as deep as wide)')
    .option('--volume-colour-max <counts>', `the top of the volume figure's colour scale, mean counts per voxel (its bottom is 0), e.g. another figure's or the workbench view's (default: the ${VOLUME_SCALE_QUANTILE_TEXT} quantile of the voxels shown)`)
    .option('--volume-voxels <n>', `the most voxels each 3-D panel's stack is binned to, fig4's and the volume figure's: more keeps finer detail (depth first) and takes longer (default: at most ${FIGURE_VOLUME.maxSize} a side and ${FIGURE_VOLUME.maxVoxels}, 96 × 96 × 160, in all; at most ${VOLUME_FIGURE_MAX_VOXELS}, 160 × 160 × 256, the workbench's on a GPU)`)
    .action(async (studyPath: string, options: FigureOptions) => {
      const p = parseFigureOptions(options);
      const overrides = flagOverrides(options);
      const stack = options.stack === undefined ? undefined : stackPreset(options.stack);
      // The workers start first, as for strata analyze: they load their code while this thread loads its own and the study.
      const { withLaneWorkers } = await import('../node/stackPool.js');
      await withLaneWorkers(undefined, (pool) => makeFigures(studyPath, p, overrides, stack, io, pool));
    });
}

/** `strata figure` of one study, its states analysed on this thread and `pool`'s workers. */
async function makeFigures(studyPath: string, p: FigureParameters & { out: string }, overrides: AnalyzeOverrides, stack: LayerStack | undefined, io: CliIo, pool: StackPool | undefined): Promise<void> {
  // The readers and the analysis load only when this command runs (see analyze.ts).
  const [{ loadStudy }, { withStack }, { withStateLanes }, { withChosenAnalyte }] = await Promise.all([
    import('../node/loadStudy.js'),
    import('../pipeline/studyChoices.js'),
    import('../node/stateLanes.js'),
    import('../node/analyzeStudyOnDisk.js'),
  ]);
  // The analyte chosen here too (the analysis takes it from the overrides), for the notes and the figures to say it.
  const study = withChosenAnalyte(withStack(await loadStudy(studyPath), stack), overrides);
  await checkReferenceFlag(overrides, study.states.map((s) => s.state));
  // Checked before the figures are made, not found wanting after.
  const outDir = await prepareOutputFolder(p.out);
  for (const note of study.notes) io.stderr(`note: ${note}\n`);
  const progress = (line: string): void => io.stderr(`${line}\n`);
  // The renderers (resvg, pdfkit, fonts) load only when figures are made: other commands start faster.
  const { buildStudyFigures, figureFileContent, figureSvg } = await import('../node/figureFiles.js');
  const { WorkerLost } = await import('../node/stackPool.js');
  const { MM_PER_INCH, svgSizeMm } = await import('../figures/export.js');
  const { figureFonts } = await import('../node/fonts.js');
  // The states analysed side by side, as `strata analyze` does (three 512 MB states: ~4.2 →
  // ~3.6 s for the whole command; the sample study, the same within the noise).
  const { data, built, warnings } = await withStateLanes(
    study,
    undefined,
    (runStates) => buildStudyFigures(study, { figures: p.figures, widthMm: p.widthMm ?? undefined, xrdScale: p.xrdScale, volume: p.volume, progress, runStates, overrides }),
    pool,
  ).catch((err: unknown) => {
    throw asNormalizeFlagError(err, overrides.normalization !== undefined);
  });
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  if (!built.length) throw new StrataError(`${study.name}: none of the figures ${p.figures.join(', ')} could be made from this study`);
  const fonts = p.formats.some((f) => f !== 'svg') ? figureFonts() : null;
  const total = built.length * p.formats.length;
  // Each figure's files in the formats' order in figures.json; started SVG, then PDF, then PNG,
  // so a PDF is on its way to a worker before this thread draws the PNG's 3-D panels.
  const startOrder = (f: Format): number => ['svg', 'pdf', 'png'].indexOf(f);
  const jobs = built.flatMap((fig, figIndex) => {
    // Read off a drawing a file asks for (the same size in each): `--format png` alone draws no vector Fig. 4.
    const size = svgSizeMm(figureSvg(fig, p.formats[0], p.dpi));
    return p.formats.map((format, formatIndex) => ({ fig, size, format, at: figIndex * p.formats.length + formatIndex }));
  });
  const byStart = [...jobs].sort((a, b) => (a.fig === b.fig ? startOrder(a.format) - startOrder(b.format) : a.at - b.at));
  // PNGs rendered at once hold their pixels together: at 2400 dpi Fig. 4 alone is ~200 MP (800 MB).
  const pngPixels = weightBudget(PNG_PIXELS_AT_ONCE);
  /**
   * A file's content: a PDF on a lane worker, idle once the states are analysed (here where there
   * is none, or it is lost); an SVG and a PNG here (the PNG renders on the I/O thread pool).
   */
  const content = async (fig: BuiltFigure, size: { widthMm: number; heightMm: number }, format: Format): Promise<string | Uint8Array> => {
    if (format === 'pdf' && pool) {
      try {
        const r = await pool.run({ kind: 'figure-file', name: fig.name, svg: figureSvg(fig, format, p.dpi), format, dpi: p.dpi });
        if (r.kind !== 'figure-file') throw new Error(`${fig.name}.pdf: the worker answered a ${r.kind} task`);
        return r.content;
      } catch (err) {
        if (!(err instanceof WorkerLost)) throw err;
      }
    }
    const make = (): Promise<string | Uint8Array> => figureFileContent(fig, format, { dpi: p.dpi, fonts });
    if (format !== 'png') return make();
    return pngPixels(((size.widthMm / MM_PER_INCH) * p.dpi) * ((size.heightMm / MM_PER_INCH) * p.dpi), make);
  };
  let started = 0;
  // A few files at once: a PDF on a worker and a PNG on the I/O thread pool while this thread
  // makes the next file (the sample's default figures: ~5.6 s, against ~6.5 s a file at a time).
  const made = await mapConcurrently(byStart, FILES_AT_ONCE, async ({ fig, size, format }) => {
    const file = `${fig.name}.${format}`;
    const path = join(outDir, file);
    // Figure names carry state names; whatever they hold, nothing is written outside --out.
    if (dirname(path) !== outDir) throw new StrataError(`${study.name}: figure name ${JSON.stringify(fig.name)} is not a plain file name`);
    io.stderr(`[${++started}/${total}] ${file}\n`);
    const bytes = await content(fig, size, format);
    await writeFileAtomic(path, bytes);
    return {
      figure: fig.figure,
      name: fig.name,
      format,
      path: file,
      widthMm: size.widthMm,
      heightMm: +size.heightMm.toFixed(2),
      ...(format === 'png' ? { dpi: p.dpi, widthPx: Math.round((size.widthMm / MM_PER_INCH) * p.dpi) } : {}),
      sizeBytes: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length,
      sha256: await sha256File(path),
      // For the caption: what the figure rests on but does not print (files, pixel sizes).
      ...(fig.notes?.length ? { notes: fig.notes } : {}),
    };
  });
  const files: Record<string, unknown>[] = [];
  byStart.forEach((job, k) => (files[job.at] = made[k]));
  const manifest = {
    schema: 'strata.figures/1',
    study: data.report.study,
    stack: data.report.stack,
    createdAt: new Date().toISOString(),
    software: 'strata',
    version: STRATA_VERSION,
    // The figures rest on this analysis: its inputs (with checksums) and parameters.
    inputs: data.report.provenance.inputs,
    analysis: { version: data.report.provenance.version, createdAt: data.report.provenance.createdAt, parameters: data.report.provenance.parameters },
    parameters: { formats: p.formats, dpi: p.dpi, widthMm: p.widthMm, figures: p.figures, xrdScale: p.xrdScale },
    files,
    warnings,
  };
  await writeFileAtomic(join(outDir, 'figures.json'), JSON.stringify(manifest, null, 2) + '\n');
  io.stderr(`wrote ${files.length} file${files.length === 1 ? '' : 's'} and figures.json to ${p.out}\n`);
}

