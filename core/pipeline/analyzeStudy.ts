import { NormalizationError } from '../model/errors.js';
import { semViewOf } from '../model/study.js';
import type { SectionGeometry } from '../model/semImage.js';
import type { DepthProfile } from '../model/depthProfile.js';
import type { IonStack } from '../model/ionStack.js';
import { layerName, type LayerStack } from '../model/layerStack.js';
import type { Provenance } from '../model/provenance.js';
import type { Report, StateReport, XrdResult } from '../model/report.js';
import { analysedAnalyte } from '../model/report.js';
import { ionKey, speciesName } from '../model/ions.js';
import type { SemImage } from '../model/semImage.js';
import type { XrdPattern } from '../model/xrdPattern.js';
import { analyzeSimsStateDetailed, compareLiStates } from '../sims/index.js';
import { withPixelSize } from '../sem/calibration.js';
import { toSemResult } from '../sem/crossSection.js';
import type { CrossSectionResult } from '../sem/crossSection.js';
import type { SimsAnalysisOptions, SimsStateDetail, StackProfiler, WindowMapper } from '../sims/index.js';

/** One state's opened datasets (at most one of each kind is analysed; the first wins). */
export interface StateData {
  state: string;
  profile?: DepthProfile;
  stack?: IonStack;
  sem?: SemImage;
  xrd?: XrdPattern;
  shotsPerPixel?: number;
  /** Pixels of the analysis raster a depth profile sums (study.json sims.rasterPixels). */
  rasterPixels?: number;
  semTiltDeg?: number;
  semSection?: SectionGeometry;
}

export interface StudyAnalysisOptions {
  sims?: SimsAnalysisOptions;
  /** Typed-in thicknesses by role, nm: used where no SEM image of the state gives them. */
  thicknessesNm?: Record<string, number>;
  /** SEM pixel size set by the user per state, nm: replaces what the image's metadata says. */
  semPixelSizeNm?: Record<string, number>;
  /** Interface times set by hand per state, s, top-down. */
  interfacesS?: Record<string, number[]>;
  /** The state changes are measured against (default: defaultReferenceState). */
  referenceState?: string;
}

/**
 * The options one state's analysis sees: the study-wide ones, and of the per-state entries only
 * the state's own. analyzeState is given no more, so what a state gives depends on these alone
 * (a cache of states keys on them: see core/node/analysisCache.ts).
 */
export function stateAnalysisOptions(options: StudyAnalysisOptions, state: string): StudyAnalysisOptions {
  const own = <T>(entries: Record<string, T> | undefined): Record<string, T> | undefined =>
    entries && Object.hasOwn(entries, state) ? Object.fromEntries([[state, entries[state]]]) : undefined;
  return { sims: options.sims, thicknessesNm: options.thicknessesNm, semPixelSizeNm: own(options.semPixelSizeNm), interfacesS: own(options.interfacesS) };
}

/** Steps for the modalities that have their own modules; injected so each stays testable alone. */
export interface ModalitySteps {
  /** The whole measurement (the report keeps its thicknesses: toSemResult; figures draw its boundaries). */
  measureSem?: (image: SemImage, stack: LayerStack, opts: { tiltDeg?: number; section?: SectionGeometry }) => CrossSectionResult;
  /** The stack says which reference phases are candidates (core/xrd candidatePhases). */
  analyzeXrd?: (pattern: XrdPattern, stack?: LayerStack) => XrdResult;
  /** The ToF-SIMS stack's depth profiles (default profileFromStack). */
  stackProfile?: StackProfiler;
  /** The analyte's per-layer maps from the stack (default windowMapsFromStack). */
  windowMaps?: WindowMapper;
}

export interface StudyAnalysis {
  report: Report;
  /** Per state, the SIMS intermediates (analyte per scan, calibration, maps) for views and figures. */
  details: Map<string, SimsStateDetail>;
  /** Per state, its SEM cross-section measured whole (boundaries, profile), for figures: not measured again. */
  semSections: Map<string, CrossSectionResult>;
}

