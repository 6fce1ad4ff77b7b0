import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request, Response } from 'playwright-core';
import { projectSchema } from '../../core/api/contract.js';
import { hasSharedData, sharedDataPath } from '../helpers/sharedData.js';
import { e2eSkipReason, screenshot, useWorkbench, showTab, waitForReport as waitForReportOf, analysedWith as analysedWithOf } from './harness.js';

/**
 * The "Done when", driven in Chromium against the browser-mode backend: open the
 * sample study, switch every view, drag an interface and see the report change, draw an ROI,
 * rotate the 3-D view, save and reopen a project; a screenshot of each view; no console error.
 */
const skipReason = e2eSkipReason();

// Each re-analysis reads every stack again: on a busy two-core machine one takes tens of seconds.
describe.skipIf(skipReason !== null)('workbench in the browser mode', { timeout: 300_000 }, () => {
  const workbench = useWorkbench({ mode: 'browser' });
  let page: Page;
  let study: { dir: string };
  beforeAll(() => {
    ({ page, study } = workbench);
  });

  const tab = (id: string) => showTab(page, id);
  const waitForReport = () => waitForReportOf(page);

  it('opens the sample study and shows states × modalities', async () => {
    await page.waitForSelector('#study-matrix');
    await page.waitForSelector('#study-files');
    const states = await page.$$eval('#study-matrix tbody tr', (rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(states).toEqual(['pristine', 'charged', 'discharged']);
    // Every state has all four modalities, each readable.
    expect(await page.$$eval('#study-matrix td.cell.ok', (c) => c.length)).toBe(12);
    expect(await page.$$eval('#study-files td.meta.error', (c) => c.length)).toBe(0);
    // The study's own stack (study.json's) is the one selected.
    expect(await page.inputValue('#stack-choice')).toBe('anode-free-ss-lfp');
    expect(await page.textContent('#stack-choice option:checked')).toMatch(/\(study\.json's\)$/);
    await waitForReport();
    await page.fill('#study-annotation', 'Crater rim left out with an ROI.');
    await page.dispatchEvent('#study-annotation', 'change');
    // Browser mode: a dropped folder cannot give its path; the page says so instead of failing.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['{}'], 'study.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    expect(await page.textContent('#message')).toMatch(/cannot learn where “study\.json” lives/);
    await page.click('#open-form button[type="button"]'); // the typed-path form it offered: cancel
    await screenshot(page, '01-study-browser');
    // A file link opens its view on the state of its row, not on the one it showed last.
    const link = (state: string, file: string) => page.click(`#study-matrix tr[data-state="${state}"] button.link:has-text("${file}")`);
    await link('discharged', 'sem.tif');
    await page.waitForSelector('#tab-sem[aria-selected="true"]');
    await page.waitForFunction(() => /^Layer thickness, discharged /.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''));
    expect(await page.inputValue('#sem-state')).toBe('discharged');
    // The layers' slope in the image is a rotation, said apart from the stage tilt.
    expect(await page.textContent('#sem-note')).toMatch(/layers rotated −?\d+(\.\d+)?° in the image plane/);
    await screenshot(page, '01a-sem-from-study-link');
    await tab('study');
    await link('pristine', 'sem.tif');
    await page.waitForFunction(() => /^Layer thickness, pristine /.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''));
    await tab('study');
    await link('charged', 'profile.txt');
    await page.waitForSelector('#tab-profile[aria-selected="true"]');
    await page.waitForFunction(() => /^Interfaces of charged/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
    await page.selectOption('#profile-layers-of', 'pristine'); // as the tests below expect
  });

  it('startup: the status says the study is opening; Save waits for a study', async () => {
    // A second page whose openStudy is held back: what the user sees while a study opens.
    const second = await workbench.browser.context.newPage();
    await second.route('**/api/openStudy', () => undefined);
    await second.goto(page.url());
    await second.waitForFunction(() => document.querySelector('#status')?.textContent === 'Opening study…');
    expect(await second.isDisabled('#save-project')).toBe(true);
    await second.close();
    expect(await page.isEnabled('#save-project')).toBe(true);
  });

  it('depth profiles: states overlaid with σ bands, layers labelled, log/normalised, hover read-out', async () => {
    await tab('profile');
    await waitForReport(); // the layers, and N for the saturation marks, are the report's
    await page.waitForSelector('#profile-chart path.trace');
    const traces = await page.$$eval('#profile-chart path.trace', (p) => p.map((x) => `${x.getAttribute('data-ion')}|${x.getAttribute('data-state')}`));
    expect(traces).toEqual(['Li-|pristine', 'Li-|charged', 'Li-|discharged']);
    expect(await page.$$eval('#profile-chart path.sigma-band', (p) => p.length)).toBe(3);
    // Ions read as chemists write them, whatever spelling the file used (values stay as read).
    const ionBoxes = await page.$$eval('#profile-view fieldset.ions label', (ls) => ls.map((l) => [l.querySelector('input')!.value, l.textContent!.trim()]));
    expect(ionBoxes).toContainEqual(['^6Li-', '⁶Li⁻']);
    expect(ionBoxes).toContainEqual(['SiO_2-', 'SiO₂⁻']);
    expect(await page.$$eval('#profile-chart text', (t) => t.map((x) => x.textContent))).toContain('Li⁻ · pristine');
    // Layer bands carry the stack's roles.
    const roles = await page.$$eval('#profile-chart rect.band', (r) => r.map((x) => x.getAttribute('data-role')));
    expect(roles).toEqual(['cc_aam', 'sei_se', 'cam', 'cc', 'substrate']);
    const logPath = await page.getAttribute('#profile-chart path.trace', 'd');
    await page.click('#profile-normalise');
    await page.waitForFunction((old) => document.querySelector('#profile-chart path.trace')?.getAttribute('d') !== old, logPath);
    await page.click('#profile-normalise');
    const box = (await page.$('#profile-chart rect.hover-area'))!.boundingBox();
    const b = (await box)!;
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height / 2);
    // Value ± σ as formatWithSigma writes them (σ to two figures), not "2.22e+4 ± 149" or "3645 ± 60.37".
    expect(await page.textContent('#profile-readout')).toMatch(/time [\d.]+ s — Li⁻ \(pristine\): \d+ ± \d+[ ;]/);
    // Li counts near the detector's limit (N shots × pixels per scan) in SEI/SE: those scans are
    // marked, named in the legend and the read-out, and the state's saturation warning is open.
    expect(await page.$$eval('#profile-chart rect.near-saturation[data-state="pristine"]', (r) => r.length)).toBeGreaterThan(0);
    expect(await page.textContent('#profile-near-saturation-legend')).toBe('near saturation(> 50 % of N·pixels)');
    const sei = (await (await page.$('#profile-chart rect.band[data-role="sei_se"]'))!.boundingBox())!;
    await page.mouse.move(sei.x + sei.width / 2, b.y + b.height / 2);
    expect(await page.textContent('#profile-readout')).toMatch(/Li⁻ \(pristine\): \d+ ± \d+ \((5\d|[6-9]\d|1\d\d) % of N·pixels: near saturation\)/);
    expect(await page.$eval('#profile-warnings', (d) => (d as HTMLDetailsElement).open && /saturated Li⁻ pixel-scans/.test(d.textContent ?? ''))).toBe(true);
    // Depth axis from the report's calibration (per-layer sputter rates).
    await page.selectOption('#profile-axis', 'depth');
    await page.waitForFunction(() => [...document.querySelectorAll('#profile-chart text')].some((t) => t.textContent === 'Depth (nm)'));
    await page.selectOption('#profile-axis', 'time');
    await page.waitForFunction(() => [...document.querySelectorAll('#profile-chart text')].some((t) => t.textContent === 'Sputter time (s)'));
    // The profile ends in the substrate: its width is marked a lower bound and the note under the table says why.
    const widths = await page.$$eval('#layer-table tbody tr', (rows) => rows.map((r) => r.children[3].textContent));
    expect(widths.slice(0, 4).every((w) => /^\d+\.\d$/.test(w ?? ''))).toBe(true);
    expect(widths[4]).toMatch(/^≥ \d+\.\d$/);
    expect(await page.textContent('#end-layer-note')).toBe("≥: the profile ends in SiO₂/Si, so its width is the depth sputtered into it (extrapolated at CC's sputter rate), not its thickness.");
    await screenshot(page, '02-depth-profiles');
    // No state ticked: a hint instead of empty axes; ticked again in their order.
    while (await page.$('input[name="profile-state"]:checked')) await page.click('input[name="profile-state"]:checked');
    expect(await page.textContent('#profile-chart')).toBe('Tick a state to plot its profile.');
    expect(await page.$('#profile-chart svg')).toBeNull();
    await screenshot(page, '02a-depth-profiles-no-state');
    for (const state of ['pristine', 'charged', 'discharged']) await page.click(`input[name="profile-state"][value="${state}"]`);
    expect(await page.$$eval('#profile-chart path.trace', (p) => p.map((x) => x.getAttribute('data-state')))).toEqual(['pristine', 'charged', 'discharged']);
  });

  const interfaceTimes = () => page.$$eval('#interface-table tbody tr', (rows) => rows.map((r) => (r.children[2] as HTMLElement).dataset.timeS));
  /** Drags interface `index` by `dx` px, or to `dx` px past interface `index + 1` with `pastNext`. */
  const dragInterface = async (index: number, dx: number, pastNext = false) => {
    const box = async (k: number) => (await (await page.$(`#profile-chart g.interface[data-index="${k}"] rect.iface-handle`))!.boundingBox())!;
    const hb = await box(index);
    const toX = (pastNext ? (await box(index + 1)).x : hb.x) + hb.width / 2 + dx;
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(toX, hb.y + hb.height / 2, { steps: 5 });
    await page.mouse.up();
  };

  it('dragging an interface re-runs the analysis and the report changes', async () => {
    const before = await interfaceTimes();
    // Interfaces named by the layers' labels, as the bands and the layer table name them.
    expect(await page.$$eval('#interface-table tbody tr', (rows) => rows.map((r) => r.children[0].textContent))).toEqual(['CC/AAM | SEI/SE', 'SEI/SE | CAM', 'CAM | CC', 'CC | SiO₂/Si']);
    expect(await page.isDisabled('#profile-reset-interfaces')).toBe(true); // nothing set by hand yet
    // Dragged well past its neighbour, the interface stops short of it: the layers keep their order.
    await dragInterface(1, 40, true);
    // The drag sends the new times as overrides.interfacesS; the analysis must use them.
    await page.waitForFunction(() => /moved by hand/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
    await waitForReport();
    const changed = await page
      .waitForFunction((old) => {
        const now = [...document.querySelectorAll('#interface-table tbody tr')].map((r) => (r.children[2] as HTMLElement).dataset.timeS);
        return now.length > 0 && JSON.stringify(now) !== JSON.stringify(old);
      }, before, { timeout: 20_000 })
      .then(() => true, () => false);
    expect(changed, 'the report did not change after the drag: analyzeStudy ignores overrides.interfacesS').toBe(true);
    const after = await interfaceTimes();
    expect(Number(after[1])).toBeGreaterThan(Number(before[1]));
    expect(Number(after[1]), 'dragged past its neighbour').toBeLessThan(Number(before[2]));
    expect(after.slice(2), 'the neighbour moved: the times were re-sorted').toEqual(before.slice(2));
    expect(await page.$$eval('#profile-chart rect.band', (r) => r.map((x) => x.getAttribute('data-role')))).toEqual(['cc_aam', 'sei_se', 'cam', 'cc', 'substrate']);
    await screenshot(page, '03-interface-dragged');
    // Reset interfaces: back to the ones found, through the same overrides.
    await page.click('#profile-reset-interfaces');
    await page.waitForFunction(() => !/moved by hand/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
    await waitForReport();
    await page.waitForFunction((old) => JSON.stringify([...document.querySelectorAll('#interface-table tbody tr')].map((r) => (r.children[2] as HTMLElement).dataset.timeS)) === JSON.stringify(old), before, { timeout: 20_000 });
    expect(await page.isDisabled('#profile-reset-interfaces')).toBe(true);
    // Moved again by a little, for the project saved below.
    await dragInterface(1, 25);
    await page.waitForFunction(() => /moved by hand/.test(document.querySelector('#interface-table caption')?.textContent ?? ''));
    await waitForReport();
    expect(await page.isEnabled('#profile-reset-interfaces')).toBe(true);
  });

  it('2-D images: states side by side on one colour scale; drawing an ROI re-runs the profiles', async () => {
    await tab('maps');
    await page.waitForSelector('#maps-grid canvas.map');
    expect(await page.$$eval('#maps-grid canvas.map', (c) => c.map((x) => x.getAttribute('data-state')))).toEqual(['pristine', 'charged', 'discharged']);
    expect(await page.$$eval('#maps-colour-bar canvas', (c) => c.length)).toBe(1);
    // Per-layer sums: pick a layer window.
    await page.selectOption('#maps-window', 'sei_se');
    await page.waitForFunction(() => /layer SEI\/SE/.test(document.querySelector('#maps-stats caption')?.textContent ?? ''));
    // Each state's sum with its counting σ, and the sample's lateral CV above the CV counting
    // alone gives. Charged saturates most: its counting CV holds the lower bounds' σ, and is marked.
    const statRows = await page.$$eval('#maps-stats tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
    expect(statRows.map((r) => r[0])).toEqual(['pristine', 'charged', 'discharged']);
    for (const [state, sumText, , cv, countingCv] of statRows) {
      expect(sumText).toMatch(/^\d+ ± \d+$/);
      expect(parseFloat(countingCv)).toBeGreaterThan(0);
      if (state !== 'charged') expect(parseFloat(cv), state).toBeGreaterThan(parseFloat(countingCv));
    }
    expect(statRows[1][4]).toMatch(/ \*$/);
    // A layer's scans: those it cuts count in part, shown to a few digits.
    for (const text of await page.$$eval('#maps-grid .readout', (r) => r.map((x) => x.textContent ?? ''))) expect(text).toMatch(/ · \d+(\.\d{1,2})? scans$/);
    const overlay = (await page.$('#maps-grid svg.roi-layer'))!;
    const ob = (await overlay.boundingBox())!;
    // Esc during a drag drops the rectangle: no ROI, no new analysis.
    await page.mouse.move(ob.x + ob.width * 0.3, ob.y + ob.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(ob.x + ob.width * 0.6, ob.y + ob.height * 0.6, { steps: 3 });
    await page.keyboard.press('Escape');
    await page.mouse.move(ob.x + ob.width * 0.7, ob.y + ob.height * 0.7, { steps: 2 });
    await page.mouse.up();
    expect(await page.$$eval('#maps-grid rect.roi', (r) => r.map((x) => x.getAttribute('visibility')))).toEqual(['hidden', 'hidden', 'hidden']);
    expect(await page.textContent('#status')).toMatch(/^Report ready \([^)]*\)$/);
    await page.mouse.move(ob.x + ob.width * 0.2, ob.y + ob.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(ob.x + ob.width * 0.7, ob.y + ob.height * 0.6, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => [...document.querySelectorAll('#maps-grid rect.roi')].every((r) => r.getAttribute('visibility') === 'visible'));
    await waitForReport();
    // The ROI changes every number: the header says so, and it can be cleared here too.
    expect(await page.textContent('#status')).toMatch(/^Report ready \(.*\) · ROI x \d+–\d+, y \d+–\d+ px$/);
    expect(await page.textContent('#maps-roi')).toMatch(/^ROI x \d+–\d+, y \d+–\d+ px in force/);
    expect(await page.isVisible('#maps-view #clear-roi')).toBe(true);
    await screenshot(page, '04-ion-maps-roi');
    await tab('profile');
    await page.waitForFunction(() => /over the ROI x \d+–\d+/.test(document.querySelector('#profile-note')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.waitForSelector('#profile-chart path.trace');
    await screenshot(page, '05-depth-profiles-roi');
  });

  /** Share of canvas pixels that differ from the background: 0 for a blank WebGL canvas. */
  const litFraction = () =>
    page.evaluate(async () => {
      const c = document.querySelector('#volume-canvas') as HTMLCanvasElement;
      const img = new Image();
      img.src = c.toDataURL('image/png');
      await img.decode();
      const off = document.createElement('canvas');
      off.width = img.width;
      off.height = img.height;
      const ctx = off.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      let lit = 0;
      for (let k = 0; k < d.length; k += 4) if (Math.abs(d[k] - 17) + Math.abs(d[k + 1] - 17) + Math.abs(d[k + 2] - 17) > 24) lit++;
      return { lit: lit / (d.length / 4), dataUrl: c.toDataURL('image/png') };
    });

  it('3-D view renders in software WebGL and rotates with the mouse, all states together', async () => {
    await tab('volume');
    await page.waitForFunction(() => Number((document.querySelector('.volume-host') as HTMLElement | null)?.dataset.rendered ?? 0) > 0, null, { timeout: 60_000 });
    expect(await page.$$eval('.volume-label strong', (s) => s.map((x) => x.textContent))).toEqual(['pristine', 'charged', 'discharged']);
    const first = await litFraction();
    expect(first.lit).toBeGreaterThan(0.03);
    // Depth ticks in nm along each box (the report's calibration): from the surface down its edge.
    await page.waitForFunction(() => [...document.querySelectorAll('.volume-label')].filter((l) => /report calibration/.test(l.textContent ?? '')).length === 3);
    const axes = await page.$$eval('#volume-depth-axes g.depth-axis', (gs) =>
      gs.map((g) => ({ state: g.getAttribute('data-state'), ticks: [...g.querySelectorAll('g.depth-tick')].map((t) => ({ nm: Number(t.getAttribute('data-depth-nm')), y: Number(t.getAttribute('data-y')), text: t.textContent ?? '' })) })),
    );
    expect(axes.map((a) => a.state)).toEqual(['pristine', 'charged', 'discharged']);
    const deepUm = await page.$$eval('.volume-label', (ls) => ls.map((l) => Number(/([\d.]+) µm deep \(report calibration\)/.exec(l.textContent ?? '')?.[1])));
    axes.forEach(({ ticks }, k) => {
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks[0].nm).toBe(0);
      expect(ticks.at(-1)!.nm).toBeLessThanOrEqual(deepUm[k] * 1000);
      expect(ticks.at(-1)!.text).toMatch(/^\d+ nm$/);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i].y, 'deeper lies lower').toBeGreaterThan(ticks[i - 1].y);
    });
    await screenshot(page, '06-volume-mip');
    const canvas = (await page.$('#volume-canvas'))!;
    const cb = (await canvas.boundingBox())!;
    const az0 = Number(await page.getAttribute('.volume-host', 'data-azimuth'));
    await page.mouse.move(cb.x + cb.width / 2, cb.y + cb.height / 2);
    await page.mouse.down();
    await page.mouse.move(cb.x + cb.width / 2 + 120, cb.y + cb.height / 2 + 30, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction((a) => Number(document.querySelector('.volume-host')?.getAttribute('data-azimuth')) !== a, az0);
    await page.waitForTimeout(200);
    const turned = await litFraction();
    expect(turned.dataUrl).not.toEqual(first.dataUrl);
    // Composite mode and a z-exaggeration change still draw something.
    await page.selectOption('#volume-mode', 'composite');
    await page.fill('#volume-zscale', '250');
    await page.dispatchEvent('#volume-zscale', 'input');
    await page.waitForTimeout(300);
    const composite = await litFraction();
    expect(composite.lit).toBeGreaterThan(0.03);
    // Every step of the z-exaggeration slider acts, up to its end (it used to stop acting at ~340×).
    const zTo = async (z: number) => {
      await page.fill('#volume-zscale', String(z));
      await page.dispatchEvent('#volume-zscale', 'input');
      await page.waitForFunction((t) => document.querySelector('#volume-zscale + output')?.textContent === t, `${z}×`);
      await page.waitForTimeout(300);
      return (await litFraction()).dataUrl;
    };
    const zMax = Number(await page.getAttribute('#volume-zscale', 'max'));
    expect(await zTo(zMax), `z-exaggeration ${zMax}× draws as ${zMax - 20}×`).not.toEqual(await zTo(zMax - 20));
    await zTo(250);
    // Layer clip planes: keeping only the CAM layer draws less of the stack.
    await page.selectOption('#volume-layer', 'cam');
    await page.waitForTimeout(300);
    const clipped = await litFraction();
    expect(clipped.lit).toBeGreaterThan(0.005);
    expect(clipped.lit).toBeLessThan(composite.lit);
    // The clip planes say their depth: the CAM layer of pristine lies 350–950 nm deep (SEM truth).
    const clipDepth = async (id: string): Promise<number> => parseFloat(await page.textContent(id) ?? '');
    expect(Math.abs((await clipDepth('#volume-clip-top-depth')) - 350)).toBeLessThan(30);
    expect(Math.abs((await clipDepth('#volume-clip-bottom-depth')) - 950)).toBeLessThan(30);
    // Each state is cut at its own layer's depth: the read-out's title gives every state's.
    expect(await page.getAttribute('#volume-clip-top-depth', 'title')).toMatch(/^pristine: \d+ nm, charged: \d+ nm, discharged: \d+ nm$/);
    // The slider thumbs moved to the layer's planes, so a key press steps from there, not from the top.
    const sliderAt = (id: string) => page.$eval(id, (e) => Number((e as HTMLInputElement).value));
    expect(await sliderAt('#volume-clip-top')).toBeGreaterThan(0.1);
    expect(await sliderAt('#volume-clip-bottom')).toBeLessThan(0.9);
    const camTop = await clipDepth('#volume-clip-top-depth');
    await page.focus('#volume-clip-top');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((d) => parseFloat(document.querySelector('#volume-clip-top-depth')?.textContent ?? '') !== d, camTop);
    expect(Math.abs((await clipDepth('#volume-clip-top-depth')) - camTop)).toBeLessThan(30);
    expect(await page.inputValue('#volume-layer')).toBe('custom'); // no layer's range any more
    // "Clip to" keeps its layer through a change of ion (the volumes load again) and of mode.
    await page.selectOption('#volume-layer', 'cam');
    const rendered = Number(await page.getAttribute('.volume-host', 'data-rendered'));
    await page.selectOption('#volume-ion', 'Fe-');
    await page.waitForFunction(() => /^Fe⁻ /.test(document.querySelector('#volume-colour-bar .notes')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.selectOption('#volume-mode', 'mip');
    await page.selectOption('#volume-mode', 'composite');
    await page.waitForFunction((n) => Number(document.querySelector('.volume-host')?.getAttribute('data-rendered')) > n, rendered);
    expect(await page.inputValue('#volume-layer')).toBe('cam');
    expect(Math.abs((await clipDepth('#volume-clip-top-depth')) - 350)).toBeLessThan(30);
    expect(await sliderAt('#volume-clip-top')).toBeGreaterThan(0.1);
    // Level of detail on demand: the clipped layer loaded alone (its scans only), then back.
    const bins = async (): Promise<number[]> => page.$$eval('.volume-label', (ls) => ls.map((l) => Number(/×(\d+) bins/.exec(l.textContent ?? '')?.[1])));
    const wholeBins = await bins();
    await page.click('#volume-refine');
    await page.waitForFunction(() => document.querySelectorAll('.volume-refined').length === 3, null, { timeout: 60_000 });
    const refinedBins = await bins();
    refinedBins.forEach((b, k) => expect(b).toBeLessThan(wholeBins[k]));
    expect(await page.$eval('#volume-clip-top', (e) => (e as HTMLInputElement).value)).toBe('0');
    await page.waitForTimeout(300);
    expect((await litFraction()).lit).toBeGreaterThan(0.005);
    await screenshot(page, '07a-volume-refined');
    await page.click('#volume-whole');
    await page.waitForFunction(() => document.querySelectorAll('.volume-refined').length === 0 && document.querySelectorAll('.volume-label').length === 3, null, { timeout: 60_000 });
    expect(await bins()).toEqual(wholeBins);
    await page.selectOption('#volume-layer', '');
    await page.waitForTimeout(300);
    await screenshot(page, '07-volume-composite');
  });

  it('3-D: one Cancel stops every state’s volume, and the selector goes back to the ion the volumes show', async () => {
    await tab('volume');
    await page.waitForFunction(() => Number((document.querySelector('.volume-host') as HTMLElement | null)?.dataset.rendered ?? 0) > 0, null, { timeout: 60_000 });
    const shownIon = await page.inputValue('#volume-ion');
    // The volumes' backend jobs as asked for and as answered, and those the backend said it stopped.
    const volumeJobs: string[] = [];
    const answers: { jobId: string; status: number; cancelled: string }[] = [];
    const stopped = new Set<string>();
    const jobOf = (req: Request) => JSON.parse(req.postData() ?? '{}').jobId as string;
    const onRequest = (req: Request) => void (req.url().endsWith('/api/getVolume') && volumeJobs.push(jobOf(req)));
    // The three states' Cancels answered by the backend.
    let cancelsAnswered = 0;
    let allCancelsAnswered!: () => void;
    const cancelsDone = new Promise<void>((resolve) => (allCancelsAnswered = resolve));
    const onResponse = async (res: Response) => {
      if (res.url().endsWith('/api/getVolume')) answers.push({ jobId: jobOf(res.request()), status: res.status(), cancelled: (await res.json()).cancelled ?? '' });
      if (res.url().endsWith('/api/cancelJob')) {
        if ((await res.json()).result?.cancelled === true) stopped.add(jobOf(res.request()));
        if (++cancelsAnswered === 3) allCancelsAnswered();
      }
    };
    page.on('request', onRequest);
    page.on('response', onResponse);
    // Hold the volumes back until the backend has answered the Cancels, so the jobs are still
    // running (or not even started) when Cancel is clicked however slow the machine (a fixed
    // 2.5 s hold let them finish first under load). The cap only keeps a broken Cancel from
    // hanging the test.
    await page.route('**/api/getVolume', async (route) => {
      await Promise.race([cancelsDone, new Promise((r) => setTimeout(r, 30_000))]);
      await route.continue().catch(() => undefined);
    });
    await page.selectOption('#volume-ion', shownIon === 'Li-' ? 'Fe-' : 'Li-');
    await page.waitForSelector('#job-bar .job');
    expect(await page.$$eval('#job-bar .job', (j) => j.map((x) => x.textContent))).toEqual([expect.stringMatching(/ volumes: pristine, charged, discharged/)]);
    await page.click('#job-bar .job button.cancel');
    await page.waitForFunction(() => /^Cancelled; the volumes still show /.test(document.querySelector('#volume-note')?.textContent ?? ''));
    expect(await page.inputValue('#volume-ion')).toBe(shownIon);
    expect(await page.$$eval('#job-bar .job', (j) => j.length)).toBe(0);
    await page.unroute('**/api/getVolume');
    // Every state's job stopped in the backend, though their requests (held back above) came
    // after the Cancel: each is answered as cancelled (a success that says so: nothing logged), none binned its volume.
    await expect.poll(() => answers.length, { timeout: 20_000 }).toBe(3);
    expect([...stopped].sort()).toEqual([...volumeJobs].sort());
    expect(answers.map((a) => a.jobId).sort()).toEqual([...volumeJobs].sort());
    for (const a of answers) expect(a).toMatchObject({ status: 200, cancelled: expect.stringMatching(/ volume of (pristine|charged|discharged): cancelled$/) });
    expect(workbench.browser.errors.splice(0)).toEqual([]);
    page.off('request', onRequest);
    page.off('response', onResponse);
    expect(await page.inputValue('#volume-ion')).toBe(shownIon);
  });

  const sessionKept = async () => JSON.parse((await page.evaluate(() => sessionStorage.getItem('strata.session'))) ?? 'null');

  it('3-D: "Clip to" a layer follows the layer when its interfaces are dragged, and is kept with the view', async () => {
    await tab('volume');
    await page.waitForFunction(() => Number((document.querySelector('.volume-host') as HTMLElement | null)?.dataset.rendered ?? 0) > 0 && !document.querySelector('#job-bar .job'), null, { timeout: 60_000 });
    await page.selectOption('#volume-layer', 'cam');
    const topDepthNm = async () => parseFloat((await page.textContent('#volume-clip-top-depth')) ?? '');
    // The read-outs follow on the next frame: the CAM's top lies ~350 nm deep (SEM truth).
    await page.waitForFunction(() => parseFloat(document.querySelector('#volume-clip-top-depth')?.textContent ?? '') > 300);
    const topNm = await topDepthNm();
    const kept = (await sessionKept()).view.volume;
    expect(kept.clipLayer).toBe('cam');
    expect(kept.clipTop).toBeGreaterThan(0.1);
    // Pristine's CC | SiO₂/Si interface dragged earlier in the depth profiles (the clip sliders
    // stand at fractions of pristine's depth): the substrate's scans start sooner, so the volume reaches deeper
    // and the CAM (its depths fixed by the SEM thicknesses) is a smaller part of it.
    await tab('profile');
    await page.waitForSelector('#profile-chart g.interface[data-index="3"] rect.iface-handle');
    const before = await interfaceTimes();
    await dragInterface(3, -25);
    await page.waitForFunction((old) => JSON.stringify([...document.querySelectorAll('#interface-table tbody tr')].map((r) => (r.children[2] as HTMLElement).dataset.timeS)) !== JSON.stringify(old), before, { timeout: 60_000 });
    await waitForReport();
    expect(Number((await interfaceTimes())[3])).toBeLessThan(Number(before[3]));
    await tab('volume');
    // The volumes load again with the new report; the clip planes move with the CAM layer, so
    // they still cut at its depths (kept where they were, they would cut into the CC).
    await page.waitForFunction((t) => JSON.parse(sessionStorage.getItem('strata.session') ?? 'null')?.view.volume.clipTop < t - 0.002, kept.clipTop, { timeout: 60_000 });
    await page.waitForFunction(() => !document.querySelector('#job-bar .job'));
    expect(await page.inputValue('#volume-layer')).toBe('cam');
    expect(Math.abs((await topDepthNm()) - topNm)).toBeLessThanOrEqual(1);
    const now = (await sessionKept()).view.volume;
    expect(now).toMatchObject({ clipLayer: 'cam' });
    expect(now.clipBottom).toBeLessThan(kept.clipBottom - 0.002);
  });

  it('SEM view: image, scale bar and the thickness table', async () => {
    await tab('sem');
    await page.waitForSelector('#sem-canvas');
    expect(await page.textContent('#sem-figure .scale-bar text')).toMatch(/\d+(\.\d+)? (nm|µm)/);
    expect(await page.textContent('#sem-note')).toMatch(/Pixel size [\d.]+ nm from the (sidecar|metadata)/);
    // The measured boundaries are drawn over the image, and the report's thicknesses tabled.
    expect(await page.$$eval('#sem-figure line.boundary', (l) => l.length)).toBeGreaterThanOrEqual(5);
    expect(await page.$$eval('#sem-thickness tbody tr', (r) => r.map((x) => x.getAttribute('data-role')))).toEqual(['cc_aam', 'sei_se', 'cam', 'cc', 'substrate']);
    await screenshot(page, '08-sem');
  });

  const thicknesses = () => page.$$eval('#sem-thickness tbody tr', (rows) => rows.map((r) => Number(r.children[1].textContent)));

  it('SEM: the scale set from two clicks on the scale bar, then a typed pixel size; thicknesses follow', async () => {
    await page.waitForSelector('#sem-thickness');
    const before = await thicknesses();
    expect(before.every((t) => t > 0)).toBe(true);
    await page.click('#sem-set-scale');
    await page.waitForSelector('#sem-scale-form:not([hidden])');
    // The sample's data bar: 32 rows under the 448-row image, the 125 px = 500 nm scale bar at
    // x 385…510 (left edge of the first pixel to the right edge of the last), rows 454…457 of
    // the frame (samples/gen/sem.ts drawDataBar). Shown unbinned at 1:1, under the image.
    const cb = (await (await page.$('#sem-canvas'))!.boundingBox())!;
    expect(cb.width).toBe(640);
    expect(cb.height).toBe(480);
    const grey = (x: number, y: number) =>
      page.evaluate(([x, y]) => (document.querySelector('#sem-canvas') as HTMLCanvasElement).getContext('2d')!.getImageData(x, y, 1, 1).data[0], [x, y]);
    expect(await grey(386, 455)).toBeGreaterThan(150); // on the bar
    expect(await grey(509, 455)).toBeGreaterThan(150);
    expect(await grey(383, 455)).toBeLessThan(60); // just beside it
    expect(await grey(512, 455)).toBeLessThan(60);
    await page.mouse.click(cb.x + 385, cb.y + 455.5);
    await page.mouse.click(cb.x + 510, cb.y + 455.5);
    expect(await page.textContent('#sem-scale-points')).toBe('Distance 125.0 px.');
    expect(await page.$$eval('#sem-figure circle.scale-point', (c) => c.length)).toBe(2);
    await page.fill('#sem-known-length', '0.5');
    await page.selectOption('#sem-known-unit', 'µm');
    await screenshot(page, '08b-sem-set-scale-clicks');
    await page.click('#sem-apply-length');
    // 500 nm over 125 px: 4 nm, the sidecar's value, now with the source `manual`.
    await page.waitForFunction(() => /Pixel size 4 nm, manual \(set by hand: 0\.5 µm over 125\.0 px/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await page.waitForFunction(() => /pixel size from manual/.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(await thicknesses()).toEqual(before);
    // A typed pixel size of 5 nm: every thickness × 5/4.
    await page.click('#sem-set-scale');
    await page.fill('#sem-pixel-size', '5');
    await page.click('#sem-apply-pixel');
    await page.waitForFunction(() => /Pixel size 5 nm, manual \(set by hand: typed: 5 nm\/px\); the file gives 4 nm \(sidecar\)/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await page.waitForFunction((old) => {
      const now = [...document.querySelectorAll('#sem-thickness tbody tr')].map((r) => Number(r.children[1].textContent));
      return now.length === old.length && now[0] > old[0] * 1.2;
    }, before, { timeout: 120_000 });
    await waitForReport();
    const after = await thicknesses();
    for (let i = 0; i < before.length; i++) expect(after[i] / before[i], `layer ${i}`).toBeCloseTo(1.25, 2);
    // The scale bar drawn over the image follows the new pixel size, and the boundaries stay.
    expect(await page.$$eval('#sem-figure line.boundary', (l) => l.length)).toBeGreaterThanOrEqual(5);
    expect(await page.isVisible('#sem-clear-scale')).toBe(true);
    await screenshot(page, '08c-sem-manual-scale');
  }, 300_000);

  it("SEM: the report's SEM warnings of the state shown stand under its thickness table", async () => {
    const warnings = () => page.$$eval('#sem-warnings [data-sem-warning]', (w) => w.map((x) => x.textContent ?? ''));
    expect(await warnings()).toEqual([]);
    // 60 nm pixels: every layer 15× its nominal thickness, which the measurement doubts.
    await page.click('#sem-set-scale');
    await page.fill('#sem-pixel-size', '60');
    await page.click('#sem-apply-pixel');
    await page.waitForFunction(() => /Warning: CAM: [\d.]+ nm is [\d.]+× its nominal 600 nm/.test(document.querySelector('#sem-warnings')?.textContent ?? ''), null, { timeout: 120_000 });
    expect((await warnings()).length).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('#sem-thickness caption')).toMatch(/^Layer thickness, pristine /);
    // Thicknesses ten times off their nominal ones are marked in the table, and why.
    expect(await page.$$eval('#sem-thickness tr[data-implausible] td:nth-child(2)', (c) => c.map((x) => x.textContent))).toEqual(expect.arrayContaining([expect.stringMatching(/^[\d.]+ \?$/)]));
    expect(await page.textContent('#sem-implausible')).toBe('? ten times or more off its nominal thickness: not used for the depth axis');
    // Back to 5 nm: the doubts go with the scale that raised them.
    await page.click('#sem-set-scale');
    await page.fill('#sem-pixel-size', '5');
    await page.click('#sem-apply-pixel');
    await page.waitForFunction(() => !document.querySelector('#sem-warnings [data-sem-warning]') && /pixel size from manual/.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(await page.$('#sem-implausible')).toBeNull();
    await waitForReport();
    expect(await warnings()).toEqual([]);
  }, 300_000);

  it('SEM: the cross-section face and view angle chosen in the view; notes and thicknesses follow', async () => {
    const note = () => page.textContent('#sem-note');
    await page.selectOption('#sem-state', 'discharged');
    await page.waitForFunction(() => /^Layer thickness, discharged /.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''));
    await waitForReport();
    // Discharged's image has a stage tilt of 10°, and study.json gives its view angle θ = 10°.
    expect(await page.inputValue('#sem-section')).toBe(''); // cleaved, assumed: study.json does not say
    expect(await page.inputValue('#sem-view-angle')).toBe('10');
    expect(await note()).toMatch(/View angle θ = 10° \(study\.json "semTiltDeg"\); the stage tilt 10° is not used/);
    expect(await page.$('#sem-clear-geometry')).toBeNull(); // nothing chosen here yet
    const before = await thicknesses();
    // A FIB trench face: θ from the stage tilt again, as 90° − T = 80°.
    await page.selectOption('#sem-section', 'fib-trench');
    await page.waitForFunction(() => /FIB trench face \(set here\) at stage tilt 10°: seen at 90° − T = 80°/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await page.waitForFunction((old) => Number(document.querySelector('#sem-thickness tbody tr[data-role="cam"] td.num')?.textContent) > 3 * old[2], before, { timeout: 120_000 });
    await waitForReport();
    const fib = await thicknesses();
    // × cos 10° / cos 80° ≈ 5.7 for level layers, less as they slope in the image.
    fib.forEach((t, i) => expect(t / before[i], `layer ${i}`).toBeGreaterThan(3));
    expect(await page.inputValue('#sem-view-angle')).toBe('');
    expect(await note()).not.toMatch(/study\.json/);
    expect(await page.isVisible('#sem-clear-geometry')).toBe(true);
    await screenshot(page, '08d-sem-geometry');
    // A view angle typed wins over the face: 12°, a little more than study.json's 10°.
    await page.fill('#sem-view-angle', '12');
    await page.press('#sem-view-angle', 'Enter');
    await page.waitForFunction(() => /View angle θ = 12° \(set here\); the stage tilt 10° is not used/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await page.waitForFunction((old) => Number(document.querySelector('#sem-thickness tbody tr[data-role="cam"] td.num')?.textContent) < 2 * old[2], before, { timeout: 120_000 });
    await waitForReport();
    const twelve = await thicknesses();
    twelve.forEach((t, i) => expect(t / before[i], `layer ${i}`).toBeGreaterThanOrEqual(1));
    twelve.forEach((t, i) => expect(t / before[i], `layer ${i}`).toBeLessThan(1.02));
    expect(twelve[2]).toBeGreaterThan(before[2]);
    // An angle the correction cannot take is refused in words, and nothing is analysed.
    await page.fill('#sem-view-angle', '85');
    await page.press('#sem-view-angle', 'Enter');
    expect(await page.textContent('#sem-geometry-error')).toMatch(/within ±84°/);
    // Back to study.json's geometry: its numbers again.
    await page.click('#sem-clear-geometry');
    await page.waitForFunction(() => /View angle θ = 10° \(study\.json "semTiltDeg"\)/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await waitForReport();
    await page.waitForFunction((old) => JSON.stringify([...document.querySelectorAll('#sem-thickness tbody tr')].map((r) => Number(r.children[1].textContent))) === JSON.stringify(old), before, { timeout: 120_000 });
    expect(await page.$('#sem-clear-geometry')).toBeNull();
    // θ = 12° set here again, for the reload and the project below.
    await page.fill('#sem-view-angle', '12');
    await page.press('#sem-view-angle', 'Enter');
    await page.waitForFunction(() => /View angle θ = 12° \(set here\)/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await waitForReport();
    await page.selectOption('#sem-state', 'pristine');
    await page.waitForFunction(() => /^Layer thickness, pristine /.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''));
  }, 300_000);

  it('XRD waterfall: one trace per state', async () => {
    await tab('xrd');
    await waitForReport(); // the peaks are the report's
    await page.waitForSelector('#xrd-tables table');
    await page.waitForSelector('#xrd-chart path.xrd-trace');
    expect(await page.$$eval('#xrd-chart path.xrd-trace', (p) => p.map((x) => x.getAttribute('data-state')))).toEqual(['pristine', 'charged', 'discharged']);
    // Each state's fitted peaks with their σ, and its amorphous fraction, under the waterfall.
    const peakTables = await page.$$eval('#xrd-tables table', (ts) => ts.map((t) => ({ state: t.getAttribute('data-state'), caption: t.querySelector('caption')!.textContent, rows: [...t.querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent)) })));
    expect(peakTables.map((t) => t.state)).toEqual(['pristine', 'charged', 'discharged']);
    expect(peakTables[0].caption).toMatch(/^Peaks of pristine \(pristine\/xrd\.ras\); amorphous fraction \d+\.\d %$/);
    // Phase names in formula notation, as the exported figures write them.
    expect(peakTables[0].rows).toContainEqual([expect.stringMatching(/^35\.\d{3} ± 0\.\d{3}$/), expect.stringMatching(/ ± /), expect.stringMatching(/ ± /), 'LiFePO₄ (311)', expect.stringMatching(/^\d+\.\d+ ± \d+\.\d+$/)]);
    // Each state's fitted peaks marked on its trace as the figure marks them: one mark per table
    // row, open where the row's phase is tentative ("?"), a grey tick where it has none ("—"),
    // else filled in the colour of its phase's legend entry, which shows the same symbol.
    const legend = Object.fromEntries(await page.$$eval('#xrd-chart g.xrd-legend-entry', (g) => g.map((x) => [x.getAttribute('data-phase')!, { colour: x.getAttribute('fill'), symbol: x.querySelector('path.legend-marker')!.getAttribute('d'), name: x.textContent }])));
    expect(Object.values(legend).map((e) => e.name)).toEqual(['┆ LiFePO₄', '┆ austenite']);
    const marksOf = (state: string) => page.$$eval(`#xrd-chart path.peak-marker[data-state="${state}"]`, (m) => m.map((x) => ({ kind: x.getAttribute('class')!.replace(/.*peak-marker-/, ''), phase: x.getAttribute('data-peak-phase')!, fill: x.getAttribute('fill'), d: x.getAttribute('d') })));
    for (const t of peakTables) {
      const marks = await marksOf(t.state!);
      expect(marks, t.state!).toHaveLength(t.rows.length);
      const phaseColumn = t.rows.map((r) => r[3]!);
      expect(marks.filter((m) => m.kind === 'open').length, t.state!).toBe(phaseColumn.filter((c) => /\? /.test(c)).length);
      expect(marks.filter((m) => m.kind === 'tick').length, t.state!).toBe(phaseColumn.filter((c) => c === '—').length);
      for (const m of marks.filter((m) => m.kind === 'filled')) {
        expect(m.fill, `${t.state} ${m.phase}`).toBe(legend[m.phase].colour);
        expect(m.d, `${t.state} ${m.phase}`).toBe(legend[m.phase].symbol);
      }
    }
    // Two phases, two symbols.
    expect(new Set(Object.values(legend).map((e) => e.symbol)).size).toBe(2);
    expect(await page.textContent('#xrd-note')).toMatch(/Marks above the traces: each state's fitted peaks, in the colour and symbol of the phase they are assigned to \(▼ LiFePO₄, ▲ austenite\)\./);
    // The fitted model over each state's peaks, with its background dashed under it, and said so.
    for (const t of peakTables) {
      const fits = await page.$$eval(`#xrd-chart path.xrd-fit[data-state="${t.state}"]`, (p) => p.length);
      expect(fits, t.state!).toBeGreaterThanOrEqual(3);
      expect(await page.$$eval(`#xrd-chart path.xrd-fit-background[data-state="${t.state}"]`, (p) => p.length), t.state!).toBe(fits);
    }
    expect(await page.textContent('#xrd-note')).toMatch(/Thin dark lines over the peaks: the fitted model/);
    // Linear intensity: the Si (400) wafer reflection is masked as in the exported figure (a gap
    // in each trace), so it no longer sets the scale and the film's peaks fill the plot.
    await page.click('#xrd-log');
    await page.waitForFunction(() => [...document.querySelectorAll('#xrd-chart text')].some((t) => /^Intensity \(/.test(t.textContent ?? '')));
    // (with the wafer's Kβ line and its filter's absorption edge beside it, since 5c82ccd)
    expect(await page.$$eval('#xrd-chart rect.xrd-mask', (r) => r.map((x) => x.getAttribute('data-mask')))).toContain('Si (400)');
    expect((await page.getAttribute('#xrd-chart path.xrd-trace[data-state="pristine"]', 'd'))!.match(/M/g)!.length).toBeGreaterThanOrEqual(2);
    /** Moves the pointer to 2θ `deg` in the plot (the brush's overlay spans its 2θ range). */
    const plotX = async (deg: number) => {
      const [lo, hi] = (await page.getAttribute('#xrd-chart svg', 'data-two-theta-range'))!.split(',').map(Number);
      const o = (await (await page.$('#xrd-chart .xrd-brush rect.overlay'))!.boundingBox())!;
      return { x: o.x + ((deg - lo) / (hi - lo)) * o.width, y: o.y + o.height / 2 };
    };
    const hover = async (deg: number) => {
      const p = await plotX(deg);
      await page.mouse.move(p.x, p.y);
      return (await page.textContent('#xrd-readout')) ?? '';
    };
    expect(await hover(69.13)).toMatch(/^2θ 69\.1\d° — pristine masked; charged masked; discharged masked$/);
    const film = Number(/pristine ([\d.]+) counts/.exec(await hover(35.57))?.[1]);
    expect(film).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#xrd-chart svg', 'data-y-top'))).toBeLessThan(20 * film);
    // Drag across the plot: zoom to 30–40°; double-click and Reset zoom go back to the whole pattern.
    const range = async () => (await page.getAttribute('#xrd-chart svg', 'data-two-theta-range'))!.split(',').map(Number);
    const whole = await range();
    const zoomTo = async (from: number, to: number) => {
      const [a, z] = [await plotX(from), await plotX(to)];
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(z.x, z.y, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction((w) => document.querySelector('#xrd-chart svg')?.getAttribute('data-two-theta-range') !== w.join(','), whole);
    };
    await zoomTo(30, 40);
    const [lo, hi] = await range();
    expect(Math.abs(lo - 30)).toBeLessThan(0.3);
    expect(Math.abs(hi - 40)).toBeLessThan(0.3);
    expect(await page.isEnabled('#xrd-reset-zoom')).toBe(true);
    // The marks follow the zoom: only the peaks in 30–40° are marked, each at its 2θ on the new axis.
    const inView = peakTables.flatMap((t) => t.rows.map((r) => parseFloat(r[0]!)).filter((deg) => deg >= lo && deg <= hi));
    const zoomedMarks = await page.$$eval('#xrd-chart path.peak-marker', (m) => m.map((x) => ({ deg: Number(x.getAttribute('data-peak-deg')), box: x.getBoundingClientRect() })));
    expect(zoomedMarks).toHaveLength(inView.length);
    for (const m of zoomedMarks) expect(Math.abs(m.box.x + m.box.width / 2 - (await plotX(m.deg)).x), `${m.deg}°`).toBeLessThan(1.5);
    await screenshot(page, '09a-xrd-zoomed');
    const p = await plotX(35);
    await page.mouse.dblclick(p.x, p.y);
    await page.waitForFunction((w) => document.querySelector('#xrd-chart svg')?.getAttribute('data-two-theta-range') === w.join(','), whole);
    await zoomTo(20, 30);
    await page.click('#xrd-reset-zoom');
    expect(await range()).toEqual(whole);
    expect(await page.isDisabled('#xrd-reset-zoom')).toBe(true);
    await page.click('#xrd-log');
    await screenshot(page, '09-xrd');
  });

  it('long work shows progress in the job bar and can be cancelled', async () => {
    await tab('maps');
    await page.waitForSelector('#maps-grid canvas.map');
    // Hold the maps request back until the server has answered the Cancel, so the job is still
    // running when Cancel is clicked however slow the machine (a fixed 2.5 s hold let it finish
    // first under load). The cap only keeps a broken Cancel from hanging the test.
    const cancelAnswered = page.waitForResponse((r) => r.url().endsWith('/api/cancelJob'), { timeout: 60_000 });
    await page.route('**/api/getIonMaps', async (route) => {
      await Promise.race([cancelAnswered.catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
      await route.continue().catch(() => undefined);
    });
    const cancelSent = page.waitForRequest('**/api/cancelJob');
    const feAnswered = page.waitForResponse((r) => r.url().endsWith('/api/getIonMaps') && JSON.parse(r.request().postData() ?? '{}').ion === 'Fe-');
    const tabsAt = async () => (await (await page.$('nav.tabs'))!.boundingBox())!.y;
    const tabsY = await tabsAt();
    await page.selectOption('#maps-ion', 'Fe-');
    // The maps' own row (an analysis still running has one too).
    const feRow = page.locator('#job-bar .job', { hasText: 'Fe⁻ maps' });
    await feRow.locator('progress').waitFor();
    expect(await tabsAt(), 'the job bar pushed the tabs down').toBe(tabsY);
    await screenshot(page, '09b-job-progress');
    await feRow.locator('button.cancel').click();
    const req = await cancelSent;
    expect(JSON.parse(req.postData() ?? '{}').jobId).toMatch(/^job-/);
    // The maps still show Li⁻: the selector goes back to it, the table and colour bar name it.
    await page.waitForFunction(() => /^Cancelled; the maps still show Li⁻\./.test(document.querySelector('#maps-note')?.textContent ?? ''));
    expect(await page.$$eval('#job-bar .job', (j) => j.length)).toBe(0);
    expect(await page.inputValue('#maps-ion')).toBe('Li-');
    expect(await page.textContent('#maps-stats caption')).toMatch(/ of Li⁻ \(/);
    expect(await page.textContent('#maps-colour-bar .bar-title')).toBe('Li⁻ counts/pixel');
    await page.unroute('**/api/getIonMaps');
    // The Cancel overtook the held-back request: the job started cancelled, and says so.
    const fe = await feAnswered;
    // Answered as cancelled, a success that says so: the browser logs nothing for a Cancel.
    expect(fe.status()).toBe(200);
    expect(await fe.json()).toEqual({ cancelled: 'Fe- maps: cancelled' });
    expect(workbench.browser.errors.splice(0)).toEqual([]);
    await page.selectOption('#maps-ion', 'Li-');
    await page.waitForFunction(() => /Li⁻ \(/.test(document.querySelector('#maps-stats caption')?.textContent ?? ''));
  });

  it('Li dashboard: per-layer fractions with error bars and the change against pristine', async () => {
    await tab('li');
    await page.waitForSelector('#li-fraction-chart rect.bar');
    expect(await page.$$eval('#li-fraction-chart path.error-bar', (p) => p.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#li-change-chart rect.bar', (p) => p.length)).toBeGreaterThan(0);
    // Side by side in the 1400 px window, legends whole ("discharged − pristine" made the pair
    // too wide once, and the change chart went under the shares).
    const top = async (id: string) => (await (await page.$(id))!.boundingBox())!.y;
    expect(page.viewportSize()!.width).toBe(1400);
    expect(await top('#li-change-chart')).toBe(await top('#li-fraction-chart'));
    // Each number with its σ to two significant figures, the value to the same place; a
    // negative change with a minus sign. No σ reads as zero.
    const cells = await page.$$eval('#li-table tbody td.num', (c) => c.map((x) => x.textContent ?? ''));
    for (const cell of cells) {
      const m = /^([+−]?)(\d+)\.(\d+) ± (\d+)\.(\d+) (%|pp)$/.exec(cell);
      expect(m, cell).not.toBeNull();
      expect(m![3].length, cell).toBe(m![5].length);
      expect(Number(`${m![4]}.${m![5]}`), cell).toBeGreaterThan(0);
    }
    expect(cells.some((c) => c.startsWith('−'))).toBe(true);
    // The states' own warnings (saturated Li here), each named by its state, not only the study's.
    const warned = await page.$$eval('#li-warnings li', (l) => l.map((x) => x.textContent ?? ''));
    expect(warned.filter((w) => /^(pristine|charged|discharged): ToF-SIMS: \d+ saturated Li⁻ pixel-scans/.test(w)).length).toBe(3);
    expect(await page.textContent('header')).toMatch(/Report ready \(3 states, \d+ warnings\) · ROI x \d+–\d+, y \d+–\d+ px/);
    expect(await page.textContent('#li-roi')).toMatch(/over the ROI x \d+–\d+, y \d+–\d+ px/);
    // The axes say what they show; every tooltip's σ to two figures (never "± 0.0%").
    const texts = (id: string) => page.$$eval(`${id} text`, (t) => t.map((x) => x.textContent));
    expect(await texts('#li-fraction-chart')).toContain('Li share of the stack (%)');
    expect(await texts('#li-change-chart')).toContain('Δ Li share (pp)');
    const tips = await page.$$eval('#li-view rect.bar title', (t) => t.map((x) => x.textContent ?? ''));
    expect(tips.length).toBeGreaterThan(0);
    for (const tip of tips) expect(Number(/± (\d+\.\d+) (%|pp)$/.exec(tip)?.[1]), tip).toBeGreaterThan(0);
    // Li counts per layer: each state's integrated counts ± σ and its ratio to pristine ± σ.
    const countsTable = () =>
      page.$eval('#li-counts', (t) => ({
        caption: t.querySelector('caption')!.textContent ?? '',
        head: [...t.querySelectorAll('thead th')].map((x) => x.textContent),
        rows: [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td.num')].map((c) => c.textContent ?? '')),
      }));
    const raw = await countsTable();
    expect(await page.inputValue('#li-normalization')).toBe('none'); // what the report used
    expect(raw.caption).toMatch(/counts, not normalised/);
    expect(raw.head).toEqual(['Layer', 'pristine', 'charged', 'discharged', 'charged / pristine', 'discharged / pristine']);
    const parse = (text: string) => text.split(' ± ').map(Number);
    for (const row of raw.rows) for (const cell of row) expect(cell).toMatch(/^\d+(\.\d+)? ± \d+(\.\d+)?$/);
    const [[a, sa], [c], , [r, sr]] = raw.rows[0].map(parse); // CC/AAM: pristine, charged, …, charged / pristine
    expect(Math.abs(r - c / a) / r).toBeLessThan(0.02);
    expect(sr / r).toBeGreaterThan(sa / a); // the ratio's σ holds pristine's too
    await screenshot(page, '10a-li-dashboard-raw-counts');
    // Normalised to a reference ion: the analysis runs again with it, the ROI still in force.
    await page.selectOption('#li-normalization', 'ion:C_2-');
    await page.waitForFunction(() => /divided scan by scan by C₂⁻/.test(document.querySelector('#li-counts caption')?.textContent ?? ''), null, { timeout: 120_000 });
    await waitForReport();
    expect(await page.textContent('#status')).toMatch(/· ROI x \d+–\d+, y \d+–\d+ px$/);
    expect(await page.inputValue('#li-normalization')).toBe('ion:C_2-');
    expect((await countsTable()).rows[0][0]).not.toBe(raw.rows[0][0]);
    await screenshot(page, '10-li-dashboard');
  });

  it('Li dashboard: "Compare against" charged re-runs the analysis; tables and charts measure the changes against charged', async () => {
    const options = () => page.$$eval('#li-reference option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(await page.inputValue('#li-reference')).toBe('pristine'); // the report's reference (the default)
    expect(await options()).toEqual(['pristine', 'charged', 'discharged']);
    await page.selectOption('#li-reference', 'charged');
    await page.waitForFunction(() => /change against charged/.test(document.querySelector('#li-table caption')?.textContent ?? ''), null, { timeout: 120_000 });
    await waitForReport();
    expect(await page.inputValue('#li-reference')).toBe('charged');
    // The other settings stay in force: the normalisation and the ROI.
    expect(await page.inputValue('#li-normalization')).toBe('ion:C_2-');
    expect(await page.textContent('#status')).toMatch(/· ROI x \d+–\d+, y \d+–\d+ px$/);
    // No change column of charged against itself: pristine's and discharged's against charged.
    const head = (id: string) => page.$$eval(`${id} thead th`, (t) => t.map((x) => x.textContent));
    expect(await head('#li-table')).toEqual(['Layer', 'pristine', 'charged', 'discharged', 'Δ pristine', 'Δ discharged']);
    // Divided by C₂⁻ times its mean, the counts reach tens of millions: written in millions, said in the headings.
    expect(await head('#li-counts')).toEqual(['Layer', 'pristine (× 10⁶)', 'charged (× 10⁶)', 'discharged (× 10⁶)', 'pristine / charged', 'discharged / charged']);
    for (const cell of await page.$$eval('#li-counts td.num', (c) => c.map((x) => x.textContent ?? ''))) expect(cell).toMatch(/^\d{1,3}(\.\d+)? ± \d+(\.\d+)?$/);
    expect(await page.textContent('#li-counts caption')).toMatch(/ratio of each state to charged ± 1σ/);
    expect(await page.textContent('#li-view figure:nth-of-type(2) figcaption')).toBe('Change against charged (±1σ)');
    expect(await page.$$eval('#li-change-chart rect.bar', (b) => [...new Set(b.map((x) => x.getAttribute('data-key')))])).toEqual(['pristine − charged', 'discharged − charged']);
    // Δ pristine is pristine's share less charged's (each shown to the precision of its σ).
    const row = await page.$$eval('#li-table tr[data-role="cc_aam"] td.num', (c) => c.map((x) => Number.parseFloat((x.textContent ?? '').replace('−', '-'))));
    const [pristine, charged, , deltaPristine] = row;
    expect(Math.abs(deltaPristine - (pristine - charged))).toBeLessThan(0.2);
    expect(deltaPristine).toBeLessThan(0); // charged holds more Li in the current collector (plated)
    const kept = JSON.parse((await page.evaluate(() => sessionStorage.getItem('strata.session'))) ?? 'null');
    expect(kept.overrides).toMatchObject({ referenceState: 'charged', normalization: 'reference' });
    await screenshot(page, '10b-li-dashboard-vs-charged');
  });

  it('a reload (F5) keeps the tab, ROI, dragged interfaces, SEM scale, normalisation, reference state and views, and analyses as before', async () => {
    const kept = async () => JSON.parse((await page.evaluate(() => sessionStorage.getItem('strata.session'))) ?? 'null');
    const before = await kept();
    expect(before).toMatchObject({
      view: { tab: 'li', volume: { mode: 'composite', clipLayer: 'cam' } },
      overrides: { roi: expect.anything(), interfacesS: { pristine: expect.anything() }, semPixelSizeNm: { pristine: 5 }, semGeometry: { discharged: { tiltDeg: 12 } }, normalization: 'reference', referenceState: 'charged' },
    });
    const numbers = () => page.$$eval('#li-counts td.num, #li-table td.num', (c) => c.map((x) => x.textContent));
    const [status, counts] = [await page.textContent('#status'), await numbers()];
    await page.reload();
    await page.waitForSelector('#tab-li[aria-selected="true"]');
    await waitForReport();
    await page.waitForFunction(() => /divided scan by scan by C₂⁻/.test(document.querySelector('#li-counts caption')?.textContent ?? ''));
    expect(await page.inputValue('#li-reference')).toBe('charged');
    expect(await page.textContent('#li-table caption')).toMatch(/change against charged/);
    // The same numbers: the analysis ran with the same ROI, interfaces, SEM scale, normalisation and reference state.
    expect(await page.textContent('#status')).toBe(status);
    expect(await numbers()).toEqual(counts);
    expect({ ...(await kept()), savedAt: '' }).toEqual({ ...before, savedAt: '' });
  });

  it('saves a project atomically and reopens it exactly', async () => {
    const projectPath = join(study.dir, 'e2e.strata.json');
    await page.click('#save-project');
    await page.fill('#save-form input[name="path"]', projectPath);
    await page.click('#save-form button[type="submit"]');
    await page.waitForFunction(() => /Saved project/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(existsSync(projectPath)).toBe(true);
    const saved = projectSchema.parse(JSON.parse(readFileSync(projectPath, 'utf8')));
    expect(saved.study).toBe('.'); // stored relative to the project: the folder moves as one
    // Saved again to the same path: asked first; Cancel leaves the file, Replace writes it.
    const firstBytes = readFileSync(projectPath, 'utf8');
    const saveTo = async (path: string) => {
      await page.click('#save-project');
      await page.fill('#save-form input[name="path"]', path);
      await page.click('#save-form button[type="submit"]');
      await page.waitForSelector('#save-form .confirm-replace');
    };
    await saveTo(projectPath);
    expect(await page.textContent('#save-form .confirm-replace')).toBe(`${projectPath} exists. Replace it? `);
    await page.click('#save-form button[type="button"]'); // Cancel
    expect(await page.isVisible('#save-form')).toBe(false);
    expect(readFileSync(projectPath, 'utf8')).toBe(firstBytes);
    await page.evaluate(() => (document.querySelector('#message')!.textContent = ''));
    await saveTo(projectPath);
    await page.click('#save-form button[type="submit"]'); // Replace
    await page.waitForFunction(() => /Saved project/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(projectSchema.parse(JSON.parse(readFileSync(projectPath, 'utf8'))).study).toBe('.');
    expect(saved.overrides.roi).toBeDefined();
    expect(Object.keys(saved.overrides.interfacesS ?? {})).toEqual(['pristine']);
    expect(saved.view.volume.mode).toBe('composite');
    expect(saved.view.tab).toBe('li');
    expect(saved.annotations).toEqual([{ id: 'study-notes', target: 'study', text: 'Crater rim left out with an ROI.' }]);
    expect(saved.overrides.semPixelSizeNm).toEqual({ pristine: 5 }); // the SEM scale set by hand
    expect(saved.overrides.semGeometry).toEqual({ discharged: { tiltDeg: 12 } }); // and its view angle
    expect(saved.view.volume.clipLayer).toBe('cam'); // the layer the 3-D view clips to
    expect(saved.overrides).toMatchObject({ normalization: 'reference', referenceIon: 'C_2-', referenceState: 'charged' }); // chosen on the Li dashboard
    // Change things, then reopen: everything comes back as saved.
    await tab('profile');
    await page.click('#profile-log');
    await tab('maps'); // Clear ROI is offered where it was drawn, too
    await page.click('#clear-roi');
    await page.waitForFunction(() => !document.querySelector('#clear-roi') && !/ROI/.test(document.querySelector('#status')?.textContent ?? ''));
    await page.click('#open-button');
    await page.fill('#open-form input[name="path"]', projectPath);
    await page.click('#open-form button[type="submit"]');
    await page.waitForFunction(() => /Opened project/.test(document.querySelector('#message')?.textContent ?? ''));
    await page.waitForSelector('#tab-li[aria-selected="true"]');
    await waitForReport();
    expect(await page.inputValue('#li-normalization')).toBe('ion:C_2-');
    expect(await page.textContent('#li-counts caption')).toMatch(/divided scan by scan by C₂⁻/);
    expect(await page.inputValue('#li-reference')).toBe('charged');
    expect(await page.textContent('#li-counts caption')).toMatch(/ratio of each state to charged/);
    const again = join(study.dir, 'again.strata.json');
    await page.click('#save-project');
    await page.fill('#save-form input[name="path"]', again);
    await page.click('#save-form button[type="submit"]');
    await page.waitForFunction(() => /again\.strata\.json/.test(document.querySelector('#message')?.textContent ?? ''));
    const reopened = projectSchema.parse(JSON.parse(readFileSync(again, 'utf8')));
    expect({ ...reopened, savedAt: '' }).toEqual({ ...saved, savedAt: '' });
    await tab('profile');
    expect(await page.isChecked('#profile-log')).toBe(saved.view.profile.logY);
    await screenshot(page, '11-project-reopened');
    // The SEM scale comes back with the project, and the thicknesses with it.
    await tab('sem');
    await page.waitForFunction(() => /Pixel size 5 nm, manual/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    await page.waitForFunction(() => /pixel size from manual/.test(document.querySelector('#sem-thickness caption')?.textContent ?? ''));
    // So do discharged's view angle and the 3-D view's layer.
    await page.selectOption('#sem-state', 'discharged');
    await page.waitForFunction(() => /View angle θ = 12° \(set here\)/.test(document.querySelector('#sem-note')?.textContent ?? ''));
    expect(await page.inputValue('#sem-view-angle')).toBe('12');
    await page.selectOption('#sem-state', 'pristine');
    await tab('volume');
    await page.waitForFunction(() => document.querySelectorAll('.volume-label').length === 3, null, { timeout: 60_000 });
    expect(await page.inputValue('#volume-layer')).toBe('cam');
  });

  /** Opens the export form, picks format, width and dpi, and returns the downloaded file. */
  const exportFigure = async (format: 'svg' | 'png' | 'pdf', widthMm: number, dpi?: number) => {
    await page.click('#export-figure');
    await page.waitForSelector('#export-form:not([hidden])');
    await page.selectOption('#export-format', format);
    await page.selectOption('#export-width', String(widthMm));
    if (dpi) await page.fill('#export-dpi', String(dpi));
    expect(await page.isDisabled('#export-dpi')).toBe(format !== 'png');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('#export-go')]);
    const bytes = readFileSync((await download.path())!);
    await page.waitForFunction(() => /Exported /.test(document.querySelector('#message')?.textContent ?? ''));
    return { name: download.suggestedFilename(), bytes };
  };

  it('exports figures from the views: SEM as SVG (with the scale set by hand), Li bars as PNG, Fig. 4 as PDF', async () => {
    // The study tab stands for no figure: no export there.
    await tab('study');
    expect(await page.$('#export-figure')).toBeNull();
    await tab('sem');
    await page.waitForSelector('#sem-thickness');
    const sem = await exportFigure('svg', 85);
    expect(sem.name).toBe('sem-pristine.svg');
    const svg = sem.bytes.toString('utf8');
    const doc = await page.evaluate((text) => {
      const d = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: d.querySelector('parsererror')?.textContent ?? null, panels: d.querySelectorAll('[data-panel]').length, width: d.documentElement.getAttribute('width') };
    }, svg);
    expect(doc.error).toBeNull();
    expect(doc.panels).toBeGreaterThan(0);
    expect(doc.width).toBe('85mm');
    // The override reached the figure: the backend built it with the user's 5 nm pixels.
    expect(svg).toMatch(/pixel size 5 nm \(manual\)/);
    await screenshot(page, '12-export-sem-svg');

    await tab('li');
    await page.waitForSelector('#li-fraction-chart rect.bar');
    await page.click('#export-figure');
    await page.selectOption('#export-format', 'png');
    await screenshot(page, '13-export-form-png');
    await page.click('#export-form button[type="button"]');
    const png = await exportFigure('png', 114, 150);
    expect(png.name).toBe('li-bars.png');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.bytes.readUInt32BE(16)).toBe(Math.round((114 * 150) / 25.4));

    await tab('profile');
    await page.waitForSelector('#profile-chart path.trace');
    const pdf = await exportFigure('pdf', 180);
    expect(pdf.name).toBe('fig4.pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(await page.textContent('#message')).toMatch(/Exported fig4\.pdf \(180 × [\d.]+ mm\)/);
  }, 300_000);

  it('exports the depth profiles of the states from a ToF-SIMS view, picked in the export form', async () => {
    await tab('profile');
    await page.waitForSelector('#profile-chart path.trace');
    await page.click('#export-figure');
    await page.waitForSelector('#export-form:not([hidden])');
    // Fig. 4 is the view's own; the depth profiles are offered beside it, at their own width.
    expect(await page.$$eval('#export-kind option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['fig4', 'profiles']);
    expect(await page.inputValue('#export-kind')).toBe('fig4');
    await page.selectOption('#export-kind', 'profiles');
    expect(await page.textContent('#export-what')).toMatch(/^Depth profiles of the states/);
    await page.selectOption('#export-format', 'svg');
    await page.selectOption('#export-width', '85');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('#export-go')]);
    expect(download.suggestedFilename()).toBe('profiles.svg');
    const svg = readFileSync((await download.path())!, 'utf8');
    const doc = await page.evaluate((text) => {
      const d = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: d.querySelector('parsererror')?.textContent ?? null, panels: [...d.querySelectorAll('[data-panel]')].map((p) => p.getAttribute('data-panel')), width: d.documentElement.getAttribute('width'), legend: [...d.querySelectorAll('[data-legend]')].map((e) => e.getAttribute('data-legend')) };
    }, svg);
    expect(doc.error).toBeNull();
    expect(doc.width).toBe('85mm');
    expect(doc.panels).toEqual(['profiles-pristine', 'profiles-charged', 'profiles-discharged']);
    expect(doc.legend[0]).toBe('Li⁻');
    // The SEM view offers its own figure alone.
    await tab('sem');
    await page.waitForSelector('#sem-thickness');
    await page.click('#export-figure');
    expect(await page.isVisible('#export-kind')).toBe(false);
    await page.click('#export-form button[type="button"]');
  }, 300_000);

  it('forms close with Escape (Open, Save, Export, Set scale); a wrong path is said in words', async () => {
    const escapeCloses = async (open: string, form: string) => {
      await page.click(open);
      await page.waitForSelector(`${form}:not([hidden])`);
      await page.keyboard.press('Escape');
      await page.waitForSelector(`${form}[hidden]`, { state: 'attached' });
    };
    await waitForReport(); // a study is open: Save has something to save
    await escapeCloses('#open-button', '#open-form');
    await escapeCloses('#save-project', '#save-form');
    await tab('sem');
    await page.waitForSelector('#sem-canvas');
    await escapeCloses('#export-figure', '#export-form');
    expect(await page.isVisible('#export-figure')).toBe(true);
    await escapeCloses('#sem-set-scale', '#sem-scale-form');
    const open = async (path: string) => {
      await page.click('#open-button');
      await page.fill('#open-form input[name="path"]', path);
      await page.click('#open-form button[type="submit"]');
    };
    await open(join(study.dir, 'nope'));
    await page.waitForFunction(() => document.querySelector('#message .error'));
    expect(await page.textContent('#message')).toBe(`No file or folder at ${join(study.dir, 'nope')}`);
    await open('');
    await page.waitForFunction(() => /^Give the path/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(await page.textContent('#message')).toBe('Give the path of a study folder (or of its study.json)');
    expect(await page.isVisible('#sem-canvas')).toBe(true); // the study stays open
    // The browser logs the refused calls' HTTP status; nothing else was logged.
    expect(workbench.browser.errors.splice(0)).toEqual([422, 400].map((code) => expect.stringMatching(new RegExp(`^console: Failed to load resource: the server responded with a status of ${code} `))));
  });

  it('layout: no view scrolls sideways at 1440 or 1024 × 700 px; charts are drawn again to fit', async () => {
    const ready: Record<string, string> = { profile: '#profile-chart svg', xrd: '#xrd-chart svg', volume: '.volume-host[data-rendered]', maps: '#maps-grid canvas.map', sem: '#sem-canvas', li: '#li-fraction-chart rect.bar', study: '#study-matrix' };
    /** How far the page scrolls sideways, and which drawn chart (or canvas) is wider than its box. */
    const measure = () => {
      const sideways = document.documentElement.scrollWidth - document.documentElement.clientWidth;
      const charts = ['#profile-chart', '#xrd-chart', '.volume-host'].flatMap((sel) => {
        const host = document.querySelector(sel) as HTMLElement | null;
        const drawn = host?.firstElementChild;
        return host && drawn && drawn.getBoundingClientRect().width > host.clientWidth + 0.5 ? [sel] : [];
      });
      return { sideways, charts };
    };
    const fits = `(() => { const m = (${measure.toString()})(); return m.sideways === 0 && m.charts.length === 0; })()`;
    await waitForReport(); // no view reloads (after a new report) while it is measured
    for (const [width, height] of [
      [1440, 900],
      [1024, 700],
    ]) {
      // Resized with a chart on screen: it is drawn again at its new width (after the resize settles).
      await tab('profile');
      await page.setViewportSize({ width, height });
      for (const t of Object.keys(ready)) {
        await tab(t);
        await page.waitForSelector(ready[t], { timeout: 60_000 });
        await page.waitForFunction(fits, null, { timeout: 5_000 }).catch(() => undefined);
        expect(await page.evaluate(measure), `${t} at ${width} × ${height}`).toEqual({ sideways: 0, charts: [] });
        if (width === 1024 && (t === 'profile' || t === 'volume')) await screenshot(page, `14-${t}-1024`);
      }
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
  });
});

/**
 * A study of real instrument files (../shared/data): positive-ion depth profiles of a perovskite
 * cell (no Li), an imzML stack (no shots per pixel), real SEM images and XRD patterns. On these
 * the views had opened blank or misleading: no ion ticked, the 2-D and 3-D views failing on the
 * default dead-time correction, a Li dashboard saying "No SIMS results", overlapping SEM labels.
 */
describe.skipIf(skipReason !== null || !hasSharedData)('workbench on real instrument files', { timeout: 300_000 }, () => {
  let realStudy: string;
  const workbench = useWorkbench({
    mode: 'browser',
    study: () => {
      realStudy = mkdtempSync(join(tmpdir(), 'strata-real-'));
      const put = (to: string, ...from: string[]) => {
        mkdirSync(join(realStudy, to, '..'), { recursive: true });
        copyFileSync(sharedDataPath(...from), join(realStudy, to));
      };
      put('psc/profile.txt', 'sims', 'uhasselt_psc_pos_electrode1.txt');
      put('psc/sem.tif', 'sem', 'tescan_mira3_example.tif');
      put('psc/xrd.ras', 'xrd', 'gredig_MB120718Si3.ras');
      put('roi/profile.txt', 'sims', 'uhasselt_psc_pos_roi.txt');
      put('roi/xrd.rasx', 'xrd', 'gredig_RM20220915Si01.rasx');
      put('roi/stack.imzML', 'imzml', 'Example_Continuous.imzML');
      put('roi/stack.ibd', 'imzml', 'Example_Continuous.ibd');
      const states = [
        { state: 'pristine', files: ['psc/profile.txt', 'psc/sem.tif', 'psc/xrd.ras'] },
        { state: 'roi', files: ['roi/profile.txt', 'roi/xrd.rasx', 'roi/stack.imzML'] },
      ];
      writeFileSync(join(realStudy, 'study.json'), JSON.stringify({ schema: 'strata.study/1', name: 'Perovskite cell, real files', stack: 'perovskite-psc-pos', states }));
      return realStudy;
    },
  });
  let page: Page;
  beforeAll(() => {
    ({ page } = workbench);
  });
  afterAll(() => {
    if (realStudy) rmSync(realStudy, { recursive: true, force: true });
  });
  const tab = (id: string) => showTab(page, id);

  it('depth profiles: with no Li⁻ in the data, the layers’ marker ions are ticked and drawn', async () => {
    await page.waitForFunction(() => /Report ready/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 120_000 });
    // The reader's doubt about the imzML (its ion windows miss the spectra) stands by the file.
    expect(await page.textContent('#study-files tr[data-kind="sims-stack"] .file-warning')).toMatch(/ion windows lie outside the spectra/);
    await tab('profile');
    await page.waitForSelector('#profile-chart path.trace');
    expect(await page.$('#profile-empty')).toBeNull();
    const ticked = await page.$$eval('input[name="profile-ion"]:checked', (b) => b.map((x) => (x as HTMLInputElement).value));
    // One marker of each layer the data have (the stack's first where present), no Li.
    expect(ticked).toEqual(expect.arrayContaining(['Au+', 'C+', 'Pb+', 'In+', 'Si+']));
    expect(ticked.some((i) => /^Li/.test(i))).toBe(false);
    // A study without Li exports its profiles first (Fig. 4 is of Li), Fig. 4 beside them.
    await page.click('#export-figure');
    expect(await page.$$eval('#export-kind option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['profiles', 'fig4']);
    await page.click('#export-form button[data-escape-closes]');
    await screenshot(page, '15-real-profiles');
  });

  it('2-D and 3-D: a stack without N is shown raw, the dead-time box off and saying why, the colour bar without NaN', async () => {
    await tab('maps');
    await page.waitForSelector('#maps-grid canvas.map');
    await page.waitForFunction(() => /gives no shots per pixel \(N\)/.test(document.querySelector('#maps-note')?.textContent ?? ''));
    expect(await page.$eval('#maps-deadtime', (b) => [(b as HTMLInputElement).disabled, (b as HTMLInputElement).checked])).toEqual([true, false]);
    expect(await page.$$eval('#maps-view .error', (e) => e.length)).toBe(0);
    // No known ion lies in its spectra: the reader took windows from its strongest peaks, and the
    // maps show the first of them (the default Li⁻ is not there), not an empty grid.
    expect(await page.textContent('#maps-note')).toMatch(/roi: .*ion windows lie outside the spectra.*windows taken instead from the strongest peaks/);
    expect(await page.$eval('#maps-ion', (s) => (s as HTMLSelectElement).value)).toMatch(/^m\/z \d+\.\d+$/);
    expect(await page.textContent('#maps-colour-bar')).toMatch(/m\/z/);
    expect(await page.textContent('#maps-colour-bar')).not.toMatch(/NaN/);
    await screenshot(page, '16-real-maps');
    await tab('volume');
    await page.waitForFunction(() => /gives no shots per pixel \(N\)/.test(document.querySelector('#volume-colour-note')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.$eval('#volume-deadtime', (b) => [(b as HTMLInputElement).disabled, (b as HTMLInputElement).checked])).toEqual([true, false]);
    expect(await page.textContent('#volume-colour-bar')).not.toMatch(/NaN/);
  });

  it('Li dashboard: says the analyte is in no profile, with no empty charts, and nothing to export', async () => {
    await tab('li');
    await page.waitForFunction(() => /No Li per layer: the analyte Li⁺ is in none of the depth profiles of pristine, roi/.test(document.querySelector('#li-note')?.textContent ?? ''));
    expect(await page.$('#li-fraction-chart')).toBeNull();
    expect(await page.$('#li-table')).toBeNull();
    expect(await page.textContent('#li-view')).not.toMatch(/No SIMS results|needs a pristine state/);
    await page.click('#export-figure');
    expect(await page.textContent('#message')).toMatch(/no figure to export now/);
    expect(await page.isVisible('#export-form')).toBe(false);
  });

  it('SEM: boundary labels apart, thicknesses to the precision of their σ', async () => {
    await tab('sem');
    await page.waitForSelector('#sem-thickness tbody tr');
    const boxes = await page.$$eval('#sem-figure text.boundary-label', (t) => t.map((x) => x.getBoundingClientRect()).map((r) => [r.top, r.bottom]));
    expect(boxes.length).toBeGreaterThan(2);
    const sorted = boxes.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k][0], 'labels overlap').toBeGreaterThanOrEqual(sorted[k - 1][1] - 1);
    const rows = await page.$$eval('#sem-thickness tbody tr', (r) => r.map((x) => [x.children[1].textContent ?? '', x.children[2].textContent ?? '']));
    for (const [value, sigma] of rows) {
      if (sigma === '—') continue;
      const decimals = (t: string) => t.split('.')[1]?.length ?? 0;
      expect(decimals(value), `${value} ± ${sigma}`).toBe(decimals(sigma));
      // σ to two significant figures: nothing after them but zeros.
      expect(sigma.replace('.', '').replace(/^0+/, '').slice(2), `σ ${sigma}`).toMatch(/^0*$/);
    }
    await screenshot(page, '17-real-sem');
  });

  it('XRD: no mask named outside the measured 2θ, an empty peak list said so, the area with its unit', async () => {
    await tab('xrd');
    await page.waitForSelector('#xrd-chart svg');
    // The patterns span 2–30°: the Si (400) masks near 61–70° are no business of theirs.
    expect(await page.textContent('#xrd-note')).not.toMatch(/masked/);
    await page.waitForSelector('table[data-state="roi"] tr.no-peaks');
    expect(await page.$$eval('table[data-state="pristine"] thead th', (t) => t.map((x) => x.textContent))).toContain('Area (counts·°)');
    await screenshot(page, '18-real-xrd');
  });
});

/**
 * A folder without study.json holding a CIGS solar cell's depth profile: read with the default
 * stack (the paper's battery), whose marker ions the data lack, so the state had no layers and
 * the workbench offered no way to say what the cell is. The Study tab's "Layer stack" does.
 */
describe.skipIf(skipReason !== null || !hasSharedData)('workbench on a folder without study.json: the layer stack chosen', { timeout: 300_000 }, () => {
  let folder: string;
  const workbench = useWorkbench({
    mode: 'browser',
    study: () => {
      folder = mkdtempSync(join(tmpdir(), 'strata-cigs-'));
      copyFileSync(sharedDataPath('sims', 'grapa_cigs_sample_d.txt'), join(folder, 'pristine_profile.txt'));
      return folder;
    },
  });
  let page: Page;
  beforeAll(() => {
    ({ page } = workbench);
  });
  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  const tab = (id: string) => showTab(page, id);
  const waitForReport = () => waitForReportOf(page);
  const analysedWith = (act: () => Promise<unknown>) => analysedWithOf(page, act);
  const CIGS_LABELS = ['MgF₂', 'ZnO:Al/CdS', 'CIGS', 'Mo'];

  it('says no layers were found with the default stack; cigs-pos chosen, the layers are the CIGS cell’s everywhere', async () => {
    await waitForReport();
    expect(await page.inputValue('#stack-choice')).toBe('anode-free-ss-lfp');
    const options = await page.$$eval('#stack-choice option', (o) => o.map((x) => [(x as HTMLOptionElement).value, x.textContent]));
    expect(options.map(([v]) => v)).toEqual(['anode-free-ss-lfp', 'perovskite-psc-pos', 'cigs-pos']);
    expect(options[0][1]).toMatch(/^anode-free-ss-lfp — Anode-free .*\(the default: no study\.json\)$/);
    expect(options[2][1]).toMatch(/^cigs-pos — CIGS solar cell/);
    await page.waitForFunction(() => /No layers found with stack anode-free-ss-lfp:.*none of the marker ions of stack 'anode-free-ss-lfp'/.test(document.querySelector('#stack-note')?.textContent ?? ''));
    expect(await page.$$eval('#stack-note .error', (e) => e.length)).toBe(1);
    // One state, one warning: said in the singular ("1 states, 1 warnings" read as a slip).
    expect(await page.textContent('#status')).toBe('Report ready (1 state, 1 warning)');
    await screenshot(page, '19a-stack-default-refused');

    expect(await analysedWith(() => page.selectOption('#stack-choice', 'cigs-pos'))).toEqual({ stack: 'cigs-pos' });
    await waitForReport();
    await page.waitForFunction(() => /use this stack/.test(document.querySelector('#stack-note')?.textContent ?? ''));
    expect(await page.inputValue('#stack-choice')).toBe('cigs-pos');
    expect(await page.$$eval('#study-stack tbody tr td:nth-child(2)', (t) => t.map((x) => x.textContent))).toEqual(CIGS_LABELS);
    expect(await page.textContent('#study-browser p.notes')).toMatch(/stack: CIGS solar cell/);
    const kept = JSON.parse((await page.evaluate(() => sessionStorage.getItem('strata.session'))) ?? 'null');
    expect(kept.overrides).toEqual({ stack: 'cigs-pos' });

    await tab('profile');
    await page.waitForSelector('#profile-chart rect.band');
    expect(await page.$$eval('#profile-chart rect.band', (r) => r.map((x) => x.getAttribute('data-role')))).toEqual(['arc', 'window', 'absorber', 'back_contact']);
    expect(await page.$$eval('#profile-chart g.bands text', (t) => t.map((x) => x.textContent))).toEqual(CIGS_LABELS);
    // Labelled from the study's stack (the summary the views read), not the report's: the chosen one's.
    expect(await page.$$eval('#layer-table tbody tr td:first-child', (t) => t.map((x) => x.textContent))).toEqual(CIGS_LABELS);
    expect(await page.textContent('#interface-table tbody')).toMatch(/^MgF₂ \| ZnO:Al\/CdS/);
    // The layers' marker ions drawn (the default Li⁻ is not in the data).
    expect(await page.$$eval('#profile-chart path.trace', (p) => p.length)).toBeGreaterThan(1);
    await screenshot(page, '19-stack-chosen');
  });

  it('a reload keeps the stack chosen; the study’s own chosen again sends no override', async () => {
    await page.reload();
    await page.waitForSelector('#tab-profile[aria-selected="true"]');
    await waitForReport();
    await page.waitForSelector('#layer-table tbody tr');
    expect(await page.$$eval('#layer-table tbody tr td:first-child', (t) => t.map((x) => x.textContent))).toEqual(CIGS_LABELS);
    await tab('study');
    expect(await page.inputValue('#stack-choice')).toBe('cigs-pos');
    expect(await analysedWith(() => page.selectOption('#stack-choice', 'anode-free-ss-lfp'))).toBeUndefined();
    await waitForReport();
    await page.waitForFunction(() => /No layers found with stack anode-free-ss-lfp/.test(document.querySelector('#stack-note')?.textContent ?? ''));
    expect(await page.$$eval('#study-stack tbody tr td:nth-child(2)', (t) => t.map((x) => x.textContent))).toEqual(['CC/AAM', 'SEI/SE', 'CAM', 'CC', 'SiO₂/Si']);
    const kept = JSON.parse((await page.evaluate(() => sessionStorage.getItem('strata.session'))) ?? 'null');
    expect(kept.overrides).toEqual({});
  });
});
