import { describe, expect, it } from 'vitest';
import { fitStepCounts, fitSteps } from '../../core/sem/steps.js';
import { gaussianRandom } from './synthetic.js';

/** Every placement of the steps tried (small profiles only): the least squares by brute force. */
function bruteForce(v: number[], segments: number, minLength: number): { starts: number[]; sse: number } {
  const sse = (a: number, b: number): number => {
    const xs = v.slice(a, b);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return xs.reduce((s, x) => s + (x - m) ** 2, 0);
  };
  let best = { starts: [] as number[], sse: Infinity };
  const place = (starts: number[]): void => {
    const last = starts.length ? starts[starts.length - 1] : 0;
    if (starts.length === segments - 1) {
      if (v.length - last < minLength) return;
      const edges = [0, ...starts, v.length];
      const total = edges.slice(0, -1).reduce((s, a, i) => s + sse(a, edges[i + 1]), 0);
      if (total < best.sse - 1e-9) best = { starts: [...starts], sse: total };
      return;
    }
    for (let b = last + minLength; b <= v.length - minLength; b++) place([...starts, b]);
  };
  place([]);
  return best;
}

/**
 * A profile of `segments` plateaus, the steps at random places at least n / (3·segments) apart,
 * each `stepSize(u)` high for a uniform u, plus Gaussian noise of σ = 1.
 */
function stepped(n: number, segments: number, stepSize: (u: number) => number, seed: number): number[] {
  const rand = gaussianRandom(seed);
  const uniform = (): number => 0.5 + 0.5 * Math.tanh(rand());
  const gap = Math.floor(n / (3 * segments));
  const starts: number[] = [];
  for (let tries = 0; starts.length < segments - 1; tries++) {
    if (tries > 10000) throw new Error(`no placement of ${segments} steps in ${n} bins`);
    const b = Math.round(gap + uniform() * (n - 2 * gap));
    if (starts.every((s) => Math.abs(s - b) >= gap)) starts.push(b);
  }
  starts.sort((a, b) => a - b);
  const v: number[] = [];
  let level = 100;
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (next < starts.length && i === starts[next]) {
      level += (rand() > 0 ? 1 : -1) * stepSize(uniform());
      next++;
    }
    v.push(level + rand());
  }
  return v;
}

describe('least-squares steps', () => {
  it('finds the least squares of every placement on small profiles (the exact dynamic programme)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const v = stepped(24, 3, () => 3, seed).map((x, i) => x + (i % 5 === 0 ? 2 : 0));
      for (const [segments, minLength] of [[2, 1], [3, 2], [4, 3]]) {
        const fit = fitSteps(v, segments, minLength)!;
        const truth = bruteForce(v, segments, minLength);
        expect(fit.starts).toEqual(truth.starts);
        expect(fit.sse).toBeCloseTo(truth.sse, 9);
      }
    }
  });

  it('fits several counts of segments from one programme, each the least squares of its own count', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const v = stepped(24, 4, () => 3, seed);
      // In any order, with a count the profile is too short for (9 × 3 > 24 bins): null for it alone.
      const counts = [4, 2, 9, 3];
      const fits = fitStepCounts(v, counts, 3);
      expect(fits[2]).toBeNull();
      for (const [k, segments] of counts.entries()) {
        if (segments === 9) continue;
        const truth = bruteForce(v, segments, 3);
        expect(fits[k]!.starts, `${segments} segments, seed ${seed}`).toEqual(truth.starts);
        expect(fits[k]!.sse).toBeCloseTo(truth.sse, 9);
      }
    }
    expect(fitStepCounts([1, 2, 3], [2, 5], 2)).toEqual([null, null]);
  });

  it('says when the segments cannot fit', () => {
    expect(fitSteps([1, 2, 3, 4, 5], 2, 3)).toBeNull();
    expect(fitSteps(new Array(3000).fill(0).map((_, i) => (i < 1500 ? 0 : 5)), 1)!.starts).toEqual([]);
  });
});
