// A fake of the parts of `electron` the main process uses. It records what main asks for, and
// once the app is ready drives a short session through main's own IPC handlers, as the page
// would; then it writes what it saw as JSON to $STRATA_FAKE_ELECTRON_REPORT and exits.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const windows = [];
const handlers = new Map();
let onHeaders = null;
let onPermission = null;
const openedExternally = [];

export class BrowserWindow {
  constructor(options) {
    const record = { options, events: new Map(), openHandler: null, loaded: null };
    windows.push(record);
    this.webContents = {
      on: (event, fn) => record.events.set(event, fn),
      setWindowOpenHandler: (fn) => (record.openHandler = fn),
    };
    this.loadFile = async (path) => void (record.loaded = { kind: 'file', path });
    this.loadURL = async (url) => void (record.loaded = { kind: 'url', url });
  }
  static getAllWindows() {
    return windows;
  }
}

export const app = {
  isPackaged: false,
  whenReady() {
    setTimeout(() => void drive().catch(fail), 10);
    return Promise.resolve();
  },
  on: () => undefined,
  quit: () => undefined,
  getPath: () => process.env.STRATA_FAKE_ELECTRON_USERDATA,
};
export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
};
export const ipcMain = { handle: (channel, fn) => handlers.set(channel, fn) };
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: (fn) => (onHeaders = fn) },
    setPermissionRequestHandler: (fn) => (onPermission = fn),
  },
};
export const shell = { openExternal: async (url) => void openedExternally.push(url) };
export default { app, BrowserWindow, dialog, ipcMain, session, shell };

/** What a call answered: its value, or its error's message. */
async function outcome(promise) {
  try {
    return { value: await promise };
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
}

async function drive() {
  const win = windows[0];
  const prefs = win.options.webPreferences;
  const pageUrl = win.loaded.kind === 'file' ? new URL(`file://${win.loaded.path}`).href : win.loaded.url;
  const page = { senderFrame: { url: pageUrl } };
  const foreign = { senderFrame: { url: 'https://evil.example/' } };
  const call = (event, method, body) => outcome(handlers.get('strata:call')(event, method, body));
  const study = process.env.STRATA_FAKE_ELECTRON_STUDY;

  let headers = null;
  onHeaders({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
  let granted = null;
  onPermission(null, 'media', (g) => (granted = g));
  const prevented = (url) => {
    let was = false;
    win.events.get('will-navigate')({ preventDefault: () => (was = true) }, url);
    return was;
  };

  const startup = await call(page, 'startup', {});
  const opened = await call(page, 'openStudy', { path: study });
  const analysed = await call(page, 'analyzeStudy', { path: study });
  // Figures load the bundled font and render PNG and PDF with native and bundled packages.
  const png = await call(page, 'exportFigure', { path: study, figure: 'fig4', format: 'png', widthMm: 85, dpi: 150 });
  const pdf = await call(page, 'exportFigure', { path: study, figure: 'li-bars', format: 'pdf', widthMm: 85, dpi: 300 });
  const exported = (r) => (r.value ? { fileName: r.value.fileName, mimeType: r.value.mimeType, head: Buffer.from(r.value.base64, 'base64').subarray(0, 8).toString('latin1'), widthPx: r.value.widthPx } : r);
  const report = {
    windows: windows.length,
    preload: { path: prefs.preload, exists: existsSync(prefs.preload) },
    webPreferences: { ...prefs, preload: undefined },
    loaded: win.loaded.kind === 'file' ? { kind: 'file', exists: existsSync(win.loaded.path), path: win.loaded.path } : win.loaded,
    handlers: [...handlers.keys()].sort(),
    csp: headers?.['Content-Security-Policy']?.[0] ?? null,
    permissionGranted: granted,
    navigation: { away: prevented('https://evil.example/'), own: prevented(pageUrl) },
    newWindow: win.openHandler({ url: 'https://example.org/paper' }),
    openedExternally,
    startup: startup.value ?? startup,
    openStudy: opened.value ? { states: opened.value.states.map((s) => ({ state: s.state, errors: s.files.filter((f) => f.error).map((f) => f.error) })) } : opened,
    analyzeStudy: analysed.value ? { states: analysed.value.states.map((s) => s.state), liChanges: analysed.value.comparison.li.length } : analysed,
    png: exported(png),
    pdf: exported(pdf),
    foreignPage: await call(foreign, 'startup', {}),
    unknownMethod: await call(page, 'rmrf', {}),
    notGranted: await call(page, 'openStudy', { path: fileURLToPath(new URL('.', import.meta.url)) }),
  };
  writeFileSync(process.env.STRATA_FAKE_ELECTRON_REPORT, JSON.stringify(report, null, 2));
  process.exit(0);
}

function fail(err) {
  writeFileSync(process.env.STRATA_FAKE_ELECTRON_REPORT, JSON.stringify({ driverError: String(err?.stack ?? err) }));
  process.exit(1);
}
