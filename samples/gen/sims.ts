/**
 * ToF-SIMS depth profiling of one state, pixel by pixel and scan by scan.
 *
 * For every scan the crater floor is at depth z(t) (per-material sputter rates). Each pixel
 * sees the layer composition broadened by a Gaussian whose σ grows with depth, with its depth
 * scale shifted by a smooth roughness field. Expected counts λ per ion come from matrix yields
 * (Li from the Li components and their lateral maps). The detector registers at most one ion
 * per species per shot, so with N shots the counts are Binomial(N, 1 − exp(−λ/N)): Poisson
 * arrivals and dead-time saturation in one draw, inverted by I_true = −N·ln(1 − I/N).
 *
 * The 1-D profile is the sum over pixels of the same raw counts, so stack and profile agree for
 * every stack channel (`total` included). Ions that are only in the profile are drawn once per
 * scan as Binomial(N·pixels, mean p) (see the loop), which keeps the study fast.
 */
import type { DepthProfile } from '../../core/model/depthProfile.js';
import { sampleGrid, smoothField } from './fields.js';
import type { LiComponent } from './lithium.js';
import {
  DARK_COUNTS,
  IONS,
  MATERIALS,
  OTHER_IONS_COUNTS,
  ROUGHNESS,
  STACK_IONS,
  SURFACE_CONTAMINATION,
  SURFACE_DECAY_NM,
  broadeningSigmaNm,
  depthAtTime,
  liBearingYield,
  matrixYield,
  type Geometry,
} from './physics.js';
import { rngFor } from './random.js';

export interface SimsParams {
  seed: number;
  state: string;
  geometry: Geometry;
  liComponents: LiComponent[];
  width: number;
  height: number;
  scans: number;
  scanPeriodS: number;
  shotsPerPixel: number;
  /** Multiplies every yield: primary-current drift between measurements. */
  primaryCurrentFactor: number;
  /** 0: expected counts, no sampling; 1: realistic noise; between: scales the extra (current) jitter. */
  noiseScale: number;
}

export interface SimsResult {
  timeS: Float64Array;
  depthNm: Float64Array;
  /** Raw counts per stack channel (STACK_IONS then `total`), scans × height × width. */
  stackLabels: string[];
  stack: Float32Array[];
  profile: { label: string; mz: number; counts: Float64Array }[];
  totalCounts: Float64Array;
  liSaturatedPixelScans: number;
  liMaxExpectedPerPixel: number;
}

const DEPTH_STEP_NM = 0.5;

/** A depth-sampled profile on a fixed grid, linearly interpolated. */
interface Grid {
  z0: number;
  values: Float64Array;
}

function lookup(g: Grid, z: number): number {
  const x = (z - g.z0) / DEPTH_STEP_NM;
  const n = g.values.length;
  if (x <= 0) return g.values[0];
  if (x >= n - 1) return g.values[n - 1];
  const i = Math.floor(x);
  const f = x - i;
  return g.values[i] * (1 - f) + g.values[i + 1] * f;
}

/** The share of the grid cell around depth z, [z − step/2, z + step/2], that lies in [top, bottom). */
function cellShare(z: number, top: number, bottom: number): number {
  const overlap = Math.min(bottom, z + DEPTH_STEP_NM / 2) - Math.max(top, z - DEPTH_STEP_NM / 2);
  return overlap > 0 ? overlap / DEPTH_STEP_NM : 0;
}

/** Gaussian mixing with a depth-dependent width: what a scan at depth z sees of profile `w`. */
function broaden(w: Float64Array, z0: number): Float64Array {
  const n = w.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const z = z0 + k * DEPTH_STEP_NM;
    const sigma = broadeningSigmaNm(z);
    const reach = Math.ceil((4 * sigma) / DEPTH_STEP_NM);
    let s = 0;
    let norm = 0;
    for (let j = Math.max(0, k - reach); j <= Math.min(n - 1, k + reach); j++) {
      const d = (j - k) * DEPTH_STEP_NM;
      const g = Math.exp(-(d * d) / (2 * sigma * sigma));
      s += w[j] * g;
      norm += g;
    }
    out[k] = s / norm;
  }
  return out;
}

