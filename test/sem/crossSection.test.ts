import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../core/model/errors.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import type { LayerStack } from '../../core/model/layerStack.js';
import { findLayerOrientation, measureCrossSection } from '../../core/sem/index.js';
import { syntheticSection } from './synthetic.js';
import { readSemImage } from '../../core/io/sem/index.js';
import { describeShared, readSharedData } from '../helpers/sharedData.js';
import type { SyntheticSection } from './synthetic.js';

const ROLES = PAPER_ANODE_FREE.layers.map((l) => l.role);
/** Above, cc_aam, sei_se, cam, cc, SiO2, Si: the generator's contrast order (steel bright). */
const LEVELS = [16, 182, 70, 120, 182, 56, 98];

function section(o: Partial<SyntheticSection> & { thicknessesNm: number[] }): ReturnType<typeof syntheticSection> {
  return syntheticSection({ width: 480, height: 400, pixelSizeNm: 4, topNm: 160, levels: LEVELS, noise: 8, blurNm: 4, ...o });
}

/** The acceptance tolerance: max(3 %, 2 px). */
function expectWithin(result: { layers: { role: string; thicknessNm: number }[] }, truthNm: number[], pixelSizeNm: number): void {
  expect(result.layers.map((l) => l.role)).toEqual(ROLES.slice(0, truthNm.length));
  result.layers.forEach((l, i) => {
    const tol = Math.max(0.03 * truthNm[i], 2 * pixelSizeNm);
    expect(Math.abs(l.thicknessNm - truthNm[i]), `${l.role}: ${l.thicknessNm} vs ${truthNm[i]} ± ${tol}`).toBeLessThanOrEqual(tol);
  });
}

describe('layer orientation', () => {
  for (const rotationDeg of [-5, -2.3, 0, 1.1, 5]) {
    it(`finds layers rotated by ${rotationDeg}° to 0.1°`, () => {
      const img = section({ thicknessesNm: [150, 200, 600, 150, 200], rotationDeg, noise: 15 });
      expect(Math.abs(findLayerOrientation(img, { x: 0, y: 0, width: img.width, height: img.height }).angleDeg - rotationDeg)).toBeLessThan(0.1);
    });
  }
});

describe('layers running top to bottom', () => {
  it('are refused with one line naming the file, not measured along (the same section upright is measured)', () => {
    const upright = section({ thicknessesNm: [150, 200, 600, 150, 200] });
    expectWithin(measureCrossSection(upright, PAPER_ANODE_FREE), [150, 200, 600, 150, 200], 4);
    // Turned 90° clockwise: the surface on the right.
    const { width: w, height: h, pixels } = upright;
    const turned = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) turned[x * h + (h - 1 - y)] = pixels[y * w + x];
    const image = { ...upright, width: h, height: w, pixels: turned };
    expect(findLayerOrientation(image, { x: 0, y: 0, width: h, height: w }).columnToRowContrast).toBeGreaterThan(100);
    expect(findLayerOrientation(upright, { x: 0, y: 0, width: w, height: h }).columnToRowContrast).toBeLessThan(0.1);
    expect(() => measureCrossSection(image, PAPER_ANODE_FREE)).toThrow(AnalysisError);
    expect(() => measureCrossSection(image, PAPER_ANODE_FREE)).toThrow(new RegExp(`^${image.source.fileName}: the layers seem to run top to bottom .*rotate the image 90° \\(if they do run left to right, give their angle: strata sem --angle\\)$`));
    // Their angle given, they are measured as asked (along the rows).
    expect(() => measureCrossSection(image, PAPER_ANODE_FREE, { angleDeg: 0 })).not.toThrow(/top to bottom/);
  });
});

describe('a section upside down (the substrate on top)', () => {
  it('is measured, and said to follow the nominal thicknesses read bottom-up; upright, nothing is said', () => {
    const upright = section({ thicknessesNm: [150, 200, 600, 150, 200] });
    const { width: w, height: h, pixels } = upright;
    const flipped = new Float32Array(w * h);
    for (let y = 0; y < h; y++) flipped.set(pixels.subarray(y * w, (y + 1) * w), (h - 1 - y) * w);
    const upsideDown = (r: ReturnType<typeof measureCrossSection>) => (r.details.warnings ?? []).filter((w) => /upside down/.test(w));
    expect(upsideDown(measureCrossSection(upright, PAPER_ANODE_FREE))).toEqual([]);
    const r = measureCrossSection({ ...upright, pixels: flipped }, PAPER_ANODE_FREE);
    // Named from the top: the SiO₂'s 200 nm under CC/AAM's name, and so on.
    expect(r.layers[0].thicknessNm).toBeGreaterThan(180);
    expect(upsideDown(r)).toEqual([expect.stringMatching(/^the thicknesses follow the nominal ones read from the bottom up \(.* nm against 150, 200, 600, 150, 200\): is the image upside down/)]);
  });
});

