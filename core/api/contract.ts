import { z } from 'zod';
import type { Report } from '../model/report.js';
import { MAX_WIDTH_MM, MIN_WIDTH_MM } from '../figures/width.js';
import { API_METHOD_NAMES } from './methods.js';
import { NORMALIZATIONS } from '../sims/normalize.js';
import type { SectionGeometry } from '../model/semImage.js';
import type { XrdOptics } from '../model/xrdPattern.js';
import { MAX_TILT_DEG } from '../sem/tilt.js';
import { STACK_PRESETS } from '../model/layerStack.js';
import type { LayerStack } from '../model/layerStack.js';
import { FIGURE_NAMES } from '../figures/figureNames.js';

/**
 * The one API the renderer talks to. In Electron the preload provides it over IPC; in the
 * browser mode (`strata serve`) a loopback HTTP backend provides it. Both validate every
 * request against these schemas before a service sees it.
 */
const path = z.string().min(1).max(4096);
const state = z.string().min(1).max(200);
const ion = z.string().min(1).max(64);
/** Pixel rectangle on an ion stack: inclusive start, exclusive end. */
const roi = z
  .object({ x0: z.number().int().min(0), y0: z.number().int().min(0), x1: z.number().int().min(1), y1: z.number().int().min(1) })
  .strict()
  .refine((r) => r.x1 > r.x0 && r.y1 > r.y0, { message: 'empty rectangle' });
/**
 * A call whose job was cancelled (`cancelJob`, or a newer job under its id): the user's doing,
 * not a failure. The browser backend answers it with 200 and `{ cancelled: message }` (as a 422,
 * the page logged a resource error for every Cancel); Electron's main process answers it with
 * a CancelledReply (thrown, it was an error in main's log and reached the page as "Error
 * invoking remote method"). The page's client throws either again as its CancelledError
 * (renderer/src/api.ts).
 */
export class CallCancelled extends Error {
  override name = 'CallCancelled';
}

/** The answer Electron's main process gives a cancelled call (no API result has this key). */
export interface CancelledReply {
  strataCancelled: string;
}

export function cancelledReply(err: CallCancelled): CancelledReply {
  return { strataCancelled: err.message };
}

export function isCancelledReply(value: unknown): value is CancelledReply {
  return typeof value === 'object' && value !== null && typeof (value as Partial<CancelledReply>).strataCancelled === 'string';
}

/** Lets the renderer follow and cancel long backend work (`jobProgress`, `cancelJob`). */
const jobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/**
 * A layer stack chosen in the workbench over the study's own: a preset's id (STACK_PRESETS). A
 * folder without study.json is read with the paper's cell, which fits no other kind of cell.
 */
const stackPresetId = z.enum(Object.keys(STACK_PRESETS) as [string, ...string[]]);

/** SEM pixel size set by the user, nm (two clicks on the scale bar, or typed). */
const manualPixelSizeNm = z.number().finite().positive().max(1e9);

/**
 * A state's SEM view set in the workbench, as study.json's `semSection` and `semTiltDeg` say it:
 * how the cross-section face was made (how the image's stage tilt becomes the view angle θ) and
 * θ itself (beam vs face normal), within the manifest's bounds. An entry replaces both of the
 * state's study.json settings: a field left out is the default (cleaved; θ from the stage tilt).
 */
export const semGeometrySchema = z
  .object({
    section: z.enum(['cleaved', 'fib-trench'] as const satisfies readonly SectionGeometry[]).optional(),
    tiltDeg: z.number().finite().min(-MAX_TILT_DEG).max(MAX_TILT_DEG).optional(),
  })
  .strict();
export type SemGeometry = z.infer<typeof semGeometrySchema>;

/** The figures the workbench exports (the names `strata figure --figures` takes). */
export const FIGURE_KINDS = FIGURE_NAMES;
export const FIGURE_FORMATS = ['svg', 'png', 'pdf'] as const;
/**
 * The 3-D camera the view starts with and the volume figure defaults to, and the bounds the view,
 * the export request and `strata figure --volume-view` all keep: the elevation stops short of the
 * pole (past it the camera flips over), the depth exaggeration is a factor of 1 or more.
 */
