/**
 * Seeded sampling for the generator. Every component draws from its own stream, derived from
 * the study seed and a label, so changing how one file is simulated does not shift the random
 * numbers of the others (and a test can regenerate one part and compare).
 */
import { randomBinomial, randomLcg, randomNormal, randomPoisson, randomUniform } from 'd3-random';

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  normal(mean?: number, sd?: number): number;
  poisson(lambda: number): number;
  binomial(n: number, p: number): number;
}

/** FNV-1a of the label mixed with the seed: a stable integer seed per stream (a hash, not an RNG). */
export function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.imul(seed | 0, 0x9e3779b1);
  return h >>> 0;
}

export function rngFor(seed: number, label: string): Rng {
  const source = randomLcg(streamSeed(seed, label));
  const u = randomUniform.source(source)(0, 1);
  const n01 = randomNormal.source(source)(0, 1);
  const poissonOf = randomPoisson.source(source);
  const binomialOf = randomBinomial.source(source);
  return {
    uniform: u,
    normal: (mean = 0, sd = 1) => mean + sd * n01(),
    poisson: (lambda) => (lambda <= 0 ? 0 : poissonOf(lambda)()),
    binomial: (n, p) => (p <= 0 ? 0 : p >= 1 ? n : binomialOf(n, p)()),
  };
}
