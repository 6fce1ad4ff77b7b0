/**
 * What `strata figure` does between the study on disk and the figure builders: runs the
 * analysis, opens the stacks, SEM images and XRD patterns again to collect what the figures
 * draw (Li maps, binned Li volumes, the cross-section with its measured boundaries), and turns
 * it into the builders' plain inputs. The builders themselves stay pure (core/figures).
 */
import { semViewOf } from '../model/study.js';
import { DEFAULT_WIDTH_MM, FIGURE_NAMES } from '../figures/figureNames.js';
import type { FigureName } from '../figures/figureNames.js';
import { join } from 'node:path';
import type { IonStack } from '../model/ionStack.js';
import { formulaNotation } from '../model/formula.js';
import { findIon, ionNotation, speciesName } from '../model/ions.js';
import type { Report } from '../model/report.js';
import { analysedAnalyte, referenceStateOf } from '../model/report.js';
import { layerLabels } from '../model/layerStack.js';
import type { SemImage } from '../model/semImage.js';
import type { XrdPattern } from '../model/xrdPattern.js';
import { StrataError } from '../model/errors.js';
import { measureCrossSection } from '../sem/index.js';
import type { CrossSectionResult } from '../sem/index.js';
import { withPixelSize } from '../sem/calibration.js';
import { depthAxisNm, timeToDepthNm } from '../sims/calibrate.js';
import type { SimsStateDetail } from '../sims/analyze.js';
import { chooseProfileIons, profilesFigure, type ProfilesFigureInput } from '../figures/depthProfiles.js';
import { binStackVolume, scansWithin } from '../sims/volume.js';
import type { BinnedVolume } from '../sims/volume.js';
import { bandLayersState, displayDepthNm, interfaceOffsetsFromBands, liFigure, type LiFigureInput, type LiFigureState } from '../figures/liFigure.js';
import { liBarsFigure, liBarsNotes } from '../figures/liBars.js';
import { FIGURE_VOLUME, volumeRenderPxPerPt } from '../figures/renderResolution.js';
import { VOLUME_SCALE_QUANTILE_TEXT } from '../figures/stats.js';
import { semFigure, semFigureNotes, type SemFigureInput } from '../figures/semFigure.js';
import { volumeOnDepthAxis } from '../figures/volumeDepth.js';
import { volumeFigure, type VolumeFigureInput } from '../figures/volumeFigure.js';
import type { VolumeRowState } from '../figures/volumeRow.js';
import { VOLUME_CAMERA, type VolumeFigureTerms, type VolumeVoxels } from '../api/contract.js';
import { svgToPdf, svgToPng } from '../figures/export.js';
import type { FigureFonts } from '../figures/export.js';
import { scaleIntensity, xrdFigure, xrdFigureNotes, type IntensityScale, type XrdFigureInput } from '../figures/xrdFigure.js';
import { prepareWaterfall } from '../xrd/waterfall.js';
import type { LoadedStudy } from './loadStudy.js';
import { analyzeStudyDetailedOnDisk } from './analyzeStudyOnDisk.js';
import type { StudyAnalysis } from '../pipeline/analyzeStudy.js';
import type { AnalyzeOverrides, StatesRunner } from './analyzeStudyOnDisk.js';
import { openDataset } from './openDataset.js';

export interface StateFigureData {
  state: string;
  stack?: { file: string; volume?: BinnedVolume; pixelSizeNm: number | null };
  /** The 3-D view's volume (its ion, correction and part of the stack), for the `volume` figure. */
  viewVolume?: { file: string; ion: string; volume: BinnedVolume; totalScans: number; fieldPx: [number, number]; pixelSizeNm: number | null };
  sem?: { file: string; image: SemImage; section: CrossSectionResult | null; error?: string };
  xrd?: { file: string; pattern: XrdPattern };
}

export interface FigureData {
  study: LoadedStudy;
  report: Report;
  details: Map<string, SimsStateDetail>;
  states: StateFigureData[];
  warnings: string[];
}

/**
 * The analyte the figures of `states` draw and name: the one their analysis took (Li⁺ in
 * positive-ion data, Na⁺ where the stack or --analyte names it), else the study's stack's, else Li⁻.
 */
function figureAnalyte(report: Report, study: LoadedStudy, states: readonly string[]): string {
  return analysedAnalyte(report, states) ?? study.stack.analyteIon ?? 'Li-';
}

export { FIGURE_VOLUME };

/** The 3-D view's terms (contract.ts volumeFigureSchema), each with a default: the analyte's whole stacks, corrected, maximum intensity, the view's first camera. */
export type ViewVolumeTerms = Partial<VolumeFigureTerms>;
const VIEW_DEFAULTS = { deadTime: true, mode: 'mip', azimuthDeg: VOLUME_CAMERA.azimuthDeg, elevationDeg: VOLUME_CAMERA.elevationDeg } as const;

