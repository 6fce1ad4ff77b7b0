import type { StudyAnalysis } from '../pipeline/analyzeStudy.js';
import { analyzeStudyDetailedOnDisk, stateInputs } from './analyzeStudyOnDisk.js';
import { fileStamp } from './files.js';
import type { AnalyzeOverrides, StatesRunner } from './analyzeStudyOnDisk.js';
import type { LoadedStudy } from './loadStudy.js';

/**
 * The workbench's last analysis of a study, reused while nothing it depends on has changed:
 * the study as loaded (manifest, states, files), the user's overrides, and the stamp (size,
 * times, inode: see fileStamp) of every file it read. Exporting a figure, or asking for the
 * report again, then costs no re-analysis (it took ~2–10 s a time); any edit of a file or of
 * the overrides starts a fresh one. One entry: the workbench looks at one study at a time.
 */
export class AnalysisCache {
  /** `runStates`: where the states are analysed (the workbench: on its worker threads). */
  constructor(private readonly runStates?: StatesRunner) {}

  private last: { key: string; stamps: Map<string, string>; result: Promise<StudyAnalysis> } | null = null;

  async get(study: LoadedStudy, overrides: AnalyzeOverrides | undefined): Promise<StudyAnalysis> {
    const key = JSON.stringify([study.root, study.name, study.stack, study.states, study.manifest ?? null, overrides ?? null]);
    const last = this.last;
    if (last && last.key === key && (await unchanged(last.stamps))) return last.result;
    // Every file the analysis reads (sidecars and imzML binaries too), stamped before it reads
    // anything: a file changed meanwhile is noticed next time.
    const inputs = await Promise.all(study.states.map((_, i) => stateInputs(study, i)));
    const stamps = await stampFiles(inputs.flat().map((i) => i.path));
    const entry = { key, stamps, result: analyzeStudyDetailedOnDisk(study, { overrides, runStates: this.runStates }) };
    this.last = entry;
    entry.result.catch(() => {
      // A failed analysis is not kept: the next request tries again.
      if (this.last === entry) this.last = null;
    });
    return entry.result;
  }
}

async function stampFiles(paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of paths) out.set(p, await stamp(p));
  return out;
}

async function stamp(path: string): Promise<string> {
  return fileStamp(path).catch(() => 'missing');
}

async function unchanged(stamps: Map<string, string>): Promise<boolean> {
  for (const [p, s] of stamps) if ((await stamp(p)) !== s) return false;
  return true;
}
