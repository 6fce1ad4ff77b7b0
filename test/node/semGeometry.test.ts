import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSchema, validateRequest } from '../../core/api/contract.js';
import { AnalysisCache } from '../../core/node/analysisCache.js';
import { analyzeStudyDetailedOnDisk, DEFAULT_STEPS, statesOneByOne, withSemGeometry } from '../../core/node/analyzeStudyOnDisk.js';
import type { AnalyzeOverrides, StatesRunner } from '../../core/node/analyzeStudyOnDisk.js';
import { loadStudy } from '../../core/node/loadStudy.js';
import type { LoadedStudy } from '../../core/node/loadStudy.js';
import { WorkbenchServices } from '../../core/node/services.js';
import { comparable } from '../helpers/analysis.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import { parseSvg, withAttr } from '../figures/svgQuery.js';

// The SEM view of a state's cross-section (its face's geometry and view angle θ) set in the
// workbench: overrides.semGeometry, in place of study.json's semSection / semTiltDeg.

describe('overrides.semGeometry: the schema', () => {
  const analyze = (semGeometry: unknown) => () => validateRequest('analyzeStudy', { path: '/s', overrides: { semGeometry } });

  it('takes a face and a view angle per state, within the manifest’s ±84°', () => {
    expect(analyze({ charged: { section: 'fib-trench' }, discharged: { tiltDeg: -52.5 }, pristine: {} })).not.toThrow();
    expect(analyze({ charged: { tiltDeg: 85 } })).toThrow(/semGeometry\.charged\.tiltDeg/);
    expect(analyze({ charged: { section: 'fib' } })).toThrow(/semGeometry\.charged\.section/);
    expect(analyze({ charged: { section: 'cleaved', tilt: 3 } })).toThrow(/semGeometry\.charged/);
    expect(() => validateRequest('getSemImage', { path: '/s', state: 'charged', maxSize: 256, geometry: { tiltDeg: Number.NaN } })).toThrow(/geometry\.tiltDeg/);
  });

  it('a project keeps the 3-D view’s clip layer; one saved before it existed still opens', () => {
    const view = {
      tab: 'volume',
      profile: { states: [], ions: [], logY: true, normalise: false, axis: 'time', interfacesOf: '' },
      maps: { ion: 'Li-', colormap: 'viridis', window: 'all', logColour: false },
      volume: { ion: 'Li-', mode: 'mip', zExaggeration: 30, clipTop: 0.3, clipBottom: 0.8, azimuthDeg: 35, elevationDeg: 25 },
      xrd: { offsetFraction: 0.6, logY: true },
    };
    const project = { schema: 'strata.project/1', study: '.', overrides: { semGeometry: { charged: { section: 'fib-trench' } } }, view, annotations: [], savedAt: '', software: 'strata' };
    const old = projectSchema.parse(project);
    expect(old.view.volume.clipLayer).toBeUndefined();
    expect(old.overrides.semGeometry).toEqual({ charged: { section: 'fib-trench' } });
    expect(projectSchema.parse({ ...project, view: { ...view, volume: { ...view.volume, clipLayer: 'cam' } } }).view.volume.clipLayer).toBe('cam');
  });
});

describe('withSemGeometry', () => {
  const study = {
    name: 's',
    root: '/s',
    states: [
      { state: 'a', files: [], semTiltDeg: 10 },
      { state: 'b', files: [], semSection: 'fib-trench' as const },
    ],
  } as unknown as LoadedStudy;

  it('replaces both study.json settings of a state it names, and leaves the others', () => {
    const got = withSemGeometry(study, { semGeometry: { a: { section: 'fib-trench' }, b: { tiltDeg: 20 } } });
    // The face chosen for a: its θ now comes from the stage tilt, study.json's 10° no longer wins.
    expect(got.states).toEqual([
      { state: 'a', files: [], semSection: 'fib-trench' },
      { state: 'b', files: [], semTiltDeg: 20 },
    ]);
    expect(withSemGeometry(study, { semGeometry: { a: {} } }).states[0]).toEqual({ state: 'a', files: [] });
    expect(study.states[0]).toEqual({ state: 'a', files: [], semTiltDeg: 10 }); // not changed in place
  });

  it('gives the study itself when no entry names one of its states', () => {
    expect(withSemGeometry(study, undefined)).toBe(study);
    expect(withSemGeometry(study, { semPixelSizeNm: { a: 5 } })).toBe(study);
    expect(withSemGeometry(study, { semGeometry: { cycled: { tiltDeg: 5 } } })).toBe(study);
  });
});

const sample = join(PROJECT_ROOT, 'samples/study');