function fileOf(study: LoadedStudy, state: string, kind: string): string | undefined {
  return study.states.find((s) => s.state === state)?.files.find((f) => f.kind === kind)?.path;
}

export interface CollectOptions {
  /** Gets one line per step; may throw to stop (the workbench's Cancel). */
  progress?: (line: string) => void;
  needVolumes?: boolean;
  /** How finely fig4's 3-D panels bin each stack (`strata figure --volume-voxels`): default FIGURE_VOLUME. */
  volumeVoxels?: VolumeVoxels;
  /** The 3-D view's terms: each state's stack binned as the view shows it (the `volume` figure); none: not binned. */
  viewVolume?: ViewVolumeTerms;
  needSem?: boolean;
  needXrd?: boolean;
  /**
   * The workbench's edits (dragged interfaces, ROI, SEM scale set by hand): the figures then
   * show the analysis the user is looking at, not the file defaults.
   */
  overrides?: AnalyzeOverrides;
  /** The study's analysis with these overrides when the caller has it already (the workbench's cache). */
  analysis?: StudyAnalysis;
  /** Where the states are analysed when there is no `analysis` (default: one after another here). */
  runStates?: StatesRunner;
}

/**
 * Analyses the study and gathers the figure data. `progress` gets one line per step.
 */
export async function collectFigureData(study: LoadedStudy, opts: CollectOptions = {}): Promise<FigureData> {
  const progress = opts.progress ?? (() => undefined);
  const warnings: string[] = [];
  progress(`analysing ${study.name} (${study.states.length} state${study.states.length === 1 ? '' : 's'})`);
  // The same analysis as `strata analyze` (its default SEM and XRD steps), so figures and
  // report.json agree.
  const { report, details, semSections } = opts.analysis ?? (await analyzeStudyDetailedOnDisk(study, { overrides: opts.overrides, runStates: opts.runStates }));
  const states: StateFigureData[] = [];
  for (const s of study.states) {
    const data: StateFigureData = { state: s.state };
    const stackFile = fileOf(study, s.state, 'sims-stack');
    // The ion the analysis took as the analyte (Li+ in positive-ion data): the stack's preset
    // alone said Li- there, and a Li+ stack got "no Li- channel: no 3-D rendering".
    const analyte = figureAnalyte(report, study, [s.state]);
    if (stackFile && (opts.needVolumes !== false || opts.viewVolume)) {
      const opened = await openDataset(join(study.root, stackFile), { displayName: stackFile });
      try {
        const stack = opened.dataset as IonStack;
        if (opts.needVolumes !== false) {
          const ion = findIon(stack.ions, analyte);
          if (ion < 0) warnings.push(`${stackFile}: no ${analyte} channel: no 3-D rendering`);
          else {
            progress(`${s.state}: binning the ${analyte} volume of ${stackFile}`);
            const volume = await binStackVolume(stack, ion, { ...(opts.volumeVoxels ?? FIGURE_VOLUME), shotsPerPixel: s.sims?.shotsPerPixel });
            data.stack = { file: stackFile, volume, pixelSizeNm: stack.pixelSizeNm };
          }
        }
        if (opts.viewVolume) await collectViewVolume(data, stack, stackFile, opts.viewVolume, analyte, s.sims?.shotsPerPixel, warnings, progress);
      } finally {
        await opened.close();
      }
    }
    const semFile = fileOf(study, s.state, 'sem');
    if (semFile && opts.needSem !== false) {
      const opened = await openDataset(join(study.root, semFile), { displayName: semFile });
      const fileImage = opened.dataset as SemImage;
      await opened.close();
      // A scale set by hand replaces the file's, as it does in the analysis (same function).
      const manualNm = opts.overrides?.semPixelSizeNm?.[s.state];
      const image = manualNm !== undefined ? withPixelSize(fileImage, manualNm) : fileImage;
      // The analysis's measurement of this image, scale and view (at 25 MP, ~1.5 s a state to make again).
      const analysed = semSections.get(s.state);
      if (!analysed) progress(`${s.state}: measuring the cross-section ${semFile}`);
      try {
        data.sem = { file: semFile, image, section: analysed ?? measureCrossSection(image, study.stack, semViewOf(s)) };
      } catch (err) {
        data.sem = { file: semFile, image, section: null, error: (err as Error).message };
        warnings.push(`${semFile}: ${(err as Error).message}`);
      }
    }
    const xrdFile = fileOf(study, s.state, 'xrd');
    if (xrdFile && opts.needXrd !== false) {
      const opened = await openDataset(join(study.root, xrdFile), { displayName: xrdFile });
      data.xrd = { file: xrdFile, pattern: opened.dataset as XrdPattern };
      await opened.close();
    }
    states.push(data);
  }
  return { study, report, details, states, warnings };
}

