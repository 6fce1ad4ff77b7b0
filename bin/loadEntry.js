// Loads a TypeScript entry module of the package (the CLI, the batch worker) without a build
// step. Running the sources through tsx costs ~0.6 s per process in loader round trips (each
// module is compiled on tsx's loader thread), a fifth of `strata analyze` on the sample study.
// So the entry is bundled once with esbuild (which tsx already brings) into
// node_modules/.cache and that bundle is imported; it is rebuilt whenever one of the sources it
// was made from changed (size or mtime), so it is never stale. Where the cache cannot be
// written (a read-only install), or with STRATA_NO_BUNDLE=1, tsx loads the sources as before.
//
// The bundle is split: a module the sources load with `import()` (a command's work, figure
// export) is a chunk of its own, and so are the packages only it imports. Without splitting,
// esbuild hoists every package import of the one bundle to its top, and every command paid
// at start for all of them (zod, geotiff, d3, XML parsers: ~0.2 s of `strata --version`).
// Output files are named by a hash of their content and written once each (temporary file,
// then rename), and a manifest names the entry file: a process that is still running from an
// older build (a long `strata serve`) keeps finding its chunks, and processes building at once
// never see half a file.
//
// The packages are bundled too (but those in UNBUNDLED): imported one module at a time, Node's
// loader resolved, read and compiled each of their files, and scanned every CommonJS one for its
// exports, in each thread that loads them; with them bundled, `strata analyze samples/study`
// took ~0.4 s less (its stack worker loads them all too). Their files are sources of the bundle
// like ours: an `npm ci` that changes one makes the bundle again.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Two levels below the root, like core/<dir>/*.ts: the sources' `new URL('../../…',
// import.meta.url)` (bin/strata-worker.js, out/renderer) resolve the same from the bundle and
// its chunks (all in this one folder), and packages resolve through the root's node_modules.
const CACHE_DIR = join(ROOT, 'node_modules', '.cache');
const MANIFEST_VERSION = 3;
/**
 * Packages left as imports, resolved from node_modules at run time: those that read files of
 * their own beside their code (native binaries, font metrics, fonts), which a bundle elsewhere
 * would not find, and the build tools.
 */
const UNBUNDLED = ['@resvg/resvg-js', 'pdfkit', 'svg-to-pdfkit', 'dejavu-fonts-ttf', 'esbuild', 'tsx', 'electron'];
/**
 * Bundled CommonJS packages `require` Node's modules (commander: node:events, node:fs…), which
 * an ES module has no `require` for: each output file makes one.
 */
const REQUIRE_BANNER = "import { createRequire as __strataCreateRequire } from 'node:module'; const require = __strataCreateRequire(import.meta.url);";
/**
 * Suffix of this thread's temporary files: the batch's worker threads share the process id and
 * build the same bundle at once after a change (with the id alone, one thread could rename a
 * file another was still writing).
 */
const TMP = `${process.pid}-${threadId}.tmp`;
/**
 * A build's files are kept this long after a newer build replaced it (its manifest is kept as
 * `…retired-<ms>.json` meanwhile): a process started from it (a `strata serve` running on) loads
 * its chunks when it first needs them. Counted from the replacement, not from when the files
 * were written: an install used unchanged for a week lost them at its first rebuild.
 */
const PRUNE_AGE_MS = 24 * 3600 * 1000;
const RETIRED = /\.retired-(\d+)\.json$/;

/** The manifest, if every source it records still has the same size and mtime and its outputs exist. */
function freshManifest(root, cacheDir, manifestPath) {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.version !== MANIFEST_VERSION) return null;
    for (const [file, { size, mtimeMs }] of Object.entries(manifest.inputs)) {
      // resolve, as build recorded it: the loader's own path is relative to root, or absolute on another drive.
      const st = statSync(resolve(root, file));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return null;
    }
    for (const file of manifest.outputs) if (!existsSync(join(cacheDir, file))) return null;
    return manifest;
  } catch {
    return null;
  }
}

/**
 * Writes `contents` to `path` unless it is there (the name is a hash of the content). A file
 * there is touched: young, it is not pruned before this build's manifest names it.
 */
