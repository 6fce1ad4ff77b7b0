/**
 * One benchmark workload, run in its own process so its peak RSS is its own:
 *   node --import tsx bench/workload.ts <workload> <file> [shotsPerPixel]
 * Prints one JSON line: { seconds, coldSeconds, maxRssBytes, check } (check: a number that proves
 * the work was done, compared across workloads that compute the same thing).
 */
import { existsSync, linkSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { openTiffStack } from '../core/io/sims/tiffStack.js';
import { findIon } from '../core/model/ions.js';
import { openFileSource } from '../core/node/fileSource.js';
import { ionPlanes } from '../core/sims/planeRuns.js';
import { windowMapsFromStack } from '../core/sims/windowMaps.js';
import { binStackVolume } from '../core/sims/volume.js';
import { scanWeights } from '../core/sims/windows.js';
import { readTagNumbers, readTiffStructure, TAG } from '../core/io/tiff/ifd.js';
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { readRas } from '../core/io/xrd/ras.js';
import { analyzeXrd } from '../core/xrd/analyze.js';
import { openDataset } from '../core/node/openDataset.js';
import { WorkbenchServices } from '../core/node/services.js';
import { measureCrossSection } from '../core/sem/crossSection.js';
import { PAPER_ANODE_FREE } from '../core/model/layerStack.js';
import type { SemImage } from '../core/model/semImage.js';
import { benchSemSection } from './semSection.js';

const [workload, file, shotsArg] = process.argv.slice(2);
const shotsPerPixel = shotsArg ? Number(shotsArg) : undefined;
const CHUNK = 8 << 20;

/** Five equal time windows over the stack: stand-ins for the layers. */
function windowsOf(timeS: Float64Array): { startS: number; endS: number }[] {
  const t0 = timeS[0];
  const t1 = timeS[timeS.length - 1] + (timeS[1] - timeS[0]);
  return Array.from({ length: 5 }, (_, k) => ({ startS: t0 + ((t1 - t0) * k) / 5, endS: t0 + ((t1 - t0) * (k + 1)) / 5 }));
}

async function fsRead(): Promise<number> {
  const handle = await open(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  await handle.close();
  return total;
}

/** Every plane of every ion through the streaming API (runs of planes where the reader has them). */
async function stackRead(): Promise<number> {
  const source = await openFileSource(file);
  const stack = await openTiffStack(source);
  const scans = Array.from({ length: stack.scans }, (_, s) => s);
  let sum = 0;
  for (let ion = 0; ion < stack.ions.length; ion++) {
    for await (const { raw, base } of ionPlanes(stack, ion, scans)) sum += raw[base];
  }
  await source.close();
  return sum;
}

/** Every plane through `readPlane`, one Float32 plane at a time (what a viewer does). */
async function stackReadPlanes(): Promise<number> {
  const source = await openFileSource(file);
  const stack = await openTiffStack(source);
  let sum = 0;
  for (let ion = 0; ion < stack.ions.length; ion++) {
    for (let scan = 0; scan < stack.scans; scan++) {
      const plane = await stack.readPlane(ion, scan);
      sum += plane.data[0];
    }
  }
  await source.close();
  return sum;
}

/** Per-window Li maps and sums through the project's streaming reduction (open included). */
async function liReduction(deadTime: boolean): Promise<{ check: number; openSeconds: number }> {
  const t0 = process.hrtime.bigint();
  const source = await openFileSource(file);
  const stack = await openTiffStack(source);
  const openSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const li = findIon(stack.ions, 'Li-');
  const result = await windowMapsFromStack(stack, li, windowsOf(stack.timeS), { shotsPerPixel, deadTime });
  await source.close();
  // The maps' own totals (the sums of their values), not a pass of the benchmark's own over them.
  return { check: result.maps.reduce((s, m) => s + m.total, 0), openSeconds };
}

/** Opening alone: the IFD walk, the OME-XML and the page layout. */
async function openOnly(): Promise<number> {
  const source = await openFileSource(file);
  const stack = await openTiffStack(source);
  await source.close();
  return stack.scans * stack.ions.length;
}

/** The 3-D view's binned Li volume (256³ texture limit, 8 M voxels). */
async function volume(): Promise<number> {
  const source = await openFileSource(file);
  const stack = await openTiffStack(source);
  const v = await binStackVolume(stack, findIon(stack.ions, 'Li-'), { maxSize: 256, maxVoxels: 8 << 20 });
  await source.close();
  // Every 97th voxel and the range: a pass over all ~4 M voxels took ~15 % of the time measured.
  let sampled = 0;
  for (let k = 0; k < v.data.length; k += 97) sampled += v.data[k];
  return sampled + v.min + v.max;
}

/** The stack, and where each Li page's strips lie in the file (its offsets and stored bytes), scan by scan. */
async function liStrips(): Promise<{ stack: Awaited<ReturnType<typeof openTiffStack>>; strips: { offsets: number[]; counts: number[] }[] }> {
  const source = await openFileSource(file);
  const tiff = await readTiffStructure(source);
  const stack = await openTiffStack(source);
  const li = findIon(stack.ions, 'Li-');
  const strips: { offsets: number[]; counts: number[] }[] = [];
  // Pages are in OME order (scan fastest within a channel): channel li holds pages li·scans … .
  for (let s = 0; s < stack.scans; s++) {
    const ifd = tiff.ifds[li * stack.scans + s];
    strips.push({ offsets: await readTagNumbers(source, tiff, ifd, TAG.StripOffsets), counts: await readTagNumbers(source, tiff, ifd, TAG.StripByteCounts) });
  }
  await source.close();
  return { stack, strips };
}

/**
 * What the numpy comparison needs to make the same reduction: the byte offset of each Li plane
 * and each window's weight of each scan (fractional at the window's edges, as scanWeights gives).
 */
async function liLayout(): Promise<object> {
  const { stack, strips } = await liStrips();
  const offsets = strips.map((s) => s.offsets[0]);
  const weights = windowsOf(stack.timeS).map((w) => Array.from(scanWeights(stack.timeS, w.startS, w.endS)));
  return { width: stack.width, height: stack.height, offsets, weights };
}

/**
 * The memory-bandwidth bound: the Li channel already in one Uint16Array (loading it is not
 * timed), summed once into per-window maps in a plain loop.
 */
async function typedPass(): Promise<{ seconds: number; check: number }> {
  const source = await openFileSource(file);
  const stack = await openTiffStack(source);
  const li = findIon(stack.ions, 'Li-');
  const planeSize = stack.width * stack.height;
  const volume = new Uint16Array(stack.scans * planeSize);
  for (let s = 0; s < stack.scans; s++) volume.set((await stack.readPlane(li, s)).data, s * planeSize);
  await source.close();
  const windows = windowsOf(stack.timeS);
  const started = process.hrtime.bigint();
  const maps = windows.map(() => new Float64Array(planeSize));
  for (let s = 0; s < stack.scans; s++) {
    const t = stack.timeS[s];
    const k = windows.findIndex((w) => t >= w.startS && t < w.endS);
    if (k < 0) continue;
    const map = maps[k];
    const off = s * planeSize;
    for (let i = 0; i < planeSize; i++) map[i] += volume[off + i];
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, check: maps.reduce((s, m) => s + m.reduce((a, b) => a + b, 0), 0) };
}

type Result = { seconds: number; check: number; openSeconds?: number };

/**
 * The bound of any reader of a Deflate-compressed stack's Li channel: the stretch of the file
 * that holds its strips read with `fs` in one read, and each strip inflated by Node's zlib,
 * nothing else (where the strips lie is found before the timing). A sample of each plane proves
 * the work.
 */
async function inflateBound(): Promise<Result> {
  const { strips } = await liStrips();
  // The channel's strips lie in one stretch of the file (with the pages' IFDs between them): one read, then each inflated.
  const from = Math.min(...strips.map((s) => Math.min(...s.offsets)));
  const to = Math.max(...strips.map((s) => Math.max(...s.offsets.map((o, k) => o + s.counts[k]))));
  const started = process.hrtime.bigint();
  const handle = await open(file, 'r');
  const span = Buffer.allocUnsafe(to - from);
  await handle.read(span, 0, to - from, from);
  await handle.close();
  let check = 0;
  for (const { offsets, counts } of strips) {
    for (let k = 0; k < offsets.length; k++) check += inflateSync(span.subarray(offsets[k] - from, offsets[k] - from + counts[k]))[0];
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, check };
}

/**
 * (k) The workbench's analysis of a new ROI (the central 80 %: the usual "exclude the crater
 * rim") on a study of three states, each a link to the stack, after the study's first analysis
 * (not timed): the ROI's depth profiles of every ion and the analyte's maps, on the workbench's
 * worker threads. Each run a fresh workbench (its workers start cold, as at a workbench's first ROI).
 */
async function workbenchRoi(): Promise<Result> {
  const study = linkedStudy(file, 3);
  const services = new WorkbenchServices({ mode: 'browser', startupStudy: study, stateDir: mkdtempSync(join(tmpdir(), 'strata-bench-')) });
  try {
    await services.analyzeStudy({ path: study });
    const source = await openFileSource(file);
    const { width, height } = await openTiffStack(source);
    await source.close();
    const roi = { x0: Math.round(width * 0.1), y0: Math.round(height * 0.1), x1: Math.round(width * 0.9), y1: Math.round(height * 0.9) };
    const started = process.hrtime.bigint();
    const report = await services.analyzeStudy({ path: study, overrides: { roi } });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, check: report.states.reduce((sum, st) => sum + (st.sims?.li.reduce((a, l) => a + l.fraction, 0) ?? 0), 0) };
  } finally {
    await services.close();
  }
}

/** The SEM section's pixel size, nm (benchSemSection): its TIFF has none, so the view and the analysis are given it, as a scale set by hand. */
const SEM_SECTION_PIXEL_NM = 0.6;

/**
 * (m) The workbench's SEM view of a state after the study's analysis (not timed): the image the
 * view shows, binned, with the boundaries the analysis measured on the same worker
 * (crossSectionMemo.ts). `measured: false`, the baseline: the same view at a scale the analysis
 * did not use (0.1 % off), so the view measures the image itself, as it did before. Each run a
 * fresh workbench; the study is one state holding a link to the (l) section's TIFF.
 */
async function semView(measured: boolean): Promise<Result> {
  const study = semStudy(file);
  const services = new WorkbenchServices({ mode: 'browser', startupStudy: study, stateDir: mkdtempSync(join(tmpdir(), 'strata-bench-')) });
  try {
    await services.analyzeStudy({ path: study, overrides: { semPixelSizeNm: { pristine: SEM_SECTION_PIXEL_NM } } });
    const pixelSizeNm = measured ? SEM_SECTION_PIXEL_NM : SEM_SECTION_PIXEL_NM * 1.001;
    const started = process.hrtime.bigint();
    const view = await services.getSemImage({ path: study, state: 'pristine', maxSize: 1400, pixelSizeNm });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!view.boundaries) throw new Error(`${file}: the view found no boundaries (${view.boundaryError})`);
    return { seconds, check: view.boundaries.lines.length };
  } finally {
    await services.close();
  }
}