/**
 * One state's stack binned as the 3-D view shows it: its ion (the analyte unless the view chose
 * another), corrected or not, the scans of the view's time range and the pixels of its region.
 * What cannot be binned (no such ion, a range with no scan, a region off the field) is a
 * warning, and the state's panel is left empty.
 */
async function collectViewVolume(data: StateFigureData, stack: IonStack, stackFile: string, terms: ViewVolumeTerms, analyte: string, shotsPerPixel: number | undefined, warnings: string[], progress: (line: string) => void): Promise<void> {
  const wanted = terms.ion ?? analyte;
  const ion = findIon(stack.ions, wanted);
  if (ion < 0) {
    warnings.push(`volume: ${stackFile}: no ${wanted} channel: no panel for ${data.state}`);
    return;
  }
  const range = terms.timeRangeS?.[data.state];
  progress(`${data.state}: binning the ${stack.ions[ion].label} volume of ${stackFile}${range || terms.region ? ' (the part the view shows)' : ''}`);
  try {
    const volume = await binStackVolume(stack, ion, {
      ...(terms.voxels ?? FIGURE_VOLUME),
      deadTime: terms.deadTime ?? VIEW_DEFAULTS.deadTime,
      shotsPerPixel,
      scanRange: range ? scansWithin(stack, range) : undefined,
      region: terms.region,
    });
    data.viewVolume = { file: stackFile, ion: stack.ions[ion].label, volume, totalScans: stack.scans, fieldPx: [stack.width, stack.height], pixelSizeNm: stack.pixelSizeNm };
  } catch (err) {
    if (!(err instanceof StrataError || err instanceof RangeError)) throw err;
    warnings.push(`volume: ${data.state}: ${(err as Error).message}`);
  }
}

/**
 * The `volume` figure's input and notes from the view's volumes: each on the depth axis of its
 * state's calibration (the view's depths), from its first scan's depth to its last's; a state
 * without a calibration or a volume keeps its place empty, and the warnings say why.
 */
export function volumeFigureInput(data: FigureData, terms: ViewVolumeTerms, widthMm: number, warnings: string[]): { input: VolumeFigureInput; notes: string[] } | null {
  const notes: string[] = [];
  const states: VolumeRowState[] = data.states.map((s) => {
    const v = s.viewVolume;
    const cal = data.details.get(s.state)?.calibration;
    if (!v) return { state: s.state };
    if (!cal) {
      warnings.push(`volume: ${s.state} has no depth calibration: no panel`);
      return { state: s.state };
    }
    const vol = v.volume;
    const [t0, t1] = [vol.zTimeS[0][0], vol.zTimeS[vol.nz - 1][1]];
    const [d0, d1] = [timeToDepthNm(cal, t0), timeToDepthNm(cal, t1)];
    if (!(d1 > d0)) {
      warnings.push(`volume: ${s.state}: its scans span no depth: no panel`);
      return { state: s.state };
    }
    const [first, end] = vol.scanRange;
    const { x0, y0, x1, y1 } = vol.region;
    const part = [
      first > 0 || end < v.totalScans ? `scans ${first + 1}–${end} of ${v.totalScans}` : 'every scan',
      x1 - x0 < v.fieldPx[0] || y1 - y0 < v.fieldPx[1] ? `x ${x0}–${x1}, y ${y0}–${y1} px of ${v.fieldPx[0]} × ${v.fieldPx[1]}` : 'the whole field',
    ];
    notes.push(`${s.state}: ${v.file}, ${v.ion}, ${part.join(', ')}: ${Math.round(d0)}–${Math.round(d1)} nm deep (the report's depth calibration), ${vol.nx} × ${vol.ny} × ${vol.nz} voxels${vol.saturatedPixels ? `; ${vol.saturatedPixels} saturated pixel-scans are lower bounds` : ''}`);
    return { state: s.state, volume: volumeOnDepthAxis(vol, cal, { depthMinNm: d0, depthMaxNm: d1 }), depthTopNm: d0 };
  });
  const shown = data.states.find((s, i) => s.viewVolume && states[i].volume)?.viewVolume;
  if (!shown) {
    warnings.push('volume: no state has a 3-D stack to show');
    return null;
  }
  const binned = data.states.filter((s) => s.viewVolume);
  const raw = binned.filter((s) => !s.viewVolume!.volume.deadTimeCorrected).map((s) => s.state);
  const corrected = raw.length === 0;
  if (raw.length && raw.length < binned.length) {
    // The workbench asks for raw counts then (its view loads every state raw); `strata figure` may not.
    const mixed = `volume: dead time corrected in ${binned.filter((s) => !raw.includes(s.state)).map((s) => s.state).join(', ')} but not in ${raw.join(', ')} (no shots per pixel): their colours do not compare`;
    warnings.push(mixed);
    notes.push(mixed.slice('volume: '.length));
  }
  notes.push(
    terms.colourMax !== undefined
      ? `colour scale: 0–${+terms.colourMax.toPrecision(4)} mean counts per voxel, as asked (the workbench's 3-D view's own, or --volume-colour-max)`
      : `colour scale: 0 to the ${VOLUME_SCALE_QUANTILE_TEXT} quantile of the voxels shown (the bar marks those above)`,
  );
  const input: VolumeFigureInput = {
    states,
    widthMm,
    ion: shown.ion,
    deadTimeCorrected: corrected,
    mode: terms.mode ?? VIEW_DEFAULTS.mode,
    azimuthDeg: terms.azimuthDeg ?? VIEW_DEFAULTS.azimuthDeg,
    elevationDeg: terms.elevationDeg ?? VIEW_DEFAULTS.elevationDeg,
    zExaggeration: terms.zExaggeration,
    colourMax: terms.colourMax,
    lateralKnown: shown.pixelSizeNm !== null,
    notes,
  };
  return { input, notes };
}

