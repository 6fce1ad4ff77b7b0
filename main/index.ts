import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CallCancelled, cancelledReply, validateRequest } from '../core/api/contract.js';
import { WorkbenchServices } from '../core/node/services.js';
import { apiErrorMessage, CONTENT_SECURITY_POLICY, requestErrorMessage } from '../core/node/server.js';
import { isAppUrl, isOpenablePath, projectSavePath, secureWebPreferences } from './security.js';

/**
 * Electron main process: one window on the renderer, the StrataApi served over IPC from the
 * same services the browser-mode backend uses. Every IPC message is schema-validated and must
 * come from the app's own page; paths reach the services only from the user's own choice
 * (a dialog, or a file dropped on the window).
 */
const studyArg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-')) ?? null;
let services: WorkbenchServices;
let appOrigin = 'file://';

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Strata',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/preload.cjs')),
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  appOrigin = devUrl ? new URL(devUrl).origin : 'file://';
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

/** IPC is answered only for the app's own page (not for a frame that navigated elsewhere). */
function trusted(event: IpcMainInvokeEvent): void {
  const url = event.senderFrame?.url ?? '';
  if (!isAppUrl(url, appOrigin)) throw new Error('IPC refused: not the Strata page');
}

app.whenReady().then(() => {
  services = new WorkbenchServices({ mode: 'electron', startupStudy: studyArg ? resolve(studyArg) : null, stateDir: app.getPath('userData') });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle('strata:call', async (event, method: unknown, body: unknown) => {
    trusted(event);
    // The same words as the browser mode's backend (server.ts), not errno codes or schema dumps.
    let call: ReturnType<typeof validateRequest>;
    try {
      call = validateRequest(String(method), body);
    } catch (err) {
      throw new Error(requestErrorMessage(String(method), body, err));
    }
    const fn = services[call.method] as (r: unknown) => Promise<unknown>;
    try {
      return await fn.call(services, call.request);
    } catch (err) {
      // A cancelled job is answered, not failed (see CallCancelled).
      if (err instanceof CallCancelled) return cancelledReply(err);
      throw new Error(apiErrorMessage(err, call.method, call.request));
    }
  });
  // Paths only ever come from the user's own choice in a dialog.
  ipcMain.handle('strata:pickStudy', async (event) => {
    trusted(event);
    const result = await dialog.showOpenDialog({ properties: ['openDirectory', 'openFile'], filters: [{ name: 'Study or project', extensions: ['json'] }] });
    if (result.canceled || result.filePaths.length === 0) return null;
    services.allow(result.filePaths[0]);
    return result.filePaths[0];
  });
  ipcMain.handle('strata:pickProjectSave', async (event, defaultPath: unknown) => {
    trusted(event);
    const suggested = typeof defaultPath === 'string' && defaultPath.length <= 4096 ? defaultPath : undefined;
    // The dialog asks before replacing a file (Linux's only where told to): the page then saves with `replace`.
    const result = await dialog.showSaveDialog({ defaultPath: suggested, filters: [{ name: 'Strata project', extensions: ['strata.json'] }], properties: ['showOverwriteConfirmation'] });
    if (result.canceled || !result.filePath) return null;
    const path = projectSavePath(result.filePath);
    // The dialog asked about the name as typed; where the extension was added here, a project
    // of the full name would be replaced with no question asked: ask it now.
    if (path !== result.filePath && existsSync(path)) {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Replace', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: `${basename(path)} already exists. Replace it?`,
        detail: `A Strata project is saved with the extension .strata.json: ${path}`,
      });
      if (response !== 0) return null;
    }
    services.allow(path);
    return path;
  });
  // A dropped file: the preload turns the DOM File into its path (a page cannot forge one).
  ipcMain.handle('strata:grantDropped', async (event, path: unknown) => {
    trusted(event);
    if (typeof path !== 'string' || path.length === 0 || path.length > 4096) return null;
    const isDir = (() => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return null;
      }
    })();
    if (isDir === null || !isOpenablePath(path, isDir)) return null;
    services.allow(path);
    return path;
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
