import { parentPort } from 'node:worker_threads';
import { analyzeStudyOnDisk, type AnalyzeOverrides } from './analyzeStudyOnDisk.js';
import { loadStudy } from './loadStudy.js';
import { withStack } from '../pipeline/studyChoices.js';
import { STACK_PRESETS } from '../model/layerStack.js';
import { writeReportFiles } from './reportFiles.js';
import { nothingAnalysed } from '../model/report.js';
import type { Report } from '../model/report.js';

/** A job for a batch worker: analyse one study and write its files. */
export interface BatchJob {
  index: number;
  studyPath: string;
  outDir: string;
  /** Choices that override each study's own (--normalize, --reference: a study without that state fails alone). */
  overrides?: AnalyzeOverrides;
  /** A stack preset's id that replaces each study's own (--stack; checked by the CLI). */
  stackId?: string;
}

export type BatchReply =
  | { index: number; ok: true; report: Report; files: string[] }
  | { index: number; ok: false; error: string };

/** Runs one job; never throws (a failure is a reply, so the pool carries on). */
export async function runBatchJob(job: BatchJob): Promise<BatchReply> {
  try {
    const study = withStack(await loadStudy(job.studyPath), job.stackId === undefined ? undefined : STACK_PRESETS[job.stackId]);
    const report = await analyzeStudyOnDisk(study, { overrides: job.overrides });
    const nothing = nothingAnalysed(report);
    if (nothing) return { index: job.index, ok: false, error: `${job.studyPath}: ${nothing}` };
    const files = await writeReportFiles(report, job.outDir);
    return { index: job.index, ok: true, report, files };
  } catch (err) {
    return { index: job.index, ok: false, error: (err as Error).message };
  }
}

parentPort?.on('message', (job: BatchJob) => {
  void runBatchJob(job).then((reply) => parentPort!.postMessage(reply));
});
