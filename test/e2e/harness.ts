import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startWorkbenchServer } from '../../core/node/server.js';
import type { WorkbenchServer } from '../../core/node/server.js';
import { WorkbenchServices } from '../../core/node/services.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SCREENSHOT_DIR = join(ROOT, 'test/e2e/screenshots');

/** Debian's chromium (or STRATA_CHROMIUM); null when the machine has none: the e2e tests skip. */
export function findChromium(): string | null {
  const fromEnv = process.env.STRATA_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path && existsSync(path)) return path;
    } catch {
      // not on PATH
    }
  }
  return null;
}

/** The sample study (or STRATA_E2E_STUDY), or null when it has not been generated. */
export function findStudy(): string | null {
  const candidate = process.env.STRATA_E2E_STUDY ?? join(ROOT, 'samples/study');
  return existsSync(join(candidate, 'study.json')) ? candidate : null;
}

/**
 * A private copy of the study: the tests save projects into it, and the committed sample must
 * stay untouched.
 */
export function copyStudy(study: string): { dir: string; cleanup(): void } {
  const base = mkdtempSync(join(tmpdir(), 'strata-e2e-'));
  const dir = join(base, 'study');
  cpSync(study, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/**
 * Builds the renderer into a fresh folder with Vite (about a second), so the tests always run
 * what is in the working tree and never race another process writing out/renderer.
 */
export async function buildRenderer(): Promise<{ dir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-renderer-'));
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: join(ROOT, 'renderer'),
    base: './',
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true, chunkSizeWarningLimit: 4096, rollupOptions: { input: join(ROOT, 'renderer/index.html') } },
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL without a GPU: SwiftShader, Chromium's software renderer.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every console error and uncaught page error, in order. */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(executablePath: string, viewport = { width: 1400, height: 1000 }): Promise<BrowserSession> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'strata-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Shows a tab of the workbench (`#tab-<id>`) and waits until it is the selected one. */
export async function showTab(page: Page, id: string): Promise<void> {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#tab-${id}[aria-selected="true"]`);
}

/** Waits for the status line to say the report is ready (analyses take up to minutes under load). */
export function waitForReport(page: Page): Promise<unknown> {
  return page.waitForFunction(() => /Report ready/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 120_000 });
}

/** The overrides the next analysis is asked with (undefined: none sent), once `act` has run. */
export async function analysedWith(page: Page, act: () => Promise<unknown>): Promise<unknown> {
  const request = page.waitForRequest('**/api/analyzeStudy');
  await act();
  return JSON.parse((await request).postData() ?? '{}').overrides;
}

/** Why the e2e tests skip on this machine (no chromium, no sample study), or null. */
export function e2eSkipReason(): string | null {
  const reason = !findChromium() ? 'no chromium on this machine (apt-get install chromium)' : !findStudy() ? 'no sample study (npm run samples)' : null;
  if (reason) console.warn(`e2e tests skipped: ${reason}`);
  return reason;
}

export interface WorkbenchFixture {
  page: Page;
  browser: BrowserSession;
  /** The private copy of the sample study the backend was started on. */
  study: { dir: string };
}

/**
 * The workbench of a describe block: the sample study (or `study()`) copied, the renderer built, the backend
 * started on it (`mode`: what the services tell the page), Chromium opened on the page, after
 * `beforeLoad` (a preload's stand-in, say) is added to it; all closed after the block, and no
 * console or page error allowed after any test. Its fields are set once beforeAll has run.
 */
export function useWorkbench(options: { mode: 'browser' | 'electron'; beforeLoad?: (page: Page, studyDir: string) => Promise<unknown>; /** The study folder to copy (default: the sample study). */ study?: () => string }): WorkbenchFixture {
  const fixture = {} as WorkbenchFixture;
  let server: WorkbenchServer | undefined;
  let study: { dir: string; cleanup(): void } | undefined;
  let renderer: { dir: string; cleanup(): void } | undefined;
  beforeAll(async () => {
    study = copyStudy(options.study?.() ?? findStudy()!);
    fixture.study = study;
    renderer = await buildRenderer();
    server = await startWorkbenchServer({ api: new WorkbenchServices({ mode: options.mode, startupStudy: study.dir }), staticDir: renderer.dir });
    fixture.browser = await openBrowser(findChromium()!);
    fixture.page = fixture.browser.page;
    fixture.page.setDefaultTimeout(120_000);
    await options.beforeLoad?.(fixture.page, study.dir);
    await fixture.page.goto(server.url);
  }, 120_000);
  afterAll(async () => {
    await fixture.browser?.close();
    await server?.close();
    renderer?.cleanup();
    study?.cleanup();
  });
  afterEach(() => {
    expect(fixture.browser.errors, 'console or page errors').toEqual([]);
  });
  return fixture;
}
