import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when Debian's libxy-bin `xyconv` is on the PATH (CI installs it; .ci/run). */
export const hasXyconv = spawnSync('xyconv', ['-v'], { encoding: 'utf8' }).status === 0;

export const XYCONV_SKIP = 'xyconv (libxy-bin) not installed: apt-get install libxy-bin';

/**
 * Converts bytes with xyconv (`-t type`) and returns the points of every block, in file
 * order, as [x, y] pairs: an independent reader to compare ours against.
 */
export function xyconvPoints(bytes: Uint8Array, type: string, ext: string): Array<[number, number]> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-xyconv-'));
  try {
    const input = join(dir, `in.${ext}`);
    const output = join(dir, 'out.txt');
    writeFileSync(input, bytes);
    const r = spawnSync('xyconv', ['-s', '-t', type, input, output], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`xyconv failed: ${r.stderr || r.stdout}`);
    return readFileSync(output, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => {
        const [x, y] = l.trim().split(/\s+/).map(Number);
        return [x, y] as [number, number];
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