/** Model parameters: the simulation's minus the counting. */
export type ModelParams = Omit<SimsParams, 'shotsPerPixel' | 'noiseScale'>;

/**
 * The expected counts of every ion at every pixel of every scan, before detection: what the
 * simulation samples from and what the large benchmark stacks are made of.
 */
export interface SimsModel {
  timeS: Float64Array;
  depthNm: Float64Array;
  pixels: number;
  /** Fills `out[ion]` with λ (counts per pixel, primary current included, dark counts not). */
  lambdas(scan: number, pixel: number, out: Float64Array): void;
  /** λ of one ion (index into IONS): the same number `lambdas` gives, for one ion only. */
  lambdaOf(ion: number, scan: number, pixel: number): number;
}

export function buildSimsModel(p: ModelParams): SimsModel {
  const { geometry: geo, width, height, scans, scanPeriodS } = p;
  const pixels = width * height;
  const timeS = Float64Array.from({ length: scans }, (_, k) => k * scanPeriodS);
  const depthNm = timeS.map((t) => depthAtTime(geo, t));

  // Depth grids wide enough for the roughness shifts and the broadening tails.
  const z0 = -40;
  const zEnd = depthNm[scans - 1] + 120;
  const nz = Math.ceil((zEnd - z0) / DEPTH_STEP_NM) + 1;
  const zAt = (k: number): number => z0 + k * DEPTH_STEP_NM;
  const nLayers = geo.layers.length;

  // Material fractions (broadened) and the Li components (broadened). Each node stands for its
  // cell [z − step/2, z + step/2] and takes each layer by the share of the cell it fills: a node
  // on a boundary is half each. (Giving it whole to the lower layer put every step a quarter
  // step, 0.25 nm, above the nominal depth that the truth's windows use: 2.1 s early in steel.)
  const materialGrids: Grid[] = [];
  for (const m of MATERIALS) {
    const w = new Float64Array(nz);
    for (let k = 0; k < nz; k++) {
      const z = zAt(k);
      for (let i = 0; i < nLayers; i++) if (geo.layers[i].material === m) w[k] += cellShare(z, geo.depthNm[i], geo.depthNm[i + 1]);
      if (m === 'si') w[k] += cellShare(z, geo.depthNm[nLayers], Infinity); // bulk Si
    }
    materialGrids.push({ z0, values: broaden(w, z0) });
  }
  const liGrids = p.liComponents.map((c) => {
    const li = geo.layers.findIndex((l) => l.role === c.role);
    const top = geo.depthNm[li];
    const bottom = geo.depthNm[li + 1];
    const w = new Float64Array(nz);
    for (let k = 0; k < nz; k++) {
      const z = zAt(k);
      const share = cellShare(z, top, bottom);
      w[k] = share > 0 ? share * c.depthShape(Math.min(1, Math.max(0, (z - top) / (bottom - top)))) : 0;
    }
    return { grid: { z0, values: broaden(w, z0) }, lateral: c.lateral, material: geo.layers[li].material };
  });
  const surface = new Float64Array(nz);
  for (let k = 0; k < nz; k++) surface[k] = zAt(k) >= 0 ? Math.exp(-zAt(k) / SURFACE_DECAY_NM) : 0;
  const surfaceGrid: Grid = { z0, values: broaden(surface, z0) };

  // Roughness: one smooth zero-mean field, normalised to unit RMS on this grid.
  const rough = sampleGrid(width, height, smoothField(rngFor(p.seed, `roughness-${p.state}`), 10, 4).at);
  {
    let mean = 0;
    for (const v of rough) mean += v / pixels;
    let ms = 0;
    for (let i = 0; i < pixels; i++) {
      rough[i] -= mean;
      ms += (rough[i] * rough[i]) / pixels;
    }
    const rms = Math.sqrt(ms) || 1;
    for (let i = 0; i < pixels; i++) rough[i] /= rms;
  }

  // Yields per ion per material, premultiplied by the primary current factor.
  const drift = p.primaryCurrentFactor;
  const yields = IONS.map((ion) =>
    MATERIALS.map((m) => (ion.lithium ? liBearingYield(ion.lithium, m) : matrixYield(ion.label, m)) * drift),
  );
  const liCompMaterial = liGrids.map((g) => MATERIALS.indexOf(g.material));
  const contamination = IONS.map((ion) => (SURFACE_CONTAMINATION[ion.label] ?? 0) * drift);
  const matFrac = new Float64Array(MATERIALS.length);
  const liConc = new Float64Array(liGrids.length);

  return {
    timeS,
    depthNm,
    pixels,
    lambdaOf(ii, scan, px) {
      const z = depthNm[scan];
      const ze = z + rough[px] * (ROUGHNESS.rms0Nm + ROUGHNESS.rmsPerNm * z);
      const y = yields[ii];
      let lambda = contamination[ii] === 0 ? 0 : contamination[ii] * lookup(surfaceGrid, ze);
      if (IONS[ii].lithium) {
        for (let c = 0; c < liGrids.length; c++) lambda += y[liCompMaterial[c]] * lookup(liGrids[c].grid, ze) * liGrids[c].lateral[px];
      } else {
        for (let mi = 0; mi < materialGrids.length; mi++) if (y[mi] !== 0) lambda += y[mi] * lookup(materialGrids[mi], ze);
      }
      return lambda;
    },
    lambdas(scan, px, out) {
      const z = depthNm[scan];
      const ze = z + rough[px] * (ROUGHNESS.rms0Nm + ROUGHNESS.rmsPerNm * z);
      for (let mi = 0; mi < materialGrids.length; mi++) matFrac[mi] = lookup(materialGrids[mi], ze);
      for (let c = 0; c < liGrids.length; c++) liConc[c] = lookup(liGrids[c].grid, ze) * liGrids[c].lateral[px];
      const surf = lookup(surfaceGrid, ze);
      for (let ii = 0; ii < IONS.length; ii++) {
        const y = yields[ii];
        let lambda = contamination[ii] * surf;
        if (IONS[ii].lithium) {
          for (let c = 0; c < liGrids.length; c++) lambda += y[liCompMaterial[c]] * liConc[c];
        } else {
          for (let mi = 0; mi < matFrac.length; mi++) lambda += y[mi] * matFrac[mi];
        }
        out[ii] = lambda;
      }
    },
  };
}