/** One state's part of a study's analysis. */
export interface StateOutcome {
  report: StateReport;
  /** The SIMS intermediates, when the state has a profile or a stack that could be analysed. */
  detail?: SimsStateDetail;
  /** The SEM measurement whole, when the state's image was measured (its report.sem is this, less the details). */
  semSection?: CrossSectionResult;
  /** What went wrong in this state, each prefixed with its name (the study's warnings, in order). */
  warnings: string[];
}

/**
 * One state of a study: SEM thicknesses (when an image is there) feed the ToF-SIMS depth
 * calibration of the same state; XRD is analysed alone. States do not depend on one another,
 * so they may run side by side (see core/node/stateLanes.ts). A failing modality is a warning.
 */
export async function analyzeState(layerStack: LayerStack, s: StateData, steps: ModalitySteps, studyOptions: StudyAnalysisOptions): Promise<StateOutcome> {
  const options = stateAnalysisOptions(studyOptions, s.state);
  const warnings: string[] = [];
  const report: StateReport = { state: s.state };
  let detail: SimsStateDetail | undefined;
  let semSection: CrossSectionResult | undefined;
  if (s.sem && steps.measureSem) {
    try {
      const manualNm = options.semPixelSizeNm?.[s.state];
      const image = manualNm !== undefined ? withPixelSize(s.sem, manualNm) : s.sem;
      semSection = steps.measureSem(image, layerStack, semViewOf(s));
      report.sem = toSemResult(semSection);
    } catch (err) {
      warnings.push(`${s.state}: SEM ${s.sem.source.fileName}: ${(err as Error).message}`);
    }
  }
  // A thickness ten times off its nominal one (another image, stack or scale) calibrated the
  // depth axis all the same (967 493 nm of MgF₂, "depth axis: sem"): it is left out, and said.
  const semLayers = (report.sem?.layers ?? []).filter((l) => Number.isFinite(l.thicknessNm));
  // One line for them all: the SEM warnings say each one's ratio to its nominal thickness already
  // (a line per layer here too printed each fact twice: eight lines for a wrong image).
  const implausible = semLayers.filter((x) => x.implausible).map((l) => `${layerName(layerStack, l.role)} (${+l.thicknessNm.toPrecision(3)} nm)`);
  if (implausible.length === 1) warnings.push(`${s.state}: SEM thickness of ${implausible[0]} is far off its nominal one: not used for the depth axis`);
  else if (implausible.length > 1) warnings.push(`${s.state}: SEM thicknesses of ${implausible.join(', ')} are far off their nominal ones: not used for the depth axis`);
  const semThickness = Object.fromEntries(semLayers.filter((l) => !l.implausible).map((l) => [l.role, l.thicknessNm]));
  const thicknessesNm = { ...(options.thicknessesNm ?? {}), ...semThickness };
  // What the stack's reader had to do (an imzML none of whose spectra hold the stack's ions: its
  // images are the strongest peaks, labelled by m/z): `strata info` said it, the analysis did not.
  const readerNote = s.stack?.metadata?.['strata.windowsOutsideSpectra'];
  if (readerNote) warnings.push(`${s.state}: ToF-SIMS stack ${s.stack!.source.fileName}: ${readerNote}`);
  if (s.profile || s.stack) {
    try {
      detail = await analyzeSimsStateDetailed({
        profile: s.profile,
        stack: s.stack,
        layerStack,
        shotsPerPixel: s.shotsPerPixel,
        pixelCount: s.rasterPixels,
        thicknessesNm,
        thicknessSource: Object.keys(semThickness).length > 0 ? 'sem' : 'nominal',
        options: options.interfacesS?.[s.state] ? { ...options.sims, interfaceTimesS: options.interfacesS[s.state] } : options.sims,
        stackProfile: steps.stackProfile,
        windowMaps: steps.windowMaps,
      });
      report.sims = detail.result;
    } catch (err) {
      // A normalisation asked for that the data cannot take fails the analysis, named.
      if (err instanceof NormalizationError) throw new NormalizationError(`${s.state}: ${err.message}`);
      warnings.push(`${s.state}: ToF-SIMS: ${(err as Error).message}`);
    }
  }
  if (s.xrd && steps.analyzeXrd) {
    try {
      report.xrd = steps.analyzeXrd(s.xrd, layerStack);
    } catch (err) {
      warnings.push(`${s.state}: XRD ${s.xrd.source.fileName}: ${(err as Error).message}`);
    }
  }
  return { report, ...(detail ? { detail } : {}), ...(semSection ? { semSection } : {}), warnings };
}

