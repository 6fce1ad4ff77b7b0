import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request, Route } from 'playwright-core';
import { openDataset } from '../../core/node/openDataset.js';
import type { IonStack } from '../../core/model/ionStack.js';
import { profileFromStack } from '../../core/sims/stackProfile.js';
import { e2eSkipReason, findStudy, screenshot, useWorkbench, showTab, waitForReport as waitForReportOf } from './harness.js';

/**
 * The views audit, driven in Chromium: a state with only a 3-D stack shows its whole-field depth
 * profile with its layers and interfaces; the 2-D tab shown again while its maps load joins the
 * pass under way (and Cancel still stops it); the ROI profiles of the states are fetched side by
 * side as one job; the 2-D view's statistics are over the ROI when one is drawn.
 *
 * The study: pristine with its profile file and its stack, charged with its stack only.
 */
const skipReason = e2eSkipReason();

/** Each scan's raw counts of `ion` summed over `rect` (the whole field when absent), read here from the file. */
/** An ion's counts per scan over `rect` (raw, or dead-time corrected with the stack's N), and their σ. */
async function stackCounts(file: string, ion: string, rect?: { x0: number; y0: number; x1: number; y1: number }, deadTime = false): Promise<{ timeS: Float64Array; counts: Float64Array; sigma: Float64Array }> {
  const opened = await openDataset(file);
  try {
    const stack = opened.dataset as IonStack;
    const index = stack.ions.findIndex((i) => i.label === ion);
    const p = await profileFromStack(stack, { ions: [index], deadTime, roi: rect && { kind: 'rect', ...rect } });
    return { timeS: p.timeS, counts: p.counts[0], sigma: p.sigma[0] };
  } finally {
    await opened.close();
  }
}

