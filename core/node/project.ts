import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { projectSchema } from '../api/contract.js';
import type { StrataProject } from '../api/contract.js';
import { ManifestError, StrataError } from '../model/errors.js';
import { writeFileAtomic } from './files.js';

/** Project files are `*.strata.json`: the name says what they are, in a file dialog too. */
export const PROJECT_SUFFIX = '.strata.json';
const MAX_PROJECT_BYTES = 4 << 20;

export function isProjectPath(path: string): boolean {
  return path.toLowerCase().endsWith(PROJECT_SUFFIX);
}

/**
 * The study path as stored in a project: relative to the project's folder when the study lies
 * below it (so a study folder with its project can be moved or shared as one), else absolute.
 */
export function studyPathForProject(projectPath: string, studyPath: string): string {
  const base = dirname(resolve(projectPath));
  const abs = resolve(studyPath);
  const rel = relative(base, abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

export function resolveProjectStudy(projectPath: string, project: StrataProject): string {
  return resolve(dirname(resolve(projectPath)), project.study);
}

/** Validates a parsed project; throws a ManifestError naming the file and the field. */
export function parseProject(text: string, fileName: string): StrataProject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(fileName, `not JSON: ${(err as Error).message}`);
  }
  const parsed = projectSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(fileName, `${issue.path.join('.') || 'project'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Writes a project atomically (temporary file, flush, rename): a crash never leaves half a file. */
export async function writeProject(path: string, project: StrataProject): Promise<number> {
  if (!isProjectPath(path)) throw new StrataError(`${path}: project files end in ${PROJECT_SUFFIX}`);
  const checked = parseProject(JSON.stringify(project), path);
  const text = JSON.stringify(checked, null, 2) + '\n';
  await writeFileAtomic(path, text);
  return Buffer.byteLength(text);
}

export async function readProject(path: string): Promise<StrataProject> {
  if (!isProjectPath(path)) throw new StrataError(`${path}: project files end in ${PROJECT_SUFFIX}`);
  const info = await stat(path);
  if (info.size > MAX_PROJECT_BYTES) throw new ManifestError(path, `${info.size} bytes: too large for a project file`);
  return parseProject(await readFile(path, 'utf8'), path);
}