describe('layer orientation on a large image (scans on binned copies)', () => {
  it('finds the angle of a 2600 × 1800 px section to 0.03° and its thicknesses within max(3 %, 2 px)', () => {
    // 4.7 MP: past the fine scan's 4 MP, so both scans run on binned copies; the parabola at full resolution.
    const truthNm = [150, 200, 600, 150, 200];
    const img = section({ width: 2600, height: 1800, pixelSizeNm: 0.8, topNm: 120, blurNm: 1.6, thicknessesNm: truthNm, rotationDeg: 1.37, noise: 15 });
    const found = findLayerOrientation(img, { x: 0, y: 0, width: img.width, height: img.height });
    expect(Math.abs(found.angleDeg - 1.37)).toBeLessThan(0.03);
    expectWithin(measureCrossSection(img, PAPER_ANODE_FREE), truthNm, img.pixelSizeNm!);
  });
});

describe('a layer assignment in doubt', () => {
  it('says so when two layers of one grey level were measured as one and the roles below moved up', () => {
    // SEI/SE as bright as the steel above it (182 → 176): no interface between them, the fit
    // finds one layer too few, and each role below takes its lower neighbour's thickness.
    const levels = [...LEVELS];
    levels[2] = 176;
    const r = measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200], levels }), PAPER_ANODE_FREE);
    expect(r.details.warnings).toContainEqual(expect.stringMatching(/^the thicknesses do not follow the nominal ones \(CC\/AAM 2\.3×, SEI\/SE 3×, CAM 1\/4\): two layers of one grey level may have been measured as one/));
    // The paper stack's contrasts: every layer found, no doubt.
    const clear = measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200] }), PAPER_ANODE_FREE);
    expect(clear.details.warnings.filter((w) => /nominal ones?|doubtful/.test(w))).toEqual([]);
  });

  it('names the scale, not the roles, when every layer is off by one factor', () => {
    // A pixel size 3× too large: each layer 3× its nominal thickness, none shifted.
    const img = section({ thicknessesNm: [150, 200, 600, 150, 200] });
    const r = measureCrossSection({ ...img, pixelSizeNm: 12 }, PAPER_ANODE_FREE);
    expect(r.details.warnings).toEqual(['every thickness is about 3× its nominal one: is the pixel size (or the view angle) right?']);
  });
});

describeShared('doubtful interfaces on a real image that is no cross-section of the stack', () => {
  it('names each interface in doubt and why (jeol_4700F_example.tif)', async () => {
    const image = await readSemImage(readSharedData('sem', 'jeol_4700F_example.tif'), 'jeol_4700F_example.tif', { name: 'jeol_4700F_example.txt', bytes: readSharedData('sem', 'jeol_4700F_example.txt') });
    const r = measureCrossSection(image, PAPER_ANODE_FREE);
    const doubt = r.details.warnings.find((w) => /weak or doubtful/.test(w));
    expect(doubt).toMatch(/^interfaces are weak or doubtful: above \| CC\/AAM \(gradient \d+\.\dσ of the noise\); CC\/AAM \| SEI\/SE \(.+\): check the layer assignment$/);
  });
});