/** A study of one state beside the SEM TIFF (bench/data/<stem>-study/), its image a hard link to it, made once. */
function semStudy(semFile: string): string {
  const dir = join(dirname(semFile), `${basename(semFile, '.tif')}-study`);
  if (!existsSync(join(dir, 'study.json'))) {
    mkdirSync(join(dir, 'pristine'), { recursive: true });
    if (!existsSync(join(dir, 'pristine', 'sem.tif'))) linkSync(semFile, join(dir, 'pristine', 'sem.tif'));
    const manifest = { schema: 'strata.study/1', name: `bench ${basename(semFile)}`, stack: 'anode-free-ss-lfp', states: [{ state: 'pristine', files: ['pristine/sem.tif'] }] };
    writeFileSync(join(dir, 'study.json'), JSON.stringify(manifest, null, 2));
  }
  return dir;
}

/**
 * A study of `states` states beside the stack (bench/data/<stem>-study/), each a hard link to it
 * (the same bytes, no copy), made once.
 */
function linkedStudy(stackFile: string, states: number): string {
  const dir = join(dirname(stackFile), `${basename(stackFile, '.ome.tif')}-study`);
  const names = ['pristine', 'charged', 'discharged', 'state-4', 'state-5'].slice(0, states);
  if (!existsSync(join(dir, 'study.json'))) {
    for (const name of names) {
      mkdirSync(join(dir, name), { recursive: true });
      if (!existsSync(join(dir, name, 'stack.ome.tif'))) linkSync(stackFile, join(dir, name, 'stack.ome.tif'));
    }
    const manifest = { schema: 'strata.study/1', name: `bench ${basename(stackFile)}`, stack: 'anode-free-ss-lfp', states: names.map((state) => ({ state, files: [`${state}/stack.ome.tif`] })) };
    writeFileSync(join(dir, 'study.json'), JSON.stringify(manifest, null, 2));
  }
  return dir;
}

