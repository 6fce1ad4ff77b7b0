/**
 * The 3-D view's figure from a study on disk (`volume`): each state's stack binned as the view
 * asks (its ion, correction, scans of a time range, pixels of a region), on the depth axis of the
 * report's calibration from the first scan shown, and what could not be binned said, not thrown.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFigures, buildStudyFigures, collectFigureData, FIGURE_VOLUME, figureSvg, type FigureData } from '../../core/node/figureFiles.js';
import { svgSizeMm } from '../../core/figures/export.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { openDataset } from '../../core/node/openDataset.js';
import type { IonStack } from '../../core/model/ionStack.js';
import { binStackVolume, scansWithin } from '../../core/sims/volume.js';
import { timeToDepthNm } from '../../core/sims/calibrate.js';
import { VOLUME_FIGURE_MAX_VOXELS, volumeFigureSchema } from '../../core/api/contract.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import { all, parseSvg, withAttr } from '../figures/svgQuery.js';

const SAMPLE = join(PROJECT_ROOT, 'samples/study');
const hasSample = existsSync(join(SAMPLE, 'study.json'));

describe.skipIf(!hasSample)('the volume figure of the sample study', () => {
  let study: LoadedStudy;
  let data: FigureData;
  let charged: IonStack;
  // Charged's scans from 30 % to 60 % of its sputter time; pristine whole; a region of the field.
  let range: [number, number];
  const region = { x0: 4, y0: 6, x1: 20, y1: 18 };
  const terms = { ion: 'Fe-', deadTime: false, mode: 'composite' as const, azimuthDeg: 50, elevationDeg: 30, zExaggeration: 40 };
  beforeAll(async () => {
    study = await loadStudy(SAMPLE);
    const file = study.states.find((s) => s.state === 'charged')!.files.find((f) => f.kind === 'sims-stack')!.path;
    const opened = await openDataset(join(study.root, file));
    charged = opened.dataset as IonStack;
    const t = charged.timeS;
    range = [t[0] + 0.3 * (t[t.length - 1] - t[0]), t[0] + 0.6 * (t[t.length - 1] - t[0])];
    data = await collectFigureData(study, { needVolumes: false, needSem: false, needXrd: false, viewVolume: { ...terms, timeRangeS: { charged: range }, region } });
  }, 120_000);

  it("bins each state's stack as the view asks: the ion, uncorrected, the scans of the range, the region; the same voxels as the view's binning", async () => {
    const v = data.states.find((s) => s.state === 'charged')!.viewVolume!;
    expect(v.ion).toBe('Fe-');
    const scans = scansWithin(charged, range);
    expect(v.volume.scanRange).toEqual(scans);
    expect(scans[0]).toBeGreaterThan(0);
    expect(scans[1]).toBeLessThan(charged.scans);
    expect(v.volume.region).toEqual(region);
    expect(v.volume.deadTimeCorrected).toBe(false);
    const direct = await binStackVolume(charged, charged.ions.findIndex((i) => i.label === 'Fe-'), { ...FIGURE_VOLUME, deadTime: false, scanRange: scans, region });
    expect(Array.from(v.volume.data)).toEqual(Array.from(direct.data));
    // Pristine has no range: every scan.
    const p = data.states.find((s) => s.state === 'pristine')!.viewVolume!;
    expect(p.volume.scanRange).toEqual([0, p.totalScans]);
  });

  it("draws the part on the report's depths: charged's ticks from its first scan's depth, pristine's from the surface; the notes say which scans and pixels", () => {
    const warnings: string[] = [];
    const [fig] = buildFigures(data, { figures: ['volume'], volume: { ...terms, timeRangeS: { charged: range }, region } }, warnings);
    expect(fig.name).toBe('volume');
    const root = parseSvg(fig.svg);
    const ticks = (state: string) => all(withAttr(root, 'data-panel', `volume-${state}`)[0], (n) => 'data-depth-tick' in n.attrs).map((n) => Number(n.attrs['data-depth-tick']));
    const cal = data.details.get('charged')!.calibration!;
    const vol = data.states.find((s) => s.state === 'charged')!.viewVolume!.volume;
    const top = timeToDepthNm(cal, vol.zTimeS[0][0]);
    const bottom = timeToDepthNm(cal, vol.zTimeS[vol.nz - 1][1]);
    expect(top).toBeGreaterThan(100);
    const axis = withAttr(withAttr(root, 'data-panel', 'volume-charged')[0], 'data-top-nm')[0];
    expect(Number(axis.attrs['data-top-nm'])).toBeCloseTo(top, 2); // the SVG writes 2 decimals
    expect(Number(axis.attrs['data-depth-nm'])).toBeCloseTo(bottom - top, 1);
    expect(Math.min(...ticks('charged'))).toBeGreaterThanOrEqual(top);
    expect(Math.max(...ticks('charged'))).toBeLessThanOrEqual(bottom);
    expect(Math.min(...ticks('pristine'))).toBe(0);
    expect(fig.notes!.find((n) => n.startsWith('charged:'))).toMatch(new RegExp(`^charged: charged/stack\\.ome\\.tif, Fe-, scans ${vol.scanRange[0] + 1}–${vol.scanRange[1]} of ${charged.scans}, x 4–20, y 6–18 px of ${charged.width} × ${charged.height}: ${Math.round(top)}–${Math.round(bottom)} nm deep`));
    expect(all(root, (n) => n.tag === 'g' && n.attrs['data-z-exaggeration'] === '40')).toHaveLength(3);
    // The workbench's export has no figures.json: the notes travel in the SVG's description.
    expect(all(root, (n) => n.tag === 'desc')[0].text.replace(/&#39;/g, "'")).toContain(fig.notes!.find((n) => n.startsWith('charged:'))!);
    expect(warnings).toEqual([]);
  });

  it('corrected volumes beside raw ones (a stack without shots per pixel) are said not to compare, and the scale is not called corrected', () => {
    const mixed: FigureData = {
      ...data,
      states: data.states.map((s) => (s.viewVolume ? { ...s, viewVolume: { ...s.viewVolume, volume: { ...s.viewVolume.volume, deadTimeCorrected: s.state !== 'charged' } } } : s)),
    };
    const warnings: string[] = [];
    const [fig] = buildFigures(mixed, { figures: ['volume'] }, warnings);
    expect(warnings).toEqual(['volume: dead time corrected in pristine, discharged but not in charged (no shots per pixel): their colours do not compare']);
    expect(fig.notes).toContain('dead time corrected in pristine, discharged but not in charged (no shots per pixel): their colours do not compare');
    expect(fig.svg).not.toMatch(/dead-time corrected/);
    const allCorrected = buildFigures({ ...data, states: data.states.map((s) => (s.viewVolume ? { ...s, viewVolume: { ...s.viewVolume, volume: { ...s.viewVolume.volume, deadTimeCorrected: true } } } : s)) }, { figures: ['volume'] }, []);
    expect(allCorrected[0].svg).toMatch(/dead-time corrected/);
  });

  it('says what it cannot bin and leaves that panel empty: a range with no scan, an ion the stacks lack', async () => {
    const far = await buildStudyFigures(study, { figures: ['volume'], volume: { ...terms, timeRangeS: { discharged: [1e6, 2e6] } } });
    expect(far.warnings).toContainEqual(expect.stringMatching(/^volume: discharged: .*no scan between 1000000 and 2000000 s$/));
    expect(withAttr(parseSvg(far.built[0].svg), 'data-panel').map((n) => n.attrs['data-panel'])).toEqual(['volume-pristine', 'volume-charged']);
    const none = await buildStudyFigures(study, { figures: ['volume'], volume: { ...terms, ion: 'Xe+' } });
    expect(none.built).toEqual([]);
    expect(none.warnings.filter((w) => w.startsWith('volume:'))).toEqual([
      'volume: pristine/stack.ome.tif: no Xe+ channel: no panel for pristine',
      'volume: charged/stack.ome.tif: no Xe+ channel: no panel for charged',
      'volume: discharged/stack.ome.tif: no Xe+ channel: no panel for discharged',
      'volume: no state has a 3-D stack to show',
    ]);
  }, 120_000);

  it("the request's terms are checked: an elevation past the pole and a range that ends before it starts are refused", () => {
    expect(volumeFigureSchema.safeParse({ ...terms }).success).toBe(true);
    expect(volumeFigureSchema.safeParse({ ...terms, elevationDeg: 95 }).success).toBe(false);
    expect(volumeFigureSchema.safeParse({ ...terms, timeRangeS: { charged: [5, 1] } }).success).toBe(false);
    expect(volumeFigureSchema.safeParse({ ...terms, extra: 1 }).success).toBe(false);
    expect(volumeFigureSchema.safeParse({ ...terms, colourMax: 120 }).success).toBe(true);
    for (const colourMax of [0, -5, Number.POSITIVE_INFINITY]) expect(volumeFigureSchema.safeParse({ ...terms, colourMax }).success).toBe(false);
    // The view's binning limits, up to a GPU view's budget.
    expect(volumeFigureSchema.safeParse({ ...terms, voxels: { maxSize: 2048, maxVoxels: VOLUME_FIGURE_MAX_VOXELS } }).success).toBe(true);
    for (const voxels of [{ maxSize: 2048, maxVoxels: VOLUME_FIGURE_MAX_VOXELS + 1 }, { maxSize: 4, maxVoxels: 4096 }, { maxSize: 64.5, maxVoxels: 4096 }, { maxSize: 64 }]) {
      expect(volumeFigureSchema.safeParse({ ...terms, voxels }).success, JSON.stringify(voxels)).toBe(false);
    }
  });

  it("bins as the view did where it says how (its texture limit and voxel budget), and the notes give the voxels", async () => {
    const voxels = { maxSize: 8, maxVoxels: 8 * 8 * 40 };
    const asked = await collectFigureData(study, { needVolumes: false, needSem: false, needXrd: false, viewVolume: { ...terms, voxels } });
    const v = asked.states.find((s) => s.state === 'charged')!.viewVolume!.volume;
    const direct = await binStackVolume(charged, charged.ions.findIndex((i) => i.label === 'Fe-'), { ...voxels, deadTime: false });
    expect([v.nx, v.ny, v.nz]).toEqual([direct.nx, direct.ny, direct.nz]);
    expect(v.nx).toBeLessThanOrEqual(8);
    expect(v.nx * v.ny * v.nz).toBeLessThanOrEqual(voxels.maxVoxels);
    expect(Array.from(v.data)).toEqual(Array.from(direct.data));
    // Without them, the figures' own limits: finer here.
    const own = data.states.find((s) => s.state === 'pristine')!.viewVolume!.volume;
    expect(own.nx).toBeGreaterThan(v.nx);
    const [fig] = buildFigures(asked, { figures: ['volume'], volume: { ...terms, voxels } }, []);
    expect(fig.notes!.find((n) => n.startsWith('charged:'))).toContain(`nm deep (the report's depth calibration), ${v.nx} × ${v.ny} × ${v.nz} voxels`);
  }, 120_000);

  it('is drawn at each resolution when asked for, at one size: a PNG’s drawing alone, the vector one later, the same', () => {
    const volume = { ...terms, timeRangeS: { charged: range }, region };
    const [fig] = buildFigures(data, { figures: ['volume'], volume }, []);
    // The PNG's drawing first (the workbench's PNG export asks for no other), then the vector one.
    const forPng = figureSvg(fig, 'png', 600);
    expect(svgSizeMm(forPng)).toEqual(svgSizeMm(fig.svg));
    expect(forPng).not.toBe(fig.svg);
    // Each drawing is the one a figure built afresh makes, whichever was asked for first.
    const [again] = buildFigures(data, { figures: ['volume'], volume }, []);
    expect(again.svg).toBe(fig.svg);
    expect(figureSvg(again, 'png', 600)).toBe(forPng);
  });

  it("the view's colour scale is the figure's (from 0 to its top), and the notes say whose scale it is", () => {
    const scale = (volume: object) => {
      const [fig] = buildFigures(data, { figures: ['volume'], volume: { ...terms, ...volume } }, []);
      const bar = withAttr(parseSvg(fig.svg), 'data-colorbar')[0].attrs;
      return { range: [Number(bar['data-min']), Number(bar['data-max'])], note: fig.notes!.find((n) => n.startsWith('colour scale')) };
    };
    expect(scale({ colourMax: 37.5 })).toEqual({ range: [0, 37.5], note: "colour scale: 0–37.5 mean counts per voxel, as asked (the workbench's 3-D view's own, or --volume-colour-max)" });
    const own = scale({});
    expect(own.range[0]).toBe(0);
    expect(own.range[1]).not.toBe(37.5);
    expect(own.note).toBe('colour scale: 0 to the 99.8 % quantile of the voxels shown (the bar marks those above)');
  });
});
