import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSemImage } from '../../core/io/sem/index.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import { measureCrossSection } from '../../core/sem/index.js';
import { PROJECT_ROOT } from '../helpers/sharedData.js';

/** What these tests read of truth.json (samples/truth.ts). */
interface SemTruthState {
  state: string;
  files: { sem: string; semSidecar: string };
  sem: { pixelSizeNm: number; tiltDeg: number; dataBarRows?: number; layers: { role: string; thicknessNm: number }[] };
}
interface GeneratedStudyLike {
  files: Map<string, Uint8Array>;
  truth: { states: SemTruthState[] };
}

const STUDY = join(PROJECT_ROOT, 'samples/study');
const GENERATOR = join(PROJECT_ROOT, 'samples/gen/study.ts');

async function checkState(st: SemTruthState, tif: Uint8Array, sidecar: Uint8Array): Promise<void> {
  const img = await readSemImage(tif, st.files.sem, { name: st.files.semSidecar, bytes: sidecar });
  expect(Math.abs(img.pixelSizeNm! / st.sem.pixelSizeNm - 1), 'pixel size').toBeLessThan(1e-3);
  expect(img.tiltDeg ?? 0).toBeCloseTo(st.sem.tiltDeg, 6);
  if (st.sem.dataBarRows !== undefined) expect(img.dataBarRows).toBe(st.sem.dataBarRows);
  const r = measureCrossSection(img, PAPER_ANODE_FREE);
  for (const truth of st.sem.layers) {
    const found = r.layers.find((l) => l.role === truth.role);
    expect(found, `${st.state} ${truth.role} measured`).toBeDefined();
    // The acceptance tolerance: max(3 %, 2 px).
    const tol = Math.max(0.03 * truth.thicknessNm, 2 * st.sem.pixelSizeNm);
    expect(Math.abs(found!.thicknessNm - truth.thicknessNm), `${st.state} ${truth.role}: ${found!.thicknessNm.toFixed(1)} vs ${truth.thicknessNm}`).toBeLessThanOrEqual(tol);
    expect(found!.sigmaNm).toBeLessThan(tol);
  }
}

describe.skipIf(!existsSync(join(STUDY, 'truth.json')))('SEM on the sample study (samples/study)', () => {
  const truth = existsSync(join(STUDY, 'truth.json')) ? (JSON.parse(readFileSync(join(STUDY, 'truth.json'), 'utf8')) as { states: SemTruthState[] }) : { states: [] };
  for (const st of truth.states) {
    it(`${st.state}: pixel size, tilt and every thickness within max(3 %, 2 px) of truth.json`, async () => {
      await checkState(st, new Uint8Array(readFileSync(join(STUDY, st.files.sem))), new Uint8Array(readFileSync(join(STUDY, st.files.semSidecar))));
    });
  }
});

describe.skipIf(!existsSync(GENERATOR))('SEM on generated variants (generateStudy)', () => {
  const variants: { name: string; options: Record<string, unknown> }[] = [
    {
      name: 'layers rotated +5°, tilts 0/25/40°, low contrast',
      options: { semRotationDeg: 5, semTiltDeg: { pristine: 0, charged: 25, discharged: 40 }, semContrast: 0.5 },
    },
    {
      name: 'thinner layers, rotated −5°, double noise, high contrast',
      options: { thicknessNm: { cc_aam: 80, sei_se: 120, cam: 350, cc: 100 }, semRotationDeg: { pristine: -5, charged: -2.5, discharged: 3.5 }, noiseScale: 2, semContrast: 1.4, stackWidth: 8, stackHeight: 8 },
    },
    {
      name: "charged's CC/AAM and SEI/SE thicker than the other states'",
      options: { stateThicknessNm: { charged: { cc_aam: 230, sei_se: 260 } }, stackWidth: 8, stackHeight: 8 },
    },
  ];
  for (const v of variants) {
    it(`${v.name}: every thickness within max(3 %, 2 px)`, async () => {
      const { generateStudy } = (await import(pathToFileURL(GENERATOR).href)) as { generateStudy: (o: Record<string, unknown>) => GeneratedStudyLike };
      const study = generateStudy({ stackWidth: 8, stackHeight: 8, ...v.options });
      expect(study.truth.states.length).toBeGreaterThan(0);
      for (const st of study.truth.states) await checkState(st, study.files.get(st.files.sem)!, study.files.get(st.files.semSidecar)!);
      // Without $$SM_MICRON_BAR the burned-in scale bar in the data bar calibrates the image.
      const st = study.truth.states[0];
      const sidecar = new TextDecoder().decode(study.files.get(st.files.semSidecar)!).replace(/^\$\$SM_MICRON_BAR .*\r?\n/m, '');
      const img = await readSemImage(study.files.get(st.files.sem)!, st.files.sem, { name: 'sem.txt', bytes: new TextEncoder().encode(sidecar) });
      expect(img.pixelSizeSource).toBe('scalebar');
      expect(Math.abs(img.pixelSizeNm! / st.sem.pixelSizeNm - 1)).toBeLessThan(1e-3);
    }, 120_000);
  }
});