/** Row of the surface and nm per image row, from the measured boundaries (tilt included). */
export function semDepthMapping(section: CrossSectionResult): { surfaceRowPx: number; nmPerRowPx: number } | null {
  const b = section.details.boundaries;
  if (b.length < 2 || section.layers.length === 0) return null;
  const measured = section.layers.length;
  const top = b[0].yPxAtCentre;
  const bottom = b[measured].yPxAtCentre;
  const totalNm = section.layers.reduce((s, l) => s + l.thicknessNm, 0);
  if (!(bottom > top) || !(totalNm > 0)) return null;
  return { surfaceRowPx: top, nmPerRowPx: totalNm / (bottom - top) };
}

/** Fig. 4's input from the analysis and the collected data. */
export function liFigureInput(data: FigureData, widthMm: number): LiFigureInput {
  const analyte = figureAnalyte(data.report, data.study, data.states.map((s) => s.state));
  let mapPixelSizeNm: number | null = null;
  const states: LiFigureState[] = data.states.map((s) => {
    const detail = data.details.get(s.state);
    const sims = data.report.states.find((r) => r.state === s.state)?.sims;
    const layers = sims?.layers ?? [];
    const out: LiFigureState = { state: s.state, layers };
    if (detail?.maps?.length) {
      // The map of the whole depth: the per-layer windows tile the profile, so their sum is it.
      const m0 = detail.maps[0];
      const values = new Float64Array(m0.values.length);
      for (const m of detail.maps) for (let i = 0; i < values.length; i++) values[i] += m.values[i];
      out.map = { values, width: m0.width, height: m0.height };
    }
    if (detail?.analyte) {
      out.profile = {
        timeS: detail.analyte.timeS,
        values: detail.analyte.values,
        sigma: detail.analyte.sigma,
        depthNm: detail.calibration ? depthAxisNm(detail.calibration, detail.analyte.timeS) : undefined,
      };
    }
    if (s.stack?.volume && detail?.calibration) {
      mapPixelSizeNm ??= s.stack.pixelSizeNm;
      const depthMax = displayDepthNm(layers);
      if (Number.isFinite(depthMax)) out.volume = volumeOnDepthAxis(s.stack.volume, detail.calibration, { depthMaxNm: depthMax });
    } else if (s.stack) mapPixelSizeNm ??= s.stack.pixelSizeNm;
    return out;
  });
  // The cross-section behind the profiles: the first state (pristine) with a measured one whose
  // thicknesses the analysis took. Its nm per row comes from them: with one rejected as
  // implausible (10× off nominal) the image would be drawn on another scale than the depth axis.
  const semState = data.states.find((s) => s.sem?.section && !semRejected(s.sem.section) && semDepthMapping(s.sem.section));
  let sem: LiFigureInput['sem'];
  if (semState?.sem?.section) {
    const m = semDepthMapping(semState.sem.section)!;
    const img = semState.sem.image;
    sem = { pixels: img.pixels, width: img.width, height: img.height, ...m, state: semState.state };
  }
  return { states, widthMm, ion: analyte, profileNormalization: analyteNormalization(data.report), mapPixelSizeNm, mapRange: 'all layers', sem };
}

/** Whether the analysis rejected any of the section's thicknesses as implausible (not used for the depth axis). */
function semRejected(section: CrossSectionResult): boolean {
  return section.layers.some((l) => l.implausible);
}

