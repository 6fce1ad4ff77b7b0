import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { FORMATS } from '../io/detect.js';
import type { TiffKind } from '../io/tiff/classify.js';
import { FormatError } from '../model/errors.js';
import type { CliIo } from './context.js';
import { describeFailure, ReportedError } from './context.js';

/** A sidecar: which image it belongs to (same base name), the one whose pixel size it gives. */
async function describeSidecar(file: string): Promise<Record<string, unknown>> {
  const base = file.replace(/\.[^./\\]+$/, '');
  const image = ['.tif', '.tiff', '.TIF', '.TIFF'].map((e) => base + e).find((p) => existsSync(p)) ?? null;
  return { file, format: 'sem-sidecar', description: FORMATS['sem-sidecar'].description, kind: 'sem-sidecar', image: image ? basename(image) : null };
}

/**
 * The summary of an SEM TIFF from its tags and sidecar, without decoding its pixels (an
 * 8192 × 8192 16-bit image is 128 MiB decoded, for a few facts). Null when it is not an SEM
 * image, or when what is printed needs the pixels (a data bar the metadata does not size, a
 * pixel size from a burned-in scale bar), or when the image is past openDataset's size limit:
 * openDataset reads it whole then, as before (`summary` null; `tiffKind`, the classification
 * made, none past the limit, for openDataset to take instead of classifying the file again).
 */
async function semSummary(file: string): Promise<{ summary: Record<string, unknown> | null; tiffKind?: TiffKind }> {
  const [{ readSemImageInfo }, { classifyTiff }, { readSemSidecar, WHOLE_FILE_LIMITS }, { openFileSource }, { summarizeDataset }] = await Promise.all([
    import('../io/sem/index.js'),
    import('../io/tiff/classify.js'),
    import('../node/openDataset.js'),
    import('../node/fileSource.js'),
    import('../pipeline/summarizeDataset.js'),
  ]);
  const source = await openFileSource(file, file);
  try {
    const tiffKind = source.size > WHOLE_FILE_LIMITS.sem ? undefined : await classifyTiff(source);
    if (tiffKind !== 'sem') return { summary: null, tiffKind };
    // Read as openDataset reads it (a sidecar past its limit refused the same way).
    const info = await readSemImageInfo(source, await readSemSidecar(file));
    // summarizeDataset reads no pixels: an empty array stands for them.
    return { summary: info ? summarizeDataset('tiff', { ...info, pixels: new Uint8Array(0) }) : null, tiffKind };
  } finally {
    await source.close();
  }
}

/**
 * A value as the text line shows it: numbers to 7 significant digits (a wavelength's 1.540593 Å
 * kept whole), angles (…Deg) to 0.0001° (a stage tilt of 0.0003749997309975336° is 0.0004° to
 * any microscope), ranges as a..b, objects as key:value lists (the wavelength's lines), not
 * JSON. --json keeps every digit.
 */
function formatValue(v: unknown, key = ''): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : key.endsWith('Deg') ? String(+v.toFixed(4)) : String(+v.toPrecision(7));
  if (Array.isArray(v)) return v.map((x) => formatValue(x, key)).join(typeof v[0] === 'number' ? '..' : ',');
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}:${formatValue(x, k)}`).join(',');
  return String(v);
}

function formatLine(s: Record<string, unknown>): string {
  const skip = new Set(['file', 'description', 'ionLabels']);
  const parts = Object.entries(s)
    .filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v, k)}`);
  return `${s.file}: ${s.description}\n  ${parts.join('  ')}`;
}

export function registerInfo(program: Command, io: CliIo): void {
  program
    .command('info')
    .description('Show the format, dimensions and key metadata of data files')
    .argument('<files...>', 'data files (ToF-SIMS profiles and stacks, SEM images, XRD patterns)')
    .option('--json', 'machine-readable output on stdout: an array with one object per file read, also for one file')
    .action(async (files: string[], options: { json?: boolean }) => {
      // The readers load only when this command runs (see analyze.ts).
      const [{ detectFileFormat, openDataset }, { summarizeDataset }] = await Promise.all([import('../node/openDataset.js'), import('../pipeline/summarizeDataset.js')]);
      const results: Record<string, unknown>[] = [];
      let failed: unknown = null;
      for (const file of files) {
        try {
          const format = await detectFileFormat(file);
          // A JEOL/Hitachi metadata text is described as the sidecar of its image, not as an error.
          if (format === 'sem-sidecar') {
            results.push(await describeSidecar(file));
            continue;
          }
          // An imzML's binary part is read through its XML ("not a data file Strata reads" left
          // the user to find that out).
          if (format === 'unknown' && /\.ibd$/i.test(file)) throw new FormatError(file, `the binary part of an imzML: run strata info on its .imzML, which reads it`);
          const sem = format === 'tiff' ? await semSummary(file) : null;
          if (sem?.summary) {
            results.push(sem.summary);
            continue;
          }
          const opened = await openDataset(file, { displayName: file, tiffKind: sem?.tiffKind });
          try {
            results.push(summarizeDataset(opened.format, opened.dataset));
          } finally {
            await opened.close();
          }
        } catch (err) {
          // Report every bad file, then fail: one bad file must not hide the others' info.
          failed = err;
          io.stderr(describeFailure(err).line + '\n');
        }
      }
      // Always an array, one element per file read (a file that failed has none: its error is on
      // stderr): a script gets one shape whether it was given one file or many.
      if (options.json) io.stdout(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) io.stdout(formatLine(r) + '\n');
      if (failed) throw new ReportedError(failed);
    });
}

