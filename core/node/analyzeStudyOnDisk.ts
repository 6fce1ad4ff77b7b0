import { StrataError } from '../model/errors.js';
import type { Report } from '../model/report.js';
import type { LoadedStudy } from './loadStudy.js';

export interface AnalyzeOverrides {
  interfacesS?: Record<string, number[]>;
  roi?: { x0: number; y0: number; x1: number; y1: number };
}

/** Opens a study's files and runs the full analysis. (Being composed from the analysis modules.) */
export async function analyzeStudyOnDisk(study: LoadedStudy, opts: { overrides?: AnalyzeOverrides } = {}): Promise<Report> {
  void opts;
  throw new StrataError(`${study.name}: the study analysis is not composed yet`);
}