describe('cross-section thickness on synthetic images', () => {
  const cases: { name: string; o: Partial<SyntheticSection>; t: number[] }[] = [
    { name: 'the paper stack, level, moderate noise', o: {}, t: [150, 200, 600, 150, 200] },
    { name: 'rotated +5°, tilted 30°', o: { rotationDeg: 5, tiltDeg: 30 }, t: [150, 200, 600, 150, 200] },
    { name: 'rotated −5°, tilted 45°, low contrast, heavy noise', o: { rotationDeg: -5, tiltDeg: 45, noise: 20, levels: LEVELS.map((l) => 100 + 0.4 * (l - 100)) }, t: [150, 200, 600, 150, 200] },
    { name: 'thin layers (down to 10 px)', o: { rotationDeg: 2, pixelSizeNm: 5 }, t: [50, 80, 300, 60, 200] },
    { name: 'inverted contrast', o: { levels: LEVELS.map((l) => 255 - l), rotationDeg: -3 }, t: [120, 250, 500, 180, 200] },
  ];
  for (const c of cases) {
    it(`${c.name}: every thickness within max(3 %, 2 px)`, () => {
      const img = section({ thicknessesNm: c.t, ...c.o });
      const r = measureCrossSection(img, PAPER_ANODE_FREE);
      expectWithin(r, c.t, img.pixelSizeNm!);
      expect(r.details.substrateMeasured).toBe(true);
      expect(r.pixelSizeSource).toBe('metadata');
    });
  }

  it('reports a spread that grows with the interfaces\' roughness', () => {
    const smooth = measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200] }), PAPER_ANODE_FREE);
    const rough = measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200], roughnessNm: 12 }), PAPER_ANODE_FREE);
    for (let i = 0; i < 5; i++) {
      expect(rough.layers[i].sigmaNm).toBeGreaterThan(2 * smooth.layers[i].sigmaNm!);
      expect(rough.layers[i].sigmaNm).toBeGreaterThan(5);
    }
    expect(smooth.layers.every((l) => l.sigmaNm !== null && l.sigmaNm < 4)).toBe(true);
  });

  it('corrects the tilt: ignoring a 40° tilt gives thicknesses × cos 40°', () => {
    const img = section({ thicknessesNm: [150, 200, 600, 150, 200], tiltDeg: 40 });
    const corrected = measureCrossSection(img, PAPER_ANODE_FREE);
    const ignored = measureCrossSection(img, PAPER_ANODE_FREE, { tiltDeg: 0 });
    corrected.layers.forEach((l, i) => expect(ignored.layers[i].thicknessNm / l.thicknessNm).toBeCloseTo(Math.cos((40 * Math.PI) / 180), 6));
    expect(corrected.details.tiltDeg).toBe(40);
  });

  it('leaves the substrate out, with a warning, when its over-layer cannot be told from the bulk', () => {
    const levels = [...LEVELS.slice(0, 6), LEVELS[5]];
    const r = measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200], levels }), PAPER_ANODE_FREE);
    expect(r.layers.map((l) => l.role)).toEqual(ROLES.slice(0, 4));
    expectWithin(r, [150, 200, 600, 150], 4);
    expect(r.details.warnings.join(' ')).toMatch(/the lower interface of SiO₂\/Si was not resolved/);
  });

  it('measures only inside a ROI, and gives boundaries in image rows', () => {
    const img = section({ thicknessesNm: [150, 200, 600, 150, 200] });
    const r = measureCrossSection(img, PAPER_ANODE_FREE, { roi: { x: 100, y: 0, width: 200, height: 400 } });
    expectWithin(r, [150, 200, 600, 150, 200], 4);
    // Top surface at 160 nm = row 40 (pixel centres at integer rows: the step sits at 39.5 + 0.5).
    expect(Math.abs(r.details.boundaries[0].yPxAtCentre - 40)).toBeLessThan(0.5);
    expect(r.details.roi).toEqual({ x: 100, y: 0, width: 200, height: 400 });
  });

  it('works with any stack (the stack is data): two films on a bulk substrate', () => {
    const stack: LayerStack = { id: 't', name: 't', layers: [
      { role: 'a', label: 'A', material: 'a', markerIons: [] },
      { role: 'b', label: 'B', material: 'b', markerIons: [] },
      { role: 'sub', label: 'S', material: 's', markerIons: [], isSubstrate: true },
    ] };
    const img = syntheticSection({ width: 300, height: 300, pixelSizeNm: 2, topNm: 100, thicknessesNm: [140, 220], levels: [10, 200, 90, 150], noise: 6 });
    const r = measureCrossSection(img, stack);
    expect(r.layers.map((l) => l.role)).toEqual(['a', 'b']);
    expect(Math.abs(r.layers[0].thicknessNm - 140)).toBeLessThan(4);
    expect(Math.abs(r.layers[1].thicknessNm - 220)).toBeLessThan(4);
  });

  it('says that a stage tilt of 30° or more was taken as the view angle, and how a FIB trench face differs', () => {
    const img = section({ thicknessesNm: [150, 200, 600, 150, 200], tiltDeg: 52 });
    const fromMetadata = measureCrossSection(img, PAPER_ANODE_FREE);
    const said = fromMetadata.details.warnings.filter((w) => w.startsWith('tilt 52° is the stage tilt'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('× 1.62'); // 1/cos 52°
    expect(said[0]).toContain('× 1.27'); // 1/sin 52°
    expect(said[0]).toContain('say the section is a FIB trench');
    // Given by the user, or small: nothing to say.
    expect(measureCrossSection(img, PAPER_ANODE_FREE, { tiltDeg: 38 }).details.warnings.some((w) => w.includes('stage tilt'))).toBe(false);
    expect(measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200], tiltDeg: 10 }), PAPER_ANODE_FREE).details.warnings.some((w) => w.includes('stage tilt'))).toBe(false);
  });

  it('takes a FIB trench face at stage tilt T as seen at 90° − T', () => {
    // Rendered as seen at 38° (a trench face at the 52° coincidence tilt), its metadata saying 52°.
    const truth = [150, 200, 600, 150, 200];
    const img = { ...section({ thicknessesNm: truth, tiltDeg: 38 }), tiltDeg: 52 };
    const fib = measureCrossSection(img, PAPER_ANODE_FREE, { section: 'fib-trench' });
    expectWithin(fib, truth, 4);
    expect(fib.details.tiltDeg).toBe(38);
    expect(fib.details.tiltFrom).toEqual({ given: false, stageTiltDeg: 52, section: 'fib-trench' });
    expect(fib.details.warnings.some((w) => w.includes('stage tilt'))).toBe(false);
    // Taken as a cleaved face (the default), every thickness is off by cos 38° / cos 52°.
    const cleaved = measureCrossSection(img, PAPER_ANODE_FREE);
    cleaved.layers.forEach((l, i) => expect(l.thicknessNm / fib.layers[i].thicknessNm).toBeCloseTo(Math.cos((38 * Math.PI) / 180) / Math.cos((52 * Math.PI) / 180), 6));
    // A trench face at stage tilt 0 is seen edge-on: refused, saying why.
    expect(() => measureCrossSection({ ...img, tiltDeg: 0 }, PAPER_ANODE_FREE, { section: 'fib-trench' })).toThrow(/tilt 90° is beyond the ±84° that can be corrected \(a FIB trench face at stage tilt 0° is seen nearly edge-on\)/);
  });

  it('refuses an image of one grey level (no interface), naming the file', () => {
    const img = section({ thicknessesNm: [150, 200, 600, 150, 200] });
    const flat = { ...img, pixels: new Float32Array(img.pixels.length) };
    expect(() => measureCrossSection(flat, PAPER_ANODE_FREE)).toThrow(/synthetic\.tif: no contrast across the layers/);
  });

  it('gives no σ (null, not 0) for a layer fewer than two strips found', () => {
    const r = measureCrossSection(section({ thicknessesNm: [150, 200, 600, 150, 200] }), PAPER_ANODE_FREE, { strips: 1 });
    expect(r.layers.length).toBe(5);
    for (const l of r.layers) expect(l.sigmaNm).toBeNull();
  });

  it('warns where a thickness is ten times off its nominal one (another image, stack or scale)', () => {
    const img = section({ thicknessesNm: [150, 200, 600, 150, 200] });
    expect(measureCrossSection(img, PAPER_ANODE_FREE).details.warnings.some((w) => w.includes('nominal'))).toBe(false);
    const wrongScale = measureCrossSection({ ...img, pixelSizeNm: 400 }, PAPER_ANODE_FREE);
    expect(wrongScale.details.warnings.filter((w) => /^[^:]+: [\d.]+ nm is 100× its nominal \d+ nm: is this a cross-section of the stack, at the right pixel size\?$/.test(w))).toHaveLength(5);
  });

  it('refuses an uncalibrated image with an AnalysisError naming the file', () => {
    const img = { ...section({ thicknessesNm: [150, 200, 600, 150, 200] }), pixelSizeNm: null, pixelSizeSource: 'none' as const };
    expect(() => measureCrossSection(img, PAPER_ANODE_FREE)).toThrow(AnalysisError);
    expect(() => measureCrossSection(img, PAPER_ANODE_FREE)).toThrow(/synthetic\.tif/);
  });
});
