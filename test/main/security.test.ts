import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isCancelledReply } from '../../core/api/contract.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The Electron main process, run against a fake `electron` module that records what main asks
 * for: the window's web preferences, the navigation and new-window guards, the CSP header, the
 * permission handler and the IPC handlers (which must validate and refuse foreign senders).
 */
const fake = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; events: Map<string, (...a: unknown[]) => void>; openHandler?: (d: { url: string }) => { action: string }; loaded?: string }[],
  handlers: new Map<string, (...a: unknown[]) => Promise<unknown>>(),
  onHeaders: null as null | ((details: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
  onPermission: null as null | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
  openExternal: [] as string[],
  userData: '',
  /** What the save dialog answers, and the message boxes main shows (with the button to press). */
  savePath: null as string | null,
  messageBoxes: [] as string[],
  messageBoxResponse: 1,
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents;
    constructor(public options: Record<string, unknown>) {
      const record = { options, events: new Map<string, (...a: unknown[]) => void>(), openHandler: undefined as undefined | ((d: { url: string }) => { action: string }), loaded: undefined as string | undefined };
      fake.windows.push(record);
      this.webContents = {
        on: (event: string, fn: (...a: unknown[]) => void) => record.events.set(event, fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (record.openHandler = fn),
      };
      this.loadFile = async (f: string) => void (record.loaded = f);
      this.loadURL = async (u: string) => void (record.loaded = u);
    }
    loadFile: (f: string) => Promise<void>;
    loadURL: (u: string) => Promise<void>;
    static getAllWindows() {
      return fake.windows;
    }
  }
  const electron = {
    app: { isPackaged: false, whenReady: () => Promise.resolve(), on: () => undefined, quit: () => undefined, getPath: () => fake.userData },
    BrowserWindow,
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => (fake.savePath === null ? { canceled: true } : { canceled: false, filePath: fake.savePath }),
      showMessageBox: async (o: { message: string }) => (fake.messageBoxes.push(o.message), { response: fake.messageBoxResponse }),
    },
    ipcMain: { handle: (channel: string, fn: (...a: unknown[]) => Promise<unknown>) => fake.handlers.set(channel, fn) },
    session: { defaultSession: { webRequest: { onHeadersReceived: (fn: typeof fake.onHeaders) => (fake.onHeaders = fn) }, setPermissionRequestHandler: (fn: typeof fake.onPermission) => (fake.onPermission = fn) } },
    shell: { openExternal: async (url: string) => void fake.openExternal.push(url) },
  };
  return { ...electron, default: electron };
});

const appFrame = { senderFrame: { url: 'file:///opt/strata/out/renderer/index.html' } };
const foreignFrame = { senderFrame: { url: 'https://evil.example/' } };

