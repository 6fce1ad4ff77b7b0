import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { API_METHOD_NAMES } from '../core/api/methods.js';

// Exposes exactly one object, `window.strata`: the StrataApi methods plus native dialogs and
// the path of a dropped file. Nothing of Node or Electron (not ipcRenderer) reaches the page.
const api: Record<string, (...args: never[]) => Promise<unknown>> = {};
for (const method of API_METHOD_NAMES) api[method] = (request?: unknown) => ipcRenderer.invoke('strata:call', method, request ?? {});
api.pickStudy = () => ipcRenderer.invoke('strata:pickStudy');
api.pickProjectSave = (defaultPath: string) => ipcRenderer.invoke('strata:pickProjectSave', String(defaultPath));
// Only a real File from a drop has a path; a File the page made itself gives ''.
api.grantDropped = (file: File) => {
  const path = webUtils.getPathForFile(file);
  return path ? ipcRenderer.invoke('strata:grantDropped', path) : Promise.resolve(null);
};

contextBridge.exposeInMainWorld('strata', api);
