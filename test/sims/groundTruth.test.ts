/**
 * Acceptance (issue 3, "Done when"): on the sample study and on six more studies from the
 * generator (other seeds, thicknesses, one state's own thicknesses, noise), read through the project's own readers:
 * - every interface within max(10 nm, 2 scans) of the truth (checked on time and on depth),
 * - every Li fraction within 0.02 (absolute) of the truth, and its σ of the size of its error
 *   (RMS of error/σ within 0.3–1.5, none beyond 4σ), and each interface time's σ of the size of
 *   its error likewise (RMS of error/σ within 0.5–2, none beyond 4σ),
 * - the charged-minus-pristine Li shift with the truth's sign wherever the truth's shift
 *   exceeds 3σ (σ as this analysis reports it).
 * Depth calibration uses the truth's SEM thicknesses (what the SEM analysis must report), so
 * the time check is the demanding one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateStudy, type StudyOptions } from '../../samples/gen/study.js';
import type { Truth } from '../../samples/truth.js';
import { readSurfaceLabProfile } from '../../core/io/sims/surfacelab.js';
import { openTiffStack } from '../../core/io/sims/tiffStack.js';
import { bytesSource } from '../../core/io/byteSource.js';
import { PAPER_ANODE_FREE } from '../../core/model/layerStack.js';
import type { SimsStateResult } from '../../core/model/report.js';
import { analyzeSimsState } from '../../core/sims/analyze.js';
import { compareStates } from '../../core/sims/liInventory.js';

interface Analysed {
  truth: Truth;
  results: { state: string; result: SimsStateResult }[];
}

async function analyseStudy(options: StudyOptions): Promise<Analysed> {
  const study = generateStudy(options);
  const truth = study.truth as Truth;
  const results: Analysed['results'] = [];
  for (const st of truth.states) {
    const profileBytes = study.files.get(st.files.simsProfile)!;
    const stackBytes = study.files.get(st.files.simsStack)!;
    const profile = readSurfaceLabProfile(profileBytes, st.files.simsProfile);
    const stack = await openTiffStack(bytesSource(st.files.simsStack, stackBytes));
    const thicknessesNm = Object.fromEntries(st.sem.layers.map((l) => [l.role, l.thicknessNm]));
    const result = await analyzeSimsState({
      profile,
      stack,
      layerStack: PAPER_ANODE_FREE,
      shotsPerPixel: truth.shotsPerPixel,
      thicknessesNm,
      thicknessSource: 'sem',
    });
    results.push({ state: st.state, result });
  }
  return { truth, results };
}

function checkStudy(a: Analysed, label: string): void {
  const { truth } = a;
  const zs: { where: string; z: number }[] = [];
  const timeZs: { where: string; z: number }[] = [];
  const rate = new Map(truth.layers.map((l) => [l.role, l.sputterRateNmPerS]));
  for (const { state, result } of a.results) {
    const ts = truth.states.find((s) => s.state === state)!;
    expect(result.interfaces.length, `${label} ${state}`).toBe(ts.boundaries.length);
    ts.boundaries.forEach((b, k) => {
      const itf = result.interfaces[k];
      expect(`${itf.upper}/${itf.lower}`).toBe(`${b.upper}/${b.lower}`);
      // 2 scans in nm at the slower of the two materials' rates (the stricter reading).
      const r = Math.min(rate.get(b.upper)!, rate.get(b.lower)!);
      const tolNm = Math.max(10, 2 * truth.scanPeriodS * r);
      expect(Math.abs(itf.depthNm - b.depthNm), `${label} ${state} ${b.upper}/${b.lower} depth`).toBeLessThanOrEqual(tolNm);
      expect(Math.abs(itf.timeS - b.timeS), `${label} ${state} ${b.upper}/${b.lower} time`).toBeLessThanOrEqual(tolNm / r);
      timeZs.push({ where: `${state} ${b.upper}/${b.lower}`, z: (itf.timeS - b.timeS) / (itf.timeSigmaS ?? NaN) });
    });
    for (const t of ts.liFraction) {
      const got = result.li.find((l) => l.role === t.role)!;
      expect(Math.abs(got.fraction - t.fraction), `${label} ${state} ${t.role} Li fraction`).toBeLessThanOrEqual(0.02);
      // Layers the profile barely reaches hold ~no Li: their σ (~1e-5) says nothing.
      if (t.fraction > 0.001) zs.push({ where: `${state} ${t.role}`, z: (got.fraction - t.fraction) / got.fractionSigma });
    }
  }
  // The σ reported is of the size of the errors, neither smaller nor much larger: with counting
  // statistics alone it was 30–50× too small (charged SEI/SE: 0.04 pp against 1.9 pp off). With
  // the boundaries' time σ in it the RMS of error/σ was 0.65–1.2 over these studies (ideal: 1),
  // the largest 3.3, the RMS error 0.17–0.25 pp. Since the 50 % points are no longer pulled
  // towards the slower material (split erf on unsmoothed signals), saturated Li is estimated
  // from 6Li scan by scan, and the generator's steps sit at their nominal depths, the errors are
  // 0.06–0.18 pp RMS and the boundaries' σ comes from the markers' counting scatter and spread
  // (not Δt/√12): RMS of error/σ 0.73–1.26, the largest 2.8 (the generator's scan-to-scan
  // primary-current jitter, 2 %, is in the counts but in no σ).
  const rms = Math.sqrt(zs.reduce((a, x) => a + x.z * x.z, 0) / zs.length);
  expect(rms, `${label}: RMS of (share − truth) / σ`).toBeLessThan(1.5);
  expect(rms, `${label}: RMS of (share − truth) / σ`).toBeGreaterThan(0.3);
  for (const x of zs) expect(Math.abs(x.z), `${label} ${x.where}: (share − truth) / σ`).toBeLessThan(4);
  // The interfaces' time σ likewise: RMS of error/σ 0.76–0.95 over these studies, the largest
  // 2.8. (With Δt/√12 in it, 0.34 overall: three times the errors.)
  const timeRms = Math.sqrt(timeZs.reduce((a, x) => a + x.z * x.z, 0) / timeZs.length);
  expect(timeRms, `${label}: RMS of (interface time − truth) / σ`).toBeLessThan(2);
  expect(timeRms, `${label}: RMS of (interface time − truth) / σ`).toBeGreaterThan(0.5);
  for (const x of timeZs) expect(Math.abs(x.z), `${label} ${x.where}: (time − truth) / σ`).toBeLessThan(4);
  const changes = compareStates(a.results.map((r) => ({ state: r.state, li: r.result.li })));
  const truthFraction = (state: string, role: string): number =>
    truth.states.find((s) => s.state === state)!.liFraction.find((f) => f.role === role)!.fraction;
  let checked = 0;
  for (const c of changes.filter((x) => x.state === 'charged')) {
    const truthDelta = truthFraction('charged', c.role) - truthFraction('pristine', c.role);
    if (Math.abs(truthDelta) > 3 * c.sigma) {
      checked++;
      expect(Math.sign(c.deltaFraction), `${label} ${c.role} Li shift sign`).toBe(Math.sign(truthDelta));
    }
  }
  // The charge moves Li out of the CAM into CC/AAM and SEI/SE: at least those must be checked.
  expect(checked).toBeGreaterThanOrEqual(2);
}

describe('ground truth: the sample study', () => {
  let a: Analysed;
  beforeAll(async () => {
    a = await analyseStudy({});
  }, 180_000);
  it('interfaces, Li fractions and Li shifts agree with truth.json', () => checkStudy(a, 'sample'));
});

describe('ground truth: six more generated studies', () => {
  const variants: { label: string; options: StudyOptions }[] = [
    { label: 'seed 11', options: { seed: 11, stackWidth: 12, stackHeight: 12 } },
    { label: 'thin CAM, thick SE', options: { seed: 12, stackWidth: 12, stackHeight: 12, thicknessNm: { cam: 400, sei_se: 300 } } },
    { label: 'thick steel', options: { seed: 13, stackWidth: 12, stackHeight: 12, thicknessNm: { cc_aam: 220, cc: 120, cam: 700 } } },
    { label: 'noisy', options: { seed: 14, stackWidth: 12, stackHeight: 12, noiseScale: 2 } },
    { label: 'fewer shots, faster scans', options: { seed: 15, stackWidth: 12, stackHeight: 12, shotsPerPixel: 40, scanPeriodS: 16 } },
    // One state's layers thicker than the others': each state's interfaces are its own.
    { label: 'charged with thicker CC/AAM and SEI/SE', options: { seed: 16, stackWidth: 12, stackHeight: 12, stateThicknessNm: { charged: { cc_aam: 230, sei_se: 260 } } } },
  ];
  for (const v of variants) {
    it(`${v.label}: interfaces, Li fractions and Li shifts agree with the truth`, async () => {
      checkStudy(await analyseStudy(v.options), v.label);
    }, 120_000);
  }
});
