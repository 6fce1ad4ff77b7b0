import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHOD_NAMES } from '../../core/api/methods.js';

/**
 * The desktop shell as `npm run build` makes it, run without Electron (which cannot start on the
 * test machines): the main bundle under Node with a fake `electron` (fakeElectron/) that drives
 * a short session through main's own IPC handlers, and the preload in a sandbox that, as
 * Electron's sandboxed preloads, can require `electron` alone. The source is tested with a fake
 * too (security.test.ts); this catches what only the bundles can get wrong: the main bundle once
 * failed to load at all (a second `require` declared in it), and files it names may be missing.
 */
const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

describe('the Electron shell as built', () => {
  // Inside the project: the main bundle finds the worker threads' bin/ two levels up.
  const out = join(ROOT, `.test-build-${process.pid}`);
  const userData = mkdtempSync(join(tmpdir(), 'strata-userdata-'));
  const study = join(ROOT, 'samples/study');

  beforeAll(async () => {
    process.env.STRATA_BUILD_OUT = basename(out);
    try {
      const { build } = await import('electron-vite');
      await build({ configFile: join(ROOT, 'electron.vite.config.ts'), logLevel: 'warn' });
    } finally {
      delete process.env.STRATA_BUILD_OUT;
    }
  }, 120_000);

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  });

  it('the main bundle loads, opens one secure window on the built page, and answers the page over IPC', async () => {
    const report = join(userData, 'report.json');
    await run(process.execPath, ['--import', join(__dirname, 'fakeElectron/register.mjs'), join(out, 'main/index.js'), study], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, STRATA_FAKE_ELECTRON_REPORT: report, STRATA_FAKE_ELECTRON_USERDATA: userData, STRATA_FAKE_ELECTRON_STUDY: study },
    });
    const r = JSON.parse(readFileSync(report, 'utf8'));
    expect(r.driverError).toBeUndefined();
    expect(r.windows).toBe(1);
    // The files the window is given exist where the bundle looks for them.
    expect(r.preload).toEqual({ path: join(out, 'preload/preload.cjs'), exists: true });
    expect(r.loaded).toEqual({ kind: 'file', path: join(out, 'renderer/index.html'), exists: true });
    expect(r.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(r.handlers).toEqual(['strata:call', 'strata:grantDropped', 'strata:pickProjectSave', 'strata:pickStudy']);
    expect(r.csp).toContain("script-src 'self';");
    expect(r.permissionGranted).toBe(false);
    expect(r.navigation).toEqual({ away: true, own: false });
    expect(r.newWindow).toEqual({ action: 'deny' });
    expect(r.openedExternally).toEqual(['https://example.org/paper']);
    // The study on the command line, opened and analysed (on the bundle's worker threads).
    expect(r.startup).toMatchObject({ mode: 'electron', studyPath: study });
    expect(r.openStudy.states).toEqual(['pristine', 'charged', 'discharged'].map((state) => ({ state, errors: [] })));
    expect(r.analyzeStudy.states).toEqual(['pristine', 'charged', 'discharged']);
    expect(r.analyzeStudy.liChanges).toBeGreaterThan(0);
    // Figures: the bundled font, PNG and PDF.
    expect(r.png).toMatchObject({ fileName: 'fig4.png', mimeType: 'image/png', head: '\x89PNG\r\n\x1a\n', widthPx: 502 });
    expect(r.pdf).toMatchObject({ fileName: 'li-bars.pdf', mimeType: 'application/pdf' });
    expect(r.pdf.head).toMatch(/^%PDF-/);
    // Refused: another page, an unknown method, a folder the user did not open.
    expect(r.foreignPage.error).toMatch(/not the Strata page/);
    expect(r.unknownMethod.error).toMatch(/unknown API method 'rmrf'/);
    expect(r.notGranted.error).toMatch(/is outside the folder this workbench was started on/);
  }, 90_000);

  it('the preload requires nothing but electron and exposes window.strata alone, each method one IPC call', async () => {
    const exposed = new Map<string, Record<string, (...a: unknown[]) => Promise<unknown>>>();
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: Record<string, (...a: unknown[]) => Promise<unknown>>) => exposed.set(name, api) },
      ipcRenderer: { invoke: async (...args: unknown[]) => void invoked.push(args) },
      webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
    };
    const required: string[] = [];
    // What a sandboxed preload's `require` gives: here, electron only (a bundled package would fail).
    const sandboxRequire = (id: string): unknown => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require '${id}'`);
    };
    const code = readFileSync(join(out, 'preload/preload.cjs'), 'utf8');
    const module = { exports: {} };
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports });
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['strata']);
    const api = exposed.get('strata')!;
    expect(Object.keys(api).sort()).toEqual([...API_METHOD_NAMES, 'grantDropped', 'pickProjectSave', 'pickStudy'].sort());
    await api.startup();
    await api.openStudy({ path: '/a/study' });
    await api.grantDropped({ path: '/a/study' });
    await api.grantDropped({});
    expect(invoked).toEqual([
      ['strata:call', 'startup', {}],
      ['strata:call', 'openStudy', { path: '/a/study' }],
      ['strata:grantDropped', '/a/study'],
    ]);
  });
});
