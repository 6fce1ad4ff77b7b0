import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { join, resolve } from 'node:path';
import { validateRequest } from '../core/api/contract.js';
import { WorkbenchServices } from '../core/node/services.js';
import { CONTENT_SECURITY_POLICY } from '../core/node/server.js';
import { isAppUrl, secureWebPreferences } from './security.js';

/**
 * Electron main process: one window on the renderer, the StrataApi served over IPC from the
 * same services the browser-mode backend uses. Every IPC message is schema-validated.
 */
const studyArg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-')) ?? null;
const services = new WorkbenchServices({ mode: 'electron', startupStudy: studyArg ? resolve(studyArg) : null });

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Strata',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/preload.cjs')),
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const appOrigin = devUrl ? new URL(devUrl).origin : 'file://';
  // No navigation away from the app and no new windows; external links go to the browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
}

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle('strata:call', async (_event, method: unknown, body: unknown) => {
    const call = validateRequest(String(method), body);
    const fn = services[call.method] as (r: unknown) => Promise<unknown>;
    return fn.call(services, call.request);
  });
  // Paths only ever come from the user's own choice in a dialog.
  ipcMain.handle('strata:pickStudy', async () => {
    const result = await dialog.showOpenDialog({ properties: ['openDirectory', 'openFile'], filters: [{ name: 'Study', extensions: ['json'] }] });
    if (result.canceled || result.filePaths.length === 0) return null;
    services.allow(result.filePaths[0]);
    return result.filePaths[0];
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
