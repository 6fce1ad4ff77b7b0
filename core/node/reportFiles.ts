import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../model/report.js';
import { reportTables, tableToCsv } from '../pipeline/reportTables.js';
import { makeFolder, writeFileAtomic } from './files.js';

/** The change table's name for any reference state (reportTables names it after the state). */
const CHANGE_TABLE = /^li_change_vs_.+\.csv$/;

/**
 * Writes report.json and the CSV tables into `dir` (each file atomically). A change table an
 * earlier run wrote against another reference state is deleted: beside the new one, a script
 * reading `li_change_vs_*.csv` would take either.
 */
export async function writeReportFiles(report: Report, dir: string): Promise<string[]> {
  await makeFolder(dir);
  const written = [join(dir, 'report.json')];
  await writeFileAtomic(written[0], JSON.stringify(report, null, 2) + '\n');
  const tables = reportTables(report);
  for (const table of tables) {
    const path = join(dir, table.name);
    await writeFileAtomic(path, tableToCsv(table));
    written.push(path);
  }
  const names = new Set(tables.map((t) => t.name));
  for (const stale of (await readdir(dir)).filter((f) => CHANGE_TABLE.test(f) && !names.has(f))) await unlink(join(dir, stale)).catch(() => undefined);
  return written;
}

