import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** Project root (the folder with package.json). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/data/` beside the checkout: real instrument files, never copied into the project. */
export const SHARED_DATA = resolve(PROJECT_ROOT, '../shared/data');

export const hasSharedData = existsSync(SHARED_DATA);

export function sharedDataPath(...parts: string[]): string {
  return resolve(SHARED_DATA, ...parts);
}

export function readSharedData(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(sharedDataPath(...parts)));
}

/**
 * `describe` for tests on the real files: skipped, with the reason in its title, when the
 * shared data folder is absent (e.g. a packaged install).
 */
export const describeShared: typeof describe = (hasSharedData
  ? describe
  : (name: string, ...rest: unknown[]) =>
      (describe.skip as (...a: unknown[]) => void)(`${name} (skipped: ${SHARED_DATA} not found)`, ...rest)) as typeof describe;
