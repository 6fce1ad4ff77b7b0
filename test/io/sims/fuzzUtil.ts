import fc from 'fast-check';
import { expect } from 'vitest';
import { FormatError } from '../../../core/model/errors.js';

/** Inputs per reader; `STRATA_FUZZ_RUNS=20000` for a long run. */
export const FUZZ_RUNS = Number(process.env.STRATA_FUZZ_RUNS ?? 200);
/** Longest a reader may spend on one input before it counts as a hang. */
export const MAX_MS_PER_INPUT = 2000;

/** One hostile edit of a valid file: what truncated downloads, bad disks and crafted files do. */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; mask: number }[]
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'splice'; at: number; bytes: Uint8Array }
  | { kind: 'empty' };

export function mutationArb(focusBytes: number): fc.Arbitrary<Mutation> {
  const at = fc.nat({ max: Math.max(0, focusBytes - 1) });
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.array(fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 8 }),
    fc.record({
      kind: fc.constant('u32' as const),
      at,
      value: fc.oneof(fc.constantFrom(0, 1, 0xffff, 0x7fffffff, 0xffffffff, 0x10000), fc.nat()),
    }),
    fc.record({ kind: fc.constant('splice' as const), at, bytes: fc.uint8Array({ maxLength: 64 }) }),
    fc.constant({ kind: 'empty' as const }),
  );
}

export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (Array.isArray(m)) {
    const out = bytes.slice();
    for (const f of m) if (f.at < out.length) out[f.at] ^= f.mask;
    return out;
  }
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, Math.min(m.at, bytes.length));
    case 'u32': {
      const out = bytes.slice();
      if (m.at + 4 <= out.length) new DataView(out.buffer).setUint32(m.at, m.value >>> 0, bytes[0] === 0x49);
      return out;
    }
    case 'splice': {
      const at = Math.min(m.at, bytes.length);
      const out = new Uint8Array(bytes.length + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'empty':
      return new Uint8Array(0);
  }
}

/** Tallies outcomes; every failure must be a FormatError naming one of `names`. */
export class FuzzTally {
  tried = 0;
  parsed = 0;
  refused = 0;
  slowestMs = 0;
  constructor(readonly reader: string) {}

  async run(names: string[], attempt: () => Promise<void>): Promise<void> {
    this.tried++;
    const t0 = performance.now();
    try {
      await attempt();
      this.parsed++;
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      expect(names).toContain(err.fileName);
      this.refused++;
    }
    const ms = performance.now() - t0;
    this.slowestMs = Math.max(this.slowestMs, ms);
    expect(ms).toBeLessThan(MAX_MS_PER_INPUT);
  }

  /** Same as `run` for synchronous readers. */
  runSync(names: string[], attempt: () => void): void {
    this.tried++;
    const t0 = performance.now();
    try {
      attempt();
      this.parsed++;
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      expect(names).toContain(err.fileName);
      this.refused++;
    }
    const ms = performance.now() - t0;
    this.slowestMs = Math.max(this.slowestMs, ms);
    expect(ms).toBeLessThan(MAX_MS_PER_INPUT);
  }

  report(): void {
    console.log(`[fuzz] ${this.reader}: ${this.tried} inputs tried, ${this.parsed} read, ${this.refused} refused with FormatError, slowest ${this.slowestMs.toFixed(0)} ms`);
  }
}
