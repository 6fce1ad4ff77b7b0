import type { Command } from 'commander';
import { openDataset } from '../node/openDataset.js';
import { summarizeDataset } from '../pipeline/summarizeDataset.js';
import type { CliIo } from './context.js';
import { describeFailure, ReportedError } from './context.js';

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