function writeOnce(path, contents) {
  if (existsSync(path)) {
    const now = new Date();
    utimesSync(path, now, now);
    return;
  }
  const tmp = `${path}.${TMP}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

async function build(root, entry, cacheDir, name, manifestPath) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: UNBUNDLED,
    banner: { js: REQUIRE_BANNER },
    outdir: cacheDir,
    entryNames: `strata-${name}-[hash]`,
    chunkNames: 'strata-chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // Any order: no file is loaded before the manifest that names it is in place (renamed last).
  const files = result.outputFiles;
  for (const file of files) writeOnce(file.path, file.contents);
  // The entry's output (the modules loaded with import() are entry points of their own chunks).
  const entryFile = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined && resolve(root, output.entryPoint) === resolve(root, entry))[0];
  const inputs = {};
  // This file too: a change to how bundles are made makes them again.
  for (const input of [...Object.keys(result.metafile.inputs), relative(root, fileURLToPath(import.meta.url))]) {
    const abs = resolve(root, input);
    const st = statSync(abs);
    inputs[relative(root, abs)] = { size: st.size, mtimeMs: st.mtimeMs };
  }
  const manifest = { version: MANIFEST_VERSION, entry, bundle: basename(entryFile), outputs: files.map((f) => basename(f.path)), inputs };
  // Renames are atomic: processes starting together (batch workers) each see a whole manifest.
  writeFileSync(`${manifestPath}.${TMP}`, JSON.stringify(manifest));
  // The build this one replaces is retired, not forgotten: its files stay a while (see PRUNE_AGE_MS).
  try {
    renameSync(manifestPath, manifestPath.replace(/\.json$/, `.retired-${Date.now()}.json`));
  } catch {
    // None yet, or another build retired it a moment ago.
  }
  renameSync(`${manifestPath}.${TMP}`, manifestPath);
  return manifest;
}

/**
 * Deletes the files of builds retired more than PRUNE_AGE_MS ago, with their manifests, and
 * other files no manifest names once they are that old (temporary files a killed build left, a
 * build whose manifest another build replaced at the same moment, the unsplit bundles of
 * before). Best effort: another process may be pruning too.
 */
function prune(cacheDir, now = Date.now()) {
  const names = readdirSync(cacheDir);
  const kept = new Set();
  for (const name of names) {
    if (!/^strata-.*\.json$/.test(name)) continue;
    const retired = RETIRED.exec(name);
    if (retired && now - Number(retired[1]) > PRUNE_AGE_MS) {
      try {
        unlinkSync(join(cacheDir, name));
      } catch {
        // Gone already.
      }
      continue;
    }
    kept.add(name);
    try {
      for (const file of JSON.parse(readFileSync(join(cacheDir, name), 'utf8')).outputs ?? []) kept.add(file);
    } catch {
      // A manifest being replaced or unreadable: its files are judged at the next build.
    }
  }
  for (const name of names) {
    if (kept.has(name) || !name.startsWith('strata-')) continue;
    try {
      if (now - statSync(join(cacheDir, name)).mtimeMs > PRUNE_AGE_MS) unlinkSync(join(cacheDir, name));
    } catch {
      // Gone already, or not ours to delete.
    }
  }
}

/**
 * Imports `entry` (a .ts path relative to `root`, by default the package root) and returns its
 * module. `cacheDir` must sit two levels below `root` (see CACHE_DIR).
 */
export async function loadEntry(entry, { root = ROOT, cacheDir = CACHE_DIR } = {}) {
  if (process.env.STRATA_NO_BUNDLE !== '1') {
    const name = entry.replace(/[\\/]/g, '-').replace(/\.ts$/, '');
    const manifestPath = join(cacheDir, `strata-${name}.json`);
    try {
      let manifest = freshManifest(root, cacheDir, manifestPath);
      if (!manifest) {
        mkdirSync(cacheDir, { recursive: true });
        manifest = await build(root, entry, cacheDir, name, manifestPath);
        prune(cacheDir);
      }
      return await import(pathToFileURL(join(cacheDir, manifest.bundle)).href);
    } catch (err) {
      if (process.env.STRATA_DEBUG_BUNDLE === '1') process.stderr.write(`strata: bundle not used (${err})\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, entry)).href);
}
