import { join } from 'node:path';
import type { InputRecord } from '../model/provenance.js';
import type { Report } from '../model/report.js';
import { analyzeStudy } from '../pipeline/analyzeStudy.js';
import type { ModalitySteps, StateData, StudyAnalysis, StudyAnalysisOptions } from '../pipeline/analyzeStudy.js';
import { measureCrossSection, toSemResult } from '../sem/index.js';
import { analyzeXrd } from '../xrd/analyze.js';
import { STRATA_VERSION } from '../version.js';
import { inputRecord } from './files.js';
import { findSemSidecar, openDataset } from './openDataset.js';
import type { OpenedDataset } from './openDataset.js';
import type { LoadedStudy } from './loadStudy.js';

export interface AnalyzeOverrides {
  interfacesS?: Record<string, number[]>;
  roi?: { x0: number; y0: number; x1: number; y1: number };
  semPixelSizeNm?: Record<string, number>;
}

/** The modality steps the pipeline runs. The SEM step keeps only the report's fields. */
export const DEFAULT_STEPS: ModalitySteps = {
  measureSem: (image, stack, opts) => toSemResult(measureCrossSection(image, stack, opts)),
  analyzeXrd: (pattern) => analyzeXrd(pattern),
};

/**
 * Opens a study's files (read-only), records each input's checksum, and runs the analysis.
 * Files of a state are used in manifest order: the first of each kind is analysed.
 */
export async function analyzeStudyDetailedOnDisk(
  study: LoadedStudy,
  opts: { overrides?: AnalyzeOverrides; options?: StudyAnalysisOptions; steps?: ModalitySteps } = {},
): Promise<StudyAnalysis> {
  const opened: OpenedDataset[] = [];
  const inputs: InputRecord[] = [];
  try {
    const states: StateData[] = [];
    for (const s of study.states) {
      const data: StateData = { state: s.state, shotsPerPixel: s.sims?.shotsPerPixel, semTiltDeg: s.semTiltDeg };
      for (const f of s.files) {
        if (f.kind === 'unknown') continue;
        const abs = join(study.root, f.path);
        const o = await openDataset(abs, { displayName: f.path });
        opened.push(o);
        inputs.push(await inputRecord(abs, f.path));
        const d = o.dataset;
        if (d.kind === 'depthProfile') data.profile ??= d;
        else if (d.kind === 'ionStack') data.stack ??= d;
        else if (d.kind === 'xrdPattern') data.xrd ??= d;
        else if (d.kind === 'semImage') {
          data.sem ??= d;
          const sidecar = await findSemSidecar(abs);
          if (sidecar) inputs.push(await inputRecord(sidecar, join(f.path, '..', sidecar.split(/[\\/]/).pop()!).replace(/\\/g, '/')));
        }
      }
      states.push(data);
    }
    const options: StudyAnalysisOptions = {
      ...opts.options,
      thicknessesNm: { ...(study.manifest?.thicknessesNm ?? {}), ...(opts.options?.thicknessesNm ?? {}) },
      interfacesS: { ...opts.options?.interfacesS, ...opts.overrides?.interfacesS },
      semPixelSizeNm: { ...opts.options?.semPixelSizeNm, ...opts.overrides?.semPixelSizeNm },
      sims: {
        ...opts.options?.sims,
        ...(opts.overrides?.roi ? { roi: { kind: 'rect' as const, ...opts.overrides.roi } } : {}),
      },
    };
    return await analyzeStudy(study, states, opts.steps ?? DEFAULT_STEPS, options, {
      software: 'strata',
      version: STRATA_VERSION,
      createdAt: new Date().toISOString(),
      inputs,
    });
  } finally {
    await Promise.all(opened.map((o) => o.close()));
  }
}

export async function analyzeStudyOnDisk(study: LoadedStudy, opts: { overrides?: AnalyzeOverrides; options?: StudyAnalysisOptions } = {}): Promise<Report> {
  return (await analyzeStudyDetailedOnDisk(study, opts)).report;
}
