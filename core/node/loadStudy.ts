import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { FORMATS } from '../io/detect.js';
import type { FormatId } from '../io/detect.js';
import { ManifestError, StrataError } from '../model/errors.js';
import { DEFAULT_STACK_ID, STACK_PRESETS } from '../model/layerStack.js';
import { compareStates } from '../model/study.js';
import type { DatasetKind, Study, StudyFile, StudyState } from '../model/study.js';
import { parseStudyManifest, resolveStack } from '../pipeline/manifest.js';
import type { StudyManifest } from '../pipeline/manifest.js';
import { guessState } from '../pipeline/guessStates.js';
import { detectFileFormat, imzmlBinaryPath } from './openDataset.js';
import { withFileSource } from './fileSource.js';
import { classifyTiff } from '../io/tiff/classify.js';

export const MANIFEST_NAME = 'study.json';

/** Extra facts loadStudy keeps for the pipeline: the parsed manifest, if there was one. */
export interface LoadedStudy extends Study {
  manifest?: StudyManifest;
}

/**
 * Opens a study: a folder with `study.json`, the manifest file itself, or a folder without a
 * manifest, whose states are guessed from file names (the guess is reported in `notes`).
 */
export async function loadStudy(path: string): Promise<LoadedStudy> {
  const abs = resolve(path);
  const info = await stat(abs);
  if (info.isFile()) {
    if (!abs.endsWith('.json')) throw new StrataError(`${path}: a study is a folder or its study.json`);
    return loadFromManifest(abs);
  }
  const manifestPath = join(abs, MANIFEST_NAME);
  const hasManifest = await stat(manifestPath).then((s) => s.isFile(), () => false);
  return hasManifest ? loadFromManifest(manifestPath) : guessStudy(abs);
}

async function classify(root: string, rel: string): Promise<StudyFile> {
  const format: FormatId = await detectFileFormat(join(root, rel));
  // A TIFF is an ion stack or an SEM image: only its tags tell.
  if (format === 'tiff') return { path: rel, format, kind: await withFileSource(join(root, rel), rel, classifyTiff) };
  const kind = FORMATS[format].kind;
  return { path: rel, format, kind: kind === 'sidecar' || kind === 'manifest' ? 'unknown' : (kind as DatasetKind) };
}

/** Extensions that name one data format (.txt, .csv and .dat name none: instruments write them for anything). */
const DATA_EXTENSIONS: Record<string, string> = {
  '.tif': 'a TIFF',
  '.tiff': 'a TIFF',
  '.ras': 'a Rigaku RAS pattern',
  '.rasx': 'a Rigaku RASX pattern',
  '.asc': 'a Rigaku ASC pattern',
  '.xrdml': 'a PANalytical XRDML pattern',
  '.brml': 'a Bruker BRML pattern',
  '.raw': 'a Bruker RAW pattern',
  '.imzml': 'an imzML file',
  '.xy': 'an XRD .xy pattern',
  '.xye': 'an XRD .xye pattern',
};

function promisedFormat(rel: string): string | null {
  const lower = rel.toLowerCase();
  const ext = Object.keys(DATA_EXTENSIONS).find((e) => lower.endsWith(e));
  return ext ? DATA_EXTENSIONS[ext] : null;
}

/** A study.json is a few kB; past this it is not one (and reading it whole would cost its size). */
const MAX_MANIFEST_BYTES = 1 << 20;

