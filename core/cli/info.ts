import type { Command } from 'commander';
import { openDataset } from '../node/openDataset.js';
import type { Dataset } from '../node/openDataset.js';
import { FORMATS } from '../io/detect.js';
import type { CliIo } from './context.js';
import { describeFailure, ReportedError } from './context.js';

/** The key facts of a dataset, as plain JSON (what `strata info --json` prints). */
export function summarizeDataset(format: string, d: Dataset): Record<string, unknown> {
  const base = { file: d.source.fileName, format, description: FORMATS[format as keyof typeof FORMATS]?.description };
  switch (d.kind) {
    case 'depthProfile':
      return {
        ...base,
        kind: 'sims-profile',
        scans: d.timeS.length,
        ions: d.ions.length,
        timeRangeS: [d.timeS[0] ?? null, d.timeS[d.timeS.length - 1] ?? null],
        polarity: d.polarity,
        poissonCorrected: d.ions.some((i) => i.poissonCorrected),
        ionLabels: d.ions.map((i) => i.label),
      };
    case 'ionStack':
      return {
        ...base,
        kind: 'sims-stack',
        scans: d.scans,
        height: d.height,
        width: d.width,
        ions: d.ions.map((i) => i.label),
        pixelSizeNm: d.pixelSizeNm,
        timeRangeS: [d.timeS[0] ?? null, d.timeS[d.timeS.length - 1] ?? null],
        shotsPerPixel: d.shotsPerPixel ?? null,
      };
    case 'semImage':
      return {
        ...base,
        kind: 'sem',
        width: d.width,
        height: d.height,
        bitsPerSample: d.bitsPerSample,
        pixelSizeNm: d.pixelSizeNm,
        pixelSizeSource: d.pixelSizeSource,
        pixelSizeDetail: d.pixelSizeDetail ?? null,
        dataBarRows: d.dataBarRows,
        tiltDeg: d.tiltDeg,
        instrument: d.instrument ?? null,
      };
    case 'xrdPattern': {
      const n = d.twoThetaDeg.length;
      return {
        ...base,
        kind: 'xrd',
        points: n,
        twoThetaRangeDeg: [d.twoThetaDeg[0] ?? null, d.twoThetaDeg[n - 1] ?? null],
        stepDeg: n > 1 ? (d.twoThetaDeg[n - 1] - d.twoThetaDeg[0]) / (n - 1) : null,
        wavelength: d.wavelength,
        scans: 1 + (d.otherScans?.length ?? 0),
      };
    }
  }
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

