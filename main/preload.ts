import { contextBridge, ipcRenderer } from 'electron';
import { API_METHOD_NAMES } from '../core/api/methods.js';

// Exposes exactly one object, `window.strata`: the StrataApi methods plus a folder picker.
// Nothing of Node or Electron reaches the page.
const api: Record<string, (request?: unknown) => Promise<unknown>> = {};
for (const method of API_METHOD_NAMES) api[method] = (request) => ipcRenderer.invoke('strata:call', method, request ?? {});
api.pickStudy = () => ipcRenderer.invoke('strata:pickStudy');

contextBridge.exposeInMainWorld('strata', api);
