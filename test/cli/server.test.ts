import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkbenchServer } from '../../core/node/server.js';
import type { WorkbenchServer } from '../../core/node/server.js';
import { WorkbenchServices } from '../../core/node/services.js';

/** Raw HTTP so the test can send any Host header. */
function call(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser-mode backend', () => {
  let server: WorkbenchServer;
  const staticDir = mkdtempSync(join(tmpdir(), 'strata-static-'));
  const studyDir = mkdtempSync(join(tmpdir(), 'strata-study-'));
  beforeAll(async () => {
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
    mkdirSync(join(studyDir, 'pristine'));
    server = await startWorkbenchServer({ api: new WorkbenchServices({ mode: 'browser', startupStudy: studyDir }), staticDir });
  });
  afterAll(() => server.close());

  it('listens on loopback and prints a URL with the session token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[0-9a-f]{48}$`));
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(startWorkbenchServer({ api: new WorkbenchServices({ mode: 'browser', startupStudy: null }), staticDir, host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('serves the app with a strict CSP', async () => {
    const r = await call(server.port, '/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('rejects API calls without the token, with a wrong token, or from a foreign Host', async () => {
    expect((await call(server.port, '/api/startup', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call(server.port, '/api/startup', { method: 'POST', body: '{}', headers: { 'x-strata-token': 'f'.repeat(48) } })).status).toBe(401);
    expect((await call(server.port, '/api/startup', { method: 'POST', body: '{}', headers: { 'x-strata-token': server.token, host: 'evil.example:80' } })).status).toBe(403);
  });

  it('answers valid calls and validates requests against the schema', async () => {
    const ok = await call(server.port, '/api/startup', { method: 'POST', body: '{}', headers: { 'x-strata-token': server.token } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result.studyPath).toBe(studyDir);
    const bad = await call(server.port, '/api/openStudy', { method: 'POST', body: '{"path": 42}', headers: { 'x-strata-token': server.token } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/openStudy: path/);
    const unknown = await call(server.port, '/api/rmrf', { method: 'POST', body: '{}', headers: { 'x-strata-token': server.token } });
    expect(unknown.status).toBe(400);
  });

  const api = async (method: string, request: unknown) => {
    const r = await call(server.port, `/api/${method}`, { method: 'POST', body: JSON.stringify(request), headers: { 'x-strata-token': server.token } });
    return { status: r.status, error: JSON.parse(r.body).error as string };
  };

  it('gives access only to the study it was started with, and says which folder that is', async () => {
    expect(await api('openStudy', { path: '/etc' })).toEqual({ status: 422, error: `/etc is outside the folder this workbench was started on (${studyDir}): open a study inside it, or start \`strata serve\` on the other folder` });
  });

  it('says what is wrong with a path in words, not errno codes, schema dumps or session internals', async () => {
    expect(await api('openStudy', { path: join(studyDir, 'nope') })).toEqual({ status: 422, error: `No file or folder at ${join(studyDir, 'nope')}` });
    expect(await api('openStudy', { path: '' })).toEqual({ status: 400, error: 'Give the path of a study folder (or of its study.json)' });
    // Another JSON file (the sample study's truth.json, say) is no study: said so, not its schema's complaints.
    writeFileSync(join(studyDir, 'truth.json'), JSON.stringify({ states: { pristine: {} } }));
    expect(await api('openStudy', { path: join(studyDir, 'truth.json') })).toEqual({
      status: 422,
      error: `${join(studyDir, 'truth.json')} is not a Strata study (a study is a folder whose study.json says "schema": "strata.study/1" and lists the states and their files)`,
    });
    // A manifest with mistakes: the first, without the schema's boilerplate, and how many more.
    writeFileSync(join(studyDir, 'bad.json'), JSON.stringify({ schema: 'strata.study/1', name: 'x', stack: 'anode-free-ss-lfp', states: [{ state: 'a', files: {} }, { state: 'b', files: 3 }] }));
    expect((await api('openStudy', { path: join(studyDir, 'bad.json') })).error).toBe(`${join(studyDir, 'bad.json')} is not a valid study.json: states.0.files: expected array, received object (and 1 more)`);
    const project = { schema: 'strata.project/1', study: studyDir };
    expect(await api('saveProject', { path: '/tmp/x.strata.json', project })).toEqual({ status: 422, error: `Projects are saved inside the study’s folder you opened (${studyDir}); /tmp/x.strata.json is not in it` });
  });

  it('does not serve files outside its folder', async () => {
    const r = await call(server.port, '/../../etc/passwd');
    expect(r.status).toBe(404);
  });
});

describe('strata serve', () => {
  it('says a broken study, or a port not written in decimal, before serving anything', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'strata-badstudy-'));
    writeFileSync(join(dir, 'study.json'), '{"schema": ');
    const broken = await runCli(['serve', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim()).toMatch(/study\.json: not valid JSON/);
    for (const port of ['0x50', '', '70000']) expect((await runCli(['serve', '--port', port])).code, port).toBe(2);
  });
});
