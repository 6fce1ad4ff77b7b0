import { beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response, Route } from 'playwright-core';
import { e2eSkipReason, screenshot, useWorkbench } from './harness.js';

/**
 * The analysis as a job, in Chromium against the browser-mode backend: an edit's analysis shows
 * a row in the job bar with its progress; its Cancel stops it (in the backend too), keeps the
 * report before it on screen and says so; Re-analyse and a later edit analyse again; no console
 * error on the way (the harness checks after each test: a cancelled call is answered as such).
 */
const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null)('the analysis in the job bar, with its Cancel', { timeout: 300_000 }, () => {
  const workbench = useWorkbench({ mode: 'browser' });
  let page: Page;
  beforeAll(() => {
    ({ page } = workbench);
  });

  const statusText = async () => (await page.textContent('#status')) ?? '';
  const waitForReport = () => page.waitForFunction(() => /^Report ready/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 120_000 });
  const analysisRows = () => page.$$eval('#job-bar .job', (rows) => rows.map((r) => r.querySelector('span')?.textContent ?? ''));
  const normaliseTo = (value: string) => page.selectOption('#li-normalization', value);

  it('an edit’s analysis shows a row with its progress, gone with the report', async () => {
    await waitForReport();
    await page.click('#tab-li');
    await page.waitForSelector('#li-normalization');
    expect(await page.inputValue('#li-normalization')).toBe('none');
    // The analysis runs in the backend; its answer is held until the row has shown progress
    // (on the sample study it takes about a second: too quick to look at otherwise).
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await page.route('**/api/analyzeStudy', async (route: Route) => {
      const response = await route.fetch();
      await Promise.race([released, new Promise((r) => setTimeout(r, 60_000))]);
      await route.fulfill({ response }).catch(() => undefined);
    });
    await normaliseTo('tic');
    await page.waitForSelector('#job-bar .job');
    expect(await analysisRows()).toEqual(['Analysis: pristine, charged, discharged']);
    expect(await statusText()).toMatch(/^Analysing…/);
    // The backend's progress (states done of three) reaches the bar: all three, its answer held.
    await page.waitForFunction(() => {
      const p = document.querySelector('#job-bar .job progress') as HTMLProgressElement | null;
      return p !== null && p.hasAttribute('value') && p.value >= p.max && p.max > 0;
    }, null, { timeout: 60_000 });
    await screenshot(page, '23-analysis-progress');
    release();
    await waitForReport();
    await page.unroute('**/api/analyzeStudy');
    expect(await analysisRows()).toEqual([]);
    expect(await page.inputValue('#li-normalization')).toBe('tic');
  });

  it('Cancel stops the analysis, keeps the report before it and says how to analyse again', async () => {
    const reportBefore = await page.textContent('#li-table');
    // The request is held until the backend has answered the Cancel: the analysis is still under
    // way (not even started) when Cancel is clicked, however quick the machine.
    const cancelAnswered = page.waitForResponse((r) => r.url().endsWith('/api/cancelJob'), { timeout: 60_000 });
    await page.route('**/api/analyzeStudy', async (route: Route) => {
      await Promise.race([cancelAnswered.catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
      await route.continue().catch(() => undefined);
    });
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/analyzeStudy'), { timeout: 60_000 });
    await normaliseTo('none');
    await page.waitForSelector('#job-bar .job');
    expect(await analysisRows()).toEqual(['Analysis: pristine, charged, discharged']);
    await page.click('#job-bar .job button.cancel');
    await page.waitForFunction(() => /^Analysis cancelled/.test(document.querySelector('#status')?.textContent ?? ''));
    expect(await statusText()).toBe('Analysis cancelled: the report shown is the one before it; the next edit (or Re-analyse) analyses again');
    expect(await analysisRows()).toEqual([]);
    expect(await page.isVisible('#reanalyse')).toBe(true);
    // The report before it stays on screen.
    expect(await page.textContent('#li-table')).toBe(reportBefore);
    // The Cancel reached the backend before the request: its job started stopped, and it answers
    // a cancellation as such (a success saying so: the page logs no error for it).
    expect(await (await cancelAnswered).json()).toEqual({ result: { cancelled: true } });
    const answer: Response = await answered;
    expect(answer.status()).toBe(200);
    expect(await answer.json()).toEqual({ cancelled: expect.stringMatching(/^Analysis of .*: cancelled$/) });
    await page.unroute('**/api/analyzeStudy');
    await screenshot(page, '23-analysis-cancelled');
  });

  it('Re-analyse and a later edit analyse again', async () => {
    await page.click('#reanalyse');
    await waitForReport();
    expect(await page.isVisible('#reanalyse')).toBe(false);
    await normaliseTo('tic');
    await page.waitForFunction(() => /^Analysing…/.test(document.querySelector('#status')?.textContent ?? '') || /^Report ready/.test(document.querySelector('#status')?.textContent ?? ''));
    await waitForReport();
    expect(await analysisRows()).toEqual([]);
    await screenshot(page, '23-analysis-again');
  });

  it('a newer edit cancels the analysis under way in the backend; the newer one’s report is shown', async () => {
    // Both requests held until both are asked: the first is replaced before the backend sees it.
    const asked: string[] = [];
    let bothAsked!: () => void;
    const both = new Promise<void>((r) => (bothAsked = r));
    const answers: { normalization: string; body: unknown }[] = [];
    await page.route('**/api/analyzeStudy', async (route: Route) => {
      asked.push(JSON.parse(route.request().postData() ?? '{}').overrides?.normalization ?? '');
      if (asked.length === 2) bothAsked();
      await Promise.race([both, new Promise((r) => setTimeout(r, 30_000))]);
      // After the first one's Cancel (sent as the second was asked) has been answered.
      await page.waitForTimeout(300);
      const response = await route.fetch();
      answers.push({ normalization: JSON.parse(route.request().postData() ?? '{}').overrides?.normalization ?? '', body: await response.json() });
      await route.fulfill({ response }).catch(() => undefined);
    });
    await normaliseTo('none');
    await page.waitForSelector('#job-bar .job');
    await normaliseTo('tic');
    await expect.poll(() => answers.length, { timeout: 60_000 }).toBe(2);
    await waitForReport();
    await page.unroute('**/api/analyzeStudy');
    expect(asked).toEqual(['none', 'tic']);
    // The older analysis was stopped in the backend; the newer one gave the report.
    expect(answers.find((a) => a.normalization === 'none')!.body).toEqual({ cancelled: expect.stringMatching(/^Analysis of .*: cancelled$/) });
    expect(answers.find((a) => a.normalization === 'tic')!.body).toHaveProperty('result');
    expect(await analysisRows()).toEqual([]);
    expect(await page.inputValue('#li-normalization')).toBe('tic');
    expect(await statusText()).toMatch(/^Report ready/);
  });
});