describe.skipIf(!existsSync(join(sample, 'study.json')))('overrides.semGeometry in the analysis, the SEM image and the figure', () => {
  let dir: string;
  let study: LoadedStudy;
  let api: WorkbenchServices;
  const analysed: string[] = [];
  const counting: StatesRunner = (s, options) => {
    analysed.push(...s.states.map((st) => st.state));
    return statesOneByOne(s, options);
  };
  const cache = new AnalysisCache(counting);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-semgeom-'));
    cpSync(sample, join(dir, 'study'), { recursive: true });
    study = await loadStudy(join(dir, 'study'));
    api = new WorkbenchServices({ mode: 'browser', startupStudy: join(dir, 'study') });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The sample's discharged image: stage tilt 10°, and study.json says θ = 10° ("semTiltDeg").
  const fib: AnalyzeOverrides = { semGeometry: { discharged: { section: 'fib-trench' } } };
  const semOf = (r: { report: { states: { state: string; sem?: { layers: { role: string; thicknessNm: number }[] } }[] } }, state: string) =>
    r.report.states.find((s) => s.state === state)!.sem!.layers.filter((l) => Number.isFinite(l.thicknessNm));

  it('a FIB trench face chosen for discharged analyses discharged again, seen at 90° − 10° instead of study.json’s 10°', async () => {
    const first = await cache.get(study, undefined);
    expect(analysed).toEqual(['pristine', 'charged', 'discharged']);
    const trench = await cache.get(study, fib);
    expect(analysed.slice(3)).toEqual(['discharged']);
    expect(trench.report.states[0]).toEqual(first.report.states[0]);
    // Thickness along the layer normal: Δu·p / √(sin²α + cos²θ·cos²α) (core/sem/tilt.ts), α the layers' slope.
    const img = await api.getSemImage({ path: study.root, state: 'discharged', maxSize: 1024, geometry: { section: 'fib-trench' } });
    const a = (img.boundaries!.angleDeg * Math.PI) / 180;
    const across = (thetaDeg: number) => Math.sqrt(Math.sin(a) ** 2 + Math.cos((thetaDeg * Math.PI) / 180) ** 2 * Math.cos(a) ** 2);
    const before = semOf(first, 'discharged');
    const after = semOf(trench, 'discharged');
    expect(after.map((l) => l.role)).toEqual(before.map((l) => l.role));
    expect(before.length).toBeGreaterThanOrEqual(3);
    after.forEach((l, i) => expect(l.thicknessNm / before[i].thicknessNm, l.role).toBeCloseTo(across(10) / across(80), 3));
    // The depth calibration of discharged follows its new thicknesses.
    expect(trench.report.states[2].sims).not.toEqual(first.report.states[2].sims);
    // What a fresh analysis gives, and the report says which geometry it used.
    expect(comparable(trench)).toEqual(comparable(await analyzeStudyDetailedOnDisk(study, { overrides: fib, steps: { ...DEFAULT_STEPS } })));
    expect(trench.report.provenance.parameters).toMatchObject(fib);
    expect(first.report.provenance.parameters).not.toHaveProperty('semGeometry');
    // The view angle typed in as study.json's: the first numbers again.
    const typed = await cache.get(study, { semGeometry: { discharged: { tiltDeg: 10 } } });
    expect(typed.report.states[2].sem).toEqual(first.report.states[2].sem);
  }, 120_000);

  it('the SEM image payload says the face and view angle in force, the user’s over study.json’s', async () => {
    const fromStudy = await api.getSemImage({ path: study.root, state: 'discharged', maxSize: 256 });
    expect(fromStudy).toMatchObject({ tiltDeg: 10, section: null, viewAngleDeg: 10 });
    const chosen = await api.getSemImage({ path: study.root, state: 'discharged', maxSize: 256, geometry: { section: 'fib-trench' } });
    expect(chosen).toMatchObject({ tiltDeg: 10, section: 'fib-trench', viewAngleDeg: null });
    // The same pixels, so the same boundaries in pixels: only their distances in nm change.
    expect(chosen.boundaries!.lines.map((l) => l.uPx)).toEqual(fromStudy.boundaries!.lines.map((l) => l.uPx));
    // Pristine was imaged at stage tilt 0°: a FIB trench face there would be seen edge-on.
    const edgeOn = await api.getSemImage({ path: study.root, state: 'pristine', maxSize: 256, geometry: { section: 'fib-trench' } });
    expect(edgeOn.boundaries).toBeNull();
    expect(edgeOn.boundaryError).toMatch(/tilt 90° is beyond the ±84°.*FIB trench face at stage tilt 0°/);
  });

  it('the exported SEM figure measures with the geometry the user chose', async () => {
    const report = await api.analyzeStudy({ path: study.root, overrides: fib });
    const cam = report.states[2].sem!.layers.find((l) => l.role === 'cam')!.thicknessNm;
    const sem = await api.exportFigure({ path: study.root, figure: 'sem', state: 'discharged', format: 'svg', widthMm: 85, dpi: 600, overrides: fib });
    const label = withAttr(parseSvg(Buffer.from(sem.base64, 'base64').toString('utf8')), 'data-layer-label')
      .map((n) => n.text)
      .find((t) => /^CAM /.test(t ?? ''))!;
    // In µm from 1 µm up, as the scale bar writes lengths.
    const [, value, unit] = /CAM ([\d.]+) ± [\d.]+ (nm|µm)/.exec(label)!;
    expect(Number(value) * (unit === 'µm' ? 1000 : 1)).toBeCloseTo(cam, -1);
  }, 120_000);
});
