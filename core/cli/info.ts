import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { FORMATS } from '../io/detect.js';
import { detectFileFormat, openDataset } from '../node/openDataset.js';
import { summarizeDataset } from '../pipeline/summarizeDataset.js';
import type { CliIo } from './context.js';
import { describeFailure, ReportedError } from './context.js';

/** A sidecar: which image it belongs to (same base name), the one whose pixel size it gives. */
async function describeSidecar(file: string): Promise<Record<string, unknown>> {
  const base = file.replace(/\.[^./\\]+$/, '');
  const image = ['.tif', '.tiff', '.TIF', '.TIFF'].map((e) => base + e).find((p) => existsSync(p)) ?? null;
  return { file, format: 'sem-sidecar', description: FORMATS['sem-sidecar'].description, kind: 'sem-sidecar', image: image ? basename(image) : null };
}

function formatLine(s: Record<string, unknown>): string {
  const skip = new Set(['file', 'description', 'ionLabels']);
  const parts = Object.entries(s)
    .filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(Array.isArray(v) && typeof v[0] === 'number' ? '..' : ',') : typeof v === 'object' ? JSON.stringify(v) : v}`);
  return `${s.file}: ${s.description}\n  ${parts.join('  ')}`;
}

export function registerInfo(program: Command, io: CliIo): void {
  program
    .command('info')
    .description('Show the format, dimensions and key metadata of data files')
    .argument('<files...>', 'data files (ToF-SIMS profiles and stacks, SEM images, XRD patterns)')
    .option('--json', 'machine-readable output on stdout')
    .action(async (files: string[], options: { json?: boolean }) => {
      const results: Record<string, unknown>[] = [];
      let failed: unknown = null;
      for (const file of files) {
        try {
          // A JEOL/Hitachi metadata text is described as the sidecar of its image, not as an error.
          if ((await detectFileFormat(file)) === 'sem-sidecar') {
            results.push(await describeSidecar(file));
            continue;
          }
          const opened = await openDataset(file, { displayName: file });
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
      if (options.json) io.stdout(JSON.stringify(files.length === 1 && results.length === 1 ? results[0] : results, null, 2) + '\n');
      else for (const r of results) io.stdout(formatLine(r) + '\n');
      if (failed) throw new ReportedError(failed);
    });
}