/** (f) baseline: reading and parsing one Rigaku .ras pattern. */
async function xrdParse(): Promise<number> {
  return readRas(await readFile(file), file).intensity.length;
}

/** (f) the whole XRD analysis of one pattern (parsed beforehand, outside the timing). */
async function xrdAnalyze(): Promise<Result> {
  const pattern = readRas(await readFile(file), file);
  const started = process.hrtime.bigint();
  const r = analyzeXrd(pattern);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, check: r.peaks.length };
}

/** (g) An imzML opened as the workbench opens it: the XML parsed as it is read, every spectrum summed into ion images. */
async function imzmlOpen(): Promise<number> {
  const opened = await openDataset(file);
  try {
    if (opened.dataset.kind !== 'ionStack') throw new Error(`${file}: not an ion stack`);
    return opened.dataset.width * opened.dataset.height * opened.dataset.ions.length;
  } finally {
    await opened.close();
  }
}

/** (g) baseline: the same two files (XML and .ibd) read whole with `fs`. */
async function imzmlFsRead(): Promise<number> {
  const [xml, ibd] = await Promise.all([readFile(file), readFile(file.replace(/\.imzML$/i, '.ibd'))]);
  return xml.length + ibd.length;
}

/** (h) The section, made once per process, outside the timing. */
let semImage: SemImage | null = null;
function semSection(): SemImage {
  semImage ??= benchSemSection(file);
  return semImage;
}