/** A request held back until `release()`: what the user sees while a long pass runs. */
function holdRequests(page: Page, pattern: string, holds: (r: Request) => boolean) {
  const held: Request[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  const handler = async (route: Route) => {
    if (!holds(route.request())) return route.continue();
    held.push(route.request());
    await released;
    await route.continue().catch(() => undefined);
  };
  return {
    held,
    start: () => page.route(pattern, handler),
    release: async () => {
      release();
      await page.unroute(pattern, handler);
    },
  };
}

describe.skipIf(skipReason !== null)('views audit: stack-only profiles, joined map requests, concurrent ROI profiles, ROI statistics', { timeout: 300_000 }, () => {
  let folder: string;
  const workbench = useWorkbench({
    mode: 'browser',
    study: () => {
      const sample = findStudy()!;
      folder = mkdtempSync(join(tmpdir(), 'strata-views-audit-'));
      for (const state of ['pristine', 'charged']) mkdirSync(join(folder, state));
      copyFileSync(join(sample, 'pristine/profile.txt'), join(folder, 'pristine/profile.txt'));
      copyFileSync(join(sample, 'pristine/stack.ome.tif'), join(folder, 'pristine/stack.ome.tif'));
      copyFileSync(join(sample, 'charged/stack.ome.tif'), join(folder, 'charged/stack.ome.tif'));
      const states = [
        { state: 'pristine', files: ['pristine/profile.txt', 'pristine/stack.ome.tif'], sims: { shotsPerPixel: 50 } },
        { state: 'charged', files: ['charged/stack.ome.tif'], sims: { shotsPerPixel: 50 } },
      ];
      writeFileSync(join(folder, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'A state with a stack only', stack: 'anode-free-ss-lfp', states }));
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
  /** Runs `act`, which starts an analysis, and waits for its report. */
  const analysedAfter = async (act: () => Promise<unknown>): Promise<Request> => {
    const answered = page.waitForResponse('**/api/analyzeStudy', { timeout: 120_000 });
    await act();
    const response = await answered;
    await waitForReport();
    return response.request();
  };
  /** The hover read-out at a fraction of the chart's width (an interface's handle there takes the pointer: a step aside). */
  const readoutAt = async (fraction: number): Promise<string> => {
    const area = (await (await page.$('#profile-chart rect.hover-area'))!.boundingBox())!;
    for (let dx = 0; dx < 60; dx += 15) {
      await page.mouse.move(area.x + area.width * fraction + dx, area.y + area.height / 2);
      const text = (await page.textContent('#profile-readout')) ?? '';
      if (/^time /.test(text)) return text;
    }
    throw new Error('no read-out where the pointer is');
  };
  /** Whether `value` ± `sigma` as printed is the count of the scan at `t` (or, the time being rounded, one beside it). */
  const isCountAt = (timeS: Float64Array, counts: Float64Array, t: number, value: number, sigma: number): boolean => {
    const k = timeS.reduce((best, ti, i) => (Math.abs(ti - t) < Math.abs(timeS[best] - t) ? i : best), 0);
    return [k - 1, k, k + 1].some((i) => i >= 0 && i < counts.length && Math.abs(counts[i] - value) <= sigma / 10 + 1);
  };
  const near = (a: number, b: number, relative: number) => Math.abs(a - b) <= relative * Math.abs(b);
  const jobRows = () => page.$$eval('#job-bar .job', (j) => j.map((x) => x.querySelector('span')?.textContent ?? ''));
  /**
   * A cancelled request is answered 200 with what was cancelled (server.ts), so the page logs no
   * "Failed to load resource" for it (it did, with 422): none on the list a moment later.
   */
  const expectNoCancelErrors = async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(workbench.browser.errors).toEqual([]);
  };

  it("a state with only a 3-D stack: its whole-field profile from the stack, its layers, interfaces that drag", async () => {
    await waitForReport();
    await tab('profile');
    await page.waitForSelector('#profile-chart path.trace[data-state="charged"]');
    const stateBoxes = await page.$$eval('#profile-view input[name="profile-state"]', (b) => b.map((x) => [(x as HTMLInputElement).value, x.parentElement!.textContent!.trim(), x.parentElement!.getAttribute('data-source')]));
    expect(stateBoxes).toEqual([
      ['pristine', 'pristine', 'profile'],
      ['charged', 'charged (3-D stack, whole field)', 'stack'],
    ]);
    expect(await page.$$eval('#profile-view input[name="profile-ion"]', (b) => b.map((x) => (x as HTMLInputElement).value))).toContain('Li-');
    expect(await page.$$eval('#profile-chart path.trace', (p) => p.map((x) => `${x.getAttribute('data-ion')}|${x.getAttribute('data-state')}`))).toEqual(['Li-|pristine', 'Li-|charged']);
    expect(await page.$$eval('#profile-chart text', (t) => t.map((x) => x.textContent))).toEqual(expect.arrayContaining(['Li⁻ · pristine', 'Li⁻ · charged (stack)']));
    expect(await page.textContent('#profile-note')).toMatch(/charged: no depth-profile file; the profile is summed from the 3-D stack over the whole field \(raw counts\)/);
    expect(await page.textContent('#profile-chart')).not.toMatch(/None of the ticked states/);

    // The values are the stack's raw counts summed over all its 32 × 32 pixels, read here from the file.
    const { timeS, counts } = await stackCounts(join(study.dir, 'charged/stack.ome.tif'), 'Li-');
    for (const at of [0.25, 0.5, 0.75]) {
      const text = await readoutAt(at);
      const t = Number(/^time ([\d.]+) s/.exec(text)![1]);
      const [, value, sigma] = (/Li⁻ \(charged\): (\d+) ± (\d+)/.exec(text) ?? []).map(Number);
      expect(value, text).toBeGreaterThan(0);
      // Printed to σ's second figure, σ = √counts (raw counts, as a profile file's).
      expect(isCountAt(timeS, counts, t, value, sigma), text).toBe(true);
      expect(near(sigma, Math.sqrt(value), 0.05), text).toBe(true);
    }

    // The layers and interfaces of charged, found in that very profile, over it and draggable.
    await page.selectOption('#profile-layers-of', 'charged');
    await page.waitForFunction(() => /^Interfaces of charged/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
    expect(await page.$$eval('#profile-chart rect.band', (r) => r.map((x) => x.getAttribute('data-role')))).toEqual(['cc_aam', 'sei_se', 'cam', 'cc', 'substrate']);
    expect(await page.$$eval('#profile-chart g.interface', (g) => g.length)).toBe(4);
    await screenshot(page, '21-stack-only-profile');

    const before = await page.$$eval('#interface-table tbody tr', (rows) => rows.map((r) => Number((r.children[2] as HTMLElement).dataset.timeS)));
    const handle = (await (await page.$('#profile-chart g.interface[data-index="1"] rect.iface-handle'))!.boundingBox())!;
    const analysed = await analysedAfter(async () => {
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle.x + handle.width / 2 + 25, handle.y + handle.height / 2, { steps: 5 });
      await page.mouse.up();
    });
    const overrides = JSON.parse(analysed.postData() ?? '{}').overrides;
    expect(overrides.interfacesS.charged[1]).toBeGreaterThan(before[1]);
    await page.waitForFunction(() => /^Interfaces of charged \(moved by hand\)/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
    const after = await page.$$eval('#interface-table tbody tr', (rows) => rows.map((r) => Number((r.children[2] as HTMLElement).dataset.timeS)));
    expect(after[1]).toBeGreaterThan(before[1]);
    expect(after[1]).toBeLessThan(before[2]);
    await screenshot(page, '21a-stack-only-interface-dragged');
    await analysedAfter(() => page.click('#profile-reset-interfaces'));
    await page.waitForFunction(() => !/moved by hand/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
  });

  it('the 2-D tab shown again while its maps load joins the pass under way; Cancel still stops it', async () => {
    const asked: string[] = [];
    const count = (r: Request) => r.url().endsWith('/api/getIonMaps') && asked.push(JSON.parse(r.postData() ?? '{}').ion);
    page.on('request', count);
    const hold = holdRequests(page, '**/api/getIonMaps', () => true);
    await hold.start();
    await tab('maps');
    await page.waitForSelector('#job-bar .job');
    // Away and back twice while the maps load: one request, one row in the job bar.
    await tab('profile');
    await tab('maps');
    await tab('study');
    await tab('maps');
    await page.waitForTimeout(1000); // a second request would have gone out by now
    expect(asked).toEqual(['Li-']);
    expect(await jobRows()).toEqual(['Li⁻ maps']);
    await screenshot(page, '21b-maps-one-job');
    await hold.release();
    await page.waitForFunction(() => document.querySelectorAll('#maps-grid canvas.map').length === 2 && !document.querySelector('#job-bar .job'));
    expect(asked).toEqual(['Li-']);

    // Another ion, held; shown again meanwhile (joined), then cancelled: one Cancel stops the one
    // pass, the maps and controls stay on Li⁻, and the next ask for Fe⁻ starts anew.
    const feHold = holdRequests(page, '**/api/getIonMaps', () => true);
    await feHold.start();
    const cancels: string[] = [];
    const countCancel = (r: Request) => r.url().endsWith('/api/cancelJob') && cancels.push(JSON.parse(r.postData() ?? '{}').jobId);
    page.on('request', countCancel);
    await page.selectOption('#maps-ion', 'Fe-');
    await page.waitForSelector('#job-bar .job');
    await tab('study');
    await tab('maps');
    await page.waitForTimeout(1000);
    expect(asked).toEqual(['Li-', 'Fe-']);
    expect(await jobRows()).toEqual(['Fe⁻ maps']);
    await page.click('#job-bar .job button.cancel');
    await page.waitForFunction(() => /^Cancelled; the maps still show Li⁻\./.test(document.querySelector('#maps-note')?.textContent ?? ''));
    expect(await page.inputValue('#maps-ion')).toBe('Li-');
    expect(await jobRows()).toEqual([]);
    await feHold.release();
    await expectNoCancelErrors();
    expect(cancels).toHaveLength(1);
    await page.selectOption('#maps-ion', 'Fe-');
    await page.waitForFunction(() => document.querySelector('#maps-colour-bar .bar-title')?.textContent === 'Fe⁻ counts/pixel' && !document.querySelector('#job-bar .job'));
    expect(asked).toEqual(['Li-', 'Fe-', 'Fe-']);
    await page.selectOption('#maps-ion', 'Li-');
    await page.waitForFunction(() => document.querySelector('#maps-colour-bar .bar-title')?.textContent === 'Li⁻ counts/pixel' && !document.querySelector('#job-bar .job'));
    expect(asked).toEqual(['Li-', 'Fe-', 'Fe-', 'Li-']);
    page.off('request', count);
    page.off('request', countCancel);
  });

  /** The ROI in force, as the header says it. */
  const roiInForce = async () => {
    const [, x0, x1, y0, y1] = /ROI x (\d+)–(\d+), y (\d+)–(\d+) px/.exec((await page.textContent('#status')) ?? '')!.map(Number);
    return { x0, y0, x1, y1 };
  };

  it("the 2-D view's lateral statistics are over the ROI when one is drawn, and say so", async () => {
    // Raw counts: the ROI's sum is then exactly the stack's counts summed over its pixels, σ = √sum.
    await page.click('#maps-deadtime');
    await page.waitForFunction(() => /Raw counts summed over the scans \(not dead-time corrected\)/.test(document.querySelector('#maps-note')?.textContent ?? '') && !document.querySelector('#job-bar .job'));
    expect(await page.textContent('#maps-stats caption')).toMatch(/^Lateral statistics of Li⁻ \(all scans\) over the whole field; /);
    const rowsOf = () => page.$$eval('#maps-stats tbody tr', (rows) => rows.map((r) => ({ state: r.getAttribute('data-state'), pixels: Number(r.getAttribute('data-pixels')), cells: [...r.children].slice(1).map((c) => c.textContent ?? '') })));
    const whole = await rowsOf();
    expect(whole.map((r) => r.pixels)).toEqual([1024, 1024]);

    const ob = (await (await page.$('#maps-grid svg.roi-layer'))!.boundingBox())!;
    const analysed = await analysedAfter(async () => {
      await page.mouse.move(ob.x + ob.width * 0.2, ob.y + ob.height * 0.25);
      await page.mouse.down();
      await page.mouse.move(ob.x + ob.width * 0.6, ob.y + ob.height * 0.7, { steps: 6 });
      await page.mouse.up();
    });
    expect(JSON.parse(analysed.postData() ?? '{}').overrides.roi).toEqual(await roiInForce());
    await page.waitForFunction(() => /over the ROI x \d+–\d+, y \d+–\d+ px/.test(document.querySelector('#maps-stats caption')?.textContent ?? ''));
    const roi = await roiInForce();
    expect(await page.textContent('#maps-stats caption')).toContain(`(all scans) over the ROI x ${roi.x0}–${roi.x1}, y ${roi.y0}–${roi.y1} px;`);
    expect(await page.textContent('#maps-roi')).toMatch(/in force for the statistics below/);
    const inRoi = await rowsOf();
    const pixels = (roi.x1 - roi.x0) * (roi.y1 - roi.y0);
    for (const row of inRoi) {
      expect(row.pixels).toBe(pixels);
      const { counts } = await stackCounts(join(study.dir, `${row.state}/stack.ome.tif`), 'Li-', roi);
      const sum = counts.reduce((a, b) => a + b, 0);
      const [, value, sigma] = /^(\d+) ± (\d+)$/.exec(row.cells[0])!.map(Number);
      expect(Math.abs(value - sum), `${row.state}: ${row.cells[0]} vs ${sum}`).toBeLessThanOrEqual(sigma / 10 + 1);
      expect(near(sigma, Math.sqrt(sum), 0.05), `${row.state}: σ ${sigma} vs √${sum}`).toBe(true);
      expect(near(Number(row.cells[1]), sum / pixels, 1e-3), `${row.state}: mean ${row.cells[1]} vs ${sum / pixels}`).toBe(true);
      expect(row.cells, 'the same numbers as over the whole field').not.toEqual(whole.find((w) => w.state === row.state)!.cells);
    }
    await screenshot(page, '21c-maps-stats-roi');
    // Dead-time corrected again: the ROI's σ is its pixels' own (the map's variance sent with it),
    // as the stack's corrected profile over the ROI gives it scan by scan (σ in quadrature), not
    // the field's shared out by counts.
    const rawSums = inRoi.map((r) => r.cells[0]);
    await page.click('#maps-deadtime');
    await page.waitForFunction(() => /Poisson dead-time corrected per pixel/.test(document.querySelector('#maps-note')?.textContent ?? '') && !document.querySelector('#job-bar .job'));
    // The note follows the checkbox at once; the corrected maps (and the table made from them)
    // come after their job, which may not have shown in the job bar yet: wait for the table.
    await page.waitForFunction((raw) => {
      const sums = [...document.querySelectorAll('#maps-stats tbody tr')].map((r) => r.children[1]?.textContent ?? '');
      return sums.length === raw.length && sums.every((v, i) => v !== raw[i]);
    }, rawSums);
    expect(await page.textContent('#maps-stats caption')).not.toMatch(/estimated/);
    for (const row of await rowsOf()) {
      const corrected = await stackCounts(join(study.dir, `${row.state}/stack.ome.tif`), 'Li-', roi, true);
      const sum = corrected.counts.reduce((a, b) => a + b, 0);
      const sigma = Math.sqrt(corrected.sigma.reduce((a, b) => a + b * b, 0));
      const [, value, shown] = /^(\d+) ± (\d+)$/.exec(row.cells[0])!.map(Number);
      expect(near(value, sum, 1e-3), `${row.state}: ${row.cells[0]} vs ${sum}`).toBe(true);
      // σ is shown to two significant figures.
      expect(Math.abs(shown - sigma), `${row.state}: σ ${shown} vs ${sigma}`).toBeLessThanOrEqual(0.5 * 10 ** (Math.floor(Math.log10(sigma)) - 1) + 1e-9);
    }
  });

  it('ROI profiles: the states fetched side by side as one job; its Cancel stops both', async () => {
    const hold = holdRequests(page, '**/api/getProfile', (r) => JSON.parse(r.postData() ?? '{}').roi !== undefined);
    await hold.start();
    const cancels: string[] = [];
    const countCancel = (r: Request) => r.url().endsWith('/api/cancelJob') && cancels.push(JSON.parse(r.postData() ?? '{}').jobId);
    page.on('request', countCancel);
    await tab('profile');
    // Both requests are out before either is answered: one after another, the second never came.
    await expect.poll(() => hold.held.length, { timeout: 30_000 }).toBe(2);
    expect(hold.held.map((r) => JSON.parse(r.postData() ?? '{}').state).sort()).toEqual(['charged', 'pristine']);
    expect(await jobRows()).toEqual(['ROI profiles: pristine, charged']);
    await screenshot(page, '21d-roi-profiles-one-job');
    await page.click('#job-bar .job button.cancel');
    await page.waitForFunction(() => document.querySelector('#profile-note')?.textContent === 'ROI profiles cancelled; showing the previous profiles.');
    expect(await jobRows()).toEqual([]);
    await expect.poll(() => cancels.length).toBe(2);
    expect(cancels.sort()).toEqual(hold.held.map((r) => JSON.parse(r.postData() ?? '{}').jobId).sort());
    await hold.release();
    await expectNoCancelErrors();
    page.off('request', countCancel);

    // Asked again (any change redraws): both states' ROI profiles, over the ROI.
    await page.click('#profile-log');
    await page.waitForFunction(() => /Profiles summed from the 3-D stacks over the ROI x \d+–\d+/.test(document.querySelector('#profile-note')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.$$eval('#profile-chart path.trace', (p) => p.map((x) => x.getAttribute('data-state')))).toEqual(['pristine', 'charged']);
    // The values are pristine's stack summed over the ROI, not its profile file's.
    const roi = await roiInForce();
    const { timeS, counts } = await stackCounts(join(study.dir, 'pristine/stack.ome.tif'), 'Li-', roi);
    const text = await readoutAt(0.5);
    const t = Number(/^time ([\d.]+) s/.exec(text)![1]);
    const [, value, sigma] = /Li⁻ \(pristine\): (\d+) ± (\d+)/.exec(text)!.map(Number);
    expect(isCountAt(timeS, counts, t, value, sigma), text).toBe(true);
    await page.click('#profile-log');
    await screenshot(page, '21e-roi-profiles');
  });
});
