import { basename, join } from 'node:path';
import type { AnalyzeOverrides } from '../api/contract.js';
import type { InputRecord } from '../model/provenance.js';
import type { Report } from '../model/report.js';
import { analyzeState, chosenAnalyteMissing, composeStudy } from '../pipeline/analyzeStudy.js';
import type { ModalitySteps, StateData, StateOutcome, StudyAnalysis, StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import { StrataError } from '../model/errors.js';
import { notAStateOf } from '../model/study.js';
import { analyzeXrd } from '../xrd/analyze.js';
import { profileFromStack } from '../sims/stackProfile.js';
import { windowMapsFromStack } from '../sims/windowMaps.js';
import { STRATA_VERSION } from '../version.js';
import { measureCrossSectionKept } from './crossSectionMemo.js';
import { inputRecord } from './files.js';
import { memoizedSteps } from './stateMemo.js';
import { findSemSidecar, imzmlBinaryPath, openDataset } from './openDataset.js';
import type { OpenedDataset } from './openDataset.js';
import { withAnalyte, withStack } from '../pipeline/studyChoices.js';
import type { LoadedStudy } from './loadStudy.js';
import { STACK_PRESETS } from '../model/layerStack.js';
import type { StudyFile } from '../model/study.js';

/** The user's edits an analysis takes (dragged interfaces, ROI, scale, normalisation): the API's own type. */
export type { AnalyzeOverrides } from '../api/contract.js';

/**
 * The modality steps the pipeline runs. The SEM measurement is kept in this thread too, for the
 * SEM view to draw (crossSectionMemo.ts).
 */
export const DEFAULT_STEPS: ModalitySteps = {
  measureSem: (image, stack, opts) => measureCrossSectionKept(image, stack, opts),
  analyzeXrd: (pattern, stack) => analyzeXrd(pattern, { stack }),
};

/** A state's outcome, with the files it read (for the report's provenance). */
export interface StateOnDiskOutcome extends StateOutcome {
  inputs: InputRecord[];
}

/**
 * Analyses every state of a study somewhere and answers with their outcomes in state order:
 * one after another here (the default), or side by side on worker threads (stateLanes.ts).
 */
export type StatesRunner = (study: LoadedStudy, options: StudyAnalysisOptions, control?: StatesControl) => Promise<StateOnDiskOutcome[]>;

/**
 * How a caller follows and stops a StatesRunner (the workbench's analysis job): `cancelled`
 * answers why to stop (null: go on), asked between tasks and as planes are read; `onProgress`
 * gets the states done (fractions included) of the states it runs.
 */
export interface StatesControl {
  cancelled?: () => string | null;
  onProgress?: (done: number, total: number) => void;
}

/** Stops and follows one state's analysis: checked and called as its stack passes read planes. */
export interface StateControl {
  signal?: AbortSignal;
  onPlane?: (done: number, total: number) => void | Promise<void>;
}

/** A file a state's analysis reads: its absolute path, and its path as the report names it. */
export interface StateInput {
  path: string;
  displayPath: string;
}

/** Files a data file's reader opens besides it: an imzML's binary .ibd, an SEM image's sidecar. */
async function filesBeside(f: StudyFile, path: string): Promise<string[]> {
  if (f.format === 'imzml') return [imzmlBinaryPath(path)];
  if (f.kind !== 'sem') return [];
  const sidecar = await findSemSidecar(path);
  return sidecar ? [sidecar] : [];
}

/**
 * Every file a state's analysis reads, in manifest order: each data file, and beside it the
 * files its reader opens too (filesBeside). Provenance hashes them all, and a cached analysis
 * watches them all.
 */
export async function stateInputs(study: LoadedStudy, stateIndex: number): Promise<StateInput[]> {
  const s = study.states[stateIndex];
  if (!s) throw new StrataError(`${study.name}: no state number ${stateIndex}`);
  const inputs: StateInput[] = [];
  for (const f of s.files) {
    if (f.kind === 'unknown') continue;
    const abs = join(study.root, f.path);
    inputs.push({ path: abs, displayPath: f.path });
    for (const other of await filesBeside(f, abs)) inputs.push({ path: other, displayPath: join(f.path, '..', basename(other)).replace(/\\/g, '/') });
  }
  return inputs;
}

/**
 * What of a state's analysis to run: all of it, or one of its two independent parts, its XRD
 * pattern's analysis alone or everything else (SEM and ToF-SIMS, which depend on each other: the
 * SEM thicknesses calibrate the depth axis). The parts run side by side on different lanes
 * (stateLanes.ts), and mergeStateParts puts their outcomes together.
 */
export type StatePart = 'whole' | 'xrd' | 'sem-sims';

/** Whether a file of the state is read by `part` of its analysis. */
const readBy = (part: StatePart, f: StudyFile): boolean => part === 'whole' || (f.kind === 'xrd') === (part === 'xrd');

/** The steps `part` of a state's analysis runs. */
function stepsOfPart(steps: ModalitySteps, part: StatePart): ModalitySteps {
  if (part === 'whole') return steps;
  if (part === 'xrd') return { analyzeXrd: steps.analyzeXrd };
  const { analyzeXrd: _xrd, ...rest } = steps;
  return rest;
}

/**
 * Whether a state's analysis is worth running in two parts (stateLanes.ts): it has an XRD
 * pattern and something else to analyse.
 */
export function splitsInParts(s: { files: readonly StudyFile[] }): boolean {
  return s.files.some((f) => f.kind === 'xrd') && s.files.some((f) => f.kind !== 'xrd' && f.kind !== 'unknown');
}

/**
 * One state's outcome from the outcomes of its parts (each of which analysed what the other
 * did not): the report's sections and the warnings in the order the whole analysis gives them
 * (analyzeState: SEM, ToF-SIMS, then XRD).
 */
export function mergeStateParts(semSims: StateOutcome, xrd: StateOutcome): StateOutcome {
  const report = { ...semSims.report, ...(xrd.report.xrd ? { xrd: xrd.report.xrd } : {}) };
  const warnings = [...semSims.warnings, ...xrd.warnings];
  return { report, ...(semSims.detail ? { detail: semSims.detail } : {}), ...(semSims.semSection ? { semSection: semSims.semSection } : {}), warnings };
}

/**
 * Opens one state's files (read-only), analyses the state and closes the files. Files are used
 * in manifest order: the first of each kind is analysed. No checksums (see analyzeStateOnDisk).
 * With the default steps, results that depend on the files alone are kept between analyses
 * while the files are unchanged (stateMemo.ts). `part`: all of the state, or one part of it
 * (StatePart), which opens only the files that part reads.
 */
export async function analyzeStateFiles(
  study: LoadedStudy,
  stateIndex: number,
  options: StudyAnalysisOptions,
  steps: ModalitySteps = DEFAULT_STEPS,
  control: StateControl = {},
  part: StatePart = 'whole',
): Promise<StateOutcome> {
  const s = study.states[stateIndex];
  if (!s) throw new StrataError(`${study.name}: no state number ${stateIndex}`);
  const files = s.files.filter((f) => f.kind !== 'unknown' && readBy(part, f));
  const partSteps = stepsOfPart(steps, part);
  // The files the steps will read, as the manifest lists them (checked below against those
  // opened), stamped before anything is read.
  const first = (kind: string) => files.find((f) => f.kind === kind);
  const [sem, xrd, stack] = [first('sem'), first('xrd'), first('sims-stack')];
  const abs = (f: { path: string }): string => join(study.root, f.path);
  const memo =
    steps === DEFAULT_STEPS
      ? await memoizedSteps(
          {
            sem: sem && { image: abs(sem), sidecar: (await filesBeside(sem, abs(sem)))[0] ?? null },
            xrd: xrd && abs(xrd),
            stack: stack && [abs(stack), ...(await filesBeside(stack, abs(stack)))],
          },
          partSteps,
        )
      : null;
  const opened: OpenedDataset[] = [];
  try {
    const data: StateData = { state: s.state, shotsPerPixel: s.sims?.shotsPerPixel, rasterPixels: s.sims?.rasterPixels, semTiltDeg: s.semTiltDeg, semSection: s.semSection };
    /** Whether each dataset analysed came from the file the steps were stamped for. */
    let asStamped = true;
    const take = <T>(current: T | undefined, d: T, f: StudyFile, expected: StudyFile | undefined): T => {
      if (current !== undefined) return current;
      if (f !== expected) asStamped = false;
      return d;
    };
    for (const f of files) {
      const o = await openDataset(abs(f), { displayName: f.path });
      opened.push(o);
      const d = o.dataset;
      if (d.kind === 'depthProfile') data.profile ??= d;
      else if (d.kind === 'ionStack') data.stack = take(data.stack, d, f, stack);
      else if (d.kind === 'xrdPattern') data.xrd = take(data.xrd, d, f, xrd);
      else if (d.kind === 'semImage') data.sem = take(data.sem, d, f, sem);
    }
    control.signal?.throwIfAborted();
    const useMemo = memo !== null && asStamped;
    const outcome = await analyzeState(study.stack, data, withControl(useMemo ? memo.steps : partSteps, control), options);
    // analyzeState keeps a failing modality as a warning, a cancelled pass too: the outcome of a
    // cancelled state is thrown away here, never kept (memo, caches) as if it were the state's.
    control.signal?.throwIfAborted();
    if (useMemo) await memo.commit();
    return outcome;
  } finally {
    await Promise.all(opened.map((o) => o.close()));
  }
}

/**
 * The steps with the stack profile's passes stopped by `control.signal` and reporting their planes
 * to `control.onPlane` (they are the long part of a state: reading every plane of its stack).
 * The steps themselves when there is nothing to pass on.
 */
function withControl(steps: ModalitySteps, control: StateControl): ModalitySteps {
  if (!control.signal && !control.onPlane) return steps;
  const profile = steps.stackProfile ?? profileFromStack;
  const maps = steps.windowMaps ?? windowMapsFromStack;
  return {
    ...steps,
    stackProfile: (stack, opts) => profile(stack, { ...opts, signal: control.signal, onPlane: control.onPlane }),
    // The maps' pass (a second read of the analyte's planes) stops too, and reports its planes as
    // a pass of its own (StatesProgress follows the furthest pass). In this thread the signal is
    // aborted from onPlane (stateLanes.ts controlHere): without it a Cancel waited for the pass.
    windowMaps: (stack, ion, windows, opts) => maps(stack, ion, windows, { ...opts, signal: control.signal, onPlane: control.onPlane }),
  };
}

/** Checksums and sizes of the files (provenance), one after another. */
export async function recordInputs(inputs: StateInput[]): Promise<InputRecord[]> {
  const records: InputRecord[] = [];
  for (const i of inputs) records.push(await inputRecord(i.path, i.displayPath));
  return records;
}

/** A state analysed from its files (analyzeStateFiles), then every file it read checksummed. */
export async function analyzeStateOnDisk(study: LoadedStudy, stateIndex: number, options: StudyAnalysisOptions, steps: ModalitySteps = DEFAULT_STEPS): Promise<StateOnDiskOutcome> {
  const outcome = await analyzeStateFiles(study, stateIndex, options, steps);
  return { ...outcome, inputs: await recordInputs(await stateInputs(study, stateIndex)) };
}

/** Every state of the study, one after another in this thread (the default StatesRunner). */
export const statesOneByOne: StatesRunner = (study, options) => statesHere(study, options);

/** Every state of the study, one after another in this thread. */
async function statesHere(study: LoadedStudy, options: StudyAnalysisOptions, steps?: ModalitySteps): Promise<StateOnDiskOutcome[]> {
  const outcomes: StateOnDiskOutcome[] = [];
  for (let i = 0; i < study.states.length; i++) outcomes.push(await analyzeStateOnDisk(study, i, options, steps));
  return outcomes;
}

/**
 * The study with the user's SEM geometry (overrides.semGeometry) in place of study.json's: a
 * state's entry replaces both its `semSection` and `semTiltDeg` (what it leaves out is the
 * default), so a face chosen in the workbench is not outdone by a view angle study.json gives.
 * The study itself when no entry names a state of it (cache keys see the same study).
 */
export function withSemGeometry(study: LoadedStudy, overrides: AnalyzeOverrides | undefined): LoadedStudy {
  const chosen = overrides?.semGeometry;
  if (!chosen || !study.states.some((s) => Object.hasOwn(chosen, s.state))) return study;
  return {
    ...study,
    states: study.states.map((s) => {
      if (!Object.hasOwn(chosen, s.state)) return s;
      const { semSection: _section, semTiltDeg: _tilt, ...rest } = s;
      const g = chosen[s.state];
      return { ...rest, ...(g.section !== undefined ? { semSection: g.section } : {}), ...(g.tiltDeg !== undefined ? { semTiltDeg: g.tiltDeg } : {}) };
    }),
  };
}

/**
 * The study with the layer stack the user chose (overrides.stack: the workbench's "Layer stack")
 * in place of its own, as `strata analyze --stack` takes one (withStack, which says so in the
 * notes). The study itself when none is chosen. Every use of the stack (the analysis, its cache
 * keys, the figures, the SEM boundaries) goes through this, so that they agree.
 */
export function withChosenStack(study: LoadedStudy, overrides: AnalyzeOverrides | undefined): LoadedStudy {
  return overrides?.stack === undefined ? study : withStack(study, STACK_PRESETS[overrides.stack]);
}

/** The study as the user chose to see it: their layer stack, then their analyte, then their SEM geometry (the analysis's and the figures' study). */
export function studyAsChosen(study: LoadedStudy, overrides: AnalyzeOverrides | undefined): LoadedStudy {
  return withSemGeometry(withChosenAnalyte(withChosenStack(study, overrides), overrides), overrides);
}

/**
 * The study analysed for the analyte the user chose (overrides.analyteIon: `--analyte`, the
 * workbench's "Analyte") in place of its stack's (withAnalyte); the study itself when none is
 * chosen. Applied after withChosenStack: a stack chosen keeps the analyte chosen.
 */
export function withChosenAnalyte(study: LoadedStudy, overrides: AnalyzeOverrides | undefined): LoadedStudy {
  return withAnalyte(study, overrides?.analyteIon);
}

/**
 * The analysis options of a study: its manifest's thicknesses, then the caller's options and overrides.
 * The reference state is the user's (overrides: `--reference`, the Li dashboard), else the
 * caller's, else study.json's, else composeStudy's default. One the user chose that is not a
 * state of the study is refused here, before any state is analysed: left to composeStudy it
 * gave a report with no comparison and a warning, which a batch or a saved project passes on
 * in silence.
 */
export function studyOptions(study: LoadedStudy, opts: { overrides?: AnalyzeOverrides; options?: StudyAnalysisOptions }): StudyAnalysisOptions {
  const chosen = opts.overrides?.referenceState;
  const notAState = chosen === undefined ? null : notAStateOf(study.states.map((s) => s.state), chosen);
  if (notAState) throw new StrataError(`${study.name}: reference state ${notAState}`);
  const referenceState = chosen ?? opts.options?.referenceState ?? study.manifest?.referenceState;
  return {
    ...opts.options,
    ...(referenceState !== undefined ? { referenceState } : {}),
    thicknessesNm: { ...(study.manifest?.thicknessesNm ?? {}), ...(opts.options?.thicknessesNm ?? {}) },
    interfacesS: { ...opts.options?.interfacesS, ...opts.overrides?.interfacesS },
    semPixelSizeNm: { ...opts.options?.semPixelSizeNm, ...opts.overrides?.semPixelSizeNm },
    sims: {
      // The study's normalisation (study.json), unless the caller or the user chose another.
      ...(study.manifest?.normalization ? { normalization: study.manifest.normalization } : {}),
      ...(study.manifest?.referenceIon ? { referenceIon: study.manifest.referenceIon } : {}),
      ...opts.options?.sims,
      ...(opts.overrides?.normalization ? { normalization: opts.overrides.normalization } : {}),
      ...(opts.overrides?.referenceIon ? { referenceIon: opts.overrides.referenceIon } : {}),
      ...(opts.overrides?.roi ? { roi: { kind: 'rect' as const, ...opts.overrides.roi } } : {}),
    },
  };
}

/**
 * Analyses a study's files: its states (one after another here, or through `runStates`: they do
 * not depend on one another), then across states. Custom `steps` (functions) stay in this thread.
 */
export async function analyzeStudyDetailedOnDisk(
  study: LoadedStudy,
  opts: { overrides?: AnalyzeOverrides; options?: StudyAnalysisOptions; steps?: ModalitySteps; runStates?: StatesRunner } = {},
): Promise<StudyAnalysis> {
  const options = studyOptions(study, opts);
  // The states carry their SEM view, the stack and the analyte chosen (a state's cache key holds
  // them: analysisCache.ts, stateMemo.ts).
  const viewed = studyAsChosen(study, opts.overrides);
  const outcomes = opts.runStates && !opts.steps ? await opts.runStates(viewed, options) : await statesHere(viewed, options, opts.steps);
  const chosenAnalyte = opts.overrides?.analyteIon;
  const missing = chosenAnalyte === undefined ? null : chosenAnalyteMissing(study.name, chosenAnalyte, outcomes);
  if (missing) throw new StrataError(missing);
  // The report's parameters record the geometry the user chose, as they record the other edits.
  const semGeometry = opts.overrides?.semGeometry;
  const recorded = { ...options, ...(semGeometry ? { semGeometry } : {}) };
  return composeStudy(viewed, outcomes, recorded, {
    software: 'strata',
    version: STRATA_VERSION,
    createdAt: new Date().toISOString(),
    inputs: outcomes.flatMap((o) => o.inputs),
  });
}

export async function analyzeStudyOnDisk(study: LoadedStudy, opts: { overrides?: AnalyzeOverrides; options?: StudyAnalysisOptions; runStates?: StatesRunner } = {}): Promise<Report> {
  return (await analyzeStudyDetailedOnDisk(study, opts)).report;
}