export function simulateSims(p: SimsParams): SimsResult {
  const { scans, shotsPerPixel: N } = p;
  const model = buildSimsModel(p);
  const { timeS, depthNm, pixels } = model;
  const rngCounts = rngFor(p.seed, `sims-counts-${p.state}`);
  const rngJitter = rngFor(p.seed, `sims-jitter-${p.state}`);
  const sampling = p.noiseScale > 0;
  const detect = (lambda: number): number => {
    const prob = 1 - Math.exp(-lambda / N);
    return sampling ? rngCounts.binomial(N, prob) : N * prob;
  };

  const stackLabels = [...STACK_IONS, 'total'];
  const stackOf = IONS.map((ion) => STACK_IONS.indexOf(ion.label));
  const stack = stackLabels.map(() => new Float32Array(scans * pixels));
  const profile = IONS.map((ion) => ({ label: ion.label, mz: ion.mz, counts: new Float64Array(scans) }));
  const totalCounts = new Float64Array(scans);
  let liSaturated = 0;
  let liMax = 0;
  const li7Index = IONS.findIndex((i) => i.lithium === 'li7');
  const lambda = new Float64Array(IONS.length);
  const other = OTHER_IONS_COUNTS * p.primaryCurrentFactor;

  // Ions only in the 1-D profile are laterally near-uniform (only roughness moves them), so
  // their per-pixel binomials are summed as one Binomial(N·pixels, mean p): same mean, and the
  // same variance up to the spread of p over the area. Ions in the stack are drawn per pixel.
  const probSum = new Float64Array(IONS.length);
  for (let s = 0; s < scans; s++) {
    // Primary-current jitter from scan to scan: not part of the expected (truth) counts.
    const jitter = sampling ? Math.max(0.5, 1 + 0.02 * p.noiseScale * rngJitter.normal()) : 1;
    let totalSum = 0;
    probSum.fill(0);
    for (let px = 0; px < pixels; px++) {
      model.lambdas(s, px, lambda);
      let pixelTotal = 0;
      // Expected counts of everything the stack has no channel for, for the `total` channel.
      let rest = other * jitter;
      for (let ii = 0; ii < IONS.length; ii++) {
        if (stackOf[ii] < 0) {
          const prob = 1 - Math.exp(-(lambda[ii] * jitter + DARK_COUNTS) / N);
          probSum[ii] += prob;
          rest += N * prob;
          continue;
        }
        const counts = detect(lambda[ii] * jitter + DARK_COUNTS);
        if (ii === li7Index) {
          const expected = lambda[ii] + DARK_COUNTS;
          if (expected > liMax) liMax = expected;
          if (counts >= N) liSaturated++;
        }
        profile[ii].counts[s] += counts;
        pixelTotal += counts;
        if (stackOf[ii] >= 0) stack[stackOf[ii]][s * pixels + px] = counts;
      }
      pixelTotal += sampling ? rngCounts.poisson(rest) : rest;
      stack[stackLabels.length - 1][s * pixels + px] = pixelTotal;
      totalSum += pixelTotal;
    }
    for (let ii = 0; ii < IONS.length; ii++) {
      if (stackOf[ii] >= 0) continue;
      const meanP = probSum[ii] / pixels;
      profile[ii].counts[s] = sampling ? rngCounts.binomial(N * pixels, meanP) : N * pixels * meanP;
    }
    totalCounts[s] = totalSum;
  }

  return {
    timeS,
    depthNm,
    stackLabels,
    stack,
    profile,
    totalCounts,
    liSaturatedPixelScans: liSaturated,
    liMaxExpectedPerPixel: liMax,
  };
}

