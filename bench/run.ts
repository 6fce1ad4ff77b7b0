/**
 * `npm run bench [-- --sizes 64MB,512MB,2GB] [--repeats N]`: the benchmark suite of issue 6.
 *
 * For each size it makes the generated stack if missing (bench/data, never committed), then
 * runs every workload of bench/workload.ts in its own child process (so each peak RSS is its
 * own and no JIT or page state leaks from one workload to the next), five times in that process
 * (the median of runs 2–5, the steady state, is the one compared; the first, which pays for V8
 * compiling the code, is reported beside it), takes the median over processes, and reports each as a ratio against a baseline
 * measured in the same run:
 *   (a) stack read (every plane) vs reading the same file with `fs` alone;
 *   (b) per-window Li maps (and their sums) vs one plain typed-array pass over the Li channel;
 *   (c) the same reduction in numpy, where `python3 -c "import numpy"` works (ours also after
 *       40 runs in its process, "warm": a workbench that has been running a while);
 *   (d) `node bin/strata.js analyze samples/study --json`, end to end;
 *   (e) peak RSS of the streaming workloads vs 0.25 × file size + 300 MB;
 *   (f) the XRD analysis of each sample pattern vs reading and parsing that pattern;
 *   (g) opening a generated 256 × 256-pixel imzML (77 MB of XML) vs reading its two files;
 *   (h) measuring the layers of a generated 6144 × 4096-pixel SEM cross-section vs one pass over its pixels;
 *   (j) the Li maps of a Deflate-compressed 64 MB stack vs reading and inflating its Li strips with zlib alone;
 *   (k) the workbench's analysis of a new ROI on three states of the 512 MB stack vs reading the three files with `fs`;
 *   (m) the workbench's SEM view of a 6144 × 4096-pixel state after its analysis vs the same view measuring the image itself.
 * Prints a table and writes bench/results.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSize } from '../samples/gen/large.js';
import { makeImzml } from '../samples/gen/imzml.js';
import { writeTiff } from '../core/io/tiff/writeTiff.js';
import { benchSemSection } from './semSection.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'bench', 'data');
const MB = 2 ** 20;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const sizes = (arg('--sizes') ?? '64MB,512MB,2GB').split(',').map((s) => s.trim()).filter((s) => s !== '');
const repeatsArg = arg('--repeats');

interface Run {
  seconds: number;
  /** The workload's first run in its process (code not yet compiled); `seconds`: the median of runs 2–5. */
  coldSeconds?: number;
  check: number;
  maxRssBytes: number;
  openSeconds?: number;
  coldOpenSeconds?: number;
}

interface Measured {
  /** Median seconds over the repeats (each the steady state of its process: runs 2–5). */
  seconds: number;
  /** Median seconds of the first run in each process. */
  coldSeconds?: number;
  all: number[];
  check: number;
  maxRssBytes: number;
  openSeconds?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runJson(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * MB });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as Run;
}

function measure(repeats: number, once: () => Run): Measured {
  const runs = Array.from({ length: repeats }, once);
  return {
    seconds: median(runs.map((r) => r.seconds)),
    coldSeconds: runs[0].coldSeconds === undefined ? undefined : median(runs.map((r) => r.coldSeconds!)),
    all: runs.map((r) => r.seconds),
    check: runs[0].check,
    maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
    openSeconds: runs[0].openSeconds === undefined ? undefined : median(runs.map((r) => r.openSeconds!)),
  };
}

const workload = (name: string, file: string) => (): Run => runJson(process.execPath, ['--import', 'tsx', 'bench/workload.ts', name, file]);

function ensureStack(size: string, deflate = false): string {
  const file = join(dataDir, `large-${size.toLowerCase()}${deflate ? '-deflate' : ''}.ome.tif`);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  process.stderr.write(`making ${file} (2 GB takes minutes)…\n`);
  const args = ['--import', 'tsx', 'samples/generate.ts', '--large', size, '--out', dataDir, ...(deflate ? ['--deflate'] : [])];
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return file;
}

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

const numpy = hasNumpy();
const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, sizes: {} };
const rows: string[][] = [];
const fmt = (x: number | undefined, d = 3): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));

