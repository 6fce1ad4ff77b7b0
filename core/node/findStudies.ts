import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_NAME } from './loadStudy.js';

const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** How deep below a collection's folder study folders are looked for (cell / batch / campaign / study). */
const MAX_DEPTH = 4;

/**
 * Expands a command-line argument into studies: a study.json or a folder with one is a study;
 * a folder without one whose sub-folders (four levels deep at most) hold study.json files is a
 * collection of studies; any other folder is one study whose states are guessed. Links to
 * folders are followed (studies are often linked into a campaign's folder; they were skipped in
 * silence), each real folder once, so a link back up cannot loop. A broken link or a folder that
 * cannot be read below the collection is passed over, and said through `onSkipped` (a study
 * left out of a batch without a word reads as one that was never there).
 */
export async function findStudies(path: string, onSkipped: (note: string) => void = () => undefined): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  if (await isFile(join(path, MANIFEST_NAME))) return [path];
  const found: string[] = [];
  const seen = new Set<string>([await realpath(path)]);
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      // The collection's own folder unreadable is an error (stat passed, so it is one); below it, a note.
      if (depth === 1) throw err;
      onSkipped(`${dir}: cannot be read (${err.code ?? err.message}): not searched for studies`);
      return [];
    });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const sub = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await stat(sub).catch((err: NodeJS.ErrnoException) => err);
        if (target instanceof Error) {
          const to = await readlink(sub).catch(() => '?');
          // Missing is the usual case; a loop of links (ELOOP) or a forbidden target is said as such.
          const why = target.code === 'ENOENT' ? 'which does not exist' : `which cannot be followed (${target.code ?? target.message})`;
          onSkipped(`${sub}: a link to ${to}, ${why}: skipped`);
          continue;
        }
        if (!target.isDirectory()) continue;
      } else if (!entry.isDirectory()) continue;
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
