import type { WebPreferences } from 'electron';

/**
 * The window's security settings in one place, so a test can assert them on the built bundle:
 * the renderer gets no Node, runs sandboxed and isolated, and sees only `window.strata`.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Only the app's own pages may load; everything else (links, redirects) is refused. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'file:') return appOrigin === 'file://';
    return u.origin === appOrigin;
  } catch {
    return false;
  }
}

/** The path a project is saved to: the dialog may drop the double extension, so add it back. */
export function projectSavePath(path: string): string {
  if (/\.strata\.json$/i.test(path)) return path;
  return path.replace(/\.json$/i, '').replace(/\.strata$/i, '') + '.strata.json';
}

/** What a drop may open: a folder (a study), a study.json or a project file. */
export function isOpenablePath(path: string, isDirectory: boolean): boolean {
  return isDirectory || /(^|[\\/])study\.json$/i.test(path) || /\.strata\.json$/i.test(path) || /\.json$/i.test(path);
}