/**
 * fig4's notes for figures.json: the cross-section behind the profiles (or why there is none),
 * what a normalised map's values are, and the analysis's warnings about each state's Li data
 * (saturated pixels read from the minor isotope, σ widened for scatter): the figure rests on
 * them but does not print them.
 */
function liFigureNotes(data: FigureData, input: LiFigureInput): string[] {
  const notes: string[] = [];
  const sem = input.sem && data.states.find((s) => s.state === input.sem!.state)?.sem;
  if (sem) notes.push(`profiles over depth drawn over the SEM cross-section of ${input.sem!.state} (${sem.file})`);
  const rejected = data.states.filter((s) => s.sem?.section && semRejected(s.sem.section)).map((s) => `${s.state} (${s.sem!.file})`);
  if (rejected.length) notes.push(`no SEM backdrop from ${rejected.join(', ')}: thicknesses there were rejected as implausible and not used for the depth axis`);
  const bands = input.states.some((s) => s.profile) ? bandLayersState(input.states) : undefined;
  if (bands?.layers.length) {
    const off = interfaceOffsetsFromBands(input.states);
    const agree = off ? `; ${off.others.join(', ')}: interfaces within ${off.maxS.toFixed(1)} s and ${off.maxNm.toFixed(1)} nm of them (ticked in their colours inside the panels' top edge where a point or more apart)` : '';
    notes.push(`layer bands of the profile panels: ${bands.state}'s layers, as the analysis found them${agree}`);
  }
  const binned = data.states.flatMap((s) => (s.stack?.volume ? [`${s.state} ${s.stack.volume.nx} × ${s.stack.volume.ny} × ${s.stack.volume.nz}`] : []));
  if (binned.length) notes.push(`3-D renderings: each stack binned to ${binned.join(', ')} voxels (x × y × depth)`);
  const n = input.profileNormalization;
  if (input.states.some((s) => s.map) && n && n.mode !== 'none') {
    const by = n.mode === 'tic' ? 'the total ion count' : `the ${ionNotation(n.referenceIon ?? '')} counts`;
    notes.push(`maps: each scan's counts divided by ${by} of the scan and multiplied by its mean over the scans (counts at the mean ${n.mode === 'tic' ? 'total' : ionNotation(n.referenceIon ?? '')}); the 3-D renderings are counts`);
  }
  return [...notes, ...simsWarningNotes(data)];
}

/** Each state's SIMS warnings from the report, prefixed by the state: the caveats of the Li data a figure draws. */
function simsWarningNotes(data: FigureData): string[] {
  return data.report.states.flatMap((r) => (r.sims?.warnings ?? []).map((w) => `${r.state}: ${w}`));
}

/** The analysis's normalisation of the analyte (one for the study: its options are shared). */
function analyteNormalization(report: Report): { mode: 'none' | 'tic' | 'reference'; referenceIon?: string } | undefined {
  const parameters = report.states.find((r) => r.sims?.parameters)?.sims?.parameters as { normalization?: 'none' | 'tic' | 'reference'; referenceIon?: string } | undefined;
  return parameters?.normalization ? { mode: parameters.normalization, referenceIon: parameters.referenceIon } : undefined;
}

/**
 * The depth-profile figure's input and its notes (what the figure rests on and does not print),
 * or null with the reason in `warnings`. Each ion divided, scan by scan, by the analysis's
 * divisor (the total ion count or the reference ion); on the depth axis where every state's
 * depth is calibrated, else on sputter time.
 */
