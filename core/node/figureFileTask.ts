/**
 * A figure's SVG made into a PNG or PDF file on a lane worker, for `strata figure`: the workers
 * that analysed the states are idle by then, and a PDF (svg-to-pdfkit, ~0.6 s for Fig. 4) is
 * JavaScript that would hold the command's own thread, which draws the 3-D panels of the next PNG.
 */
import { encodeFigureSvg } from './figureFiles.js';
import { figureFonts } from './fonts.js';

export interface FigureFileTask {
  kind: 'figure-file';
  /** The figure's name (`fig4`, `sem-charged`, …): the PDF's title. */
  name: string;
  /** The SVG the file is made from (figureFiles.ts figureSvg, for this format and dpi). */
  svg: string;
  format: 'png' | 'pdf';
  dpi: number;
}

export interface FigureFileTaskResult {
  kind: 'figure-file';
  content: Uint8Array;
}

export async function figureFileTaskContent(task: FigureFileTask): Promise<FigureFileTaskResult> {
  return { kind: 'figure-file', content: await encodeFigureSvg(task.name, task.svg, task.format, { dpi: task.dpi, fonts: figureFonts() }) };
}