/** The simulation as the project's DepthProfile (raw counts, no Poisson correction). */
export function toDepthProfile(r: SimsResult, fileName: string, shotsPerPixel: number, pixelCount: number): DepthProfile {
  // Cs+ sputter dose (2 keV, ≈ 3 nA) plus the small Bi+ analysis dose per scan.
  const sputterIonsPerS = 2.0e10;
  const analysisIonsPerScan = 2.6e6;
  return {
    kind: 'depthProfile',
    source: { fileName, format: 'iontof-ascii' },
    polarity: 'negative',
    timeS: r.timeS,
    ions: r.profile.map((p) => ({ label: p.label, mz: p.mz, counts: p.counts, poissonCorrected: false })),
    totalCounts: r.totalCounts,
    primaryDoseIons: r.timeS.map((t, k) => Math.round(sputterIonsPerS * t + analysisIonsPerScan * (k + 1))),
    shotsPerPixel,
    pixelCount,
    metadata: {},
  };
}

/** Instants per scan at which liInWindows samples the model: its error falls as 1/SUBSCANS. */
const SUBSCANS = 16;

/**
 * The expected Li⁷ counts (dark counts included, as the detector sees them) over the analysis
 * area, integrated over each time window, in counts per scan: the inventory a correct analysis
 * should find. The model is sampled SUBSCANS times a scan, each instant standing for its slice.
 * (Summing the scans whose instant lies in a window, as the truth once did, gave the whole scan
 * to the layer its first instant lies in: half a scan misplaced at each boundary, up to 9 % of a
 * Li-poor steel layer beside a Li-rich one.)
 */
export function liInWindows(p: ModelParams, windows: readonly { startS: number; endS: number }[]): number[] {
  const fine = buildSimsModel({ ...p, scans: p.scans * SUBSCANS, scanPeriodS: p.scanPeriodS / SUBSCANS });
  const li7 = IONS.findIndex((i) => i.lithium === 'li7');
  const out = windows.map(() => 0);
  for (let s = 0; s < fine.timeS.length; s++) {
    const t = fine.timeS[s];
    const w = windows.findIndex((x) => t >= x.startS && t < x.endS);
    if (w < 0) continue;
    let rate = 0;
    for (let px = 0; px < fine.pixels; px++) rate += fine.lambdaOf(li7, s, px) + DARK_COUNTS;
    out[w] += rate / SUBSCANS;
  }
  return out;
}
