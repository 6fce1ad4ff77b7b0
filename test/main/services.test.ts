import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrataProject } from '../../core/api/contract.js';
import { CallCancelled, validateRequest } from '../../core/api/contract.js';
import { writeTiff } from '../../core/io/tiff/writeTiff.js';
import { WorkbenchServices } from '../../core/node/services.js';
import { volumeBinning } from '../../core/sims/volume.js';
import { parseSvg, withAttr } from '../figures/svgQuery.js';
import { longestGap } from '../helpers/eventLoop.js';

/** The workbench services the views read: maps, volumes, ROI profiles, SEM, jobs, projects. */
const sample = resolve(__dirname, '../../samples/study');
const haveSample = existsSync(join(sample, 'study.json'));

const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
};


/** A study "big" of one state whose stack is 500 planes of 256 × 256 (no profile): long enough to be caught running. */
function writeBigStudy(dir: string): void {
  const pages = Array.from({ length: 500 }, (_, s) => ({ width: 256, height: 256, data: new Uint16Array(256 * 256).fill(s % 40) }));
  mkdirSync(join(dir, 'pristine'));
  writeFileSync(join(dir, 'pristine', 'stack_Li-.tif'), writeTiff(pages, { compression: 'none' }));
  writeFileSync(join(dir, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'big', stack: 'anode-free-ss-lfp', states: [{ state: 'pristine', files: ['pristine/stack_Li-.tif'], sims: { shotsPerPixel: 100 } }] }));
}
describe('volumeBinning', () => {
  it('fits each side into the texture limit and the total into the voxel budget', () => {
    for (const [w, h, s, max, vox] of [
      [256, 256, 1000, 2048, 96 * 96 * 160],
      [32, 32, 250, 8, 4096],
      [1024, 512, 60, 256, 1 << 20],
    ]) {
      const [bx, by, bz] = volumeBinning(w, h, s, max, vox);
      const n = [Math.ceil(w / bx), Math.ceil(h / by), Math.ceil(s / bz)];
      expect(Math.max(...n)).toBeLessThanOrEqual(max);
      expect(n[0] * n[1] * n[2]).toBeLessThanOrEqual(vox);
      expect(bx).toBe(by);
    }
  });
});

