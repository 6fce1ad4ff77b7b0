import type { AnalyzeOverrides, StackSummary, StrataProject, StudySummary } from '../../core/api/contract.js';
import { VOLUME_CAMERA } from '../../core/api/contract.js';
import type { Report } from '../../core/model/report.js';
import { analysedAnalyte } from '../../core/model/report.js';
import { ionKey } from '../../core/model/ions.js';
import type { RendererApi } from './api.js';
import { CancelledError } from './jobGroup.js';
import { overridesWithStack } from './stackChoice.js';
import { analyteInUse, overridesWithAnalyte, stackAnalyte, studyAsChosen, viewFollowingAnalyte } from './analyteChoice.js';

export type ViewSettings = StrataProject['view'];
export type Annotation = StrataProject['annotations'][number];

export interface AppState {
  /** The open study, with the layer stack and analyte the analysis uses (overrides.stack's and analyteIon's where chosen: Store.chooseStack, chooseAnalyte). */
  study: StudySummary;
  report: Report | null;
  /** Why there is no report (analysis failed or not available); shown as a note, never hidden. */
  reportError: string | null;
  analyzing: boolean;
  /** The last analysis was cancelled (the job bar's Cancel): the report shown, if any, is the one before it. */
  analysisCancelled: boolean;
  /** Bumped on every new report so views can tell a fresh one from a repeat. */
  reportVersion: number;
  overrides: AnalyzeOverrides;
  view: ViewSettings;
  annotations: Annotation[];
  /**
   * The state a study-browser link asked to see in a tab (e.g. "✓ sem.tif" of discharged): a view
   * that shows one state at a time switches to it. A new object per click, so the view applies
   * each click once and the user's later pick stands. Not saved with the project.
   */
  focus: { tab: string; state: string } | null;
}

/** The ions of a study's 3-D stacks, each once, in the order its files list them. */
export function studyStackIons(study: StudySummary): string[] {
  const set = new Set<string>();
  for (const s of study.states) for (const f of s.files) if (f.kind === 'sims-stack' && Array.isArray(f.summary?.ions)) for (const i of f.summary!.ions as string[]) set.add(i);
  return [...set];
}

/**
 * The ion the 2-D and 3-D views show for `wanted`: the stacks' own label of it (matched by
 * canonical key, as the backend matches), else the analyte the report's analysis took, else the
 * study's analyte where a stack has it, else
 * the stacks' first ion; `wanted` itself where the study has no stack. An imzML whose windows
 * come from its own peaks has no Li⁻: the views asked for Li⁻ and drew nothing, under an ion
 * list showing another ion.
 */
export function stackIonFor(study: StudySummary, wanted: string, report?: Report | null): string {
  const ions = studyStackIons(study);
  const find = (ion: string | undefined): string | undefined => (ion === undefined ? undefined : ions.find((i) => ionKey(i) === ionKey(ion)));
  // The analyte the analysis took (Li⁺ in positive-ion data, where the preset names Li⁻) first.
  const analysed = report ? analysedAnalyte(report) : undefined;
  return find(wanted) ?? find(analysed) ?? find(study.stack.analyteIon ?? 'Li-') ?? ions[0] ?? wanted;
}

export function defaultView(study: StudySummary): ViewSettings {
  // The analyte the analysis takes (Li⁺ in positive-ion data where the stack names none).
  const analyte = stackAnalyte(study);
  const stackIon = stackIonFor(study, analyte);
  return {
    tab: 'study',
    profile: { states: study.states.map((s) => s.state), ions: [analyte], logY: true, normalise: false, axis: 'time', interfacesOf: study.states[0]?.state ?? '' },
    maps: { ion: stackIon, colormap: 'viridis', window: 'all', logColour: false, deadTime: true },
    volume: { ion: stackIon, deadTime: true, mode: 'mip', zExaggeration: 30, clipTop: 0, clipBottom: 1, azimuthDeg: VOLUME_CAMERA.azimuthDeg, elevationDeg: VOLUME_CAMERA.elevationDeg },
    xrd: { offsetFraction: 0.6, logY: true },
  };
}

/** The overrides kept per state (state name → the state's setting). */
type PerStateOverride = 'interfacesS' | 'semPixelSizeNm' | 'semGeometry';

/**
 * The overrides with one state's setting of `key` set, or with undefined dropped (and `key`
 * with it when no state has one left: a saved project then holds no empty entry).
 */
export function withStateOverride<K extends PerStateOverride>(overrides: AnalyzeOverrides, key: K, state: string, value: NonNullable<AnalyzeOverrides[K]>[string] | undefined): AnalyzeOverrides {
  const { [key]: entries, ...rest } = overrides;
  const { [state]: _, ...others } = (entries ?? {}) as Record<string, unknown>;
  const next = value === undefined ? others : { ...others, [state]: value };
  return Object.keys(next).length ? { ...rest, [key]: next } : rest;
}

/** States named in an analysis job's label at most; more are counted (the job bar's row stays one line). */
const LABEL_STATES = 4;

/** The job bar's label of a study's analysis: "Analysis: pristine, charged, discharged". */
export function analysisJobLabel(states: readonly string[]): string {
  if (states.length === 0) return 'Analysis';
  const named = states.slice(0, LABEL_STATES).join(', ');
  return states.length > LABEL_STATES ? `Analysis: ${named} and ${states.length - LABEL_STATES} more` : `Analysis: ${named}`;
}