for (const size of sizes) {
  parseSize(size);
  const file = ensureStack(size);
  const bytes = statSync(file).size;
  const repeats = repeatsArg ? Number(repeatsArg) : bytes <= 128 * MB ? 3 : bytes <= 1024 * MB ? 2 : 1;
  process.stderr.write(`${size}: ${(bytes / MB).toFixed(0)} MiB, ${repeats} run(s) per workload\n`);
  // Warm the page cache once so every workload (and the baseline) reads from memory alike.
  runJson(process.execPath, ['--import', 'tsx', 'bench/workload.ts', 'fs-read', file]);
  const m: Record<string, Measured> = {};
  for (const w of ['fs-read', 'stack-read', 'stack-read-planes', 'open', 'typed-pass', 'li-maps-raw', 'li-maps-raw-warm', 'li-maps-corrected', 'volume']) {
    m[w] = measure(repeats, workload(w, file));
    process.stderr.write(`  ${w.padEnd(18)} ${fmt(m[w].seconds)} s  [${m[w].all.map((s) => fmt(s)).join(', ')}]  first run ${fmt(m[w].coldSeconds)} s  rss ${(m[w].maxRssBytes / MB).toFixed(0)} MiB\n`);
  }
  if (numpy) {
    const layoutFile = join(dataDir, `layout-${size.toLowerCase()}.json`);
    const layout = spawnSync(process.execPath, ['--import', 'tsx', 'bench/workload.ts', 'li-layout', file], { cwd: root, encoding: 'utf8', maxBuffer: 64 * MB });
    writeFileSync(layoutFile, layout.stdout);
    m.numpy = measure(repeats, () => runJson('python3', ['bench/numpy_reduction.py', file, layoutFile]));
    process.stderr.write(`  ${'numpy'.padEnd(18)} ${fmt(m.numpy.seconds)} s  first run ${fmt(m.numpy.coldSeconds)} s\n`);
    // The same reduction, or the comparison means nothing: the sums of the maps' totals agree.
    const ours = m['li-maps-raw'].check;
    if (!(Math.abs(m.numpy.check - ours) <= 1e-9 * Math.abs(ours))) throw new Error(`${size}: numpy's maps total ${m.numpy.check}, ours ${ours}: not the same reduction`);
  }
  const rssLimit = 0.25 * bytes + 300 * MB;
  const streamingRss = Math.max(m['stack-read'].maxRssBytes, m['stack-read-planes'].maxRssBytes, m['li-maps-raw'].maxRssBytes, m['li-maps-raw-warm'].maxRssBytes, m['li-maps-corrected'].maxRssBytes, m.volume.maxRssBytes);
  const ratios = {
    aStackReadVsFs: m['stack-read'].seconds / m['fs-read'].seconds,
    aStackReadPlanesVsFs: m['stack-read-planes'].seconds / m['fs-read'].seconds,
    bLiMapsRawVsTyped: m['li-maps-raw'].seconds / m['typed-pass'].seconds,
    bLiMapsCorrectedVsTyped: m['li-maps-corrected'].seconds / m['typed-pass'].seconds,
    bLiMapsRawAfterOpenVsTyped: (m['li-maps-raw'].seconds - (m['li-maps-raw'].openSeconds ?? 0)) / m['typed-pass'].seconds,
    cLiMapsRawVsNumpy: m.numpy ? m['li-maps-raw'].seconds / m.numpy.seconds : undefined,
    // The same ratios for each workload's first run in its process (the baselines' first runs too).
    firstRun: {
      aStackReadVsFs: m['stack-read'].coldSeconds! / m['fs-read'].coldSeconds!,
      bLiMapsRawVsTyped: m['li-maps-raw'].coldSeconds! / m['typed-pass'].coldSeconds!,
      cLiMapsRawVsNumpy: m.numpy ? m['li-maps-raw'].coldSeconds! / m.numpy.coldSeconds! : undefined,
    },
    cLiMapsRawAfterOpenVsNumpy: m.numpy ? (m['li-maps-raw'].seconds - (m['li-maps-raw'].openSeconds ?? 0)) / m.numpy.seconds : undefined,
    // The same reduction in a process that has run it 40 times (a workbench running a while).
    cLiMapsRawWarmVsNumpy: m.numpy ? m['li-maps-raw-warm'].seconds / m.numpy.seconds : undefined,
    cLiMapsRawWarmAfterOpenVsNumpy: m.numpy ? (m['li-maps-raw-warm'].seconds - (m['li-maps-raw-warm'].openSeconds ?? 0)) / m.numpy.seconds : undefined,
    ePeakRssBytes: streamingRss,
    eRssLimitBytes: rssLimit,
    eRssVsLimit: streamingRss / rssLimit,
  };
  (results.sizes as Record<string, unknown>)[size] = { file, bytes, repeats, workloads: m, ratios };
  rows.push([
    size,
    fmt(m['fs-read'].seconds),
    fmt(m['stack-read'].seconds),
    fmt(ratios.aStackReadVsFs, 2),
    fmt(ratios.aStackReadPlanesVsFs, 2),
    fmt(m['typed-pass'].seconds),
    fmt(m['li-maps-raw'].seconds),
    fmt(m['li-maps-raw'].openSeconds),
    fmt(ratios.bLiMapsRawVsTyped, 2),
    fmt(ratios.bLiMapsCorrectedVsTyped, 2),
    fmt(ratios.bLiMapsRawAfterOpenVsTyped, 2),
    fmt(m.numpy?.seconds),
    fmt(ratios.cLiMapsRawVsNumpy, 2),
    fmt(ratios.cLiMapsRawAfterOpenVsNumpy, 2),
    `${fmt(ratios.cLiMapsRawWarmVsNumpy, 2)}/${fmt(ratios.cLiMapsRawWarmAfterOpenVsNumpy, 2)}`,
    `${fmt(ratios.firstRun.aStackReadVsFs, 1)}/${fmt(ratios.firstRun.bLiMapsRawVsTyped, 1)}/${fmt(ratios.firstRun.cLiMapsRawVsNumpy, 1)}`,
    fmt(m.volume.seconds),
    `${(streamingRss / MB).toFixed(0)}/${(rssLimit / MB).toFixed(0)}`,
  ]);
}

