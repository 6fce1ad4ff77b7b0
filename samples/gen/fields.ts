/**
 * Lateral structure for the 2-D maps: smooth random fields (sums of a few random low-frequency
 * plane waves, so they are smooth at any resolution and cheap) and plating islands (Gaussian
 * blobs). Fields are sampled on the unit square so that a 32 px and a 512 px stack of the same
 * seed show the same pattern.
 */
import type { Rng } from './random.js';

export interface SmoothField {
  /** Zero-mean, ≈ unit-variance (over the plane) value at (u, v) ∈ [0, 1)². */
  at(u: number, v: number): number;
}

export function smoothField(rng: Rng, modes = 8, maxWaves = 3): SmoothField {
  const waves = Array.from({ length: modes }, () => {
    const kx = Math.round(rng.uniform() * 2 * maxWaves - maxWaves);
    const ky = Math.round(rng.uniform() * 2 * maxWaves - maxWaves) || 1;
    return { kx, ky, phase: rng.uniform() * 2 * Math.PI, amp: Math.abs(rng.normal(1, 0.3)) };
  });
  // Integer wave numbers on the unit square: each cosine averages to 0 over the plane, and
  // distinct waves are orthogonal, so the variance is ≈ Σ amp²/2 (exact unless a wave repeats).
  const norm = 1 / Math.sqrt(waves.reduce((s, w) => s + (w.amp * w.amp) / 2, 0));
  return {
    at(u, v) {
      let s = 0;
      for (const w of waves) s += w.amp * Math.cos(2 * Math.PI * (w.kx * u + w.ky * v) + w.phase);
      return s * norm;
    },
  };
}

export interface Islands {
  /** Island coverage at (u, v): 0 outside, up to ~1 at an island's centre. */
  at(u: number, v: number): number;
  centres: { u: number; v: number; radius: number }[];
}

/** Plating islands: a few round blobs (radius in units of the field width), periodic edges. */
export function islands(rng: Rng, count: number, radiusMin = 0.06, radiusMax = 0.13): Islands {
  const centres = Array.from({ length: count }, () => ({
    u: rng.uniform(),
    v: rng.uniform(),
    radius: radiusMin + (radiusMax - radiusMin) * rng.uniform(),
  }));
  return {
    centres,
    at(u, v) {
      let s = 0;
      for (const c of centres) {
        let du = Math.abs(u - c.u);
        let dv = Math.abs(v - c.v);
        du = Math.min(du, 1 - du);
        dv = Math.min(dv, 1 - dv);
        s += Math.exp(-(du * du + dv * dv) / (2 * c.radius * c.radius));
      }
      return Math.min(1.2, s);
    },
  };
}

/** Samples a field on a width × height pixel grid (pixel centres), row-major. */
export function sampleGrid(width: number, height: number, f: (u: number, v: number) => number): Float64Array {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = f((x + 0.5) / width, (y + 0.5) / height);
  }
  return out;
}

/** Rescales a non-negative map to mean 1 (so a map redistributes Li laterally without adding any). */
export function toUnitMean(values: Float64Array): Float64Array {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  return values.map((v) => v / mean);
}