/**
 * Why the analyte chosen for a study (`--analyte`, the workbench's "Analyte") was analysed in
 * no state: none of the states' ToF-SIMS data hold it (a typo, the other polarity's ion). Each
 * state only warned, and the run gave a report without any analyte per layer, exit code 0. Says
 * the ions the data do hold, as the data name them (what to choose instead). Null where a state
 * holds it, or where no state's data were read (their own failures say why).
 */
export function chosenAnalyteMissing(studyName: string, analyte: string, outcomes: readonly Pick<StateOutcome, 'detail'>[]): string | null {
  const read = outcomes.flatMap((o) => (o.detail ? [o.detail] : []));
  if (!read.length || read.some((d) => d.analyte !== null)) return null;
  const held = new Map<string, string>();
  for (const d of read) for (const ion of d.signals.ions) if (ion.label.trim().toLowerCase() !== 'total' && !held.has(ionKey(ion.label))) held.set(ionKey(ion.label), ion.label);
  return `${studyName}: analyte ${analyte} is in none of its ToF-SIMS data (they hold ${[...held.values()].join(', ')})`;
}

/**
 * The state a study's changes are measured against when it names none, among `states` (those
 * with Li results): `pristine` where it is one, else the first (a study of "as-deposited",
 * "charged-1C", … got no comparison at all, and one whose pristine state had only SEM or XRD
 * none either).
 */
export function defaultReferenceState(states: readonly string[]): string | undefined {
  return states.includes('pristine') ? 'pristine' : states[0];
}

/** The study's report from its states' outcomes (in state order): Li fractions compared against the reference state. */
export function composeStudy(
  study: { name: string; stack: LayerStack },
  outcomes: StateOutcome[],
  options: StudyAnalysisOptions,
  provenance: Omit<Provenance, 'parameters'>,
): StudyAnalysis {
  const reports = outcomes.map((o) => o.report);
  const warnings = outcomes.flatMap((o) => o.warnings);
  const details = new Map<string, SimsStateDetail>();
  for (const o of outcomes) if (o.detail) details.set(o.report.state, o.detail);
  const semSections = new Map<string, CrossSectionResult>();
  for (const o of outcomes) if (o.semSection) semSections.set(o.report.state, o.semSection);
  const withLi = reports.filter((r) => r.sims && r.sims.li.length > 0).map((r) => ({ state: r.state, li: r.sims!.li }));
  // No state with Li: nothing is compared, and the name only labels the (empty) comparison.
  const referenceState = options.referenceState ?? defaultReferenceState(withLi.map((r) => r.state)) ?? 'pristine';
  const hasReference = withLi.some((r) => r.state === referenceState);
  // Named by the analyte the states' analyses took (Na where the stack or --analyte names Na⁺).
  const species = speciesName(analysedAnalyte({ states: reports }) ?? 'Li-');
  if (!hasReference && withLi.length > 1) warnings.push(`no '${referenceState}' state with a ${species} inventory: no comparison`);
  return {
    report: {
      schema: 'strata.report/1',
      study: study.name,
      stack: study.stack.id,
      states: reports,
      comparison: { li: hasReference ? compareLiStates(withLi, referenceState) : [] },
      warnings,
      provenance: { ...provenance, parameters: { ...options, referenceState } },
    },
    details,
    semSections,
  };
}

/**
 * Composes the analysis of a study, state after state (analyzeState), then across states
 * (composeStudy). Pure: datasets in, report out.
 */
export async function analyzeStudy(
  study: { name: string; stack: LayerStack },
  states: StateData[],
  steps: ModalitySteps,
  options: StudyAnalysisOptions,
  provenance: Omit<Provenance, 'parameters'>,
): Promise<StudyAnalysis> {
  const outcomes: StateOutcome[] = [];
  for (const s of states) outcomes.push(await analyzeState(study.stack, s, steps, options));
  return composeStudy(study, outcomes, options, provenance);
}
