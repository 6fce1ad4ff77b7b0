/**
 * One figure of a study made into a file, as the workbench's "Export figure…" asks, as a task of
 * the stack pool's worker threads (stackTasks.ts): its 3-D panels are ray-cast and the whole is
 * rasterised at up to 2400 dpi, seconds of work that held the backend's thread. In the desktop
 * app that thread is Electron's main process, whose windows froze meanwhile; in either mode the
 * job's progress and its Cancel went unanswered until the figure was done.
 */
import type { FigureKind, VolumeFigureTerms } from '../api/contract.js';
import { svgSizeMm } from '../figures/export.js';
import type { FigureFormat } from './figureFiles.js';
import { buildStudyFigures, figureFileContent, figureSvg } from './figureFiles.js';
import { figureFonts } from './fonts.js';
import { StrataError } from '../model/errors.js';
import type { StudyAnalysis } from '../pipeline/analyzeStudy.js';
import type { AnalyzeOverrides } from './analyzeStudyOnDisk.js';
import type { LoadedStudy } from './loadStudy.js';

export interface FigureTask {
  kind: 'figure';
  /** The study as the user chose it (analyzeStudyOnDisk.ts studyAsChosen), and its analysis. */
  study: LoadedStudy;
  analysis: StudyAnalysis;
  figure: FigureKind;
  /** The SEM figure's state (one figure a state): absent, the first. */
  state?: string;
  format: FigureFormat;
  widthMm: number;
  dpi: number;
  overrides?: AnalyzeOverrides;
  volume?: VolumeFigureTerms;
}

export interface FigureTaskResult {
  kind: 'figure';
  /** The figure's name (`fig4`, `sem-charged`, …) and its file's content. */
  name: string;
  content: string | Uint8Array;
  widthMm: number;
  heightMm: number;
  warnings: string[];
}

/** Steps a figure reports at most: per state a volume, an SEM image and an XRD pattern. */
export const figureSteps = (task: FigureTask): number => 3 * task.study.states.length;

/**
 * The figure's file. `step` is called with each thing it reads or bins (a state's volume, SEM
 * image, XRD pattern) and may throw to stop it there (a Cancel).
 */
export async function figureTaskFile(task: FigureTask, step: (line: string) => void): Promise<FigureTaskResult> {
  const { built, warnings } = await buildStudyFigures(task.study, {
    figures: [task.figure],
    widthMm: task.widthMm,
    overrides: task.overrides,
    analysis: task.analysis,
    volume: task.volume,
    progress: step,
  });
  // The SEM figure exists once per state: the one asked for, else the first.
  const fig = task.figure === 'sem' && task.state !== undefined ? built.find((b) => b.name === `sem-${task.state}`) : built[0];
  if (!fig) throw new StrataError(`${task.study.name}: no ${task.figure} figure${task.state ? ` for ${task.state}` : ''}: ${warnings.filter((w) => w.startsWith(task.figure)).join('; ') || 'nothing to draw'}`);
  const content = await figureFileContent(fig, task.format, { dpi: task.dpi, fonts: task.format === 'svg' ? null : figureFonts() });
  // The size of the SVG the file was made from (the same in every drawing): a PNG's alone is drawn.
  const size = svgSizeMm(figureSvg(fig, task.format, task.dpi));
  return { kind: 'figure', name: fig.name, content, widthMm: size.widthMm, heightMm: size.heightMm, warnings };
}
