import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type {
  ApiRequest,
  ApiResponses,
  JobProgress,
  StrataApi,
  StudySummary,
} from '../api/contract.js';
import { CallCancelled, stackSummary } from '../api/contract.js';
import { FORMATS } from '../io/detect.js';
import type { FormatId } from '../io/detect.js';
import { OutsideSessionError, StrataError } from '../model/errors.js';
import type { StudyFile } from '../model/study.js';
import { STRATA_VERSION } from '../version.js';
import { loadStudy } from './loadStudy.js';
import type { LoadedStudy } from './loadStudy.js';
import { openDataset } from './openDataset.js';
import type { Dataset, OpenedDataset } from './openDataset.js';
import type { StatesControl } from './analyzeStudyOnDisk.js';
import { AnalysisCache } from './analysisCache.js';
import { studyAsChosen, withChosenStack, withSemGeometry } from './analyzeStudyOnDisk.js';
import { StackPool, WorkerLost } from './stackPool.js';
import { semAffinity, statesOnLanes } from './stateLanes.js';
import { runStackTask } from './stackTasks.js';
import type { MapsTask, MapsTaskResult, StackTask, StackTaskResult, VolumeTask } from './stackTasks.js';
import { makeFolder, writeFileAtomic } from './files.js';
import { JobTable, type Job } from './jobs.js';
import { figureSteps } from './figureTask.js';
import type { FigureTask } from './figureTask.js';
import { isProjectPath, parseProject, readProject, resolveProjectStudy, studyPathForProject, writeProject } from './project.js';

/**
 * The main-side services behind the StrataApi, shared by the Electron IPC handlers and the
 * browser-mode HTTP backend. File access is limited to folders the user chose: the study given
 * on the command line, or what a dialog returned (`allow`).
 */
export interface ServiceOptions {
  mode: 'electron' | 'browser';
  startupStudy: string | null;
  /** Where the recent-studies list is kept (e.g. Electron's userData); none: memory only. */
  stateDir?: string;
}

const MAX_RECENT = 10;
/** Cancels kept for jobs not started yet, at most (each names one request under way). */
const MAX_EARLY_CANCELS = 64;
/** Progress units of one stack task within a job (see runTask). */
const TASK_UNITS = 1000;

export class WorkbenchServices implements StrataApi {
  private readonly allowedRoots = new Set<string>();
  private recent: string[] = [];
  private recentLoaded = false;
  private readonly jobs = new JobTable();
  /**
   * Jobs cancelled before they started: the user's Cancel can overtake the request that starts
   * the job (it waits for its study to load, or in a queue), and found nothing to stop; the job
   * then ran to its end, its answer thrown away. It starts cancelled instead (startJob).
   */
  private readonly cancelledEarly = new Set<string>();
  private readonly pool = new StackPool();
  // States analysed on the worker threads only: the main thread keeps answering the UI meanwhile.
  private readonly analyses = new AnalysisCache(statesOnLanes({ pool: this.pool, workers: this.pool.size, inThisThread: false }));

  constructor(private readonly options: ServiceOptions) {
    if (options.startupStudy) {
      this.allow(options.startupStudy);
      // Its summaries and analysis run on the workers: each loads its code (~0.3 s) while the
      // window loads, not after the first call.
      this.pool.start();
    }
  }

  /** Grants access to a folder (and everything below it) the user picked. */
  allow(path: string): void {
    this.allowedRoots.add(resolve(path));
  }

