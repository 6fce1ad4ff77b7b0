import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

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
