import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { THICKER_CHARGED, writeGeneratedStudy } from '../helpers/generatedStudies.js';
import type { Truth } from '../../samples/truth.js';
import { e2eSkipReason, screenshot, showTab, useWorkbench, waitForReport } from './harness.js';

/**
 * The workbench on a study whose states' layers lie at other depths (generated: charged's CC/AAM
 * and SEI/SE thicker, so its CAM starts 140 nm deeper than pristine's and discharged's). The 3-D
 * view cuts each state at its own layer under "Clip to"; its depth read-outs gave the first
 * state's depths for all.
 */
const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null)('workbench: states whose layers lie at other depths', { timeout: 300_000 }, () => {
  let truth: Truth;
  const workbench = useWorkbench({
    mode: 'browser',
    study: () => {
      const written = writeGeneratedStudy(THICKER_CHARGED, 'strata-e2e-thicker-');
      truth = written.truth;
      return written.dir;
    },
  });
  let page: Page;
  beforeAll(() => {
    ({ page } = workbench);
  });

  it('3-D: "Clip to" CAM reads each state\'s depths of its own CAM, as the range and state by state', async () => {
    await waitForReport(page);
    await showTab(page, 'volume');
    await page.waitForFunction(() => Number((document.querySelector('.volume-host') as HTMLElement | null)?.dataset.rendered ?? 0) > 0 && !document.querySelector('#job-bar .job'), null, { timeout: 120_000 });
    await page.selectOption('#volume-layer', 'cam');
    await page.waitForFunction(() => /–/.test(document.querySelector('#volume-clip-top-depth')?.textContent ?? ''));
    const camTopNm = (state: string) => truth.states.find((s) => s.state === state)!.layers.find((l) => l.role === 'cam')!.startNm;
    // The depths are the SEM's thicknesses as measured (max(3 %, 2 px) of the truth: 8 nm here, two layers).
    const top = /^(\d+)–(\d+) nm$/.exec((await page.textContent('#volume-clip-top-depth')) ?? '');
    expect(top).not.toBeNull();
    expect(Math.abs(Number(top![1]) - camTopNm('pristine'))).toBeLessThanOrEqual(16);
    expect(Math.abs(Number(top![2]) - camTopNm('charged'))).toBeLessThanOrEqual(16);
    const byState = Object.fromEntries(
      [...((await page.getAttribute('#volume-clip-top-depth', 'title')) ?? '').matchAll(/(\w+): (\d+) nm/g)].map((m) => [m[1], Number(m[2])]),
    );
    expect(Object.keys(byState)).toEqual(['pristine', 'charged', 'discharged']);
    for (const state of Object.keys(byState)) expect(Math.abs(byState[state] - camTopNm(state)), state).toBeLessThanOrEqual(16);
    await screenshot(page, '25-volume-states-at-other-depths');
    expect(workbench.browser.errors.splice(0)).toEqual([]);
  });
});