// (d) the sample study end to end, through the real CLI (process start and module loading included).
const analyze = measure(3, () => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['bin/strata.js', 'analyze', 'samples/study', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * MB });
  if (r.status !== 0) throw new Error(`strata analyze failed (${r.status}): ${r.stderr}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, check: r.stdout.length, maxRssBytes: 0 };
});
results.analyze = { seconds: analyze.seconds, all: analyze.all, target: 3 };

// (j) A Deflate-compressed stack (64 MB of pixels, ~15 MB stored): the Li maps and every plane
// read, against the bound of any reader, the Li strips read and inflated by zlib alone.
const deflateFile = ensureStack('64MB', true);
runJson(process.execPath, ['--import', 'tsx', 'bench/workload.ts', 'fs-read', deflateFile]);
const deflated = {
  inflateBound: measure(3, workload('inflate-bound', deflateFile)),
  liMapsRaw: measure(3, workload('li-maps-raw', deflateFile)),
  stackRead: measure(3, workload('stack-read', deflateFile)),
};
results.deflate64MB = { file: deflateFile, bytes: statSync(deflateFile).size, ...deflated, liMapsVsInflateBound: deflated.liMapsRaw.seconds / deflated.inflateBound.seconds };

// (k) The workbench: a new ROI's analysis of a study of three states (links to the 512 MB stack,
// or to the first size's), after its first analysis, against reading the three files once with
// `fs` (the ROI's depth profiles read every plane of every ion of each state).
const roiSize = sizes.find((s) => s.toUpperCase() === '512MB') ?? sizes[0] ?? '64MB';
const roiFile = ensureStack(roiSize);
const workbench = { roi: measure(1, workload('workbench-roi', roiFile)), fsRead: measure(1, workload('fs-read', roiFile)) };
results.workbenchRoi = { file: roiFile, states: 3, ...workbench, ratio: workbench.roi.seconds / (3 * workbench.fsRead.seconds) };

// (f) XRD: the analysis of each of the sample study's patterns (a few hundred ms is what keeps
// the XRD view interactive when a parameter changes), against reading and parsing that pattern.
const xrd = ['pristine', 'charged', 'discharged'].map((state) => {
  const file = join('samples', 'study', state, 'xrd.ras');
  const parse = measure(3, workload('xrd-parse', file));
  const analysis = measure(3, workload('xrd-analyze', file));
  return { state, parseSeconds: parse.seconds, analyzeSeconds: analysis.seconds, ratio: analysis.seconds / parse.seconds, peaks: analysis.check };
});
results.xrd = xrd;

// (g) imzML: a generated 256 × 256-pixel processed file (65 536 spectra of four peaks; 77 MB of
// XML, the size that matters) opened into ion images, against reading its two files with `fs`.
const imzmlFile = join(dataDir, 'imzml-256.imzML');
if (!existsSync(imzmlFile)) {
  mkdirSync(dataDir, { recursive: true });
  const spectra = [];
  for (let y = 1; y <= 256; y++) for (let x = 1; x <= 256; x++) spectra.push({ x, y, mz: [6.015, 7.016, 12, 27.977], intensity: [1, x % 7, 3, y % 5] });
  const { xml, ibd } = makeImzml(spectra, { mode: 'processed' });
  writeFileSync(imzmlFile, xml);
  writeFileSync(imzmlFile.replace(/\.imzML$/, '.ibd'), ibd);
}
const imzml = { open: measure(1, workload('imzml-open', imzmlFile)), fsRead: measure(1, workload('imzml-fs-read', imzmlFile)) };
results.imzml = { file: imzmlFile, xmlBytes: statSync(imzmlFile).size, ...imzml, ratio: imzml.open.seconds / imzml.fsRead.seconds };

// (h) SEM: the cross-section of a 6144 × 4096 image (a 25 MP frame, as FIB-SEMs write at their
// finest), against one plain pass over its pixels.
const SEM_SIZE = '6144x4096';
const sem = { measure: measure(1, workload('sem-measure', SEM_SIZE)), pass: measure(1, workload('sem-pass', SEM_SIZE)) };
results.sem = { size: SEM_SIZE, ...sem, ratio: sem.measure.seconds / sem.pass.seconds };

// (l) SEM TIFF reads: the same section written as a file, uncompressed (as FEI/Thermo and Tescan
// save) and Deflate-compressed, opened as the readers open it, against reading the file with `fs`.
const semFiles = (['none', 'deflate'] as const).map((compression) => {
  const path = join(dataDir, `sem-${SEM_SIZE}-${compression}.tif`);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const image = benchSemSection(SEM_SIZE);
    writeFileSync(path, writeTiff([{ width: image.width, height: image.height, data: Uint8Array.from(image.pixels, Math.round) }], { compression }));
  }
  return { compression, path, bytes: statSync(path).size, read: measure(1, workload('sem-read', path)), fsRead: measure(1, workload('fs-read', path)) };
});
results.semRead = semFiles.map(({ compression, bytes, read, fsRead }) => ({ compression, bytes, read, fsRead, ratio: read.seconds / fsRead.seconds }));

// (m) The workbench's SEM view of the uncompressed section's state after the study's analysis,
// which measured it on the worker the view goes to, against the same view at a scale the
// analysis did not use (the view measures the image itself).
const semViewFile = semFiles[0].path;
const semView = { view: measure(1, workload('sem-view', semViewFile)), unmeasured: measure(1, workload('sem-view-unmeasured', semViewFile)) };
results.semView = { file: semViewFile, ...semView, ratio: semView.view.seconds / semView.unmeasured.seconds };

// (i) CLI start: `strata --version` (the program alone) and `strata info` of an XRD pattern (its
// readers loaded), each a fresh process as a script calling strata per file runs it, against a
// bare `node -e 0` started the same way. The bundle is made before (its first use builds it).
const timedProcess = (args: string[]) => (): Run => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, check: r.stdout.length, maxRssBytes: 0 };
};
timedProcess(['bin/strata.js', '--version'])();
const cliStart = {
  node: measure(7, timedProcess(['-e', '0'])),
  version: measure(7, timedProcess(['bin/strata.js', '--version'])),
  info: measure(7, timedProcess(['bin/strata.js', 'info', 'samples/study/pristine/xrd.ras'])),
};
results.cliStart = { ...cliStart, versionVsNode: cliStart.version.seconds / cliStart.node.seconds, infoVsNode: cliStart.info.seconds / cliStart.node.seconds };

const head = ['size', 'fs s', 'stack s', '(a) ×fs', 'planes ×fs', 'typed s', 'Li maps s', 'open s', '(b) raw ×', 'corr ×', 'raw-open ×', 'numpy s', '(c) ×np', 'np-open ×', 'warm ×np incl/after open', '1st run a/b/c ×', 'volume s', '(e) RSS/limit MiB'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]): string => r.map((c, i) => c.padStart(widths[i])).join('  ');
process.stdout.write(`${line(head)}\n${rows.map(line).join('\n')}\n`);
process.stdout.write(`(d) strata analyze samples/study: ${fmt(analyze.seconds, 2)} s (median of 3: ${analyze.all.map((s) => fmt(s, 2)).join(', ')}; target < 3 s)\n`);
process.stdout.write(
  `(j) Deflate 64 MB stack (${(statSync(deflateFile).size / MB).toFixed(0)} MiB stored): Li maps ${fmt(deflated.liMapsRaw.seconds, 3)} s (open ${fmt(deflated.liMapsRaw.openSeconds, 3)} s), ×${fmt(deflated.liMapsRaw.seconds / deflated.inflateBound.seconds, 2)} reading and inflating its Li strips with zlib alone (${fmt(deflated.inflateBound.seconds, 3)} s); every plane of every ion ${fmt(deflated.stackRead.seconds, 3)} s\n`,
);
process.stdout.write(
  `(k) workbench, a new ROI (the central 80 %) on three ${roiSize} states: ${fmt(workbench.roi.seconds, 2)} s (first run ${fmt(workbench.roi.coldSeconds, 2)} s), ×${fmt(workbench.roi.seconds / (3 * workbench.fsRead.seconds), 1)} reading the three files with fs (${fmt(3 * workbench.fsRead.seconds, 2)} s); peak RSS ${(workbench.roi.maxRssBytes / MB).toFixed(0)} MiB\n`,
);
for (const x of xrd) {
  process.stdout.write(`(f) XRD ${x.state}: analysis ${fmt(x.analyzeSeconds * 1e3, 0)} ms, ×${fmt(x.ratio, 0)} its read + parse (${fmt(x.parseSeconds * 1e3, 1)} ms), ${x.peaks} peaks\n`);
}
process.stdout.write(
  `(g) imzML 256 × 256 px (${(statSync(imzmlFile).size / MB).toFixed(0)} MiB of XML): open ${fmt(imzml.open.seconds, 2)} s, ×${fmt(imzml.open.seconds / imzml.fsRead.seconds, 0)} reading its files (${fmt(imzml.fsRead.seconds * 1e3, 0)} ms), peak RSS ${(imzml.open.maxRssBytes / MB).toFixed(0)} MiB\n`,
);
process.stdout.write(
  `(h) SEM ${SEM_SIZE} px: layers measured in ${fmt(sem.measure.seconds, 2)} s (first run ${fmt(sem.measure.coldSeconds, 2)} s), ×${fmt(sem.measure.seconds / sem.pass.seconds, 0)} one pass over its pixels (${fmt(sem.pass.seconds * 1e3, 0)} ms)\n`,
);
for (const f of semFiles) {
  process.stdout.write(`(l) SEM TIFF ${SEM_SIZE} px, ${f.compression === 'none' ? 'uncompressed' : 'Deflate'} (${(f.bytes / MB).toFixed(0)} MiB): opened in ${fmt(f.read.seconds * 1e3, 0)} ms, ×${fmt(f.read.seconds / f.fsRead.seconds, 1)} reading it with fs (${fmt(f.fsRead.seconds * 1e3, 0)} ms)\n`);
}
process.stdout.write(
  `(m) SEM view of a ${SEM_SIZE} px state after its analysis: ${fmt(semView.view.seconds * 1e3, 0)} ms, ×${fmt(semView.view.seconds / semView.unmeasured.seconds, 2)} the view measuring the image itself (${fmt(semView.unmeasured.seconds * 1e3, 0)} ms)\n`,
);
process.stdout.write(
  `(i) CLI start: strata --version ${fmt(cliStart.version.seconds * 1e3, 0)} ms, ×${fmt(cliStart.version.seconds / cliStart.node.seconds, 1)} a bare node start (${fmt(cliStart.node.seconds * 1e3, 0)} ms); strata info of an XRD pattern ${fmt(cliStart.info.seconds * 1e3, 0)} ms, ×${fmt(cliStart.info.seconds / cliStart.node.seconds, 1)} (medians of 7)\n`,
);
if (!numpy) process.stdout.write('(c) skipped: python3 with numpy not found\n');
process.stdout.write('times: each workload run five times in its own process, the median of runs 2–5 reported (the first, with V8 still compiling, in "1st run"); "warm": Li maps run 41 times, the median of the last 10\n');
process.stdout.write('targets: (a) ≤ 1.5×  (b) ≤ 2× and < numpy  (e) RSS ≤ 0.25 × size + 300 MB\n');
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
process.stdout.write('written bench/results.json\n');