export const VOLUME_CAMERA = {
  azimuthDeg: 35,
  elevationDeg: 25,
  azimuthRangeDeg: [-360, 720],
  maxElevationDeg: 89,
  zExaggerationRange: [1, 100_000],
} as const;
/**
 * The most voxels a `volume` figure bins a state's stack to: the 3-D view's largest budget (a
 * GPU's: renderer/src/views/voxelBudget.ts GPU_VOXELS), 26 MB of Float32 a state.
 */
export const VOLUME_FIGURE_MAX_VOXELS = 160 * 160 * 256;
/**
 * The 3-D view as the user sees it, for its figure (`volume`): the ion, the correction, the
 * rendering and the camera, and the part of each stack shown (each state's sputter-time range and
 * the region, where the view is clipped or refined). Absent: the analyte's whole stacks, dead-time
 * corrected, maximum intensity, the view's default camera.
 */
export const volumeFigureSchema = z
  .object({
    ion,
    deadTime: z.boolean(),
    mode: z.enum(['mip', 'composite']),
    azimuthDeg: z.number().finite().min(VOLUME_CAMERA.azimuthRangeDeg[0]).max(VOLUME_CAMERA.azimuthRangeDeg[1]),
    elevationDeg: z.number().finite().min(-VOLUME_CAMERA.maxElevationDeg).max(VOLUME_CAMERA.maxElevationDeg),
    zExaggeration: z.number().finite().min(VOLUME_CAMERA.zExaggerationRange[0]).max(VOLUME_CAMERA.zExaggerationRange[1]),
    /**
     * The colour scale's top, mean counts per voxel (its bottom is 0): the view's, so the figure
     * shows the colours the view did. Absent: the 99.8 % quantile of the figure's own voxels.
     */
    colourMax: z.number().finite().positive().optional(),
    /**
     * The view's binning limits (voxels a side, voxels in all), so the figure bins each stack as
     * the view did and draws its voxels, not coarser ones. Absent: figureFiles.ts FIGURE_VOLUME.
     * At most VOLUME_FIGURE_MAX_VOXELS: a figure's memory and render time grow with them.
     */
    voxels: z
      .object({ maxSize: z.number().int().min(8).max(4096), maxVoxels: z.number().int().min(512).max(VOLUME_FIGURE_MAX_VOXELS) })
      .strict()
      .optional(),
    /** State → [start, end] s: the scans shown (those whose time lies within, ends included). */
    timeRangeS: z
      .record(
        state,
        z.tuple([z.number().finite(), z.number().finite()]).refine(([a, b]) => b >= a, { message: 'time range ends before it starts' }),
      )
      .optional(),
    region: roi.optional(),
  })
  .strict();
export type VolumeFigureTerms = z.infer<typeof volumeFigureSchema>;
/** A binning's limits: voxels a side, voxels in all (the `volume` figure's `voxels`, `strata figure --volume-voxels`). */
export type VolumeVoxels = NonNullable<VolumeFigureTerms['voxels']>;
export type FigureKind = (typeof FIGURE_KINDS)[number];
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

export const analyzeOverridesSchema = z
  .object({
    /** Interface times per state (state name → times in s, top-down), e.g. after a drag. */
    interfacesS: z.record(z.string(), z.array(z.number().finite()).max(64)).optional(),
    roi: roi.optional(),
    /** SEM pixel size set by the user per state, nm (two clicks on the scale bar, or typed). */
    semPixelSizeNm: z.record(z.string(), manualPixelSizeNm).optional(),
    /** SEM geometry set by the user per state (state name → face and view angle), over study.json's. */
    semGeometry: z.record(z.string(), semGeometrySchema).optional(),
    /** The analyte's normalisation chosen in the workbench (over study.json's), and its reference ion. */
    normalization: z.enum(NORMALIZATIONS).optional(),
    referenceIon: z.string().min(1).max(64).optional(),
    /**
     * The state the others' Li shares are compared against (over study.json's referenceState):
     * `strata analyze --reference`, the Li dashboard's "Compare against". The analysis refuses one
     * that is not a state of the study (analyzeStudyOnDisk.ts studyOptions).
     */
    referenceState: state.optional(),
    /**
     * The layer stack the study is analysed with (over study.json's, or the default of a folder
     * without one): `strata analyze --stack`, the Study tab's "Layer stack". Absent: the study's own.
     */
    stack: stackPresetId.optional(),
    /**
     * The analyte the study is analysed for (over its stack's analyteIon), as the data name it:
     * `strata analyze --analyte`, the Study tab's "Analyte". Absent: the stack's. The analysis
     * refuses one that none of the study's ToF-SIMS data hold (analyzeStudyOnDisk.ts).
     */
    analyteIon: ion.regex(/^[^\x00-\x1f]*[A-Za-z][^\x00-\x1f]*$/, 'an ion label such as Na+').optional(),
  })
  .strict();

