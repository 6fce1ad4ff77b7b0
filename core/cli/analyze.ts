import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Report } from '../model/report.js';
import { loadStudy } from '../node/loadStudy.js';
import { analyzeStudyOnDisk } from '../node/analyzeStudyOnDisk.js';
import { writeFileAtomic } from '../node/files.js';
import { reportTables, tableToCsv } from '../pipeline/reportTables.js';
import type { CliIo } from './context.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** A short human summary of a report: layers, Li shares and changes, warnings. */
export function formatReport(report: Report): string {
  const lines: string[] = [`Study ${report.study} (stack ${report.stack})`];
  for (const s of report.states) {
    lines.push(`\n${s.state}`);
    if (s.sims) {
      lines.push(`  layers (depth axis: ${s.sims.depthCalibration}):`);
      for (const l of s.sims.layers) lines.push(`    ${l.label.padEnd(8)} ${l.startS.toFixed(0).padStart(6)}–${l.endS.toFixed(0).padEnd(6)} s  ${Number.isFinite(l.widthNm) ? `${l.widthNm.toFixed(0)} nm` : ''}`);
      lines.push('  Li per layer (fraction ± σ):');
      for (const li of s.sims.li) lines.push(`    ${li.role.padEnd(10)} ${pct(li.fraction).padStart(7)} ± ${pct(li.fractionSigma)}`);
    }
    if (s.sem) lines.push(`  SEM ${s.sem.file}: ${s.sem.layers.map((l) => `${l.role} ${l.thicknessNm.toFixed(0)}±${l.sigmaNm.toFixed(0)} nm`).join(', ')}`);
    if (s.xrd) lines.push(`  XRD ${s.xrd.file}: ${s.xrd.peaks.length} peaks`);
  }
  if (report.comparison.li.length) {
    lines.push('\nLi fraction change against pristine:');
    for (const c of report.comparison.li) lines.push(`  ${c.state.padEnd(11)} ${c.role.padEnd(10)} ${(c.deltaFraction >= 0 ? '+' : '') + pct(c.deltaFraction)} ± ${pct(c.sigma)}`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** Writes report.json and the CSV tables into `dir` (each file atomically). */
export async function writeReportFiles(report: Report, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written = [join(dir, 'report.json')];
  await writeFileAtomic(written[0], JSON.stringify(report, null, 2) + '\n');
  for (const table of reportTables(report)) {
    const path = join(dir, table.name);
    await writeFileAtomic(path, tableToCsv(table));
    written.push(path);
  }
  return written;
}

export function registerAnalyze(program: Command, io: CliIo): void {
  program
    .command('analyze')
    .description('Analyse a study: layers, depth calibration, Li per layer per state, SEM thickness, XRD peaks')
    .argument('<study>', 'study folder (with or without study.json) or a study.json')
    .option('--json', 'print report.json on stdout')
    .option('--out <dir>', 'write report.json and CSV tables into this folder')
    .action(async (studyPath: string, options: { json?: boolean; out?: string }) => {
      const study = await loadStudy(studyPath);
      for (const note of study.notes) io.stderr(`note: ${note}\n`);
      io.stderr(`analysing ${study.name}: ${study.states.length} states…\n`);
      const report = await analyzeStudyOnDisk(study);
      if (options.out) {
        const files = await writeReportFiles(report, options.out);
        io.stderr(`wrote ${files.length} files to ${options.out}\n`);
      }
      io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    });
}
