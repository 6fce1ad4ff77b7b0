import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
  writeFileSync(
    join(root, 'src', 'main.ts'),
    "import { value } from './value.js';\nexport const answer: number = value * 2;\nexport const later = (): Promise<{ heavy: string }> => import('./heavy.js');\n",
  );
  writeFileSync(join(root, 'src', 'heavy.ts'), "export const heavy: string = 'loaded-later-' + String(40 + 2);\n");
  const setValue = (v: number): void => writeFileSync(join(root, 'src', 'value.ts'), `export const value: number = ${v};\n`);
  const manifestPath = join(cacheDir, 'strata-src-main.json');
  const manifest = (): { bundle: string; outputs: string[]; inputs: Record<string, unknown> } => JSON.parse(readFileSync(manifestPath, 'utf8'));

  const load = (env: Record<string, string> = {}, then = 'console.log(mod.answer)'): string => {
    const loader = pathToFileURL(join(PROJECT_ROOT, 'bin', 'loadEntry.js')).href;
    const script = `import(${JSON.stringify(loader)}).then((m) => m.loadEntry('src/main.ts', { root: ${JSON.stringify(root)}, cacheDir: ${JSON.stringify(cacheDir)} })).then(async (mod) => { ${then} })`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it('bundles the entry once and rebuilds it when an imported source changes', () => {
    setValue(1);
    expect(load()).toBe('2');
    const first = manifest();
    expect(existsSync(join(cacheDir, first.bundle))).toBe(true);
    const sources = Object.keys(first.inputs).filter((f) => f.startsWith('src/'));
    expect(sources.sort()).toEqual(['src/heavy.ts', 'src/main.ts', 'src/value.ts']);
    // The loader itself is an input: a change to how bundles are made makes them again.
    expect(Object.keys(first.inputs).some((f) => f.endsWith('loadEntry.js'))).toBe(true);
    // A different size is noticed even if the mtime were the same.
    setValue(21);
    expect(load()).toBe('42');
    const second = manifest();
    expect(second.bundle).not.toBe(first.bundle);
    expect(readFileSync(join(cacheDir, second.bundle), 'utf8')).toContain('21');
    // The earlier build's files stay for a process still running from it.
    expect(existsSync(join(cacheDir, first.bundle))).toBe(true);
  });

  it('puts a module loaded with import() in a chunk of its own, loaded only when asked for', () => {
    setValue(3);
    expect(load({}, 'console.log(mod.answer, (await mod.later()).heavy)')).toBe('6 loaded-later-42');
    const { bundle, outputs } = manifest();
    expect(outputs).toContain(bundle);
    expect(outputs.length).toBeGreaterThan(1);
    expect(readFileSync(join(cacheDir, bundle), 'utf8')).not.toContain('loaded-later-');
    const chunks = outputs.filter((f) => f !== bundle && readFileSync(join(cacheDir, f), 'utf8').includes('loaded-later-'));
    expect(chunks).toHaveLength(1);
  });

  it('deletes old files of earlier builds that no manifest names, and keeps those one does', () => {
    setValue(4);
    expect(load()).toBe('8');
    const dayAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    const stale = join(cacheDir, 'strata-src-main-OLDBUILD.mjs');
    const leftTmp = join(cacheDir, 'strata-chunk-ABC.mjs.123.tmp');
    const recent = join(cacheDir, 'strata-src-main-RECENT.mjs');
    for (const f of [stale, leftTmp, recent]) writeFileSync(f, '// an earlier build\n');
    utimesSync(stale, dayAgo, dayAgo);
    utimesSync(leftTmp, dayAgo, dayAgo);
    // This build's files written two days ago (an install used unchanged since).
    const replaced = manifest();
    for (const f of replaced.outputs) utimesSync(join(cacheDir, f), dayAgo, dayAgo);
    // A rebuild prunes.
    setValue(5);
    expect(load()).toBe('10');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(leftTmp)).toBe(false);
    // Young files stay (a build running beside this one may be about to name them).
    expect(existsSync(recent)).toBe(true);
    for (const f of manifest().outputs) expect(existsSync(join(cacheDir, f))).toBe(true);
    // The build just replaced keeps its files, old as they are: a process started from it (a
    // `strata serve`) may still load a chunk of it. Its manifest is kept as retired.
    for (const f of replaced.outputs) expect(existsSync(join(cacheDir, f)), f).toBe(true);
    const retired = readdirSync(cacheDir).filter((f) => /^strata-src-main\.retired-\d+\.json$/.test(f));
    expect(retired.length).toBeGreaterThan(0);
    // Retired more than a day ago: at the next rebuild its files and its manifest go.
    for (const f of retired) renameSync(join(cacheDir, f), join(cacheDir, f.replace(/\d+(?=\.json$)/, String(dayAgo.getTime()))));
    setValue(7);
    expect(load()).toBe('14');
    expect(existsSync(join(cacheDir, replaced.bundle))).toBe(false);
    expect(readdirSync(cacheDir).filter((f) => f.includes(`.retired-${dayAgo.getTime()}`))).toEqual([]);
    for (const f of manifest().outputs) expect(existsSync(join(cacheDir, f))).toBe(true);
  });

  it('builds once per thread without clashing when worker threads of one process load a changed entry at once (a batch)', () => {
    setValue(6);
    const loader = pathToFileURL(join(PROJECT_ROOT, 'bin', 'loadEntry.js')).href;
    // Each thread builds (the source just changed) and says whether the bundle was used.
    const inThread = `import(${JSON.stringify(loader)}).then((m) => m.loadEntry('src/main.ts', { root: ${JSON.stringify(root)}, cacheDir: ${JSON.stringify(cacheDir)} })).then((mod) => require('node:worker_threads').parentPort.postMessage(mod.answer))`;
    const script = `const { Worker } = require('node:worker_threads');
      Promise.all(Array.from({ length: 4 }, () => new Promise((ok, fail) => { const w = new Worker(${JSON.stringify(inThread)}, { eval: true }); w.on('message', ok); w.on('error', fail); })))
        .then((answers) => console.log(answers.join(',')));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, STRATA_DEBUG_BUNDLE: '1' } });
    // STRATA_DEBUG_BUNDLE says so on stderr where a thread fell back to tsx.
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('12,12,12,12');
    expect(readFileSync(join(cacheDir, manifest().bundle), 'utf8')).toContain('6');
  });

  it('bundles packages (a CommonJS one that requires a Node module too) as sources, but leaves those that read files of their own as imports', () => {
    const pkg = (name: string, files: Record<string, string>): void => {
      mkdirSync(join(root, 'node_modules', name), { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(root, 'node_modules', name, file), text);
    };
    const joiner = (sep: string): void => pkg('cjs-joiner', { 'package.json': '{ "name": "cjs-joiner", "main": "index.js" }\n', 'index.js': `const path = require('node:path');\nexports.joined = ['a', 'b'].join(${JSON.stringify(sep)}) + path.sep.length;\n` });
    joiner('+');
    // pdfkit reads its font metrics from beside its code: a stand-in that says where it was loaded from.
    pkg('pdfkit', { 'package.json': '{ "name": "pdfkit", "type": "module", "exports": "./index.js" }\n', 'index.js': 'export const from = import.meta.url.includes("/node_modules/pdfkit/") ? "its folder" : "elsewhere";\n' });
    writeFileSync(join(root, 'src', 'packages.ts'), "import { joined } from 'cjs-joiner';\nimport { from } from 'pdfkit';\nexport const said: string = `${joined} ${from}`;\n");
    const loadPackages = (): string => {
      const loader = pathToFileURL(join(PROJECT_ROOT, 'bin', 'loadEntry.js')).href;
      const script = `import(${JSON.stringify(loader)}).then((m) => m.loadEntry('src/packages.ts', { root: ${JSON.stringify(root)}, cacheDir: ${JSON.stringify(cacheDir)} })).then((mod) => console.log(mod.said))`;
      // As an ES module: a script given to -e has a global `require`, which would hide a bundle that needs one.
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, STRATA_DEBUG_BUNDLE: '1' } });
      expect(r.stderr).toBe('');
      return r.stdout.trim();
    };
    expect(loadPackages()).toBe('a+b1 its folder');
    const built = JSON.parse(readFileSync(join(cacheDir, 'strata-src-packages.json'), 'utf8')) as { bundle: string; inputs: Record<string, unknown> };
    expect(Object.keys(built.inputs)).toContain('node_modules/cjs-joiner/index.js');
    expect(Object.keys(built.inputs).some((f) => f.includes('pdfkit'))).toBe(false);
    const bundle = readFileSync(join(cacheDir, built.bundle), 'utf8');
    expect(bundle).not.toMatch(/from ["']cjs-joiner["']/);
    expect(bundle).toMatch(/from ["']pdfkit["']/);
    // A package's file is a source like ours: changed (an npm ci), the bundle is made again.
    joiner('-');
    expect(loadPackages()).toBe('a-b1 its folder');
  });

  it('loads the sources through tsx when bundling is turned off', () => {
    setValue(5);
    expect(load({ STRATA_NO_BUNDLE: '1' })).toBe('10');
  });
});