export const apiRequestSchemas = {
  /** What the app should show first (the study given on the command line, recent studies). */
  startup: z.object({}).strict(),
  /** Opens a study folder or manifest; returns its summary. */
  openStudy: z.object({ path }).strict(),
  /** Runs the full analysis; `overrides` carries user edits (dragged interfaces, ROI). */
  analyzeStudy: z.object({ path, overrides: analyzeOverridesSchema.optional(), jobId: jobId.optional() }).strict(),
  /**
   * A state's depth profile as plain arrays for plotting. With `roi`, the profile is summed
   * again from the state's 3-D ion stack over that rectangle only.
   */
  getProfile: z.object({ path, state, roi: roi.optional(), jobId: jobId.optional() }).strict(),
  /**
   * 2-D images of one ion for every state with a stack: the sum over all scans plus one sum per
   * requested window (e.g. a layer's scans), made in one streaming pass over the planes.
   */
  getIonMaps: z
    .object({
      path,
      ion,
      /** Time windows to sum; a window naming a state applies to that state only (layers differ). */
      windows: z.array(z.object({ name: z.string().min(1).max(100), startS: z.number().finite(), endS: z.number().finite(), state: state.optional() }).strict()).max(64).optional(),
      /** Poisson dead-time correction per pixel (needs N, the shots per pixel per scan). */
      deadTime: z.boolean().optional(),
      jobId: jobId.optional(),
    })
    .strict(),
  /** One state's ion stack binned to fit a 3-D texture (`maxSize` per side, `maxVoxels` in all). */
  getVolume: z
    .object({
      path,
      state,
      ion,
      maxSize: z.number().int().min(8).max(4096),
      maxVoxels: z.number().int().min(512).max(64 * 1024 * 1024),
      deadTime: z.boolean().optional(),
      /** Only the scans whose time lies in [start, end] s: a depth range refined with the whole voxel budget. */
      timeRangeS: z
        .tuple([z.number().finite(), z.number().finite()])
        .refine(([a, b]) => b >= a, { message: 'time range ends before it starts' })
        .optional(),
      /** Only these pixels (the ROI): a region refined with the whole voxel budget, finer laterally. */
      region: roi.optional(),
      jobId: jobId.optional(),
    })
    .strict(),
  /**
   * A state's SEM cross-section as 8-bit grey levels, binned to at most `maxSize` px a side.
   * `pixelSizeNm`: a scale the user set (overrides.semPixelSizeNm of the state); the payload and
   * the measured boundaries then use it, source `manual`. `geometry`: the view the user set
   * (overrides.semGeometry of the state), in place of study.json's.
   */
  getSemImage: z
    .object({
      path,
      state,
      maxSize: z.number().int().min(64).max(4096),
      pixelSizeNm: manualPixelSizeNm.optional(),
      geometry: semGeometrySchema.optional(),
      /** The layer stack the user chose (overrides.stack): the boundaries are measured between its layers. */
      stack: stackPresetId.optional(),
    })
    .strict(),
  /** Every state's XRD pattern. */
  getXrd: z.object({ path }).strict(),
  /** Progress of a running job (ion maps, volume, ROI profile). */
  jobProgress: z.object({ jobId }).strict(),
  /** Asks a running job to stop; it ends with an error saying it was cancelled. */
  cancelJob: z.object({ jobId }).strict(),
  /** Writes a project file (`*.strata.json`) atomically; the path must lie in an opened study. */
  /** Writes a project; a file already at `path` is replaced only with `replace` (else the answer says it exists). */
  saveProject: z.object({ path, project: z.unknown(), replace: z.boolean().optional() }).strict(),
  /** Reads and validates a project file; grants its study. */
  openProject: z.object({ path }).strict(),
  /**
   * One figure built on the backend by the same code as `strata figure`, from the analysis
   * with the user's overrides, returned as a file's bytes. `state` picks the SEM figure's state.
   */
  exportFigure: z
    .object({
      path,
      figure: z.enum(FIGURE_KINDS),
      state: state.optional(),
      format: z.enum(FIGURE_FORMATS),
      /** Journal widths are 85, 114 and 180 mm; the builders keep text legible in this range. */
      widthMm: z.number().finite().min(MIN_WIDTH_MM).max(MAX_WIDTH_MM),
      /** PNG only; the figure's pixel width is widthMm × dpi / 25.4. */
      dpi: z.number().int().min(72).max(2400),
      overrides: analyzeOverridesSchema.optional(),
      /** The 3-D view's terms, for the `volume` figure (ignored by the others). */
      volume: volumeFigureSchema.optional(),
      jobId: jobId.optional(),
    })
    .strict()
    // A 250 mm figure at 2400 dpi would be a 23,600 px PNG: refuse before rendering.
    .refine((r) => r.format !== 'png' || (r.widthMm / 25.4) * r.dpi <= 20_000, { message: 'PNG wider than 20000 px: lower the dpi or the width' }),
} as const;