  private isAllowed(abs: string): boolean {
    for (const root of this.allowedRoots) {
      if (abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep)) return true;
      // A manifest or project file grants its folder.
      if (root.endsWith('.json') && (abs === dirname(root) || abs.startsWith(dirname(root) + sep))) return true;
    }
    return false;
  }

  private checkAllowed(path: string): string {
    const abs = resolve(path);
    if (this.isAllowed(abs)) return abs;
    throw new OutsideSessionError(path, [...this.allowedRoots]);
  }

  private async study(path: string): Promise<LoadedStudy> {
    return loadStudy(this.checkAllowed(path));
  }

  // ---- recent studies -------------------------------------------------------------------

  private recentFile(): string | null {
    return this.options.stateDir ? join(this.options.stateDir, 'recent.json') : null;
  }

  private async loadRecent(): Promise<void> {
    if (this.recentLoaded) return;
    this.recentLoaded = true;
    const file = this.recentFile();
    if (!file) return;
    try {
      const list = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (Array.isArray(list)) this.recent = list.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT);
    } catch {
      // No list yet, or an unreadable one: start afresh rather than fail the app.
    }
  }

  private async remember(abs: string): Promise<void> {
    await this.loadRecent();
    this.recent = [abs, ...this.recent.filter((p) => p !== abs)].slice(0, MAX_RECENT);
    const file = this.recentFile();
    if (file) {
      await makeFolder(dirname(file));
      await writeFileAtomic(file, JSON.stringify(this.recent, null, 2));
    }
  }

  async startup(_: ApiRequest<'startup'>): Promise<ApiResponses['startup']> {
    await this.loadRecent();
    // In the browser mode only studies inside the granted folders can be reopened; a recent
    // study elsewhere is not offered (the page cannot prove the user picked it).
    const recent = this.options.mode === 'electron' ? this.recent : this.recent.filter((p) => this.isAllowed(p));
    return { studyPath: this.options.startupStudy, recent, version: STRATA_VERSION, mode: this.options.mode, allowedRoots: [...this.allowedRoots] };
  }

  // ---- jobs: progress and cancellation of long backend work ------------------------------

  async jobProgress({ jobId }: ApiRequest<'jobProgress'>): Promise<JobProgress> {
    return this.jobs.progress(jobId);
  }

  async cancelJob({ jobId }: ApiRequest<'cancelJob'>): Promise<{ cancelled: boolean }> {
    if (this.jobs.cancel(jobId)) return { cancelled: true };
    // An id the table does not know (its progress reads as the empty label of no job): kept for when it starts.
    const p = this.jobs.progress(jobId);
    if (p.running || p.label !== '') return { cancelled: false }; // it has ended
    this.cancelledEarly.add(jobId);
    if (this.cancelledEarly.size > MAX_EARLY_CANCELS) this.cancelledEarly.delete(this.cancelledEarly.values().next().value!);
    return { cancelled: true };
  }

  /** A new job under the caller's id; cancelled from the start when its Cancel came first. */
  private startJob(jobId: string | undefined, label: string, total: number): Job {
    const job = this.jobs.start(jobId, label, total);
    if (jobId !== undefined && this.cancelledEarly.delete(jobId)) job.cancelled = true;
    return job;
  }

  /**
   * What a job's call fails with: a cancelled job's failure, whatever its work threw on the way
   * out (a worker's abort, a step's "cancelled"), is its cancellation (answered as such: CallCancelled).
   */
  private static failureOf(job: Job, err: unknown): unknown {
    const why = WorkbenchServices.whyCancelled(job);
    return why !== null && !(err instanceof CallCancelled) ? new CallCancelled(why) : err;
  }

  /** Stops a job's call that was cancelled while its last results came in: still cancelled, as the user was told. */
  private static stopIfCancelled(job: Job): void {
    const why = WorkbenchServices.whyCancelled(job);
    if (why !== null) throw new CallCancelled(why);
  }

  /** Why a job's work is to stop ("<its label>: cancelled"), or null while it goes on: the `cancelled` its work polls. */
  private static whyCancelled(job: Job): string | null {
    return job.cancelled ? `${job.label}: cancelled` : null;
  }

  // ---- studies ------------------------------------------------------------------------------

  async openStudy({ path }: ApiRequest<'openStudy'>): Promise<StudySummary> {
    const study = await this.study(path);
    const abs = resolve(path);
    // Every file opened and summarised on the worker threads, side by side: opening decodes an
    // SEM image whole (~0.85 s of this thread, in the desktop app Electron's main process, for a
    // 5120 × 3840 px image with geotiff's decode; ~0.1 s since, more for larger ones) and reads
    // an imzML's every spectrum (~3 s for 77 MB of XML, though in turns).
    const states = await Promise.all(study.states.map(async (s) => ({ state: s.state, files: await Promise.all(s.files.map((f) => this.fileSummary(study, f))) })));
    await this.remember(abs);
    return {
      path: abs,
      name: study.name,
      origin: study.origin,
      notes: study.notes,
      stack: stackSummary(study.stack),
      states,
    };
  }

  /** A file of a study with its summary (the Study view's metadata line), or why it could not be read. */
  private async fileSummary(study: LoadedStudy, f: StudyFile): Promise<StudySummary['states'][number]['files'][number]> {
    const formatKind = FORMATS[f.format as FormatId]?.kind;
    if (formatKind === 'sidecar' || formatKind === 'manifest') {
      // A sidecar is read with its image (SEM metadata text), not as data of its own.
      return { ...f, kind: formatKind, summary: { format: f.format, description: FORMATS[f.format as FormatId].description }, error: null };
    }
    try {
      const made = await this.onWorker({ kind: 'summary', file: join(study.root, f.path), displayName: f.path });
      if (made.kind !== 'summary') throw new StrataError(`${f.path}: no summary`);
      return { ...f, summary: made.summary, error: null };
    } catch (err) {
      return { ...f, summary: null, error: (err as Error).message };
    }
  }

  /**
   * The study's report. Under a `jobId`: its progress is the states analysed, and its Cancel stops
   * the states' analyses on the workers (an analysis reusing them goes on: AnalysisCache).
   */
  async analyzeStudy({ path, overrides, jobId }: ApiRequest<'analyzeStudy'>): Promise<ApiResponses['analyzeStudy']> {
    const study = await this.study(path);
    const job = this.startJob(jobId, `Analysis of ${study.name}`, 0);
    const control: StatesControl = {
      cancelled: () => WorkbenchServices.whyCancelled(job),
      onProgress: (done, total) => {
        job.done = done;
        job.total = total;
      },
    };
    try {
      const { report } = await this.analyses.get(study, overrides, control);
      WorkbenchServices.stopIfCancelled(job);
      return report;
    } catch (err) {
      throw WorkbenchServices.failureOf(job, err);
    } finally {
      job.running = false;
    }
  }

  private static fileOf(study: LoadedStudy, state: string, kind: StudyFile['kind']): StudyFile | null {
    const s = study.states.find((x) => x.state === state);
    if (!s) throw new StrataError(`${study.name}: no state '${state}'`);
    return s.files.find((f) => f.kind === kind) ?? null;
  }

  private static async open<K extends Dataset['kind']>(study: LoadedStudy, file: StudyFile, kind: K): Promise<OpenedDataset<Extract<Dataset, { kind: K }>>> {
    const opened = await openDataset(join(study.root, file.path), { displayName: file.path });
    if (opened.dataset.kind !== kind) {
      await opened.close();
      throw new StrataError(`${file.path}: not a ${kind}`);
    }
    return opened as OpenedDataset<Extract<Dataset, { kind: K }>>;
  }

  async getProfile({ path, state, roi, jobId }: ApiRequest<'getProfile'>): Promise<ApiResponses['getProfile']> {
    const study = await this.study(path);
    if (roi) return this.roiProfile(study, state, roi, jobId);
    const file = WorkbenchServices.fileOf(study, state, 'sims-profile');
    if (!file) throw new StrataError(`${study.name}: state '${state}' has no depth profile`);
    const opened = await WorkbenchServices.open(study, file, 'depthProfile');
    const d = opened.dataset;
    return {
      state,
      file: file.path,
      source: 'profile',
      roi: null,
      timeS: Array.from(d.timeS),
      totalCounts: d.totalCounts ? Array.from(d.totalCounts) : null,
      ions: d.ions.map((i) => ({ label: i.label, mz: i.mz, counts: Array.from(i.counts) })),
    };
  }

  /** Every ion summed over a rectangle of the state's stack, scan by scan: one pass, on a worker. */
  private async roiProfile(study: LoadedStudy, state: string, roi: NonNullable<ApiRequest<'getProfile'>['roi']>, jobId?: string): Promise<ApiResponses['getProfile']> {
    const file = WorkbenchServices.fileOf(study, state, 'sims-stack');
    if (!file) throw new StrataError(`${study.name}: state '${state}' has no 3-D ion stack to take an ROI from`);
    const job = this.startJob(jobId, `ROI profile of ${state}`, 0);
    try {
      const r = await this.runTask({ kind: 'roi-profile', file: join(study.root, file.path), displayName: file.path, state, roi }, job);
      if (r.kind !== 'roi-profile') throw new StrataError(`${file.path}: not a profile`);
      return r.payload;
    } catch (err) {
      throw WorkbenchServices.failureOf(job, err);
    } finally {
      job.running = false;
    }
  }

  async getIonMaps({ path, ion, windows = [], deadTime = false, jobId }: ApiRequest<'getIonMaps'>): Promise<ApiResponses['getIonMaps']> {
    const study = await this.study(path);
    const states: ApiResponses['getIonMaps']['states'] = [];
    const missing: ApiResponses['getIonMaps']['missing'] = [];
    const job = this.startJob(jobId, `${ion} maps`, 0);
    try {
      // Every state's stack at once, each on its own worker thread.
      const tasks = study.states.map(async (s) => {
        const file = s.files.find((f) => f.kind === 'sims-stack') ?? null;
        if (!file) return { state: s.state, missing: 'no 3-D ion stack' };
        const task: MapsTask = {
          kind: 'maps',
          file: join(study.root, file.path),
          displayName: file.path,
          ion,
          deadTime,
          studyShotsPerPixel: s.sims?.shotsPerPixel ?? null,
          windows: windows.filter((w) => !w.state || w.state === s.state).map(({ name, startS, endS }) => ({ name, startS, endS })),
        };
        const r = (await this.runTask(task, job)) as MapsTaskResult;
        return { state: s.state, file: file.path, result: r };
      });
      const done = await Promise.all(tasks);
      WorkbenchServices.stopIfCancelled(job);
      for (const t of done) {
        if ('missing' in t) missing.push({ state: t.state, reason: t.missing as string });
        else if (t.result.missing !== null) missing.push({ state: t.state, reason: t.result.missing });
        else states.push({ state: t.state, file: t.file, width: t.result.width, height: t.result.height, pixelSizeNm: t.result.pixelSizeNm, deadTime: t.result.deadTime, maps: t.result.maps });
      }
    } catch (err) {
      throw WorkbenchServices.failureOf(job, err);
    } finally {
      job.running = false;
    }
    return { ion, states, missing };
  }

  async getVolume({ path, state, ion, maxSize, maxVoxels, deadTime = false, timeRangeS, region, jobId }: ApiRequest<'getVolume'>): Promise<ApiResponses['getVolume']> {
    const study = await this.study(path);
    const file = WorkbenchServices.fileOf(study, state, 'sims-stack');
    if (!file) throw new StrataError(`${study.name}: state '${state}' has no 3-D ion stack`);
    const job = this.startJob(jobId, `${ion} volume of ${state}`, 0);
    try {
      const studyShots = study.states.find((s) => s.state === state)?.sims?.shotsPerPixel ?? null;
      const task: VolumeTask = { kind: 'volume', file: join(study.root, file.path), displayName: file.path, ion, deadTime, studyShotsPerPixel: studyShots, state, maxSize, maxVoxels, timeRangeS, region };
      const r = await this.runTask(task, job);
      if (r.kind !== 'volume') throw new StrataError(`${file.path}: not a volume`);
      return r.payload;
    } catch (err) {
      throw WorkbenchServices.failureOf(job, err);
    } finally {
      job.running = false;
    }
  }

  /**
   * A task on the worker pool without a job (no progress, no Cancel), or here when no worker can
   * be had (the result is the same). `affinity`: see StackPool.run.
   */
  private async onWorker(task: StackTask, affinity?: string): Promise<StackTaskResult> {
    try {
      return await this.pool.run(task, affinity === undefined ? {} : { affinity });
    } catch (err) {
      if (!(err instanceof WorkerLost)) throw err;
      return runStackTask(task);
    }
  }

  /**
   * A pass over a stack on the worker pool, its progress added to the job's; run here instead
   * when no worker can be had (the result is the same, only not beside the other states).
   */
  private async runTask(task: StackTask, job: Job): Promise<StackTaskResult> {
    // Each task is an equal share of the job, counted from its start: the states run side by
    // side and learn their plane counts only once they have opened their files, so a total of
    // planes would grow as they report and the bar would step back.
    job.total += TASK_UNITS;
    let counted = 0;
    const progress = (done: number, total: number): void => {
      const now = total > 0 ? Math.floor((done / total) * TASK_UNITS) : 0;
      job.done += now - counted;
      counted = now;
    };
    const cancelled = (): string | null => WorkbenchServices.whyCancelled(job);
    try {
      const result = await this.pool.run(task, { onProgress: progress, cancelled });
      const why = cancelled();
      if (why) throw new StrataError(why);
      return result;
    } catch (err) {
      if (!(err instanceof WorkerLost)) throw err;
      return runStackTask(task, {
        onPlane: async (done, total) => {
          const why = cancelled();
          if (why) throw new StrataError(why);
          progress(done, total);
          // A turn for the event loop now and then, so progress and Cancel are answered.
          if (done % 8 === 0) await new Promise<void>((r) => setImmediate(r));
        },
      });
    }
  }

  /** Stops the worker threads (they do not keep the process alive, but tests end cleanly). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  async getSemImage({ path, state, maxSize, pixelSizeNm, geometry, stack }: ApiRequest<'getSemImage'>): Promise<ApiResponses['getSemImage']> {
    // A view and a layer stack the user set replace study.json's, exactly as the analysis applies them.
    const study = withSemGeometry(withChosenStack(await this.study(path), { stack }), geometry && { semGeometry: { [state]: geometry } });
    if (!WorkbenchServices.fileOf(study, state, 'sem')) throw new StrataError(`${study.name}: state '${state}' has no SEM image`);
    // On a worker thread: decoding and measuring a large image takes seconds this thread must not
    // be held for (semImageTask.ts). On the worker that analysed the state where it is free: it
    // keeps the measurement the view draws (crossSectionMemo.ts).
    const stateIndex = study.states.findIndex((s) => s.state === state);
    const made = await this.onWorker({ kind: 'sem-image', study, state, maxSize, ...(pixelSizeNm !== undefined ? { pixelSizeNm } : {}) }, semAffinity(study, stateIndex));
    if (made.kind !== 'sem-image') throw new StrataError(`${state}: not an SEM image`);
    return made.payload;
  }

  async getXrd({ path }: ApiRequest<'getXrd'>): Promise<ApiResponses['getXrd']> {
    const study = await this.study(path);
    const patterns: ApiResponses['getXrd']['patterns'] = [];
    const missing: ApiResponses['getXrd']['missing'] = [];
    for (const s of study.states) {
      const file = s.files.find((f) => f.kind === 'xrd');
      if (!file) {
        missing.push({ state: s.state, reason: 'no XRD pattern' });
        continue;
      }
      try {
        const d = (await WorkbenchServices.open(study, file, 'xrdPattern')).dataset;
        patterns.push({ state: s.state, file: file.path, twoThetaDeg: Array.from(d.twoThetaDeg), intensity: Array.from(d.intensity), intensityUnit: d.intensityUnit, wavelengthA: d.wavelength?.alpha1A ?? null, optics: d.optics ?? null });
      } catch (err) {
        missing.push({ state: s.state, reason: (err as Error).message });
      }
    }
    return { patterns, missing };
  }

  // ---- figures ------------------------------------------------------------------------------

  async exportFigure({ path, figure, state, format, widthMm, dpi, overrides, volume, jobId }: ApiRequest<'exportFigure'>): Promise<ApiResponses['exportFigure']> {
    const study = await this.study(path);
    if (state !== undefined && !study.states.some((s) => s.state === state)) throw new StrataError(`${study.name}: no state '${state}'`);
    // Steps: the analysis, then per state a volume, an SEM image and an XRD pattern at most.
    const job = this.startJob(jobId, `Figure ${figure}`, 1);
    const cancelled = (): string | null => WorkbenchServices.whyCancelled(job);
    try {
      // The figure's Cancel stops the analysis it waits for too (where it is this figure's own).
      const analysis = await this.analyses.get(study, overrides, { cancelled });
      job.done = 1;
      // The figures name the layers of the stack and the analyte the user chose, and the SEM figure measures the
      // cross-section again from the states' settings: with the view the user set.
      const task: FigureTask = { kind: 'figure', study: studyAsChosen(study, overrides), analysis, figure, state, format, widthMm, dpi, overrides, volume };
      job.total = 1 + figureSteps(task);
      const step = (line: string, done: number): void => {
        job.done = 1 + done;
        job.label = `Figure ${figure}: ${line}`;
      };
      // On a worker thread: rendering and rasterising take seconds this thread must not be held for (figureTask.ts).
      let made: StackTaskResult;
      try {
        made = await this.pool.run(task, { cancelled, onProgress: (done, _total, line) => line !== undefined && step(line, done) });
      } catch (err) {
        if (!(err instanceof WorkerLost)) throw err;
        made = await runStackTask(task, {
          onStep: (line, done) => {
            const why = cancelled();
            if (why) throw new StrataError(why);
            step(line, done);
          },
        });
      }
      if (made.kind !== 'figure') throw new StrataError(`${figure}: not a figure`);
      const why = cancelled();
      if (why) throw new StrataError(why);
      const bytes = typeof made.content === 'string' ? Buffer.from(made.content, 'utf8') : Buffer.from(made.content.buffer, made.content.byteOffset, made.content.byteLength);
      return {
        fileName: `${made.name}.${format}`,
        mimeType: FIGURE_MIME[format],
        base64: bytes.toString('base64'),
        widthMm: made.widthMm,
        heightMm: +made.heightMm.toFixed(2),
        widthPx: format === 'png' ? Math.round((made.widthMm / 25.4) * dpi) : null,
        warnings: made.warnings,
      };
    } catch (err) {
      throw WorkbenchServices.failureOf(job, err);
    } finally {
      job.running = false;
    }
  }

  // ---- projects -----------------------------------------------------------------------------

  async saveProject({ path, project, replace }: ApiRequest<'saveProject'>): Promise<ApiResponses['saveProject']> {
    const abs = this.checkAllowed(path);
    if (!isProjectPath(abs)) throw new StrataError(`${path}: project files end in .strata.json`);
    const given = parseProject(JSON.stringify(project ?? null), path);
    // The study it names must be one the user opened: a project cannot smuggle in a path.
    const studyAbs = this.checkAllowed(resolve(dirname(abs), given.study));
    // A typed path that names an existing project replaced it without a word (a native save
    // dialog asks; the browser mode's form did not): the page asks first, then says `replace`.
    if (!replace && (await stat(abs).then(() => true, () => false))) return { path: abs, bytes: 0, exists: true };
    const bytes = await writeProject(abs, { ...given, study: studyPathForProject(abs, studyAbs) });
    return { path: abs, bytes };
  }

  async openProject({ path }: ApiRequest<'openProject'>): Promise<ApiResponses['openProject']> {
    const abs = this.checkAllowed(path);
    const project = await readProject(abs);
    const studyAbs = resolveProjectStudy(abs, project);
    // A project the user picked in a dialog grants its study (as picking the study would); in
    // the browser mode the study must already lie inside a granted folder.
    if (this.options.mode === 'electron') this.allow(studyAbs);
    else this.checkAllowed(studyAbs);
    return { path: abs, project, studyPath: studyAbs };
  }
}

const FIGURE_MIME = { svg: 'image/svg+xml', png: 'image/png', pdf: 'application/pdf' } as const;

