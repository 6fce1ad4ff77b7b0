// Loads a TypeScript entry module of the package (the CLI, the batch worker) without a build
// step. Running the sources through tsx costs ~0.6 s per process in loader round trips (each
// module is compiled on tsx's loader thread), a fifth of `strata analyze` on the sample study.
// So the entry is bundled once with esbuild (which tsx already brings) into
// node_modules/.cache and that bundle is imported; it is rebuilt whenever one of the sources it
// was made from changed (size or mtime), so it is never stale. Where the cache cannot be
// written (a read-only install), or with STRATA_NO_BUNDLE=1, tsx loads the sources as before.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Two levels below the root, like core/<dir>/*.ts: the sources' `new URL('../../…',
// import.meta.url)` (bin/strata-worker.js, out/renderer) resolve the same from the bundle, and
// packages resolve through the root's node_modules.
const CACHE_DIR = join(ROOT, 'node_modules', '.cache');

/** The recorded inputs of a bundle, each still of the same size and mtime. */
function isFresh(root, manifestPath) {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.version !== 1) return false;
    for (const [file, { size, mtimeMs }] of Object.entries(manifest.inputs)) {
      const st = statSync(join(root, file));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function build(root, entry, outFile, manifestPath) {
  const esbuild = await import('esbuild');
  const tmp = `${outFile}.${process.pid}.tmp`;
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay imports, resolved from node_modules at run time as before.
    packages: 'external',
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = resolve(root, input);
    const st = statSync(abs);
    inputs[relative(root, abs)] = { size: st.size, mtimeMs: st.mtimeMs };
  }
  // Renames are atomic: processes starting together (batch workers) each see a whole bundle.
  renameSync(tmp, outFile);
  writeFileSync(`${manifestPath}.${process.pid}.tmp`, JSON.stringify({ version: 1, entry, inputs }));
  renameSync(`${manifestPath}.${process.pid}.tmp`, manifestPath);
}

/**
 * Imports `entry` (a .ts path relative to `root`, by default the package root) and returns its
 * module. `cacheDir` must sit two levels below `root` (see CACHE_DIR).
 */
export async function loadEntry(entry, { root = ROOT, cacheDir = CACHE_DIR } = {}) {
  if (process.env.STRATA_NO_BUNDLE !== '1') {
    const name = entry.replace(/[\\/]/g, '-').replace(/\.ts$/, '');
    const outFile = join(cacheDir, `strata-${name}.mjs`);
    const manifestPath = join(cacheDir, `strata-${name}.json`);
    try {
      if (!isFresh(root, manifestPath)) {
        mkdirSync(cacheDir, { recursive: true });
        await build(root, entry, outFile, manifestPath);
      }
      return await import(pathToFileURL(outFile).href);
    } catch (err) {
      if (process.env.STRATA_DEBUG_BUNDLE === '1') process.stderr.write(`strata: bundle not used (${err})\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, entry)).href);
}
