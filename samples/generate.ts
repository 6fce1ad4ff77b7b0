/**
 * `npm run samples`: writes the sample study (default `samples/study`), or with `--large` one
 * big OME-TIFF ion stack for benchmarks, streamed to disk plane by plane (never committed).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_SEED, generateStudy } from './gen/study.js';
import { parseSize, writeLargeStack } from './gen/large.js';
import { writeStudyFiles } from './gen/writeFiles.js';

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
};

const program = new Command()
  .name('samples')
  .description('Generate the Strata sample study (deterministic, with ground truth in truth.json)')
  .option('--out <dir>', 'output folder', 'samples/study')
  .option('--seed <n>', 'random seed', int, DEFAULT_SEED)
  .option('--noise <scale>', 'noise scale (0 = expected values)', parseFloat, 1)
  .option('--large <size>', 'instead write one large OME-TIFF stack of about SIZE (e.g. 64MB, 512MB, 2GB) into --out')
  .option('--deflate', 'with --large: Deflate-compressed strips (SIZE is then the pixels\' raw size; the file name ends -deflate.ome.tif)')
  .action(async (opts: { out: string; seed: number; noise: number; large?: string; deflate?: boolean }) => {
    const out = resolve(opts.out);
    if (opts.large) {
      const bytes = parseSize(opts.large);
      const file = join(out, `large-${opts.large.toLowerCase()}${opts.deflate ? '-deflate' : ''}.ome.tif`);
      mkdirSync(out, { recursive: true });
      const started = Date.now();
      const info = await writeLargeStack(file, { targetBytes: bytes, seed: opts.seed, compression: opts.deflate ? 'deflate' : 'none' }, (done, total) => {
        process.stderr.write(`\rplanes ${done}/${total}`);
      });
      process.stderr.write(`\n${file}: ${info.width}×${info.height} px, ${info.channels} channels × ${info.scans} scans, ${(info.bytes / 2 ** 20).toFixed(0)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return;
    }
    const started = Date.now();
    const study = generateStudy({ seed: opts.seed, noiseScale: opts.noise });
    const total = writeStudyFiles(study.files, out);
    process.stderr.write(`${out}: ${study.files.size} files, ${(total / 2 ** 20).toFixed(2)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

await program.parseAsync(process.argv);
