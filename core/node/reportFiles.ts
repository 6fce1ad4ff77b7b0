import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../model/report.js';
import { reportTables, tableToCsv } from '../pipeline/reportTables.js';
import { writeFileAtomic } from './files.js';

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