export function profilesFigureInput(data: FigureData, widthMm: number, warnings: string[]): { input: ProfilesFigureInput; notes: string[] } | null {
  // Each state's ions as its analysis segmented them (corrected as it corrected them): not read
  // and corrected a second time here.
  const signalsOf = (state: string) => data.details.get(state)?.signals;
  const withIons = data.states.filter((s) => signalsOf(s.state));
  if (!withIons.length) {
    warnings.push('profiles: no ToF-SIMS depth profile or ion stack analysed in any state');
    return null;
  }
  for (const s of data.states) if (!signalsOf(s.state)) warnings.push(`profiles: ${s.state} has no ToF-SIMS analysis: no panel`);
  const simsOf = (state: string) => data.report.states.find((r) => r.state === state)?.sims;
  const normalization = analyteNormalization(data.report) ?? { mode: 'none' as const };
  const reference = normalization.mode === 'reference' ? normalization.referenceIon : undefined;
  const analyte = analysedAnalyte(data.report, withIons.map((s) => s.state)) ?? data.study.stack.analyteIon;
  const ions = chooseProfileIons(withIons.map((s) => signalsOf(s.state)!.ions), data.study.stack.layers, { analyte, exclude: reference ? [reference] : [] });
  if (!ions.length) {
    warnings.push(`profiles: none of the stack's marker ions${analyte ? ` nor ${analyte}` : ''} in the data`);
    return null;
  }
  const depth = withIons.every((s) => data.details.get(s.state)?.calibration);
  const panels = withIons.map((s) => {
    const src = signalsOf(s.state)!;
    const calibration = data.details.get(s.state)?.calibration ?? null;
    let divisor: ArrayLike<number> | undefined;
    if (normalization.mode === 'tic') {
      divisor = src.total ?? undefined;
      if (!divisor) {
        const sum = new Float64Array(src.timeS.length);
        for (const c of src.values) for (let j = 0; j < sum.length; j++) if (Number.isFinite(c[j])) sum[j] += c[j];
        divisor = sum;
      }
    } else if (reference) {
      const r = findIon(src.ions, reference);
      if (r < 0) warnings.push(`profiles: ${s.state}: reference ion ${reference} not in ${src.file}: its curves are left out`);
      divisor = r >= 0 ? src.values[r] : new Float64Array(src.timeS.length);
    }
    const values = ions.map((ion) => {
      const k = findIon(src.ions, ion.label);
      if (k < 0) return null;
      const c = src.values[k];
      return divisor ? Float64Array.from(c, (v, j) => (divisor![j] > 0 ? v / divisor![j] : NaN)) : c;
    });
    const layers = (simsOf(s.state)?.layers ?? []).map((l) => ({ role: l.role, label: l.label, start: depth ? l.startNm : l.startS, end: depth ? l.endNm : l.endS }));
    return { state: s.state, x: depth ? depthAxisNm(calibration, src.timeS) : src.timeS, values, layers, depthCalibration: depth ? simsOf(s.state)?.depthCalibration : undefined };
  });
  const calibrations = withIons.map((s) => ({ state: s.state, how: simsOf(s.state)?.depthCalibration ?? 'none' }));
  const nominal = depth && calibrations.some((c) => c.how === 'nominal');
  const statesWith = (how: string): string => calibrations.filter((c) => c.how === how).map((c) => c.state).join(', ');
  const notes = [
    `ions: ${ions.map((i) => `${ionNotation(i.label)} (${i.kind === 'analyte' ? 'analyte' : `marks ${i.marks.map(formulaNotation).join(', ')}`})`).join('; ')}`,
    ...withIons.map((s) => {
      const src = signalsOf(s.state)!;
      const roi = (simsOf(s.state)?.parameters?.roi as { kind?: string } | undefined)?.kind;
      return `${s.state}: ${src.file}, ${src.deadTime}${src.source === 'stack' ? `, summed over ${roi && roi !== 'all' ? 'the ROI' : 'the field'}` : ''}`;
    }),
    depth
      ? `depth from the report's calibration: ${[['sem', 'SEM thicknesses'], ['nominal', 'nominal thicknesses']].filter(([how]) => statesWith(how)).map(([how, what]) => `${what} (${statesWith(how)})`).join('; ')}`
      : `sputter time: no depth calibration for ${statesWith('none') || 'every state'}`,
    normalization.mode === 'tic'
      ? "each ion's counts divided, scan by scan, by the total ion count"
      : reference
        ? `each ion's counts divided, scan by scan, by the ${ionNotation(reference)} counts`
        : 'counts per scan, not normalised',
    "layer bands: each state's layers as the analysis found them",
  ];
  return { input: { panels, ions, axis: depth ? 'depth' : 'time', nominalDepth: nominal, normalization, widthMm }, notes };
}

/** The SEM figure's input for one state. */
export function semFigureInput(s: StateFigureData, data: FigureData, widthMm: number): SemFigureInput {
  if (!s.sem) throw new StrataError(`${s.state}: no SEM image`);
  const labels = layerLabels(data.study.stack);
  const img = s.sem.image;
  const section = s.sem.section;
  return {
    state: s.state,
    file: s.sem.file,
    image: { pixels: img.pixels, width: img.width, height: img.height },
    pixelSizeNm: img.pixelSizeNm,
    pixelSizeSource: img.pixelSizeSource,
    angleDeg: section?.details.angleDeg ?? 0,
    roi: section?.details.roi,
    boundaries: (section?.details.boundaries ?? []).map((b) => ({ upper: b.upper, lower: b.lower, yPxAtCentre: b.yPxAtCentre })),
    layers: (section?.layers ?? []).map((l) => ({ role: l.role, label: labels[l.role] ?? l.role, thicknessNm: l.thicknessNm, sigmaNm: l.sigmaNm, ...(l.implausible ? { implausible: true as const } : {}) })),
    tiltDeg: section?.details.tiltDeg ?? img.tiltDeg ?? 0,
    widthMm,
    note: s.sem.error,
    roleLabels: labels,
  };
}

export { FIGURE_NAMES };
export type { FigureName };

export { DEFAULT_WIDTH_MM };