/** The header's line after the analysis was cancelled: what is on screen, and how to analyse again. */
export function cancelledAnalysisText(hasReport: boolean): string {
  return hasReport
    ? 'Analysis cancelled: the report shown is the one before it; the next edit (or Re-analyse) analyses again'
    : 'Analysis cancelled: no report; the next edit (or Re-analyse) analyses again';
}

/**
 * Runs the analysis call as a job the user sees and may cancel (main.ts: a job bar row); the call
 * gets the job's id (none: not followed). Rejects with a CancelledError once cancelled, by the
 * user or by `signal` (a newer analysis replaces it).
 */
export type AnalysisJobRunner = (label: string, call: (jobId: string | undefined) => Promise<Report>, signal: AbortSignal) => Promise<Report>;

/** No job bar (tests): the call alone, not cancellable. */
const runUnfollowed: AnalysisJobRunner = (_label, call) => call(undefined);

type Listener = (state: AppState, changed: Set<keyof AppState>) => void;

/**
 * The app's one store: the open study, its report, the user's overrides and view settings.
 * Views read from it and write through `set`; `analyze` re-runs the analysis with the current
 * overrides. Later answers win over earlier ones only if they were asked for later.
 */
export class Store {
  private listeners = new Set<Listener>();
  private analysisSeq = 0;
  /** Stops the analysis under way, if any (a newer one replaces it). */
  private analysisAbort: AbortController | null = null;
  /** The study as opened, with its own layer stack (study.json's, or the default of a folder without one): analysed while no other is chosen. */
  readonly openedStudy: StudySummary;
  /** The study's own layer stack (openedStudy's). */
  get ownStack(): StackSummary {
    return this.openedStudy.stack;
  }

  /** `state.study` is the summary as opened; the store shows it with the stack and analyte its overrides choose (a project's, a reload's). */
  constructor(
    readonly api: RendererApi,
    public state: AppState,
    private readonly runAnalysisJob: AnalysisJobRunner = runUnfollowed,
  ) {
    this.openedStudy = state.study;
    this.state = { ...state, study: studyAsChosen(this.openedStudy, state.overrides) };
  }

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    const changed = new Set(Object.keys(patch) as (keyof AppState)[]);
    for (const fn of this.listeners) fn(this.state, changed);
  }

  setView<K extends keyof ViewSettings>(key: K, value: Partial<ViewSettings[K]>): void {
    const current = this.state.view[key];
    const next = typeof current === 'object' ? { ...current, ...value } : value;
    this.set({ view: { ...this.state.view, [key]: next } });
  }

  /**
   * Analyses the study with another layer stack (undefined: its own). The views are built for one
   * study's layers: they are made anew for the new summary (main.ts), the old report goes.
   */
  async chooseStack(stackId: string | undefined): Promise<void> {
    const overrides = overridesWithStack(this.state.overrides, stackId);
    if (overrides === this.state.overrides) return;
    await this.analyze(overrides, { study: studyAsChosen(this.openedStudy, overrides), report: null, reportError: null });
  }

  /**
   * Analyses the study for another analyte (undefined: the stack's). Every view names and draws
   * the analyte, so they are made anew for the new summary (main.ts), as for another stack.
   */
  async chooseAnalyte(ion: string | undefined): Promise<void> {
    const overrides = overridesWithAnalyte(this.state.overrides, ion);
    if (overrides === this.state.overrides) return;
    const study = studyAsChosen(this.openedStudy, overrides);
    // The views that showed the analyte show the new one (an ion picked there stays).
    const view = viewFollowingAnalyte(this.state.view, analyteInUse(this.state.study, this.state.report), stackAnalyte(study));
    await this.analyze(overrides, { study, view, report: null, reportError: null });
  }

  /**
   * Analyses the study with `overrides`; `alongside`: what changes with them (set in the same step,
   * so views see one change). An analysis still under way is cancelled: only the newest one's
   * answer is shown, and two would share the workers. A cancelled analysis leaves the report
   * before it (or none) and says so (analysisCancelled).
   */
  async analyze(overrides: AnalyzeOverrides = this.state.overrides, alongside: Partial<AppState> = {}): Promise<void> {
    const seq = ++this.analysisSeq;
    this.analysisAbort?.abort();
    const abort = new AbortController();
    this.analysisAbort = abort;
    this.set({ ...alongside, overrides, analyzing: true, analysisCancelled: false });
    try {
      const hasOverrides = Object.keys(overrides).length > 0;
      const request = { path: this.state.study.path, ...(hasOverrides ? { overrides } : {}) };
      const label = analysisJobLabel(this.state.study.states.map((s) => s.state));
      const report = await this.runAnalysisJob(label, (jobId) => this.api.analyzeStudy(jobId === undefined ? request : { ...request, jobId }), abort.signal);
      if (seq !== this.analysisSeq) return;
      this.set({ report, reportError: null, analyzing: false, reportVersion: this.state.reportVersion + 1 });
    } catch (err) {
      if (seq !== this.analysisSeq) return;
      if (err instanceof CancelledError) this.set({ analyzing: false, analysisCancelled: true });
      else this.set({ report: null, reportError: (err as Error).message, analyzing: false, reportVersion: this.state.reportVersion + 1 });
    } finally {
      if (this.analysisAbort === abort) this.analysisAbort = null;
    }
  }
}