export type ApiMethod = keyof typeof apiRequestSchemas;
export type ApiRequest<M extends ApiMethod> = z.infer<(typeof apiRequestSchemas)[M]>;
export type AnalyzeOverrides = z.infer<typeof analyzeOverridesSchema>;
export type RoiRect = { x0: number; y0: number; x1: number; y1: number };

export interface StudyFileSummary {
  path: string;
  kind: string;
  format: string;
  /** Key metadata, as `strata info --json` gives it. */
  summary: Record<string, unknown> | null;
  error: string | null;
}

/** A layer stack as the renderer shows it (layer labels, the analyte, marker ions). */
export interface StackSummary {
  id: string;
  name: string;
  analyteIon: string | null;
  layers: { role: string; label: string; material: string; markerIons: string[] }[];
}

/** The fields of a layer stack the renderer shows: what openStudy sends, and what the renderer puts in place of it when another preset is chosen. */
export function stackSummary(stack: LayerStack): StackSummary {
  return {
    id: stack.id,
    name: stack.name,
    analyteIon: stack.analyteIon ?? null,
    layers: stack.layers.map(({ role, label, material, markerIons }) => ({ role, label, material, markerIons })),
  };
}

export interface StudySummary {
  path: string;
  name: string;
  origin: 'manifest' | 'guessed';
  notes: string[];
  stack: StackSummary;
  states: { state: string; files: StudyFileSummary[] }[];
}

export interface ProfilePayload {
  state: string;
  file: string;
  /** `profile`: the file's own profile; `stack-roi`: summed from the 3-D stack over `roi`. */
  source: 'profile' | 'stack-roi';
  roi: RoiRect | null;
  timeS: number[];
  /** Total ion counts per scan, when known (for normalisation). */
  totalCounts: number[] | null;
  ions: { label: string; mz: number | null; counts: number[] }[];
}

/** A 2-D map as a base64 little-endian Float32 array, row-major y × x. */
export interface MapPayload {
  name: string;
  /** Scans summed into it. */
  scans: number;
  valuesF32: string;
  /**
   * Each pixel's counting variance (Float32, as valuesF32): a region's σ is √(its pixels' sum),
   * exact for corrected counts (whose variance grows near saturation) and for a layer's cut
   * scans (weighted w², their counts w).
   */
  varianceF32: string;
  min: number;
  max: number;
  /** Sum over every pixel and its σ from counting statistics (dead-time corrected where the map is). */
  total: number;
  totalSigma: number;
}

