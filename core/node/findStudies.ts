import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_NAME } from './loadStudy.js';

const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);
const isFolder = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

/** How deep below a collection's folder study folders are looked for (cell / batch / campaign / study). */
const MAX_DEPTH = 4;

/**
 * Expands a command-line argument into studies: a study.json or a folder with one is a study;
 * a folder without one whose sub-folders (four levels deep at most) hold study.json files is a
 * collection of studies; any other folder is one study whose states are guessed. Links to
 * folders are followed (studies are often linked into a campaign's folder; they were skipped in
 * silence), each real folder once, so a link back up cannot loop.
 */
export async function findStudies(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  if (await isFile(join(path, MANIFEST_NAME))) return [path];
  const found: string[] = [];
  const seen = new Set<string>([await realpath(path)]);
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const sub = join(dir, entry.name);
      if (!(entry.isDirectory() || (entry.isSymbolicLink() && (await isFolder(sub))))) continue;
      const real = await realpath(sub).catch(() => null);
      if (real === null || seen.has(real)) continue;
      seen.add(real);
      if (await isFile(join(sub, MANIFEST_NAME))) found.push(sub);
      else if (depth < MAX_DEPTH) await visit(sub, depth + 1);
    }
  };
  await visit(path, 1);
  return found.length ? found : [path];
}
