import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Report, SimsStateResult } from '../model/report.js';
import { analysedAnalyte, nothingAnalysed, referenceStateOf } from '../model/report.js';
import { ionNotation } from '../model/ions.js';
import { formulaNotation } from '../model/formula.js';
import { DEFAULT_STACK_ID, layerLabels, type LayerStack } from '../model/layerStack.js';
import type { AnalyzeOverrides } from '../node/analyzeStudyOnDisk.js';
import type { StackPool } from '../node/stackPool.js';
import { makeFolder, prepareOutputFolder, writeFileAtomic } from '../node/files.js';
import { StrataError, UsageError } from '../model/errors.js';
import type { StudyOutcome } from '../pipeline/batchSummary.js';
import { STRATA_VERSION } from '../version.js';
import { formatWithSigma } from '../util/uncertainty.js';
import { endLayerRateText, endLayerWidth } from '../sims/endLayer.js';
import type { CliIo } from './context.js';
import { asNormalizeFlagError, checkReferenceFlag, countNumber, flagOverrides, ReportedError, stackPreset, stackPresetList } from './context.js';

/** A fraction (or a change of one) and its σ in percent (percentage points), lined up on the ±. */
const pctWithSigma = (x: number, sigma: number, signed = false): string => {
  const [value, sigmaText] = formatWithSigma(x, sigma, { scale: 100, minDecimals: 1, signed }).split(' ± ');
  return `${value.padStart(9)} ± ${sigmaText.padEnd(7)}`;
};

/** Below this a layer's boundaries are doubtful (a boundary with no marker step has 0.1). */
const DOUBTFUL_CONFIDENCE = 0.5;

/** The SIMS part of one state: layers (with how their depth was had), the analyte's shares, warnings. */
function formatSims(sims: SimsStateResult, layerLabel: (role: string) => string): string[] {
  const lines: string[] = [];
  // The layer the profile ends in: its width is the depth sputtered into it, at a rate it did not
  // set (endLayer.ts), said with that rate's source: "extrapolated" alone hid that the substrate
  // was given the steel's rate.
  const end = endLayerWidth(sims);
  const depthAxis = sims.depthCalibration === 'nominal' ? 'nominal thicknesses, not measured' : sims.depthCalibration;
  lines.push(`  layers (depth axis: ${depthAxis}; confidence 0–1):`);
  const labelWidth = Math.max(8, ...sims.layers.map((l) => layerLabel(l.role).length));
  // Whole seconds, or tenths for a profile shorter than 100 s (an ROI of a few scans).
  const decimals = (sims.layers[sims.layers.length - 1]?.endS ?? 0) < 100 ? 1 : 0;
  const timeWidth = Math.max(...sims.layers.map((l) => l.endS.toFixed(decimals).length));
  let doubtful = false;
  for (const l of sims.layers) {
    const width = Number.isFinite(l.widthNm) ? `${l.widthNm.toFixed(0)} nm${end?.role === l.role ? ` (${endLayerRateText(end, layerLabel)}: the profile ends in it)` : ''}` : '';
    const mark = l.confidence < DOUBTFUL_CONFIDENCE ? ' ?' : '';
    doubtful ||= mark !== '';
    lines.push(`    ${layerLabel(l.role).padEnd(labelWidth)} ${l.startS.toFixed(decimals).padStart(timeWidth)}–${l.endS.toFixed(decimals).padEnd(timeWidth)} s  ${l.confidence.toFixed(2)}${mark}  ${width}`.trimEnd());
  }
  if (doubtful) lines.push(`    ? confidence below ${DOUBTFUL_CONFIDENCE}: a boundary without a clear marker step (see the warnings)`);
  // When each interface was reached, with its σ (the scan it falls in, the markers' disagreement).
  const placed = sims.interfaces.map((i) => `${layerLabel(i.upper)}|${layerLabel(i.lower)} ${formatWithSigma(i.timeS, i.timeSigmaS)} s`);
  if (placed.length) lines.push(`  interfaces (sputter time ± σ): ${placed.join(', ')}`);
  const analyte = ionNotation(String(sims.parameters?.analyteIon ?? 'Li-'));
  const normalization = sims.parameters?.normalization;
  const per = normalization === 'tic' ? ', counts / total ion count' : normalization === 'reference' ? `, counts / ${ionNotation(String(sims.parameters?.referenceIon ?? '?'))}` : '';
  if (sims.li.length) {
    lines.push(`  ${analyte} per layer (fraction ± σ${per}):`);
    const labelWidth = Math.max(10, ...sims.li.map((li) => layerLabel(li.role).length));
    for (const li of sims.li) lines.push(`    ${layerLabel(li.role).padEnd(labelWidth)} ${pctWithSigma(li.fraction, li.fractionSigma)} %`);
  }
  for (const w of sims.warnings ?? []) lines.push(`  warning: ${w}`);
  return lines;
}