/** Whether counts were dead-time corrected, with which N, and how many pixels saturated. */
export interface DeadTimeInfo {
  applied: boolean;
  shotsPerPixel: number | null;
  /** Pixel-scans with counts ≥ N: their corrected value is only a lower bound. */
  saturatedPixels: number;
}

export interface IonMapsPayload {
  ion: string;
  states: { state: string; file: string; width: number; height: number; pixelSizeNm: number | null; deadTime: DeadTimeInfo; maps: MapPayload[] }[];
  /** States without a stack, or whose stack lacks the ion. */
  missing: { state: string; reason: string }[];
}

export interface VolumePayload {
  state: string;
  ion: string;
  /** Binned size: x, y, z (z = scan bins, z = 0 is the surface). */
  size: [number, number, number];
  /** How many stack voxels went into each bin along x, y, z. */
  binning: [number, number, number];
  /** Mean counts per stack voxel in each bin, base64 Float32, x fastest then y then z. */
  valuesF32: string;
  min: number;
  max: number;
  /** The 99.8 % quantile of the bins: the top of a colour scale that one hot voxel does not set (the figures' rule). */
  highQuantile: number;
  /** Sputter time at the start and end of each z bin, s. */
  zTimeS: [number, number][];
  /** Scans binned, [first, end), and how many the stack has (a refined volume holds a part). */
  scanRange: [number, number];
  totalScans: number;
  /** Pixels binned (x0, y0 inclusive, x1, y1 exclusive), and the stack's field: a refined volume may hold a region of it. */
  region: RoiRect;
  fieldPx: [number, number];
  /** Width and height of the pixels binned (the region's), µm; null when the stack has no pixel size. */
  widthUm: number | null;
  heightUm: number | null;
  deadTime: DeadTimeInfo;
}

export interface SemImagePayload {
  state: string;
  file: string;
  width: number;
  height: number;
  /** Pixels of the image as sent (after binning), base64 Uint8 grey levels, row-major. */
  greyU8: string;
  /** Binning factor from the original image. */
  binning: number;
  /** Pixel size of the image as sent, nm; null when nothing calibrates it. */
  pixelSizeNm: number | null;
  pixelSizeSource: string;
  pixelSizeDetail: string | null;
  /** The image's stage tilt T from its metadata, degrees. */
  tiltDeg: number | null;
  /** How the state's cross-section face was made (the user's choice, else study.json `semSection`); null when not said (taken as cleaved). */
  section: SectionGeometry | null;
  /** The view angle θ given for the state (the user's, else study.json `semTiltDeg`), which T and `section` then do not change; null: θ from T. */
  viewAngleDeg: number | null;
  /**
   * Layer boundaries as the SEM cross-section measurement found them, in the original image's
   * pixels: the line u = −x·sin α + y·cos α = uPx, from x0 to x1. Null when it could not measure.
   */
  boundaries: { angleDeg: number; x0Px: number; x1Px: number; lines: { upper: string; lower: string; uPx: number }[] } | null;
  boundaryError: string | null;
  /**
   * The instrument's data bar under the image (the reader crops it off), binned like the image,
   * so the user can click the ends of the burned-in scale bar it carries. Null when there is none.
   */
  dataBar: { height: number; greyU8: string } | null;
  /** The pixel size the file gives (original pixels), whatever the user set. */
  filePixelSizeNm: number | null;
  filePixelSizeSource: string;
}

export interface XrdPayload {
  /** `optics`: the beam optics the file records (they decide the substrate's companion masks), null where it records none. */
  patterns: { state: string; file: string; twoThetaDeg: number[]; intensity: number[]; intensityUnit: string; wavelengthA: number | null; optics: XrdOptics | null }[];
  missing: { state: string; reason: string }[];
}

export interface ExportedFigure {
  /** e.g. `fig4.png`, `sem-charged.svg`: the name `strata figure` writes. */
  fileName: string;
  mimeType: string;
  /** The file's bytes, base64. */
  base64: string;
  widthMm: number;
  heightMm: number;
  /** PNG only. */
  widthPx: number | null;
  /** What the figure lacks, and the analysis's own warnings. */
  warnings: string[];
}

