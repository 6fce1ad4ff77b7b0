/**
 * Synthetic ToF-SIMS measurements with known answers, for the analysis tests: layers with
 * erf-broadened interfaces at known times, per-pixel Poisson ion arrivals seen through a
 * detector that counts at most one ion per shot (Binomial(N, 1 − e^{−λ/N})), optional lateral
 * Li hot spots. Deterministic for a seed.
 */
import { ionStackFromArrays, type IonStack } from '../../core/model/ionStack.js';
import type { DepthProfile } from '../../core/model/depthProfile.js';
import type { LayerStack } from '../../core/model/layerStack.js';
import { integrateLayers } from '../../core/sims/liInventory.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function poisson(lambda: number, u: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    const z = Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= u();
  } while (p > l);
  return k - 1;
}

/** Binomial(n, p) by normal approximation when large, exact otherwise. */
export function binomial(n: number, p: number, u: () => number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  const varr = mean * (1 - p);
  if (varr > 25) {
    const z = Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
    return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(varr) * z)));
  }
  let k = 0;
  for (let i = 0; i < n; i++) if (u() < p) k++;
  return k;
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for 50 % tests; use a series/continued-fraction mix.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

/** Φ((t − t0)/σ): 0 → 1 step with its 50 % point at t0 and 84–16 % width 2σ. */
export function step(t: number, t0: number, sigmaS: number): number {
  return 0.5 * (1 + erf((t - t0) / (sigmaS * Math.SQRT2)));
}

export interface SyntheticSpec {
  /** Layer boundaries, s (n − 1 for n layers). */
  boundariesS: number[];
  /** Interface broadening σ, s. */
  sigmaS: number;
  scans: number;
  scanPeriodS: number;
  /** Per ion: expected counts per pixel per scan in each layer. */
  ions: { label: string; mz: number; levels: number[] }[];
  width: number;
  height: number;
  shotsPerPixel: number;
  seed: number;
  /** Li hot spots: in layer `layer`, pixels with (x + y) % period === 0 get `factor` × Li. */
  hotSpots?: { ion: string; layer: number; period: number; factor: number };
}

export interface Synthetic {
  profile: DepthProfile;
  stack: IonStack;
  timeS: Float64Array;
  /** Noise-free, unsaturated expected counts per scan (summed over the field), per ion. */
  expected: Float64Array[];
  /** Share of expected counts of `ion` per layer in the true windows. */
  trueFractions(ion: string, roles: string[]): number[];
}

/** Layer occupancy at time t for layer j of n (erf-broadened). */
function occupancy(t: number, j: number, spec: SyntheticSpec): number {
  const n = spec.boundariesS.length + 1;
  const top = j === 0 ? 1 : step(t, spec.boundariesS[j - 1], spec.sigmaS);
  const bottom = j === n - 1 ? 0 : step(t, spec.boundariesS[j], spec.sigmaS);
  return top - bottom;
}

export function makeSynthetic(spec: SyntheticSpec): Synthetic {
  const u = rng(spec.seed);
  const { scans, width, height, shotsPerPixel: N } = spec;
  const plane = width * height;
  const timeS = Float64Array.from({ length: scans }, (_, i) => (i + 1) * spec.scanPeriodS);
  const nLayers = spec.boundariesS.length + 1;
  const volumes = spec.ions.map(() => new Float32Array(scans * plane));
  const expected = spec.ions.map(() => new Float64Array(scans));
  const profileCounts = spec.ions.map(() => new Float64Array(scans));
  for (let s = 0; s < scans; s++) {
    const occ = Array.from({ length: nLayers }, (_, j) => occupancy(timeS[s], j, spec));
    spec.ions.forEach((ion, k) => {
      const base = occ.reduce((acc, o, j) => acc + o * ion.levels[j], 0);
      for (let p = 0; p < plane; p++) {
        let lambda = base;
        const hs = spec.hotSpots;
        if (hs && hs.ion === ion.label) {
          const x = p % width;
          const y = Math.floor(p / width);
          if ((x + y) % hs.period === 0) lambda += occ[hs.layer] * ion.levels[hs.layer] * (hs.factor - 1);
        }
        expected[k][s] += lambda;
        const observed = binomial(N, 1 - Math.exp(-lambda / N), u);
        volumes[k][s * plane + p] = observed;
        profileCounts[k][s] += observed;
      }
    });
  }
  const ionChannels = spec.ions.map((i) => ({ label: i.label, mz: i.mz }));
  const stack = ionStackFromArrays({
    source: { fileName: 'synthetic.ome.tif', format: 'synthetic' },
    ions: ionChannels,
    scans,
    height,
    width,
    volumes,
    timeS,
    shotsPerPixel: N,
  });
  const profile: DepthProfile = {
    kind: 'depthProfile',
    source: { fileName: 'synthetic.txt', format: 'synthetic' },
    polarity: 'negative',
    timeS,
    ions: spec.ions.map((i, k) => ({ label: i.label, mz: i.mz, counts: profileCounts[k], poissonCorrected: false })),
    shotsPerPixel: N,
    pixelCount: plane,
    metadata: {},
  };
  return {
    profile,
    stack,
    timeS,
    expected,
    trueFractions(ion, roles) {
      const k = spec.ions.findIndex((i) => i.label === ion);
      const windows = roles.map((role, j) => ({
        role,
        startS: j === 0 ? 0 : spec.boundariesS[j - 1],
        endS: j === roles.length - 1 ? Infinity : spec.boundariesS[j],
      }));
      const parts = integrateLayers(timeS, expected[k], new Float64Array(scans), windows);
      const total = parts.reduce((a, b) => a + b.counts, 0);
      return parts.map((p) => p.counts / total);
    },
  };
}

/** A battery-like spec on PAPER_ANODE_FREE's roles and markers (negative ions). */
export function batterySpec(over: Partial<SyntheticSpec> & { liLevels?: number[] } = {}): SyntheticSpec {
  const li = over.liLevels ?? [2, 6, 4, 0.3, 0.05];
  return {
    boundariesS: [40, 90, 190, 230],
    sigmaS: 4,
    scans: 150,
    scanPeriodS: 2,
    width: 12,
    height: 12,
    shotsPerPixel: 30,
    seed: 7,
    ions: [
      { label: 'Li-', mz: 7.016, levels: li },
      { label: 'Cr-', mz: 51.94, levels: [3, 0.02, 0.05, 3, 0.01] },
      { label: 'Ni-', mz: 57.94, levels: [2, 0.02, 0.05, 2, 0.01] },
      { label: 'Fe-', mz: 55.94, levels: [4, 0.05, 2, 4, 0.01] },
      { label: 'FeO-', mz: 71.93, levels: [0.5, 0.05, 3, 0.5, 0.01] },
      { label: 'PO2-', mz: 62.96, levels: [0.02, 5, 2, 0.02, 0.01] },
      { label: 'PO3-', mz: 78.96, levels: [0.02, 4, 1.5, 0.02, 0.01] },
      { label: 'Si-', mz: 27.98, levels: [0.01, 0.01, 0.01, 0.02, 4] },
      { label: 'SiO2-', mz: 59.97, levels: [0.01, 0.01, 0.01, 0.02, 2] },
    ],
    ...over,
  };
}

export const roles = (s: LayerStack): string[] => s.layers.map((l) => l.role);
