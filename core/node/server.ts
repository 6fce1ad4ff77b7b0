import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { CallCancelled, validateRequest } from '../api/contract.js';
import type { StrataApi } from '../api/contract.js';
import { fileSystemErrorText, ManifestError, OutsideSessionError } from '../model/errors.js';

/**
 * The browser-mode backend: the renderer's static files plus the StrataApi as
 * `POST /api/<method>`. Listens on loopback only; every API call must carry the per-session
 * token (`x-strata-token`), and the Host header must name loopback (no DNS rebinding).
 */
export interface WorkbenchServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** The same policy the Electron window gets: only our own scripts, no remote content. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const MAX_BODY_BYTES = 1 << 20;

export async function startWorkbenchServer(opts: { api: StrataApi; staticDir: string; port?: number; host?: string }): Promise<WorkbenchServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) throw new Error(`refusing to listen on ${host}: the backend serves loopback only`);
  const token = randomBytes(24).toString('hex');
  const staticRoot = resolve(opts.staticDir);
  let port = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => sendJson(res, 500, { error: (err as Error).message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!new RegExp(`^(127\\.0\\.0\\.1|localhost|\\[::1\\]):${port}$`).test(hostHeader)) {
      return sendJson(res, 403, { error: 'forbidden host' });
    }
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url.pathname.slice(5));
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
    return serveStatic(res, url.pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const given = Buffer.from(String(req.headers['x-strata-token'] ?? ''));
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return sendJson(res, 401, { error: 'missing or wrong session token' });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch (err) {
      return sendJson(res, 400, { error: `bad request body: ${(err as Error).message}` });
    }
    let call;
    try {
      call = validateRequest(method, body);
    } catch (err) {
      return sendJson(res, 400, { error: requestErrorMessage(method, body, err) });
    }
    try {
      const fn = opts.api[call.method] as (r: unknown) => Promise<unknown>;
      sendJson(res, 200, { result: await fn.call(opts.api, call.request) });
    } catch (err) {
      // A cancelled job is answered, not failed: see CallCancelled.
      if (err instanceof CallCancelled) return sendJson(res, 200, { cancelled: err.message });
      sendJson(res, 422, { error: apiErrorMessage(err, call.method, call.request) });
    }
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const rel = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^([/\\])+/, '');
    const file = resolve(join(staticRoot, rel));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return sendJson(res, 404, { error: 'not found' });
    try {
      const data = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      res.end(data);
    } catch {
      sendJson(res, 404, { error: 'not found' });
    }
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolveListen());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}/#token=${token}`,
    token,
    port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** What a call that opens or saves a file needs, asked for when its path is empty. */
const PATH_WANTED: Partial<Record<string, string>> = {
  openStudy: 'Give the path of a study folder (or of its study.json)',
  openProject: 'Give the path of a project file (….strata.json)',
  saveProject: 'Give the path to save the project to (a ….strata.json inside the study’s folder)',
};

/**
 * The line the user reads for a request its schema refused: an empty path asked for in words;
 * anything else (the page sent what it should not: a bug, not the user's doing) names the
 * method and field as the schema does.
 */
export function requestErrorMessage(method: string, body: unknown, err: unknown): string {
  const path = (body as { path?: unknown } | null)?.path;
  const wanted = PATH_WANTED[method];
  if (wanted && (path === undefined || (typeof path === 'string' && path.trim() === ''))) return wanted;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The line the user reads for a call that failed: what is wrong and with which file, in a
 * scientist's words, not the code's (no errno codes, schema dumps or session internals). The
 * errors stay typed below this: only the wording that reaches the page is chosen here.
 */
export function apiErrorMessage(err: unknown, method: string, request: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.path === 'string') {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return `No file or folder at ${e.path}`;
    return fileSystemErrorText(err)!; // e.g. "<path>: permission denied"
  }
  if (err instanceof ManifestError) return manifestMessage(err, method);
  if (err instanceof OutsideSessionError) {
    const study = (request as { project?: { study?: unknown } } | null)?.project?.study;
    if (method === 'saveProject' && typeof study === 'string') {
      return `Projects are saved inside the study’s folder you opened (${study.endsWith('.json') ? dirname(study) : study}); ${err.path} is not in it`;
    }
    const roots = err.allowedRoots.length ? ` (${err.allowedRoots.join(', ')})` : '';
    return `${err.path} is outside the folder this workbench was started on${roots}: open a study inside it, or start \`strata serve\` on the other folder`;
  }
  return e instanceof Error ? e.message : String(err);
}

/** A manifest or project file that does not read as one, said as what it is not or its first mistake. */
function manifestMessage(err: ManifestError, method: string): string {
  // A project being saved was built by the page: what is wrong with it is the page's bug, said as found.
  if (method === 'saveProject') return err.message;
  const detail = err.message.slice(err.fileName.length + 2);
  const project = method === 'openProject';
  // No schema, or another one: some other JSON file (truth.json, say), not a mistake in a manifest.
  if (/^(\(top\)|schema|project): /.test(detail)) {
    return project
      ? `${err.fileName} is not a Strata project (a project is a ….strata.json file saved by the workbench)`
      : `${err.fileName} is not a Strata study (a study is a folder whose study.json says "schema": "strata.study/1" and lists the states and their files)`;
  }
  // The schema's own words ("Invalid input: …", every problem at once) say little: the first, and how many more.
  const issues = detail.split('; ');
  if (!/^[\w.]+: (Invalid|Too|Unrecognized)/.test(issues[0])) return err.message;
  const unshown = /^… and (\d+) more$/.exec(issues[issues.length - 1]); // the manifest reader lists the first ten
  const count = unshown ? issues.length - 2 + Number(unshown[1]) : issues.length - 1;
  const more = count > 0 ? ` (and ${count} more)` : '';
  return `${err.fileName} is not a valid ${project ? 'project' : 'study.json'}: ${issues[0].replace(/Invalid input: /g, '')}${more}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
