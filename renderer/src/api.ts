import { API_METHOD_NAMES } from '../../core/api/methods.js';
import { isCancelledReply } from '../../core/api/contract.js';
import type { StrataApi } from '../../core/api/contract.js';
import { CancelledError } from './jobGroup.js';

/**
 * Electron's preload adds native dialogs and dropped-file paths; the browser mode has none of
 * them (a web page never learns where a dropped file lives).
 */
export type RendererApi = StrataApi & {
  pickStudy?: () => Promise<string | null>;
  pickProjectSave?: (defaultPath: string) => Promise<string | null>;
  /** Path of a dropped file or folder, granted for this session (Electron only). */
  grantDropped?: (file: File) => Promise<string | null>;
};

declare global {
  interface Window {
    strata?: RendererApi;
  }
}

/**
 * The StrataApi for this page: `window.strata` inside Electron, else an HTTP client for the
 * browser-mode backend, with the session token taken from the address's fragment.
 */
export function connectApi(): RendererApi {
  if (window.strata) return electronApi(window.strata);
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const api: Record<string, (request?: unknown) => Promise<unknown>> = {};
  for (const method of API_METHOD_NAMES) {
    api[method] = async (request) => {
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-strata-token': token },
        body: JSON.stringify(request ?? {}),
      });
      const body = (await res.json()) as { result?: unknown; error?: string; cancelled?: string };
      if (!res.ok) throw new Error(body.error ?? `${method} failed (${res.status})`);
      // A cancelled job's call comes back as a success that says so (server.ts: no console error for a Cancel).
      if (body.cancelled !== undefined) throw new CancelledError(body.cancelled);
      return body.result;
    };
  }
  return api as unknown as RendererApi;
}

/**
 * The preload's API with a cancelled call's answer (main's CancelledReply) thrown as the
 * CancelledError the browser client throws; the native extras (dialogs, drops) as they are.
 */
export function electronApi(preload: RendererApi): RendererApi {
  const api: Record<string, unknown> = { ...preload };
  const calls = preload as unknown as Record<string, (request?: unknown) => Promise<unknown>>;
  for (const method of API_METHOD_NAMES) {
    api[method] = async (request?: unknown) => {
      const answer = await calls[method](request);
      if (isCancelledReply(answer)) throw new CancelledError(answer.strataCancelled);
      return answer;
    };
  }
  return api as RendererApi;
}
