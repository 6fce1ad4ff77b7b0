import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { projectSchema } from '../../core/api/contract.js';
import { API_METHOD_NAMES } from '../../core/api/methods.js';
import { e2eSkipReason, useWorkbench } from './harness.js';

/**
 * The renderer's Electron-only paths, which the browser mode never takes: native dialogs for
 * Open… and Save project…, and a dropped file's path. Electron cannot start here, so the page
 * gets the `window.strata` a preload gives (each API method one call to main, here the HTTP
 * backend; pickStudy, pickProjectSave and grantDropped answering as main's dialogs and drop
 * grant would), and records what the page asked of them.
 */
const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null)('workbench with the Electron preload API', { timeout: 300_000 }, () => {
  // Before the page's own scripts, as a preload runs: window.strata, and what its dialogs answer.
  const workbench = useWorkbench({
    mode: 'electron',
    beforeLoad: (page, dir) =>
      page.addInitScript(
        ({ methods, studyDir }) => {
          const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
          const calls: unknown[][] = [];
          const answers = { pick: null as string | null, save: null as string | null };
          const api: Record<string, unknown> = {};
          for (const method of methods) {
            api[method] = async (request?: unknown) => {
              calls.push([method, request ?? {}]);
              const res = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-strata-token': token }, body: JSON.stringify(request ?? {}) });
              const body = (await res.json()) as { result?: unknown; error?: string };
              if (!res.ok) throw new Error(body.error ?? `${method} failed`);
              return body.result;
            };
          }
          api.pickStudy = async () => (calls.push(['pickStudy']), answers.pick);
          api.pickProjectSave = async (defaultPath: string) => (calls.push(['pickProjectSave', defaultPath]), answers.save);
          // Main grants a dropped folder, study.json or project; here the study's own manifest.
          api.grantDropped = async (file: File) => (calls.push(['grantDropped', file.name]), file.name === 'study.json' ? `${studyDir}/study.json` : null);
          Object.assign(window, { strata: api, fakePreload: { calls, answers } });
        },
        { methods: [...API_METHOD_NAMES], studyDir: dir },
      ),
  });
  let page: Page;
  let study: { dir: string };
  beforeAll(() => {
    ({ page, study } = workbench);
  });

  const calls = (): Promise<unknown[][]> => page.evaluate(() => (window as unknown as { fakePreload: { calls: unknown[][] } }).fakePreload.calls);
  const answer = (which: 'pick' | 'save', path: string | null): Promise<void> =>
    page.evaluate(([w, p]) => void ((window as unknown as { fakePreload: { answers: Record<string, string | null> } }).fakePreload.answers[w as string] = p), [which, path]);
  const message = async (pattern: RegExp): Promise<string> => {
    await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#message')?.textContent ?? ''), pattern.source);
    return (await page.textContent('#message')) ?? '';
  };

  it('opens the study given at start-up, in the electron mode', async () => {
    await page.waitForSelector('#study-matrix');
    expect(await page.textContent('header')).toMatch(/electron mode/);
  });

  it('Save project… asks the native dialog, with the study as the suggested place, and saves there', async () => {
    const path = join(study.dir, 'from-dialog.strata.json');
    await answer('save', path);
    await page.click('#save-project');
    expect(await message(/Saved project/)).toContain(path);
    expect((await calls()).filter((c) => c[0] === 'pickProjectSave')).toEqual([['pickProjectSave', expect.stringMatching(/\.strata\.json$/)]]);
    expect(existsSync(path)).toBe(true);
    expect(projectSchema.safeParse(JSON.parse(readFileSync(path, 'utf8'))).success).toBe(true);
    // A dialog closed without a choice saves nothing and says nothing.
    await answer('save', null);
    await page.click('#save-project');
    await page.waitForFunction(() => (window as unknown as { fakePreload: { calls: unknown[][] } }).fakePreload.calls.filter((c) => c[0] === 'pickProjectSave').length === 2);
    expect(await page.isVisible('#save-form')).toBe(false);
  });

  it('Open… asks the native dialog (no typed-path form) and opens the project chosen', async () => {
    await answer('pick', join(study.dir, 'from-dialog.strata.json'));
    await page.click('#open-button');
    expect(await message(/Opened project/)).toContain('from-dialog.strata.json');
    expect((await calls()).filter((c) => c[0] === 'pickStudy')).toHaveLength(1);
    expect((await calls()).filter((c) => c[0] === 'openProject')).toEqual([['openProject', { path: join(study.dir, 'from-dialog.strata.json') }]]);
    expect(await page.isVisible('#open-form')).toBe(false);
    await page.waitForSelector('#study-matrix');
  });

  it('a dropped study.json is opened by the path main grants; another file is refused by name', async () => {
    const drop = (name: string): Promise<void> =>
      page.evaluate((fileName) => {
        const dt = new DataTransfer();
        dt.items.add(new File(['{}'], fileName, { type: 'application/json' }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, name);
    await drop('notes.txt');
    expect(await message(/not a study folder/)).toMatch(/^notes\.txt: not a study folder, study\.json or project/);
    const manifest = `${study.dir}/study.json`;
    await drop('study.json');
    // The granted path is opened: the study behind the manifest, read afresh.
    await page.waitForFunction((path) => (window as unknown as { fakePreload: { calls: unknown[][] } }).fakePreload.calls.some((c) => c[0] === 'openStudy' && (c[1] as { path?: string }).path === path), manifest);
    await page.waitForSelector('#study-matrix');
    expect((await calls()).filter((c) => c[0] === 'grantDropped')).toEqual([
      ['grantDropped', 'notes.txt'],
      ['grantDropped', 'study.json'],
    ]);
    // The file refused opened nothing: the only study opened after the first drop is the manifest.
    const all = await calls();
    const afterFirstDrop = all.slice(all.findIndex((c) => c[0] === 'grantDropped'));
    expect(afterFirstDrop.filter((c) => c[0] === 'openStudy' || c[0] === 'openProject').map((c) => (c[1] as { path: string }).path)).toEqual([manifest]);
  });
});