describe.skipIf(!haveSample)('workbench services on the sample study', () => {
  let dir: string;
  let study: string;
  let api: WorkbenchServices;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-services-'));
    study = join(dir, 'study');
    cpSync(sample, study, { recursive: true });
    api = new WorkbenchServices({ mode: 'browser', startupStudy: study, stateDir: join(dir, 'state') });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ion maps: the sum over all scans equals the sum of windows that split the scans', async () => {
    const profile = await api.getProfile({ path: study, state: 'charged' });
    const mid = profile.timeS[Math.floor(profile.timeS.length / 2)];
    // Windows weigh the scans they cut by the part inside (as the analysis does): these two
    // reach well past the first and last scans, so together they hold every scan whole.
    const end = profile.timeS[profile.timeS.length - 1] + 1e6;
    const maps = await api.getIonMaps({ path: study, ion: 'Li-', jobId: 'maps-split', windows: [{ name: 'top', startS: -1e6, endS: mid, state: 'charged' }, { name: 'bottom', startS: mid, endS: end, state: 'charged' }] });
    // Three states, three equal shares of the job, all done.
    expect(await api.jobProgress({ jobId: 'maps-split' })).toMatchObject({ done: 3000, total: 3000, running: false });
    expect(maps.states.map((s) => s.state)).toEqual(['pristine', 'charged', 'discharged']);
    expect(maps.states[0].maps.map((m) => m.name)).toEqual(['all']); // windows naming a state stay there
    const charged = maps.states[1];
    const [all, top, bottom] = charged.maps.map((m) => f32(m.valuesF32));
    expect(all.length).toBe(charged.width * charged.height);
    expect(charged.maps[1].scans + charged.maps[2].scans).toBeCloseTo(charged.maps[0].scans, 9);
    expect(charged.maps[0].scans).toBe(profile.timeS.length);
    for (let k = 0; k < all.length; k += 37) expect(top[k] + bottom[k]).toBeCloseTo(all[k], 0);
    // Each map's total is its values' sum; raw counts are Poisson, so its σ is √total.
    expect(charged.maps[0].total / sum(all)).toBeCloseTo(1, 6);
    expect(charged.maps[0].totalSigma).toBeCloseTo(Math.sqrt(charged.maps[0].total), 6);
    expect(charged.maps[1].total + charged.maps[2].total).toBeCloseTo(charged.maps[0].total, 0);
    expect((await api.getIonMaps({ path: study, ion: 'Xe-' })).missing).toHaveLength(3);
  });

  it('dead-time correction (N from study.json) raises saturating Li and flags saturated pixels', async () => {
    const raw = await api.getIonMaps({ path: study, ion: 'Li-' });
    const corrected = await api.getIonMaps({ path: study, ion: 'Li-', deadTime: true });
    expect(raw.states[1].deadTime).toEqual({ applied: false, shotsPerPixel: 50, saturatedPixels: 0 });
    expect(corrected.states[1].deadTime.applied).toBe(true);
    const r = f32(raw.states[1].maps[0].valuesF32);
    const c = f32(corrected.states[1].maps[0].valuesF32);
    for (let k = 0; k < r.length; k += 13) expect(c[k]).toBeGreaterThanOrEqual(r[k]);
    expect(sum(c)).toBeGreaterThan(sum(r) * 1.05);
    // Counts at N are lower bounds: the sample's strong Li saturates some pixels.
    const truth = JSON.parse(readFileSync(join(study, 'truth.json'), 'utf8')) as { shotsPerPixel?: number };
    expect(corrected.states[1].deadTime.shotsPerPixel).toBe(truth.shotsPerPixel);
    expect(corrected.states[1].deadTime.saturatedPixels).toBeGreaterThan(0);
    // Charged plates Li at the top: more saturation there than in the pristine cell.
    expect(corrected.states[1].deadTime.saturatedPixels).toBeGreaterThan(corrected.states[0].deadTime.saturatedPixels);
    const vol = await api.getVolume({ path: study, state: 'charged', ion: 'Li-', maxSize: 64, maxVoxels: 1 << 20, deadTime: true });
    expect(vol.deadTime.saturatedPixels).toBe(corrected.states[1].deadTime.saturatedPixels);
  });

  it('an ROI over the whole image gives the same Li total as the maps; a smaller one less', async () => {
    const maps = await api.getIonMaps({ path: study, ion: 'Li-' });
    const st = maps.states[0];
    const whole = await api.getProfile({ path: study, state: 'pristine', roi: { x0: 0, y0: 0, x1: st.width, y1: st.height } });
    expect(whole.source).toBe('stack-roi');
    const li = whole.ions.find((i) => i.label === 'Li-')!;
    expect(sum(li.counts)).toBeCloseTo(sum(f32(st.maps[0].valuesF32)), -2);
    const part = await api.getProfile({ path: study, state: 'pristine', roi: { x0: 4, y0: 4, x1: 12, y1: 10 } });
    expect(sum(part.ions.find((i) => i.label === 'Li-')!.counts)).toBeLessThan(sum(li.counts) / 5);
    await expect(api.getProfile({ path: study, state: 'pristine', roi: { x0: 500, y0: 500, x1: 600, y1: 600 } })).rejects.toThrow(/outside/);
  });

  it('a volume binned to a small texture keeps the mean counts', async () => {
    const vol = await api.getVolume({ path: study, state: 'pristine', ion: 'Li-', maxSize: 8, maxVoxels: 4096 });
    expect(Math.max(...vol.size)).toBeLessThanOrEqual(8);
    const values = f32(vol.valuesF32);
    expect(values.length).toBe(vol.size[0] * vol.size[1] * vol.size[2]);
    const maps = await api.getIonMaps({ path: study, ion: 'Li-' });
    const st = maps.states[0];
    const scans = st.maps[0].scans;
    // Weight each bin by how many stack voxels fell in it (the last z bin may be partial).
    const [bx, by, bz] = vol.binning;
    let weighted = 0;
    for (let z = 0; z < vol.size[2]; z++) {
      const depth = Math.min(bz, scans - z * bz);
      for (let k = 0; k < vol.size[0] * vol.size[1]; k++) weighted += values[z * vol.size[0] * vol.size[1] + k] * bx * by * depth;
    }
    expect(weighted / sum(f32(st.maps[0].valuesF32))).toBeCloseTo(1, 4);
    // The top of its colour scale: the 99.8 % quantile of its bins (sorted here, independently), below the brightest.
    const sorted = Array.from(values).sort((a, b) => a - b);
    const at = 0.998 * (sorted.length - 1);
    const lo = Math.floor(at);
    expect(vol.highQuantile).toBeCloseTo(sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (at - lo), 9);
    expect(vol.highQuantile).toBeLessThanOrEqual(vol.max);
    expect(vol.zTimeS[0][0]).toBeLessThan(vol.zTimeS[vol.zTimeS.length - 1][1]);
  });

  it('the SEM image comes with its calibration and the measured boundaries', async () => {
    const img = await api.getSemImage({ path: study, state: 'pristine', maxSize: 256 });
    expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(256);
    expect(Buffer.from(img.greyU8, 'base64').length).toBe(img.width * img.height);
    expect(img.pixelSizeSource).toBe('sidecar');
    const truth = JSON.parse(readFileSync(join(study, 'truth.json'), 'utf8')) as { states: { state: string; sem: { pixelSizeNm: number } }[] };
    expect(img.pixelSizeNm! / img.binning).toBeCloseTo(truth.states[0].sem.pixelSizeNm, 6);
    expect(img.boundaries?.lines.length).toBeGreaterThanOrEqual(5);
    const xrd = await api.getXrd({ path: study });
    expect(xrd.patterns.map((p) => p.state)).toEqual(['pristine', 'charged', 'discharged']);
  });

  it('a volume follows the dead-time toggle: raw counts when off, corrected (and higher) when on', async () => {
    const req = { path: study, state: 'charged', ion: 'Li-', maxSize: 32, maxVoxels: 1 << 16 };
    const raw = await api.getVolume(req);
    const corrected = await api.getVolume({ ...req, deadTime: true });
    expect(raw.deadTime).toEqual({ applied: false, shotsPerPixel: 50, saturatedPixels: 0 });
    expect(corrected.deadTime.applied).toBe(true);
    expect(corrected.binning).toEqual(raw.binning);
    const r = f32(raw.valuesF32);
    const c = f32(corrected.valuesF32);
    expect(sum(c)).toBeGreaterThan(sum(r) * 1.05);
    for (let k = 0; k < r.length; k += 17) expect(c[k]).toBeGreaterThanOrEqual(r[k] - 1e-3);
  });

  it('a depth range refined on demand: only its scans, binned finer for the same voxel budget', async () => {
    const req = { path: study, state: 'charged', ion: 'Li-', maxSize: 16, maxVoxels: 1 << 16 };
    const whole = await api.getVolume(req);
    expect(whole.scanRange).toEqual([0, whole.totalScans]);
    const t = whole.zTimeS.flat();
    const [t0, t1] = [t[Math.floor(t.length / 4)], t[Math.floor(t.length / 2)]];
    const part = await api.getVolume({ ...req, timeRangeS: [t0, t1] });
    expect(part.zTimeS[0][0]).toBeGreaterThanOrEqual(t0);
    expect(part.zTimeS[part.zTimeS.length - 1][1]).toBeLessThanOrEqual(t1);
    expect(part.scanRange[1] - part.scanRange[0]).toBeLessThan(whole.totalScans / 2);
    expect(part.binning[2]).toBeLessThan(whole.binning[2]);
    await expect(api.getVolume({ ...req, timeRangeS: [1e9, 2e9] })).rejects.toThrow(/no scan between/);
  });

  it('a region refined on demand: only its pixels, binned finer laterally for the same voxel budget, its extent in µm', async () => {
    const req = { path: study, state: 'charged', ion: 'Li-', maxSize: 16, maxVoxels: 1 << 16 };
    const whole = await api.getVolume(req);
    expect(whole.region).toEqual({ x0: 0, y0: 0, x1: whole.fieldPx[0], y1: whole.fieldPx[1] });
    const region = { x0: 4, y0: 6, x1: 20, y1: 14 };
    const part = await api.getVolume({ ...req, region });
    expect(part.region).toEqual(region);
    expect(part.binning[0]).toBeLessThan(whole.binning[0]);
    expect(part.widthUm! / whole.widthUm!).toBeCloseTo(16 / whole.fieldPx[0], 10);
    expect(part.heightUm! / whole.heightUm!).toBeCloseTo(8 / whole.fieldPx[1], 10);
    // Clipped to the field; one that misses it is refused, naming the file.
    expect((await api.getVolume({ ...req, region: { x0: 20, y0: 0, x1: 900, y1: 4 } })).region).toEqual({ x0: 20, y0: 0, x1: whole.fieldPx[0], y1: 4 });
    await expect(api.getVolume({ ...req, region: { x0: 500, y0: 0, x1: 900, y1: 4 } })).rejects.toThrow(/stack\.ome\.tif: the region .* outside the 32×32 field/);
  });

  it('the analysis is reused until a file it read or the overrides change', async () => {
    const first = await api.analyzeStudy({ path: study });
    expect(await api.analyzeStudy({ path: study })).toBe(first);
    // Other overrides: a fresh analysis (and the first one is not what it returns).
    const moved = await api.analyzeStudy({ path: study, overrides: { interfacesS: { charged: first.states[1].sims!.layers.slice(1).map((l) => l.startS + 12) } } });
    expect(moved).not.toBe(first);
    const again = await api.analyzeStudy({ path: study });
    expect(again).not.toBe(moved);
    expect(await api.analyzeStudy({ path: study })).toBe(again);
    // An input touched on disk (here its mtime): analysed afresh.
    const xrd = join(study, 'pristine', 'xrd.ras');
    const later = new Date(Date.now() + 5000);
    utimesSync(xrd, later, later);
    const afterXrd = await api.analyzeStudy({ path: study });
    expect(afterXrd).not.toBe(again);
    // A file read beside a data file (the SEM image's metadata sidecar) is watched too.
    const sidecar = join(study, 'pristine', 'sem.txt');
    const later2 = new Date(Date.now() + 10000);
    utimesSync(sidecar, later2, later2);
    expect(await api.analyzeStudy({ path: study })).not.toBe(afterXrd);
  });

  it('the SEM image takes a scale set by hand (source manual) and brings its data bar with the scale bar', async () => {
    const fileImg = await api.getSemImage({ path: study, state: 'charged', maxSize: 640 });
    const img = await api.getSemImage({ path: study, state: 'charged', maxSize: 640, pixelSizeNm: 5 });
    expect(img.binning).toBe(1);
    expect(img.pixelSizeNm).toBe(5);
    expect(img.pixelSizeSource).toBe('manual');
    expect(img.filePixelSizeNm).toBeCloseTo(4, 6);
    expect(img.filePixelSizeSource).toBe('sidecar');
    // Same pixels, so the same boundaries in pixels: only their distances in nm change.
    expect(img.boundaries!.lines.map((l) => l.uPx)).toEqual(fileImg.boundaries!.lines.map((l) => l.uPx));
    // The sample's data bar: 32 rows under the 448-row image, a 125 px bar from x = 385.
    expect(img.height).toBe(448);
    expect(img.dataBar?.height).toBe(32);
    const bar = Buffer.from(img.dataBar!.greyU8, 'base64');
    expect(bar.length).toBe(img.width * 32);
    const row = bar.subarray(7 * img.width, 8 * img.width);
    const lit = [...row].map((v, x) => (v > 200 ? x : -1)).filter((x) => x >= 0 && x < 520);
    expect(lit[0]).toBe(385);
    expect(lit.filter((x) => x < 515).length).toBe(125);
  });

  it('exports figures: SVG with panels, PNG of width × dpi, PDF; the SEM figure honours a scale set by hand', async () => {
    const sem = await api.exportFigure({ path: study, figure: 'sem', state: 'discharged', format: 'svg', widthMm: 85, dpi: 600, overrides: { semPixelSizeNm: { discharged: 5 } } });
    expect(sem.fileName).toBe('sem-discharged.svg');
    expect(sem.mimeType).toBe('image/svg+xml');
    const svg = Buffer.from(sem.base64, 'base64').toString('utf8');
    const root = parseSvg(svg);
    expect(root.attrs.width).toBe('85mm');
    expect(svg).toMatch(/pixel size 5 nm \(manual\)/);
    const report = await api.analyzeStudy({ path: study });
    const camFile = report.states.find((s) => s.state === 'discharged')!.sem!.layers.find((l) => l.role === 'cam')!.thicknessNm;
    const camLabel = withAttr(root, 'data-layer-label').map((n) => n.text).find((t) => /^CAM /.test(t ?? ''))!;
    expect(Number(/CAM (\d+)/.exec(camLabel)![1])).toBeCloseTo(camFile * 1.25, -1);
    const png = await api.exportFigure({ path: study, figure: 'li-bars', format: 'png', widthMm: 85, dpi: 150 });
    const bytes = Buffer.from(png.base64, 'base64');
    expect(bytes.readUInt32BE(16)).toBe(Math.round((85 / 25.4) * 150));
    expect(png.widthPx).toBe(bytes.readUInt32BE(16));
    const pdf = await api.exportFigure({ path: study, figure: 'xrd', format: 'pdf', widthMm: 114, dpi: 300 });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.widthMm).toBe(114);
    await expect(api.exportFigure({ path: study, figure: 'sem', state: 'nope', format: 'svg', widthMm: 85, dpi: 300 })).rejects.toThrow(/no state 'nope'/);
    expect(() => validateRequest('exportFigure', { path: study, figure: 'fig9', format: 'svg', widthMm: 85, dpi: 300 })).toThrow(/figure/);
    expect(() => validateRequest('exportFigure', { path: study, figure: 'fig4', format: 'png', widthMm: 250, dpi: 2400 })).toThrow(/20000 px/);
  }, 240_000);

  it('a figure is made on a worker thread: the backend answers meanwhile, the job names its steps, and Cancel stops it', async () => {
    await api.analyzeStudy({ path: study });
    // Fig. 4 at 600 dpi: three 3-D panels ray-cast and a 4252 px PNG, seconds of work.
    const labels = new Set<string>();
    const { result: png, longestGapMs, tookMs } = await longestGap(async () => {
      let settled = false;
      const made = api.exportFigure({ path: study, figure: 'fig4', format: 'png', widthMm: 180, dpi: 600, jobId: 'fig-1' }).finally(() => (settled = true));
      while (!settled) {
        labels.add((await api.jobProgress({ jobId: 'fig-1' })).label);
        await new Promise((r) => setTimeout(r, 20));
      }
      return made;
    });
    expect(Buffer.from(png.base64, 'base64').readUInt32BE(16)).toBe(Math.round((180 / 25.4) * 600));
    // It took seconds; this thread was never held for more than a fraction of one (it was held
    // for the whole rendering and rasterising).
    expect(tookMs).toBeGreaterThan(1000);
    expect(longestGapMs).toBeLessThan(Math.min(500, tookMs / 3));
    expect([...labels].some((l) => /^Figure fig4: charged: /.test(l))).toBe(true);

    // Cancelled while it runs, it stops with its cancellation.
    const cancelledRun = api.exportFigure({ path: study, figure: 'fig4', format: 'png', widthMm: 180, dpi: 600, jobId: 'fig-2' });
    while (!(await api.jobProgress({ jobId: 'fig-2' })).running) await new Promise((r) => setTimeout(r, 5));
    await api.cancelJob({ jobId: 'fig-2' });
    await expect(cancelledRun).rejects.toThrow(/cancel/i);
  }, 240_000);

  it('a running analysis reports its states’ progress and stops when cancelled; one sharing its work goes on', async () => {
    // One state of a big stack (500 planes of 256 × 256, no profile: read in passes on a worker).
    const bigDir = mkdtempSync(join(tmpdir(), 'strata-big-analysis-'));
    try {
      writeBigStudy(bigDir);
      const big = new WorkbenchServices({ mode: 'browser', startupStudy: bigDir });
      /** The job's progress once it is running (and, with `partDone`, part of it done), or once the call settled. */
      const untilRunning = async (jobId: string, settled: () => boolean, partDone = true) => {
        let progress = await big.jobProgress({ jobId });
        while (!settled() && !(progress.running && (!partDone || progress.done > 0))) {
          await new Promise((r) => setTimeout(r, 5));
          progress = await big.jobProgress({ jobId });
        }
        return progress;
      };
      try {
        let settled = false;
        const outcome = big.analyzeStudy({ path: bigDir, jobId: 'analysis-1' }).then(
          () => 'finished',
          (e: Error) => e,
        ).finally(() => (settled = true));
        const progress = await untilRunning('analysis-1', () => settled);
        // One state, under way: a part of it done.
        expect(progress).toMatchObject({ running: true, total: 1, label: 'Analysis of big' });
        expect(progress.done).toBeGreaterThan(0);
        expect(progress.done).toBeLessThan(1);
        expect(await big.cancelJob({ jobId: 'analysis-1' })).toEqual({ cancelled: true });
        const err = await outcome;
        // Cancelled, as such (the API answers it as a cancellation, not as an error: server.ts).
        expect(err).toBeInstanceOf(CallCancelled);
        expect((err as Error).message).toBe('Analysis of big: cancelled');
        expect((await big.jobProgress({ jobId: 'analysis-1' })).running).toBe(false);

        // The same analysis asked for twice: the second shares the first's work under way. The
        // first one's Cancel stops it for the first only; the second gets its report all the same.
        const first = big.analyzeStudy({ path: bigDir, jobId: 'analysis-2' }).then(
          () => 'finished',
          (e: Error) => e.message,
        );
        let secondSettled = false;
        const second = big.analyzeStudy({ path: bigDir, jobId: 'analysis-3' }).finally(() => (secondSettled = true));
        // Cancelled as soon as it runs: waiting for part of it done as well, a busy machine (the
        // suite on two workers) saw the analysis end before the Cancel.
        await untilRunning('analysis-2', () => secondSettled, false);
        expect(await big.cancelJob({ jobId: 'analysis-2' })).toEqual({ cancelled: true });
        expect(await first).toBe('Analysis of big: cancelled');
        const report = await second;
        expect(report.states.map((s) => s.state)).toEqual(['pristine']);
        // Its stack read whole (a Li⁻ stack alone has no marker to find the layers by), not a
        // cancelled pass kept as the state's warning.
        expect(report.warnings).toEqual([expect.stringMatching(/^pristine: ToF-SIMS: .*none of the marker ions/)]);
        expect(await big.jobProgress({ jobId: 'analysis-3' })).toMatchObject({ running: false, done: 1, total: 1 });
      } finally {
        await big.close();
      }
    } finally {
      rmSync(bigDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a running job reports progress and stops when cancelled', async () => {
    // A stack big enough (500 planes of 256 × 256, dead time corrected) to be caught running.
    const bigDir = mkdtempSync(join(tmpdir(), 'strata-big-'));
    try {
      writeBigStudy(bigDir);
      const big = new WorkbenchServices({ mode: 'browser', startupStudy: bigDir });
      try {
        const jobId = 'cancel-me';
        const running = big.getIonMaps({ path: bigDir, ion: 'Li-', deadTime: true, jobId });
        let settled = false;
        const outcome = running.then(
          () => 'finished',
          (e: Error) => e.message,
        ).finally(() => (settled = true));
        // The job is known once the study is loaded; it reports once its worker has read planes.
        let progress = await big.jobProgress({ jobId });
        while (!settled && !(progress.running && progress.done > 0)) {
          await new Promise((r) => setTimeout(r, 5));
          progress = await big.jobProgress({ jobId });
        }
        expect(progress.running).toBe(true);
        // One task (one state): its share of the job, done in part.
        expect(progress.total).toBe(1000);
        expect(progress.done).toBeLessThan(1000);
        expect(await big.cancelJob({ jobId })).toEqual({ cancelled: true });
        expect(await outcome).toMatch(/cancelled/);
        expect((await big.jobProgress({ jobId })).running).toBe(false);
      } finally {
        await big.close();
      }
    } finally {
      rmSync(bigDir, { recursive: true, force: true });
    }
  });

  it('refuses paths outside the studies the user opened', async () => {
    await expect(api.getVolume({ path: '/etc', state: 'pristine', ion: 'Li-', maxSize: 64, maxVoxels: 4096 })).rejects.toThrow(/not a study you opened/);
    await expect(api.saveProject({ path: join(tmpdir(), 'x.strata.json'), project: {} })).rejects.toThrow(/not a study you opened/);
  });

  const project = (over: Partial<StrataProject> = {}): StrataProject => ({
    schema: 'strata.project/1',
    study,
    overrides: { interfacesS: { pristine: [1200, 2100, 4000, 5300] }, roi: { x0: 2, y0: 3, x1: 20, y1: 25 } },
    view: {
      tab: 'maps',
      profile: { states: ['pristine'], ions: ['Li-', 'Fe-'], logY: false, normalise: true, axis: 'depth', interfacesOf: 'pristine' },
      maps: { ion: 'Li-', colormap: 'magma', window: 'cam', logColour: true, deadTime: false },
      volume: { ion: 'Li-', deadTime: false, mode: 'composite', zExaggeration: 42, clipTop: 0.1, clipBottom: 0.8, azimuthDeg: 12, elevationDeg: -5 },
      xrd: { offsetFraction: 1.2, logY: true },
    },
    annotations: [{ id: 'a1', target: 'study', text: 'Crater rim excluded.' }],
    savedAt: '2026-01-01T00:00:00.000Z',
    software: 'strata test',
    ...over,
  });

  it('saves a project atomically (study stored relative) and reopens it exactly', async () => {
    const path = join(study, 'run.strata.json');
    const saved = await api.saveProject({ path, project: project() });
    expect(saved.bytes).toBeGreaterThan(100);
    expect(readdirSync(study).filter((f) => f.startsWith('.strata-tmp-'))).toEqual([]); // no temporary left
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as StrataProject;
    expect(onDisk.study).toBe('.');
    const opened = await api.openProject({ path });
    expect(opened.studyPath).toBe(study);
    expect(opened.project).toEqual({ ...project(), study: '.' });
    // Saving over it: nothing written unless asked to replace (the page asks the user first); then replaced whole.
    const before = readFileSync(path, 'utf8');
    expect(await api.saveProject({ path, project: project({ annotations: [] }) })).toEqual({ path, bytes: 0, exists: true });
    expect(readFileSync(path, 'utf8')).toBe(before);
    await api.saveProject({ path, project: project({ annotations: [] }), replace: true });
    expect((await api.openProject({ path })).project.annotations).toEqual([]);
  });

  it('rejects bad projects: wrong name, wrong schema, or a study outside the granted folders', async () => {
    await expect(api.saveProject({ path: join(study, 'run.json'), project: project() })).rejects.toThrow(/\.strata\.json/);
    await expect(api.saveProject({ path: join(study, 'bad.strata.json'), project: { ...project(), schema: 'nope' } })).rejects.toThrow(/schema/);
    await expect(api.saveProject({ path: join(study, 'bad.strata.json'), project: project({ study: '/etc' }) })).rejects.toThrow(/not a study you opened/);
    // A hand-written project pointing elsewhere does not open a door in the browser mode.
    const sneaky = join(study, 'sneaky.strata.json');
    writeFileSync(sneaky, JSON.stringify(project({ study: '/etc' })));
    await expect(api.openProject({ path: sneaky })).rejects.toThrow(/not a study you opened/);
    writeFileSync(sneaky, '{"schema": "strata.project/1"');
    await expect(api.openProject({ path: sneaky })).rejects.toThrow(/not JSON/);
  });

  it('remembers recent studies across sessions', async () => {
    await api.openStudy({ path: study });
    const again = new WorkbenchServices({ mode: 'browser', startupStudy: study, stateDir: join(dir, 'state') });
    expect((await again.startup({})).recent[0]).toBe(study);
    // In the browser mode a remembered study outside the granted folders is not offered.
    const elsewhere = new WorkbenchServices({ mode: 'browser', startupStudy: dir + '-other', stateDir: join(dir, 'state') });
    expect((await elsewhere.startup({})).recent).toEqual([]);
  });
});