export interface BuiltFigure {
  /** File stem: fig4, profiles, sem-pristine, xrd, li-bars. */
  name: string;
  figure: FigureName;
  svg: string;
  widthMm: number;
  /**
   * Caption notes: what the figure rests on but does not print (the SEM file, where its pixel
   * size came from, the tilt correction). For figures.json's record of the file; also in the
   * SVG's <desc>.
   */
  notes?: string[];
  /**
   * The figure drawn for a PNG of `dpi`, where it holds rasters computed at export time (fig4's
   * 3-D renderings): `svg` has them at vector output's resolution. See figureSvg.
   */
  svgForDpi?: (dpi: number) => string;
}

/** The SVG a file of this format is made from: for a PNG, with its renderings at the PNG's dpi. */
export function figureSvg(fig: BuiltFigure, format: FigureFormat, dpi: number): string {
  return format === 'png' && fig.svgForDpi ? fig.svgForDpi(dpi) : fig.svg;
}

/**
 * A figure with 3-D renderings drawn at the resolution of its output: one drawing per render
 * resolution, so the SVG and PDF share the vector one, and a PNG at 300 dpi (or several PNGs at
 * one dpi) reuses it. Each is drawn when first asked for: a PNG alone (the workbench's export)
 * never needs the vector one (Fig. 4 of the sample: ~0.4 s of its ~3.2 s at 600 dpi).
 */
function withRenderings(fields: Omit<BuiltFigure, 'svg' | 'svgForDpi'>, draw: (pxPerPt: number) => string): BuiltFigure {
  const drawn = new Map<number, string>();
  const at = (pxPerPt: number): string => {
    if (!drawn.has(pxPerPt)) drawn.set(pxPerPt, draw(pxPerPt));
    return drawn.get(pxPerPt)!;
  };
  const fig = { ...fields, svgForDpi: (dpi: number) => at(volumeRenderPxPerPt(dpi)) };
  return Object.defineProperty(fig, 'svg', { get: () => at(volumeRenderPxPerPt(null)), enumerable: true }) as BuiltFigure;
}

/** Builds the requested figures' SVGs; what a figure lacks goes to `warnings`, not an error. */
export function buildFigures(data: FigureData, opts: { figures: readonly FigureName[]; widthMm?: number; xrdScale?: IntensityScale; volume?: ViewVolumeTerms }, warnings: string[]): BuiltFigure[] {
  const out: BuiltFigure[] = [];
  const width = (f: FigureName): number => opts.widthMm ?? DEFAULT_WIDTH_MM[f];
  const labels = layerLabels(data.study.stack);
  // Each state keeps its colour in every figure, whichever states a figure has data of.
  const stateOrder = data.study.states.map((s) => s.state);
  for (const f of opts.figures) {
    if (f === 'fig4') {
      const input = liFigureInput(data, width(f));
      if (!input.states.some((s) => s.map || s.profile)) warnings.push(`fig4: no ToF-SIMS ${speciesName(input.ion ?? 'Li-')} data in any state`);
      else {
        const notes = liFigureNotes(data, input);
        out.push(withRenderings({ name: 'fig4', figure: f, widthMm: width(f), ...(notes.length ? { notes } : {}) }, (pxPerPt) => liFigure({ ...input, renderPxPerPt: pxPerPt })));
      }
    } else if (f === 'profiles') {
      const made = profilesFigureInput(data, width(f), warnings);
      if (made) out.push({ name: 'profiles', figure: f, svg: profilesFigure(made.input), widthMm: width(f), notes: made.notes });
    } else if (f === 'sem') {
      const withSem = data.states.filter((s) => s.sem);
      if (!withSem.length) warnings.push('sem: no SEM image in any state');
      for (const s of withSem) {
        const input = semFigureInput(s, data, width(f));
        out.push({ name: `sem-${s.state}`, figure: f, svg: semFigure(input), widthMm: width(f), notes: semFigureNotes(input) });
      }
    } else if (f === 'xrd') {
      const withXrd = data.states.filter((s) => s.xrd);
      if (!withXrd.length) warnings.push('xrd: no XRD pattern in any state');
      else {
        const scale = opts.xrdScale ?? 'sqrt';
        // Each pattern masked as its analysis masked it (a tungsten line only where it found one);
        // a report from before that was recorded: the first pattern's substrate masks, as then.
        const analysedMasks = (state: string) => data.report.states.find((r) => r.state === state)?.xrd?.masks;
        const waterfall = prepareWaterfall(
          withXrd.map((s) => ({ label: s.state, pattern: { ...s.xrd!.pattern, intensity: scaleIntensity(s.xrd!.pattern.intensity, scale) }, masks: analysedMasks(s.state) })),
          { stickHeight: 0.32, offset: 1.05, stack: data.study.stack },
        );
        // Each state's fitted peaks, marked over its trace (traces are labelled by state); none
        // where the report has no XRD result for it.
        const peaks: NonNullable<XrdFigureInput['peaks']> = {};
        for (const s of withXrd) {
          const found = data.report.states.find((r) => r.state === s.state)?.xrd?.peaks;
          if (found?.length) peaks[s.state] = found;
        }
        const input: XrdFigureInput = { data: waterfall, intensityScale: scale, widthMm: width(f), stateOrder, ...(Object.keys(peaks).length ? { peaks } : {}) };
        const notes = xrdFigureNotes(input);
        out.push({ name: 'xrd', figure: f, svg: xrdFigure(input), widthMm: width(f), ...(notes.length ? { notes } : {}) });
      }
    } else if (f === 'volume') {
      const made = volumeFigureInput(data, opts.volume ?? {}, width(f), warnings);
      if (made) out.push(withRenderings({ name: 'volume', figure: f, widthMm: width(f), notes: made.notes }, (pxPerPt) => volumeFigure({ ...made.input, renderPxPerPt: pxPerPt })));
    } else if (f === 'li-bars') {
      const states = data.report.states.filter((s) => s.sims?.li.length).map((s) => ({ state: s.state, li: s.sims!.li }));
      const analyte = figureAnalyte(data.report, data.study, states.map((s) => s.state));
      if (!states.length) warnings.push(`li-bars: no ${speciesName(analyte)} inventory in any state`);
      else {
        const referenceState = referenceStateOf(data.report);
        const input = { layers: data.study.stack.layers.map((l) => ({ role: l.role, label: labels[l.role] })), states, changes: data.report.comparison.li, referenceState, widthMm: width(f), stateOrder, analyte };
        out.push({ name: 'li-bars', figure: f, svg: liBarsFigure(input), widthMm: width(f), notes: [...liBarsNotes(input), ...simsWarningNotes(data)] });
      }
    }
  }
  return out;
}