export interface JobProgress {
  jobId: string;
  done: number;
  total: number;
  running: boolean;
  label: string;
}

export interface ProjectOpened {
  path: string;
  project: StrataProject;
  /** The project's study as an absolute path (the file may store it relative to itself). */
  studyPath: string;
}

export interface ApiResponses {
  startup: { studyPath: string | null; recent: string[]; version: string; mode: 'electron' | 'browser'; allowedRoots: string[] };
  openStudy: StudySummary;
  analyzeStudy: Report;
  getProfile: ProfilePayload;
  getIonMaps: IonMapsPayload;
  getVolume: VolumePayload;
  getSemImage: SemImagePayload;
  getXrd: XrdPayload;
  jobProgress: JobProgress;
  cancelJob: { cancelled: boolean };
  /** `exists`: nothing written, a file is at `path` (ask, then save again with `replace`). */
  saveProject: { path: string; bytes: number; exists?: true };
  openProject: ProjectOpened;
  exportFigure: ExportedFigure;
}

/**
 * A project file (`*.strata.json`): the study manifest plus every parameter and annotation,
 * so that reopening it restores the analysis and the views exactly.
 */
export const projectSchema = z
  .object({
    schema: z.literal('strata.project/1'),
    /** The study folder or manifest, relative to the project file's folder when inside it. */
    study: z.string().min(1).max(4096),
    /** The manifest as it was when saved (states, files, stack), for the record. */
    manifest: z.unknown().optional(),
    overrides: analyzeOverridesSchema,
    view: z
      .object({
        tab: z.string().max(40),
        profile: z.object({
          states: z.array(z.string().max(200)).max(32),
          ions: z.array(z.string().max(64)).max(64),
          logY: z.boolean(),
          normalise: z.boolean(),
          axis: z.enum(['time', 'depth']),
          interfacesOf: z.string().max(200),
        }),
        maps: z.object({ ion: z.string().max(64), colormap: z.enum(['viridis', 'cividis', 'magma']), window: z.string().max(100), logColour: z.boolean(), deadTime: z.boolean().default(true) }),
        volume: z.object({
          ion: z.string().max(64),
          deadTime: z.boolean().default(true),
          mode: z.enum(['mip', 'composite']),
          zExaggeration: z.number().min(1).max(1e6),
          clipTop: z.number().min(0).max(1),
          clipBottom: z.number().min(0).max(1),
          /** The layer (role) "Clip to" keeps: the clip planes follow it when its interfaces move. Absent in older projects. */
          clipLayer: z.string().max(64).optional(),
          azimuthDeg: z.number(),
          elevationDeg: z.number(),
        }),
        xrd: z.object({ offsetFraction: z.number().min(0).max(5), logY: z.boolean() }),
      })
      .strict(),
    annotations: z.array(z.object({ id: z.string().max(64), target: z.string().max(200), text: z.string().max(4000) }).strict()).max(1000),
    savedAt: z.string().max(64),
    software: z.string().max(64),
  })
  .strict();

export type StrataProject = z.infer<typeof projectSchema>;

/** The typed API object (`window.strata` in Electron, an HTTP client in the browser). */
export type StrataApi = { [M in ApiMethod]: (request: ApiRequest<M>) => Promise<ApiResponses[M]> };

export const API_METHODS = Object.keys(apiRequestSchemas) as ApiMethod[];

// The preload's dependency-free list must name exactly these methods.
type SameMethods = ApiMethod extends (typeof API_METHOD_NAMES)[number] ? ((typeof API_METHOD_NAMES)[number] extends ApiMethod ? true : false) : false;
const methodsInStep: SameMethods = true;
void methodsInStep;

/** Validates an untrusted request; throws a one-line error naming the method and field. */
export function validateRequest<M extends ApiMethod>(method: string, body: unknown): { method: M; request: ApiRequest<M> } {
  if (!(API_METHODS as string[]).includes(method)) throw new Error(`unknown API method '${String(method).slice(0, 60)}'`);
  const parsed = apiRequestSchemas[method as M].safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${method}: ${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return { method: method as M, request: parsed.data as ApiRequest<M> };
}
