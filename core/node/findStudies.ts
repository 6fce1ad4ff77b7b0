import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_NAME } from './loadStudy.js';

const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/**
 * Expands a command-line argument into studies: a study.json or a folder with one is a study;
 * a folder without one whose sub-folders (two levels deep at most) hold study.json files is a
 * collection of studies; any other folder is one study whose states are guessed.
 */
export async function findStudies(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  if (await isFile(join(path, MANIFEST_NAME))) return [path];
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const sub = join(dir, entry.name);
      if (await isFile(join(sub, MANIFEST_NAME))) found.push(sub);
      else if (depth < 2) await visit(sub, depth + 1);
    }
  };
  await visit(path, 1);
  return found.length ? found : [path];
}
