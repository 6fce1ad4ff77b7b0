import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { projectSchema } from '../../core/api/contract.js';
import { hasSharedData, sharedDataPath } from '../helpers/sharedData.js';
import { e2eSkipReason, screenshot, useWorkbench, showTab, waitForReport as waitForReportOf, analysedWith as analysedWithOf } from './harness.js';

/**
 * A CIGS solar cell whose sodium is the question: its stack (cigs-pos) names no analyte, so the
 * analysis looks for Li⁺, which is not there. The Study tab's "Analyte" chooses Na⁺ from the
 * profile's ions; the dashboard, the export and the notes then name Na, and the choice is kept
 * by a reload and a saved project as the layer stack's is.
 */
const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null || !hasSharedData)('workbench: the analyte chosen on the Study tab', { timeout: 300_000 }, () => {
  let folder: string;
  const workbench = useWorkbench({
    mode: 'browser',
    study: () => {
      folder = mkdtempSync(join(tmpdir(), 'strata-analyte-'));
      for (const state of ['pristine', 'annealed']) {
        mkdirSync(join(folder, state));
        copyFileSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(folder, state, 'profile.txt'));
      }
      const states = ['pristine', 'annealed'].map((state) => ({ state, files: [`${state}/profile.txt`] }));
      writeFileSync(join(folder, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'CIGS cell', stack: 'cigs-pos', states }));
      return folder;
    },
  });
  let page: Page;
  let study: { dir: string };
  beforeAll(() => {
    ({ page, study } = workbench);
  });
  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  const tab = (id: string) => showTab(page, id);
  const waitForReport = () => waitForReportOf(page);
  const analysedWith = (act: () => Promise<unknown>) => analysedWithOf(page, act);
  const kept = async () => JSON.parse((await page.evaluate(() => sessionStorage.getItem('strata.session'))) ?? 'null');
  /** Any Li named where a person reads: Li, Li⁺, Li⁻ (not li-bars, an id). */
  const SAYS_LI = /\bLi\b|Li⁺|Li⁻/;

  it("offers the profiles' ions with the stack's Li⁺ first; Na⁺ chosen, the notes, dashboard and export name Na", async () => {
    await waitForReport();
    const options = await page.$$eval('#analyte-choice option', (o) => o.map((x) => [(x as HTMLOptionElement).value, x.textContent]));
    expect(options[0]).toEqual(['Li+', "Li⁺ (the stack's; not in the data)"]);
    expect(options).toContainEqual(['Na+', 'Na⁺']);
    expect(options).toContainEqual(['^25Mg+', '²⁵Mg⁺']);
    expect(await page.inputValue('#analyte-choice')).toBe('Li+');
    expect(await page.textContent('#tab-li')).toBe('Li dashboard');
    await screenshot(page, '20-analyte-stack-default');

    expect(await analysedWith(() => page.selectOption('#analyte-choice', 'Na+'))).toEqual({ analyteIon: 'Na+' });
    await waitForReport();
    // The Study tab is made anew for the study shown with its analyte: the choice stands in it.
    expect(await page.inputValue('#analyte-choice')).toBe('Na+');
    expect(await page.textContent('#analyte-choice option:checked')).toBe('Na⁺');
    expect(await page.$$eval('#study-browser details.notes li', (l) => l.map((x) => x.textContent))).toContain('analyte: Na⁺, chosen in the workbench');
    expect(await page.textContent('#tab-li')).toBe('Na dashboard');
    expect((await kept()).overrides).toEqual({ analyteIon: 'Na+' });
    // The depth profiles showed the analyte (Li⁺, the stack's): they show Na⁺ now.
    expect((await kept()).view.profile.ions).toEqual(['Na+']);
    await page.click('#study-browser details.notes summary');
    await screenshot(page, '20-analyte-na-chosen');

    await tab('li');
    await page.waitForSelector('#li-fraction-chart');
    expect(await page.textContent('#li-view h2')).toBe('Na across states');
    expect(await page.$$eval('#li-fraction-chart text', (t) => t.map((x) => x.textContent))).toContain('Na share of the stack (%)');
    expect(await page.$$eval('#li-change-chart text', (t) => t.map((x) => x.textContent))).toContain('Δ Na share (pp)');
    expect(await page.textContent('#li-counts caption')).toMatch(/^Na counts per layer: integrated Na⁺ counts/);
    expect(await page.textContent('#li-table caption')).toMatch(/^Na fraction per layer and state/);
    expect(await page.textContent('#li-view')).not.toMatch(SAYS_LI);
    await screenshot(page, '20-analyte-na-dashboard');

    await page.click('#export-figure');
    await page.waitForSelector('#export-form:not([hidden])');
    expect(await page.textContent('#export-what')).toBe('Na per layer: shares per state and the change against the reference');
    await page.selectOption('#export-format', 'svg');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('#export-go')]);
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('li-bars.svg');
    expect(svg).toContain('<title>Na per layer across states</title>');
    expect(svg.replace(/<[^>]*>/g, ' ')).not.toMatch(SAYS_LI);
  });

  it("is kept by a reload and a saved project; the stack's own chosen again sends no override", async () => {
    await page.reload();
    await page.waitForSelector('#tab-li[aria-selected="true"]');
    await waitForReport();
    await page.waitForFunction(() => document.querySelector('#li-view h2')?.textContent === 'Na across states');
    expect(await page.textContent('#tab-li')).toBe('Na dashboard');

    const projectPath = join(study.dir, 'na.strata.json');
    await page.click('#save-project');
    await page.fill('#save-form input[name="path"]', projectPath);
    await page.click('#save-form button[type="submit"]');
    await page.waitForFunction(() => /Saved project/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(projectSchema.parse(JSON.parse(readFileSync(projectPath, 'utf8'))).overrides).toEqual({ analyteIon: 'Na+' });

    await tab('study');
    expect(await page.inputValue('#analyte-choice')).toBe('Na+');
    expect(await analysedWith(() => page.selectOption('#analyte-choice', 'Li+'))).toBeUndefined();
    await waitForReport();
    expect(await page.inputValue('#analyte-choice')).toBe('Li+');
    expect(await page.textContent('#tab-li')).toBe('Li dashboard');
    expect((await kept()).overrides).toEqual({});
    expect((await kept()).view.profile.ions).toEqual(['Li+']);
    await tab('li');
    await page.waitForFunction(() => /^No Li per layer: the analyte Li⁺ is in none of the depth profiles/.test(document.querySelector('#li-note')?.textContent ?? ''));
    await screenshot(page, '20-analyte-stack-own-again');

    // The project brings Na⁺ back.
    await page.click('#open-button');
    await page.fill('#open-form input[name="path"]', projectPath);
    await page.click('#open-form button[type="submit"]');
    await page.waitForFunction(() => /Opened project/.test(document.querySelector('#message')?.textContent ?? ''));
    await waitForReport();
    expect(await page.textContent('#tab-li')).toBe('Na dashboard');
    await tab('study');
    expect(await page.inputValue('#analyte-choice')).toBe('Na+');
  });
});