/** (h) The thickness of every layer of the section (orientation search, projection, steps, strips). */
async function semMeasure(): Promise<Result> {
  const image = semSection();
  const started = process.hrtime.bigint();
  const r = measureCrossSection(image, PAPER_ANODE_FREE);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, check: r.layers.reduce((s, l) => s + l.thicknessNm, 0) };
}

/** (l) An SEM TIFF opened as the readers open it: its tags, sidecar metadata and pixels (decoded), its data bar found. */
async function semRead(): Promise<number> {
  const opened = await openDataset(file);
  await opened.close();
  if (opened.dataset.kind !== 'semImage') throw new Error(`${file}: not an SEM image`);
  return opened.dataset.width * opened.dataset.height + opened.dataset.pixels[0];
}

/** (h) baseline: one plain pass over the section's pixels (the memory-bandwidth bound of any analysis of it). */
async function semPass(): Promise<Result> {
  const { pixels } = semSection();
  const started = process.hrtime.bigint();
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) sum += pixels[i];
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, check: sum };
}

/**
 * The workloads by name: each answers a number that proves the work was done, or a result of
 * its own (with `seconds` when it times only part of its run, as the typed pass does).
 */
const WORKLOADS: Record<string, () => Promise<number | Partial<Result> & { check: number }>> = {
  'fs-read': fsRead,
  'stack-read': stackRead,
  'stack-read-planes': stackReadPlanes,
  open: openOnly,
  volume,
  'li-maps-raw': () => liReduction(false),
  // The same, its figure taken after 40 runs in the process (see below).
  'li-maps-raw-warm': () => liReduction(false),
  'li-maps-corrected': () => liReduction(true),
  'typed-pass': typedPass,
  'inflate-bound': inflateBound,
  'xrd-parse': xrdParse,
  'xrd-analyze': xrdAnalyze,
  'imzml-open': imzmlOpen,
  'imzml-fs-read': imzmlFsRead,
  'sem-measure': semMeasure,
  'sem-pass': semPass,
  'sem-read': semRead,
  'workbench-roi': workbenchRoi,
  'sem-view': () => semView(true),
  'sem-view-unmeasured': () => semView(false),
};

/** One timed run of the workload (later runs in this process find the code compiled). */
async function once(): Promise<Result> {
  const run = WORKLOADS[workload];
  if (!run) throw new Error(`unknown workload ${workload}`);
  const started = process.hrtime.bigint();
  const answer = await run();
  const result: Result = typeof answer === 'number' ? { check: answer, seconds: 0 } : { seconds: 0, ...answer };
  if (result.seconds === 0) result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return result;
}

if (workload === 'li-layout') {
  process.stdout.write(JSON.stringify(await liLayout()) + '\n');
  process.exit(0);
}
// The first run pays for compiling the code (V8 starts every function interpreted; a 64 MB
// workload is over before much of it is optimised), and a second is not yet steady either (the
// open of a 64 MB stack took 16 ms in a process's second run, 4 ms from its fifth). The median
// of four runs after the first is what a workbench sees in its first analyses; the first, what
// a fresh `strata` process sees, is reported beside it. The ratios use runs 2–5. A `-warm`
// workload runs 40 times after the first and reports the median of the last 10: a workbench
// that has been running a while (at 64 MB V8 is still optimising after run 5).
const cold = await once();
const warm = workload.endsWith('-warm');
const runs: Result[] = [];
for (let k = 0; k < (warm ? 40 : 4); k++) runs.push(await once());
const steady = (warm ? runs.slice(-10) : runs).sort((a, b) => a.seconds - b.seconds);
const median = (xs: number[]): number => (xs.length % 2 ? xs[xs.length >> 1] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);
const typical = steady[(steady.length - 1) >> 1];
process.stdout.write(
  JSON.stringify({
    ...typical,
    seconds: median(steady.map((r) => r.seconds)),
    openSeconds: typical.openSeconds === undefined ? undefined : median(steady.map((r) => r.openSeconds!).sort((a, b) => a - b)),
    coldSeconds: cold.seconds,
    coldOpenSeconds: cold.openSeconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
