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

  it("depth profiles: the bands and interfaces are pristine's; charged's interfaces, elsewhere, are ticked along the top", async () => {
    await showTab(page, 'profile');
    await page.selectOption('#profile-layers-of', 'pristine');
    for (const axis of ['time', 'depth']) {
      await page.selectOption('#profile-axis', axis);
      await page.waitForFunction((a) => (document.querySelector('#profile-axis') as HTMLSelectElement | null)?.value === a && document.querySelectorAll('#profile-chart line.other-interface').length > 0, axis);
      // Charged's four interfaces lie 670–910 s (80–140 nm) from pristine's; discharged's on them (within a few s: not ticked).
      const ticked = await page.$$eval('#profile-chart line.other-interface', (ls) => ls.map((l) => l.getAttribute('data-state')));
      expect(ticked, axis).toEqual(['charged', 'charged', 'charged', 'charged']);
      const said = await page.$$eval('#profile-chart line.other-interface title', (ts) => ts.map((t) => t.textContent ?? ''));
      const unit = axis === 'time' ? 's' : 'nm';
      const truthCharged = truth.states.find((t) => t.state === 'charged')!.boundaries.map((b) => (axis === 'time' ? b.timeS : b.depthNm));
      said.forEach((text, k) => {
        const m = new RegExp(`^charged: .+ at (\\d+) ${unit}$`).exec(text);
        expect(m, text).not.toBeNull();
        // In time, the analysis's interface tolerance (test/sims/groundTruth.test.ts: max(10 nm, 2 scans)
        // at the slower material's rate, at most 83 s at steel's); in depth, the same 16 nm as the 3-D
        // read-outs above (the depths rest on the measured SEM thicknesses).
        expect(Math.abs(Number(m![1]) - truthCharged[k]), text).toBeLessThanOrEqual(axis === 'time' ? 84 : 16);
      });
      await screenshot(page, `25-profiles-states-at-other-depths-${axis}`);
    }
    expect(workbench.browser.errors.splice(0)).toEqual([]);
  });
});
