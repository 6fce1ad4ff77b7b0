import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../core/io/byteSource.js';
import { readSemImage } from '../../core/io/sem/index.js';
import { readSurfaceLabProfile } from '../../core/io/sims/surfacelab.js';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';
import { readXrd } from '../../core/io/xrd/index.js';
import { generateStudy, type GeneratedStudy } from '../../samples/gen/study.js';
import { kAlpha2Position } from '../../samples/gen/xrd.js';
import type { Truth } from '../../samples/truth.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';
import { firstDifference } from '../helpers/bytes.js';

const STUDY_DIR = join(PROJECT_ROOT, 'samples/study');
const small = { stackWidth: 8, stackHeight: 8 } as const;

async function tiff(bytes: Uint8Array) {
  return fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

function omeXmlOf(description: unknown): Record<string, any> {
  const xml = String(description).replace(/\0+$/, '');
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
}

const roleValue = <T extends { role: string }>(list: T[], role: string): T => list.find((x) => x.role === role)!;

describe('generateStudy', () => {
  let study: GeneratedStudy;
  beforeAll(() => {
    study = generateStudy(); // the committed study's options
  }, 120_000);

  it('is deterministic: same seed, same bytes; another seed, other noise', () => {
    const a = generateStudy({ ...small, seed: 7 });
    const b = generateStudy({ ...small, seed: 7 });
    const c = generateStudy({ ...small, seed: 8 });
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [name, bytes] of a.files) expect(firstDifference(b.files.get(name)!, bytes), name).toBe(-1);
    expect(c.files.get('pristine/profile.txt')).not.toEqual(a.files.get('pristine/profile.txt'));
    expect(c.files.get('charged/sem.tif')).not.toEqual(a.files.get('charged/sem.tif'));
  }, 60_000);

  it('writes the manifest, the truth and five files per state', () => {
    const { manifest, truth, files } = study;
    expect(manifest.schema).toBe('strata.study/1');
    expect(manifest.stack).toBe('anode-free-ss-lfp');
    expect(manifest.states.map((s) => s.state)).toEqual(['pristine', 'charged', 'discharged']);
    for (const s of manifest.states) {
      expect(s.sims.shotsPerPixel).toBe(truth.shotsPerPixel);
      for (const f of s.files) expect(files.has(f), f).toBe(true);
      const t = truth.states.find((x) => x.state === s.state)!;
      expect(Object.values(t.files).sort()).toEqual([...s.files].sort());
    }
    expect(JSON.parse(new TextDecoder().decode(files.get('truth.json')))).toEqual(truth);
    expect(JSON.parse(new TextDecoder().decode(files.get('study.json')))).toEqual(manifest);
    const total = [...files.values()].reduce((s, b) => s + b.length, 0);
    expect(total).toBeLessThan(8 * 2 ** 20);
  });

  it('has a truth that is internally consistent', () => {
    const t = study.truth;
    const thick = [150, 200, 600, 150, 200];
    expect(t.layers.map((l) => l.thicknessNm)).toEqual(thick);
    for (const s of t.states) {
      let depth = 0;
      let time = 0;
      s.layers.forEach((l, i) => {
        const layer = t.layers[i];
        expect(l.role).toBe(layer.role);
        expect(l.startNm).toBeCloseTo(depth, 6);
        expect(l.startS).toBeCloseTo(time, 6);
        if (i < s.layers.length - 1) {
          expect(l.endNm - l.startNm).toBeCloseTo(layer.thicknessNm, 6);
          expect(l.endS - l.startS).toBeCloseTo(layer.thicknessNm / layer.sputterRateNmPerS, 6);
          expect(s.boundaries[i]).toMatchObject({ upper: layer.role, lower: t.layers[i + 1].role });
          expect(s.boundaries[i].depthNm).toBeCloseTo(l.endNm, 6);
          expect(s.boundaries[i].timeS).toBeCloseTo(l.endS, 6);
        }
        depth = l.endNm;
        time = l.endS;
      });
      const sub = s.layers[4];
      expect(sub.endS).toBe(t.scans * t.scanPeriodS);
      // It sputters a little into the substrate, not through it.
      expect(sub.endNm - sub.startNm).toBeGreaterThan(20);
      expect(sub.endNm - sub.startNm).toBeLessThan(200);
      expect(sub.endS).toBeGreaterThan(5500);
      expect(sub.endS).toBeLessThan(6500);
      expect(s.liFraction.reduce((a, b) => a + b.fraction, 0)).toBeCloseTo(1, 12);
      const liSum = s.liCounts.reduce((a, b) => a + b.counts, 0);
      for (const f of s.liFraction) expect(roleValue(s.liCounts, f.role).counts / liSum).toBeCloseTo(f.fraction, 6);
      expect(s.sem.layers.map((l) => l.thicknessNm)).toEqual(thick);
      expect(s.sem.scaleBarPx * s.sem.pixelSizeNm).toBeCloseTo(s.sem.scaleBarNm, 6);
      expect(0.128e9 / (s.sem.magnification * 640)).toBeCloseTo(s.sem.pixelSizeNm, 6);
      expect(s.xrd.amorphousFraction).toBeGreaterThan(0.5);
      expect(s.xrd.amorphousFraction).toBeLessThan(1);
    }
    const total = t.layers.slice(0, 4).reduce((a, l) => a + l.thicknessNm, 0) + 200;
    expect(total).toBeGreaterThan(1150);
    expect(total).toBeLessThan(1350);
  });

  it('moves Li from the CAM to SEI/SE and CC/AAM on charge, and mostly back on discharge', () => {
    const [p, c, d] = study.truth.states;
    const f = (s: typeof p, role: string) => roleValue(s.liFraction, role).fraction;
    for (const role of ['sei_se', 'cc_aam']) {
      expect(f(c, role)).toBeGreaterThan(f(p, role) + 0.03);
      expect(f(d, role)).toBeLessThan(f(c, role));
      expect(f(d, role)).toBeGreaterThanOrEqual(f(p, role));
    }
    expect(f(c, 'cam')).toBeLessThan(f(p, 'cam') - 0.05);
    expect(f(d, 'cam')).toBeGreaterThan(f(c, 'cam'));
  });

  it('saturates the detector on Li (dead-time correction matters) but not everywhere', () => {
    for (const s of study.truth.states) {
      expect(s.sims.liMaxExpectedPerPixel).toBeGreaterThan(2 * study.truth.shotsPerPixel);
      expect(s.sims.liSaturatedPixelScans).toBeGreaterThan(0);
    }
    const charged = study.truth.states[1];
    expect(charged.sims.liSaturatedPixelScans).toBeGreaterThan(100);
    expect(charged.sims.liSaturatedPixelScans).toBeLessThan(0.1 * study.truth.scans * 32 * 32);
  });

  it('writes an OME-TIFF that declares the right sizes, channels, pixel size, times and N', async () => {
    const t = study.truth;
    const bytes = study.files.get('charged/stack.ome.tif')!;
    const file = await tiff(bytes);
    expect(await file.getImageCount()).toBe(t.scans * t.stackChannels.length);
    const first = await file.getImage(0);
    const ome = omeXmlOf(await first.fileDirectory.loadValue('ImageDescription')).OME;
    expect(ome.xmlns).toBe('http://www.openmicroscopy.org/Schemas/OME/2016-06');
    const px = ome.Image.Pixels;
    expect(px).toMatchObject({ DimensionOrder: 'XYZCT', Type: 'uint16', SizeX: '32', SizeY: '32', SizeT: '1' });
    expect(Number(px.SizeZ)).toBe(t.scans);
    expect(Number(px.SizeC)).toBe(t.stackChannels.length);
    expect(Number(px.PhysicalSizeX) * 1000).toBeCloseTo(t.stackPixels.pixelSizeNm, 6);
    expect(px.PhysicalSizeXUnit).toBe('µm');
    expect(px.Channel.map((c: { Name: string }) => c.Name)).toEqual(t.stackChannels);
    expect(px.Plane.length).toBe(t.scans);
    expect(Number(px.Plane[10].DeltaT)).toBeCloseTo(10 * t.scanPeriodS, 9);
    const pairs = Object.fromEntries(
      ome.StructuredAnnotations.MapAnnotation.Value.M.map((m: { K: string; '#text': string | number }) => [m.K, String(m['#text'])]),
    );
    expect(Number(pairs.ShotsPerPixel)).toBe(t.shotsPerPixel);
    expect(Number(pairs.ScanPeriodS)).toBe(t.scanPeriodS);
    for (const label of ['Li-', '^6Li-', 'Fe-', 'FeO-', 'PO_2-', 'Cr-', 'Si-', 'total']) expect(t.stackChannels).toContain(label);
  });

  it('keeps the 1-D profile equal to the stack summed over pixels, and raw counts within 0..N', async () => {
    const t = study.truth;
    const prof = readSurfaceLabProfile(study.files.get('charged/profile.txt')!, 'profile.txt');
    expect(prof.ions.map((i) => i.label)).toEqual(t.profileIons.map((i) => i.label));
    expect(prof.ions.every((i) => !i.poissonCorrected)).toBe(true);
    const file = await tiff(study.files.get('charged/stack.ome.tif')!);
    const pixels = 32 * 32;
    for (const label of ['Li-', 'PO_2-', 'total']) {
      const c = t.stackChannels.indexOf(label);
      const column = label === 'total' ? prof.totalCounts! : prof.ions.find((i) => i.label === label)!.counts;
      for (const z of [0, 40, 120, 240]) {
        const [plane] = (await (await file.getImage(c * t.scans + z)).readRasters()) as unknown as Uint16Array[];
        expect(plane.length).toBe(pixels);
        expect(plane.reduce((a, b) => a + b, 0), `${label} scan ${z}`).toBe(column[z]);
        if (label !== 'total') expect(Math.max(...plane)).toBeLessThanOrEqual(t.shotsPerPixel);
      }
    }
  });

  it('gives files the project readers open with the truth’s numbers', async () => {
    const t = study.truth;
    const stack = await openTiffStack(bytesSource('stack.ome.tif', study.files.get('pristine/stack.ome.tif')!));
    expect(stack.ions.map((i) => i.label)).toEqual(t.stackChannels);
    expect(stack.scans).toBe(t.scans);
    expect(stack.shotsPerPixel).toBe(t.shotsPerPixel);
    expect(stack.pixelSizeNm).toBeCloseTo(t.stackPixels.pixelSizeNm, 6);
    expect(stack.timeS[3]).toBeCloseTo(3 * t.scanPeriodS, 9);

    const xrd = readXrd(study.files.get('charged/xrd.ras')!, 'xrd.ras', 'rigaku-ras');
    expect(xrd.twoThetaDeg.length).toBe(3501);
    expect(xrd.twoThetaDeg[0]).toBe(10);
    expect(xrd.twoThetaDeg[3500]).toBe(80);
    const si = t.states[1].xrd.peaks.find((p) => p.hkl === '400')!;
    const iMax = xrd.intensity.indexOf(Math.max(...xrd.intensity));
    expect(Math.abs(xrd.twoThetaDeg[iMax] - si.twoThetaDeg)).toBeLessThanOrEqual(0.04);
    expect(xrd.intensity[iMax]).toBeGreaterThan(60000); // attenuated point, read back × factor
    // The Kα2 shoulder of Si 400 sits where Bragg's law puts it.
    expect(kAlpha2Position(69.13) - 69.13).toBeGreaterThan(0.15);

    for (const s of t.states) {
      const sem = await readSemImage(study.files.get(s.files.sem)!, 'sem.tif', {
        name: 'sem.txt',
        bytes: study.files.get(s.files.semSidecar)!,
      });
      expect(sem.pixelSizeNm).toBeCloseTo(s.sem.pixelSizeNm, 3);
      expect(sem.dataBarRows).toBe(s.sem.dataBarRows);
      expect(sem.tiltDeg ?? 0).toBeCloseTo(s.sem.tiltDeg, 6);
    }
  });

  it('follows thickness, noise and SEM options', () => {
    const thin = generateStudy({ ...small, thicknessNm: { cam: 300 }, noiseScale: 0, semTiltDeg: 20 });
    const t = thin.truth;
    const cam = roleValue(t.states[0].layers, 'cam');
    expect(cam.endNm - cam.startNm).toBe(300);
    expect(cam.endS - cam.startS).toBeCloseTo(300 / 0.3, 6);
    expect(t.states.every((s) => s.sem.tiltDeg === 20)).toBe(true);
    expect(t.stackPixels.width).toBe(8);
    // Fewer scans are needed to reach the substrate.
    expect(t.scans).toBeLessThan(study.truth.scans);
    // Noise-free: the charged Li profile equals N·pixels·(1 − exp(−λ/N)) summed, so no zeros and no integers needed.
    const prof = readSurfaceLabProfile(thin.files.get('charged/profile.txt')!, 'p.txt');
    const li = prof.ions.find((i) => i.label === 'Li-')!.counts;
    expect(li.some((v) => !Number.isInteger(v))).toBe(true);
    expect(() => generateStudy({ ...small, semRotationDeg: 9 })).toThrow(/±5/);
  }, 60_000);

  it("gives one state its own thicknesses: its truth, its SEM's layers and its interfaces move, the others' do not", () => {
    const g = generateStudy({ ...small, noiseScale: 0, stateThicknessNm: { charged: { cc_aam: 230, sei_se: 260 } } });
    const byState = (state: string) => g.truth.states.find((s) => s.state === state)!;
    const thick = (state: string, role: string) => roleValue(byState(state).sem.layers, role).thicknessNm;
    expect([thick('pristine', 'cc_aam'), thick('charged', 'cc_aam'), thick('discharged', 'cc_aam')]).toEqual([150, 230, 150]);
    expect([thick('pristine', 'sei_se'), thick('charged', 'sei_se')]).toEqual([200, 260]);
    // Charged's SEI/SE | CAM interface lies 140 nm deeper, and 80 / 0.12 + 60 / 0.25 s later.
    const itf = (state: string) => byState(state).boundaries.find((b) => b.upper === 'sei_se')!;
    expect(itf('charged').depthNm - itf('pristine').depthNm).toBeCloseTo(140, 6);
    expect(itf('charged').timeS - itf('pristine').timeS).toBeCloseTo(80 / 0.12 + 60 / 0.25, 6);
    expect(itf('discharged')).toEqual(itf('pristine'));
    // Every state is measured into the substrate of the deepest (charged).
    expect(g.truth.scans * g.truth.scanPeriodS).toBeGreaterThan(roleValue(byState('charged').layers, 'substrate').startS);
  }, 60_000);
});

describe('committed sample study', () => {
  const present = existsSync(join(STUDY_DIR, 'truth.json'));
  it.runIf(present)('equals what the generator writes for its seed', () => {
    const truth = JSON.parse(readFileSync(join(STUDY_DIR, 'truth.json'), 'utf8')) as Truth;
    const regenerated = generateStudy({ seed: truth.seed });
    const onDisk: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else onDisk.push(relative(STUDY_DIR, path).split('\\').join('/'));
      }
    };
    walk(STUDY_DIR);
    expect(onDisk.sort()).toEqual([...regenerated.files.keys()].sort());
    for (const [name, bytes] of regenerated.files) {
      expect(firstDifference(new Uint8Array(readFileSync(join(STUDY_DIR, name))), bytes), `${name}: first byte that differs`).toBe(-1);
    }
  }, 120_000);
});