/**
 * A short human summary of a report: layers, Li shares and changes, warnings. Layers are named by
 * their labels throughout (`labels`: the stack's, by role; the report's layers give them where a
 * role is missing), as the figures and the workbench name them; the JSON and CSVs keep role ids.
 */
export function formatReport(report: Report, labels: Record<string, string> = {}): string {
  const fromReport = Object.fromEntries(report.states.flatMap((s) => s.sims?.layers ?? []).map((l) => [l.role, l.label]));
  // In formula notation (SiO₂/Si), as the figures and the workbench write them.
  const layerLabel = (role: string): string => formulaNotation(labels[role] ?? fromReport[role] ?? role);
  const lines: string[] = [`Study ${report.study} (stack ${report.stack})`];
  for (const s of report.states) {
    lines.push(`\n${s.state}`);
    if (s.sims) lines.push(...formatSims(s.sims, layerLabel));
    if (s.sem) {
      lines.push(`  SEM ${s.sem.file}: ${s.sem.layers.map((l) => `${layerLabel(l.role)} ${formatWithSigma(l.thicknessNm, l.sigmaNm)} nm`).join(', ')}`);
      for (const w of s.sem.warnings ?? []) lines.push(`  SEM warning: ${w}`);
    }
    if (s.xrd) {
      lines.push(`  XRD ${s.xrd.file}: ${s.xrd.peaks.length} peaks`);
      for (const w of s.xrd.warnings ?? []) lines.push(`  XRD warning: ${w}`);
    }
  }
  if (report.comparison.li.length) {
    // The analyte the states' analyses took (Na⁺ where an inline stack names it), and the state
    // the changes are against (study options' referenceState): "Li" and "pristine" were fixed.
    const analyte = analysedAnalyte(report);
    lines.push(`\n${analyte ? ionNotation(analyte) : 'Li'} fraction change against ${referenceStateOf(report)} (percentage points):`);
    const stateWidth = Math.max(11, ...report.comparison.li.map((c) => c.state.length + 1));
    const labelWidth = Math.max(10, ...report.comparison.li.map((c) => layerLabel(c.role).length));
    for (const c of report.comparison.li) lines.push(`  ${c.state.padEnd(stateWidth)} ${layerLabel(c.role).padEnd(labelWidth)} ${pctWithSigma(c.deltaFraction, c.sigma, true)} pp`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** Folder names for studies in a batch: the study's folder name, made unique. */
function uniqueNames(paths: string[]): string[] {
  const used = new Map<string, number>();
  return paths.map((p) => {
    const base = basename(resolve(p).replace(/[\\/]study\.json$/, '')).replace(/[^\w.-]+/g, '_') || 'study';
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

export function registerAnalyze(program: Command, io: CliIo): void {
  program
    .command('analyze')
    .description('Analyse studies: layers, depth calibration, the analyte (Li unless --analyte or the stack names another) per layer per state, SEM thickness, XRD peaks')
    .argument('<studies...>', 'study folders (with or without study.json), study.json files, or folders holding many studies')
    .option('--json', 'print the report as JSON on stdout (several studies: the summary, with --out DIR, which they need)')
    .option('--out <dir>', 'write report.json and CSV tables (one sub-folder per study when there are several, plus summary.csv/json)')
    .option('--jobs <n>', 'studies (or, for one study, its states) analysed in parallel on worker threads; default and most: the available cores')
    .option('--normalize <how>', "divide the analyte's counts, scan by scan, by: none (counts), tic (the total ion count), or an ion (e.g. C2-); default: study.json's normalization, else none")
    .option('--reference <state>', "the state the others' analyte shares are compared against; default: study.json's referenceState, else pristine, else the first state with analyte results")
    .option('--stack <id>', `layer stack preset (${stackPresetList()}); default: study.json's stack, else ${DEFAULT_STACK_ID}`)
    .option('--analyte <ion>', "the ion counted per layer, as the data name it (e.g. Na+, Li-, ^6Li-); default: the stack's analyteIon, else Li in the data's polarity")
    .addHelpText(
      'after',
      `\nOne study: its states are analysed side by side; prints a summary (or --json the report); --out DIR also writes report.json and CSV tables.\nSeveral studies (or a folder of studies): analysed in parallel, each into DIR/<study>/, with\nDIR/summary.csv and DIR/summary.json across studies; a failing study is reported, the rest finish,\nand the exit code is 1 if any failed.`,
    )
    .action(async (args: string[], options: { json?: boolean; out?: string; jobs?: string; normalize?: string; reference?: string; stack?: string; analyte?: string }) => {
      const jobs = options.jobs === undefined ? undefined : countNumber('--jobs', options.jobs);
      const stack = options.stack === undefined ? undefined : stackPreset(options.stack);
      const overrides = flagOverrides(options);
      // The analysis (readers, workers, tables) loads only when this command runs: the modules a
      // command imports with import() are chunks of their own (bin/loadEntry.js), so other
      // commands do not pay for them at start.
      const { findStudies } = await import('../node/findStudies.js');
      const studies = (await Promise.all(args.map((a) => findStudies(a, (note) => io.stderr(`note: ${note}\n`))))).flat();
      if (studies.length > 1 && !options.out) throw new UsageError('several studies need --out DIR for their reports');
      // The output folder made and checked first, not found wanting after the analysis.
      if (options.out) await prepareOutputFolder(options.out);
      if (studies.length === 1 || !options.out) return analyzeOne(studies[0], { ...options, jobs, overrides, stack }, io);
      await analyzeMany(studies, options.out, { json: options.json, jobs, overrides, stack }, io);
    });
}

/** What `strata analyze` of one study takes from its flags. */
type OneStudyOptions = { json?: boolean; out?: string; jobs?: number; overrides: AnalyzeOverrides; stack?: LayerStack };

async function analyzeOne(studyPath: string, options: OneStudyOptions, io: CliIo): Promise<void> {
  // The workers start first: each loads its code (~0.3 s) while this thread loads its own and the study.
  const { withLaneWorkers } = await import('../node/stackPool.js');
  await withLaneWorkers(options.jobs, (pool) => analyzeOneOn(studyPath, options, io, pool));
}

async function analyzeOneOn(studyPath: string, options: OneStudyOptions, io: CliIo, pool: StackPool | undefined): Promise<void> {
  const [{ loadStudy }, { withStack }, { analyzeStudyOnDisk, withChosenAnalyte }, { withStateLanes }, { writeReportFiles }] = await Promise.all([
    import('../node/loadStudy.js'),
    import('../pipeline/studyChoices.js'),
    import('../node/analyzeStudyOnDisk.js'),
    import('../node/stateLanes.js'),
    import('../node/reportFiles.js'),
  ]);
  // The analyte chosen here too (the analysis takes it from the overrides), for the notes to say it.
  const study = withChosenAnalyte(withStack(await loadStudy(studyPath), options.stack), options.overrides);
  await checkReferenceFlag(options.overrides, study.states.map((s) => s.state));
  for (const note of study.notes) io.stderr(`note: ${note}\n`);
  io.stderr(`analysing ${study.name}: ${study.states.length} state${study.states.length === 1 ? '' : 's'}…\n`);
  // The states run side by side: this thread and up to (--jobs or the cores) − 1 worker threads.
  const report = await withStateLanes(study, options.jobs, (runStates) => analyzeStudyOnDisk(study, { runStates, overrides: options.overrides }), pool).catch((err: unknown) => {
    // A --normalize the data cannot take is a usage mistake (exit 2), study.json's a bad input (1).
    throw asNormalizeFlagError(err, options.overrides.normalization !== undefined);
  });
  if (options.out) {
    const files = await writeReportFiles(report, options.out);
    io.stderr(`wrote ${files.length} files to ${options.out}\n`);
  }
  io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, layerLabels(study.stack)));
  // Printed (and written) first: the warnings say why.
  const nothing = nothingAnalysed(report);
  if (nothing) throw new StrataError(`${studyPath}: ${nothing}`);
}

/**
 * `--reference` over a batch. A study that lacks the state fails alone, as a bad input reported
 * like any other failing study (studyOptions refuses it in its worker), and the rest finish: the
 * studies of a series need not name their states alike ('charged' in one, 'charged-1C' in
 * another), and one unlike the others should not cost the scientist the whole run. A state that
 * no study has is a typo: a usage error (exit 2) naming the states there are, before any analysis.
 * A study that cannot be loaded is left to its worker to report.
 */
async function checkReferenceInSomeStudy(studies: string[], overrides: AnalyzeOverrides): Promise<void> {
  const reference = overrides.referenceState;
  if (reference === undefined) return;
  const { loadStudy } = await import('../node/loadStudy.js');
  const states = new Set<string>();
  for (const studyPath of studies) {
    const study = await loadStudy(studyPath).catch(() => null);
    for (const s of study?.states ?? []) states.add(s.state);
    if (states.has(reference)) return;
  }
  if (states.size) await checkReferenceFlag(overrides, [...states]);
}

async function analyzeMany(studies: string[], outDir: string, options: { json?: boolean; jobs?: number; overrides: AnalyzeOverrides; stack?: LayerStack }, io: CliIo): Promise<void> {
  const [{ runBatch, progressBar }, { batchSummary, SUMMARY_COLUMNS }, { csvFormat }] = await Promise.all([
    import('../node/batch.js'),
    import('../pipeline/batchSummary.js'),
    import('d3-dsv'),
  ]);
  await checkReferenceInSomeStudy(studies, options.overrides);
  const names = uniqueNames(studies);
  const jobs = studies.map((studyPath, i) => ({ studyPath, outDir: join(outDir, names[i]), overrides: options.overrides, stackId: options.stack?.id }));
  io.stderr(`analysing ${studies.length} studies…\n`);
  const replies = await runBatch(jobs, {
    concurrency: options.jobs,
    onProgress: (p) => {
      const line = progressBar(p);
      if (!p.last.ok) io.stderr(`${io.stderrIsTty ? '\r\x1b[K' : ''}strata: ${p.last.studyPath}: ${p.last.error}\n`);
      io.stderr(io.stderrIsTty ? `\r\x1b[K${line}` : `${line}\n`);
    },
  });
  if (io.stderrIsTty) io.stderr('\n');
  const outcomes: StudyOutcome[] = replies.map((r, i) => ({ studyPath: studies[i], outDir: jobs[i].outDir, report: r.ok ? r.report : undefined, error: r.ok ? undefined : r.error }));
  const rows = batchSummary(outcomes);
  await makeFolder(outDir);
  const summary = {
    schema: 'strata.batch/1',
    version: STRATA_VERSION,
    createdAt: new Date().toISOString(),
    studies: outcomes.map((o) => ({ path: o.studyPath, outDir: o.outDir, status: o.report ? 'ok' : 'failed', error: o.error ?? null, provenance: o.report?.provenance ?? null })),
    rows,
  };
  await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  await writeFileAtomic(join(outDir, 'summary.csv'), csvFormat(rows, [...SUMMARY_COLUMNS]) + '\n');
  const failed = outcomes.filter((o) => !o.report).length;
  io.stderr(`wrote ${join(outDir, 'summary.csv')}: ${studies.length - failed} studies ok, ${failed} failed\n`);
  if (options.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
  if (failed) throw new ReportedError(new StrataError(`${failed} of ${studies.length} studies failed`));
}
