import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes a generated study's files (generateStudy's `files`) under `dir`, folders made as needed; returns the bytes written. */
export function writeStudyFiles(files: ReadonlyMap<string, Uint8Array>, dir: string): number {
  let total = 0;
  for (const [rel, bytes] of files) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    total += bytes.length;
  }
  return total;
}