async function loadFromManifest(manifestPath: string): Promise<LoadedStudy> {
  const root = resolve(manifestPath, '..');
  const { size } = await stat(manifestPath);
  if (size > MAX_MANIFEST_BYTES) throw new ManifestError(manifestPath, `${size} bytes: a study.json is at most ${MAX_MANIFEST_BYTES} bytes`);
  const manifest = parseStudyManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const states: StudyState[] = [];
  const notes: string[] = [];
  for (const s of manifest.states) {
    const files: StudyFile[] = [];
    for (const rel of s.files) {
      // Said as it is: a folder, or one not readable, was reported as "not found".
      const problem = await stat(join(root, rel)).then(
        (st) => (st.isFile() ? null : st.isDirectory() ? 'is a folder, not a file' : 'is not a regular file'),
        (err: NodeJS.ErrnoException) => (err.code === 'EACCES' || err.code === 'EPERM' ? 'cannot be read (permission denied)' : 'not found'),
      );
      if (problem) throw new ManifestError(manifestPath, `state '${s.state}': file ${rel} ${problem}`);
      const file = await classify(root, rel);
      // A listed file whose name promises a data format its bytes do not hold (a text renamed
      // sem.tif, a truncated download) was left out with a note, and the analysis went on
      // without it (the depth axis fell back to nominal thicknesses): it is an error.
      const promised = file.format === 'unknown' ? promisedFormat(rel) : null;
      if (promised) throw new ManifestError(manifestPath, `state '${s.state}': file ${rel} is named as ${promised} but its content is not one Strata reads`);
      files.push(file);
    }
    // A file listed but not read (a sidecar alone, an unknown format), or a second file of a
    // kind a state has one of, was passed over in silence.
    // An imzML's binary part (.ibd) listed beside it is read with it: no note. Listed without
    // its .imzML it is read by nothing, and the note says what to list ("not a data file Strata
    // reads" was said of an .ibd whose spectra were being read).
    const binaries = new Set(files.filter((f) => f.format === 'imzml').map((f) => imzmlBinaryPath(f.path)));
    for (const f of files) {
      if (f.kind !== 'unknown' || f.format === 'sem-sidecar' || binaries.has(f.path)) continue;
      const ibd = /\.ibd$/i.test(f.path);
      notes.push(`state '${s.state}': ${f.path} ${ibd ? "is an imzML's binary part: list its .imzML (it reads the .ibd beside it); left out" : 'is not a data file Strata reads; left out'}`);
    }
    for (const kind of ['sims-profile', 'sims-stack', 'sem', 'xrd'] as const) {
      const same = files.filter((f) => f.kind === kind);
      if (same.length > 1) notes.push(`state '${s.state}': ${same.length} files of one kind (${same.map((f) => f.path).join(', ')}); ${same[0].path} is used`);
    }
    states.push({ state: s.state, files, sims: s.sims, semTiltDeg: s.semTiltDeg, semSection: s.semSection });
  }
  return {
    name: manifest.name,
    root,
    stack: resolveStack(manifest.stack, manifestPath),
    states,
    origin: 'manifest',
    notes,
    manifest,
  };
}

const MAX_FILES = 2000;

/** The files under a study folder (paths relative to it, with /), and the links that lead nowhere. */
interface WalkedFiles {
  files: string[];
  brokenLinks: string[];
}

/**
 * Every file under `root`, following symbolic links: a study of gigabyte stacks is often a folder
 * of links to where the data live, and its stacks went unseen (a link is neither a file nor a
 * folder as readdir reports it). A folder reached twice (a link back up the tree) is walked once.
 */
async function walk(root: string): Promise<WalkedFiles> {
  const found: WalkedFiles = { files: [], brokenLinks: [] };
  const walked = new Set<string>();
  const rel = (full: string): string => relative(root, full).split(sep).join('/');
  const visit = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (walked.has(real)) return;
    walked.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => null);
        if (!target) found.brokenLinks.push(rel(full));
        isDirectory = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDirectory) await visit(full);
      else if (isFile) found.files.push(rel(full));
      if (found.files.length > MAX_FILES) throw new StrataError(`${root}: more than ${MAX_FILES} files; write a study.json listing the data files`);
    }
  };
  await visit(root);
  return found;
}

async function guessStudy(root: string): Promise<LoadedStudy> {
  const notes: string[] = [];
  const byState = new Map<string, StudyFile[]>();
  const { files, brokenLinks } = await walk(root);
  for (const link of brokenLinks) notes.push(`${link}: a link to nothing; left out`);
  for (const rel of files.sort()) {
    const file = await classify(root, rel);
    if (file.kind === 'unknown') continue;
    const guess = guessState(rel);
    if (!guess.state) {
      notes.push(`${rel}: no state in its name; left out`);
      continue;
    }
    notes.push(`${rel}: state '${guess.state}' guessed from '${guess.matched}'`);
    const list = byState.get(guess.state) ?? [];
    list.push(file);
    byState.set(guess.state, list);
  }
  if (byState.size === 0) throw new StrataError(`${root}: no data files with a state in their names (pristine, charged, discharged, …) and no study.json`);
  const states = [...byState.keys()].sort(compareStates).map((state) => ({ state, files: byState.get(state)! }));
  return {
    name: basename(root),
    root,
    stack: STACK_PRESETS[DEFAULT_STACK_ID],
    states,
    origin: 'guessed',
    // The stack decides every layer found: a guess of it is said as the states' guesses are.
    notes: [...notes, `stack: ${DEFAULT_STACK_ID}, the default (no study.json to name the study's)`],
  };
}
