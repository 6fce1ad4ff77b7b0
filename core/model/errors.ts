/**
 * Typed errors. Every error a user can cause names the file and, where it helps,
 * the line or byte offset that was wrong, so a one-line message is enough to act on.
 */
export class StrataError extends Error {
  override name = 'StrataError';
}

/** A file that cannot be read as the format it claims (or was detected as). */
export class FormatError extends StrataError {
  override name = 'FormatError';
  constructor(
    readonly fileName: string,
    readonly detail: string,
    readonly where: { line?: number; offset?: number } = {},
  ) {
    super(`${fileName}${FormatError.locate(where)}: ${detail}`);
  }
  private static locate(where: { line?: number; offset?: number }): string {
    if (where.line !== undefined) return `:${where.line}`;
    if (where.offset !== undefined) return ` @${where.offset}`;
    return '';
  }
}

/** A study manifest or project file that does not follow its schema. */
export class ManifestError extends StrataError {
  override name = 'ManifestError';
  constructor(readonly fileName: string, detail: string) {
    super(`${fileName}: ${detail}`);
  }
}

/**
 * A normalisation the data cannot take (its reference ion is not in a state's data, or is the
 * analyte itself). It fails the analysis: dropping the state's ToF-SIMS part with a warning let
 * a run with a mistyped `--normalize` end with exit code 0 and no Li numbers.
 */
export class NormalizationError extends StrataError {
  override name = 'NormalizationError';
}

/**
 * An error a worker thread posted (name and message) as its class again where the class takes a
 * message alone, so a caller can tell a NormalizationError from any other; else a StrataError.
 */
export function revivedError(name: string, message: string): StrataError {
  if (name === 'NormalizationError') return new NormalizationError(message);
  if (name === 'AnalysisError') return new AnalysisError(message);
  return new StrataError(message);
}

/** Parameters that make an analysis impossible (e.g. a marker ion that is not in the data). */
export class AnalysisError extends StrataError {
  override name = 'AnalysisError';
}

/**
 * A path the workbench's backend may not touch: outside the folders this session opened (the
 * browser mode serves only those). `allowedRoots` says which it may.
 */
export class OutsideSessionError extends StrataError {
  override name = 'OutsideSessionError';
  constructor(readonly path: string, readonly allowedRoots: readonly string[]) {
    super(`${path}: not a study you opened in this session`);
  }
}

/** What a file-system error code means, in words (the rest are shown as their code). */
const ERRNO_SAYS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder, not a file',
  EINVAL: 'not a regular file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'exists and is not a folder',
  ELOOP: 'too many symbolic links (a loop?)',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'name too long',
};

/** A file-system error code in words ("permission denied"); the code itself where it has none. */
export function errnoText(code: string): string {
  return ERRNO_SAYS[code] ?? code;
}

/** "<path>: permission denied" for a file-system error (one with a code and a path), else null. */
export function fileSystemErrorText(err: unknown): string | null {
  const e = err as { code?: unknown; path?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !('path' in e)) return null;
  return `${String(e.path)}: ${errnoText(e.code)}`;
}

/** Wrong command-line usage; the CLI exits with code 2. */
export class UsageError extends StrataError {
  override name = 'UsageError';
}

/**
 * Refuses sizes a header claims before anything is allocated. `limitBytes` defaults to 4 GiB,
 * far above any single plane or profile a reader needs in memory at once.
 */
export function assertSaneAllocation(
  fileName: string,
  what: string,
  elementCount: number,
  bytesPerElement: number,
  limitBytes = 4 * 1024 ** 3,
): void {
  if (!Number.isFinite(elementCount) || elementCount < 0 || !Number.isInteger(elementCount)) {
    throw new FormatError(fileName, `${what}: impossible element count ${elementCount}`);
  }
  if (elementCount * bytesPerElement > limitBytes) {
    throw new FormatError(
      fileName,
      `${what}: header claims ${elementCount} elements (${((elementCount * bytesPerElement) / 1024 ** 3).toFixed(1)} GiB), more than the ${+(limitBytes / 1024 ** 3).toFixed(2)} GiB read: refused`,
    );
  }
}