describe('Electron main process security', () => {
  beforeAll(async () => {
    fake.userData = mkdtempSync(join(tmpdir(), 'strata-userdata-'));
    await import('../../main/index.js');
    await new Promise((r) => setTimeout(r, 20)); // let whenReady's callback run
  });

  it('opens one window that is isolated, sandboxed and without Node', () => {
    expect(fake.windows).toHaveLength(1);
    const prefs = fake.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/preload[\\/]preload\.cjs$/);
    expect(fake.windows[0].loaded).toMatch(/renderer[\\/]index\.html$/);
  });

  it('refuses navigation away from the app', () => {
    const nav = fake.windows[0].events.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    nav(away, 'https://evil.example/phish');
    expect(away.preventDefault).toHaveBeenCalled();
    const own = { preventDefault: vi.fn() };
    nav(own, 'file:///opt/strata/out/renderer/index.html');
    expect(own.preventDefault).not.toHaveBeenCalled();
  });

  it('denies every new window; https links go to the system browser only', () => {
    const handler = fake.windows[0].openHandler!;
    expect(handler({ url: 'https://example.org/paper' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.openExternal).toEqual(['https://example.org/paper']);
  });

  it('sets a strict Content-Security-Policy on every response and denies permissions', () => {
    let headers: Record<string, string[]> = {};
    fake.onHeaders!({ responseHeaders: { 'x-other': ['1'] } }, (r) => (headers = r.responseHeaders));
    const csp = headers['Content-Security-Policy'][0];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    let granted: boolean | null = null;
    fake.onPermission!(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('validates every IPC call against the schema and answers only the app page', async () => {
    const call = fake.handlers.get('strata:call')!;
    await expect(call(appFrame, 'rmrf', {})).rejects.toThrow(/unknown API method/);
    await expect(call(appFrame, 'openStudy', { path: 42 })).rejects.toThrow(/openStudy: path/);
    await expect(call(appFrame, 'openStudy', { path: '/x', extra: 1 })).rejects.toThrow(/openStudy/);
    await expect(call(foreignFrame, 'startup', {})).rejects.toThrow(/not the Strata page/);
    await expect(call(appFrame, 'openStudy', { path: '/etc' })).rejects.toThrow(/^\/etc is outside the folder this workbench was started on/);
    const ok = (await call(appFrame, 'startup', {})) as { mode: string };
    expect(ok.mode).toBe('electron');
  });

  it("answers a cancelled job's call with a CancelledReply, not an error (thrown, it was logged in main and reached the page as one)", async () => {
    const call = fake.handlers.get('strata:call')!;
    const study = resolve(__dirname, '../../samples/study');
    expect(await fake.handlers.get('strata:grantDropped')!(appFrame, study)).toBe(study);
    expect(await call(appFrame, 'cancelJob', { jobId: 'early-ipc' })).toEqual({ cancelled: true });
    const answer = await call(appFrame, 'getVolume', { path: study, state: 'charged', ion: 'Li-', maxSize: 64, maxVoxels: 64 * 64 * 64, jobId: 'early-ipc' });
    expect(answer).toEqual({ strataCancelled: 'Li- volume of charged: cancelled' });
    expect(isCancelledReply(answer)).toBe(true);
    // Errors are errors still.
    await expect(call(appFrame, 'getVolume', { path: study, state: 'nowhere', ion: 'Li-', maxSize: 64, maxVoxels: 4096 })).rejects.toThrow(/nowhere/);
  });

  it('grants a dropped path only when it exists and is a folder, a study.json or a project', async () => {
    const grant = fake.handlers.get('strata:grantDropped')!;
    expect(await grant(appFrame, '/no/such/folder')).toBeNull();
    const file = join(fake.userData, 'notes.txt');
    writeFileSync(file, 'x');
    expect(await grant(appFrame, file)).toBeNull();
    expect(await grant(appFrame, 42)).toBeNull();
    await expect(grant(foreignFrame, fake.userData)).rejects.toThrow(/not the Strata page/);
    expect(await grant(appFrame, fake.userData)).toBe(fake.userData);
  });

  it("asks before replacing a project whose name the save dialog did not confirm (the extension added after it)", async () => {
    const pick = fake.handlers.get('strata:pickProjectSave')!;
    const dir = mkdtempSync(join(fake.userData, 'save-'));
    const existing = join(dir, 'cell.strata.json');
    writeFileSync(existing, '{}');
    const ask = async (typed: string, response: number): Promise<{ path: unknown; asked: string[] }> => {
      fake.savePath = typed;
      fake.messageBoxes = [];
      fake.messageBoxResponse = response;
      const path = await pick(appFrame, join(dir, 'suggested.strata.json'));
      return { path, asked: fake.messageBoxes };
    };
    // Typed without the extension: the dialog asked about "cell", which does not exist.
    expect(await ask(join(dir, 'cell'), 1)).toEqual({ path: null, asked: ['cell.strata.json already exists. Replace it?'] });
    expect(await ask(join(dir, 'cell'), 0)).toEqual({ path: existing, asked: ['cell.strata.json already exists. Replace it?'] });
    expect(await ask(join(dir, 'cell.json'), 1)).toEqual({ path: null, asked: ['cell.strata.json already exists. Replace it?'] });
    // The full name typed: the dialog's own confirmation covered it; a new name needs none.
    expect(await ask(existing, 1)).toEqual({ path: existing, asked: [] });
    expect(await ask(join(dir, 'other'), 1)).toEqual({ path: join(dir, 'other.strata.json'), asked: [] });
    expect(readFileSync(existing, 'utf8')).toBe('{}');
    fake.savePath = null;
  });

  it('the sandboxed preload exposes only window.strata, never ipcRenderer', () => {
    const preload = readFileSync(join(__dirname, '../../main/preload.ts'), 'utf8');
    const exposed = [...preload.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1]);
    expect(exposed).toEqual(['strata']);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });
});
