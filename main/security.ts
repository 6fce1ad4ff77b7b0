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
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
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
