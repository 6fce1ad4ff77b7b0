import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

// bin/loadEntry.js bundles a TypeScript entry into a cache and must rebuild it whenever a source
// it was made from changes: a stale bundle would run old code without a word.
describe('bin/loadEntry.js', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-entry-'));
  const cacheDir = join(root, 'node_modules', '.cache');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src'));
  // As in this package: .ts sources are ES modules.
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'src', 'main.ts'), "import { value } from './value.js';\nexport const answer: number = value * 2;\n");
  const setValue = (v: number): void => writeFileSync(join(root, 'src', 'value.ts'), `export const value: number = ${v};\n`);

  const load = (env: Record<string, string> = {}): string => {
    const loader = pathToFileURL(join(PROJECT_ROOT, 'bin', 'loadEntry.js')).href;
    const script = `import(${JSON.stringify(loader)}).then((m) => m.loadEntry('src/main.ts', { root: ${JSON.stringify(root)}, cacheDir: ${JSON.stringify(cacheDir)} })).then((mod) => console.log(mod.answer))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('bundles the entry once and rebuilds it when an imported source changes', () => {
    setValue(1);
    expect(load()).toBe('2');
    const bundle = join(cacheDir, 'strata-src-main.mjs');
    expect(existsSync(bundle)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(cacheDir, 'strata-src-main.json'), 'utf8'));
    expect(Object.keys(manifest.inputs).sort()).toEqual(['src/main.ts', 'src/value.ts']);
    // A different size is noticed even if the mtime were the same.
    setValue(21);
    expect(load()).toBe('42');
    expect(readFileSync(bundle, 'utf8')).toContain('21');
  });

  it('loads the sources through tsx when bundling is turned off', () => {
    setValue(5);
    expect(load({ STRATA_NO_BUNDLE: '1' })).toBe('10');
  });
});