export interface StudyFiguresOptions {
  figures: readonly FigureName[];
  widthMm?: number;
  xrdScale?: IntensityScale;
  /** The 3-D view's terms for the `volume` figure (default: the analyte's whole stacks). */
  volume?: ViewVolumeTerms;
  overrides?: AnalyzeOverrides;
  /** See CollectOptions. */
  analysis?: StudyAnalysis;
  runStates?: StatesRunner;
  progress?: (line: string) => void;
}

/**
 * From a study to its figures' SVGs: what `strata figure` and the workbench's Export figure
 * both call, so the app and the CLI export the same picture. Reads only what the requested
 * figures draw. `warnings` holds the analysis's warnings and what a figure lacked.
 */
export async function buildStudyFigures(study: LoadedStudy, opts: StudyFiguresOptions): Promise<{ data: FigureData; built: BuiltFigure[]; warnings: string[] }> {
  const f = opts.figures;
  const data = await collectFigureData(study, {
    progress: opts.progress,
    overrides: opts.overrides,
    analysis: opts.analysis,
    runStates: opts.runStates,
    needVolumes: f.includes('fig4'),
    volumeVoxels: opts.volume?.voxels,
    viewVolume: f.includes('volume') ? (opts.volume ?? {}) : undefined,
    // fig4 draws the profiles over the cross-section, so it needs the SEM images too.
    needSem: f.includes('fig4') || f.includes('sem'),
    needXrd: f.includes('xrd'),
  });
  const warnings = [...data.report.warnings, ...data.warnings];
  const built = buildFigures(data, { figures: f, widthMm: opts.widthMm, xrdScale: opts.xrdScale, volume: opts.volume }, warnings);
  return { data, built, warnings };
}

export type FigureFormat = 'svg' | 'png' | 'pdf';

/** One figure as a file's content: the SVG text itself, or PNG/PDF made from it. */
export async function figureFileContent(fig: BuiltFigure, format: FigureFormat, opts: { dpi: number; fonts: FigureFonts | null }): Promise<string | Uint8Array> {
  if (format === 'svg') return fig.svg;
  if (!opts.fonts) throw new StrataError(`${fig.name}.${format}: no figure fonts given`);
  return encodeFigureSvg(fig.name, figureSvg(fig, format, opts.dpi), format, { dpi: opts.dpi, fonts: opts.fonts });
}

/** A figure's SVG (figureSvg's, for this format) made into a PNG or PDF file's content. */
export function encodeFigureSvg(name: string, svg: string, format: 'png' | 'pdf', opts: { dpi: number; fonts: FigureFonts }): Promise<Uint8Array> {
  return format === 'png' ? svgToPng(svg, { dpi: opts.dpi, fonts: opts.fonts }) : svgToPdf(svg, { fonts: opts.fonts, title: name });
}
