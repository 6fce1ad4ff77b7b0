import fc from 'fast-check';
import { expect } from 'vitest';
import { FormatError } from '../../core/model/errors.js';

// Shared by the hostile-input tests of every reader (issue 7): mutations of valid files, a tally
// that accepts only typed errors naming the file, a time bound per input and an allocation guard.

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
    case 'splice':
      return spliceBytes(bytes, m.at, m.bytes);
    case 'empty':
      return new Uint8Array(0);
  }
}

/** `bytes` with `insert` placed at `at` (clamped to the end). */
export function spliceBytes(bytes: Uint8Array, at: number, insert: Uint8Array): Uint8Array {
  const k = Math.min(at, bytes.length);
  const out = new Uint8Array(bytes.length + insert.length);
  out.set(bytes.subarray(0, k));
  out.set(insert, k);
  out.set(bytes.subarray(k), k + insert.length);
  return out;
}

/**
 * Edits of text formats: tokens that break number parsing, line structure and encodings,
 * inserted at a position, or replacing one number of the text.
 */
export const TEXT_TOKENS = ['\t', '\n', '\r', '\r\n', ',', ';', '.', '#', '*', '=', '"', 'inf', 'Infinity', '-Infinity', 'NaN', 'nan', 'N/A', '1e308', '1e999', '-1e308', '4294967296', '-1', '0', '-', '\u0000', '\u00b5', '\ufeff', '\ufffd', 'µm', '標準', '<', '>', '</', '&amp;', '&#0;', ']]>'];

export type TextEdit =
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'number'; which: number; token: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number };

export function textEditArb(focusChars: number): fc.Arbitrary<TextEdit> {
  const at = fc.nat({ max: Math.max(0, focusChars - 1) });
  const token = fc.oneof(fc.constantFrom(...TEXT_TOKENS), fc.string({ maxLength: 8 }));
  return fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at, token }),
    fc.record({ kind: fc.constant('number' as const), which: fc.nat({ max: 500 }), token }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at, length: fc.integer({ min: 1, max: 80 }), times: fc.integer({ min: 2, max: 200 }) }),
  );
}

export function applyTextEdit(text: string, e: TextEdit): string {
  switch (e.kind) {
    case 'insert': {
      const k = Math.min(e.at, text.length);
      return text.slice(0, k) + e.token + text.slice(k);
    }
    case 'number': {
      const count = (text.match(/\d+(?:\.\d+)?/g) ?? []).length;
      if (count === 0) return text + e.token;
      let k = 0;
      const target = e.which % count;
      return text.replace(/\d+(?:\.\d+)?/g, (all) => (k++ === target ? e.token : all));
    }
    case 'delete': {
      const k = Math.min(e.at, text.length);
      return text.slice(0, k) + text.slice(k + e.length);
    }
    case 'repeat': {
      const k = Math.min(e.at, text.length);
      const piece = text.slice(k, k + e.length);
      return text.slice(0, k) + piece.repeat(e.times) + text.slice(k);
    }
  }
}

/** Text as bytes in an encoding a user's tool may have chosen instead of UTF-8. */
export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le-bom' | 'utf-16be-bom' | 'utf-16le' | 'latin-1';
export const ENCODINGS: Encoding[] = ['utf-8', 'utf-8-bom', 'utf-16le-bom', 'utf-16be-bom', 'utf-16le', 'latin-1'];

export function encodeText(text: string, encoding: Encoding): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return new TextEncoder().encode(text);
    case 'utf-8-bom':
      return new TextEncoder().encode('\ufeff' + text);
    case 'latin-1':
      return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    default: {
      const bom = encoding.endsWith('-bom');
      const le = encoding.startsWith('utf-16le');
      const body = (bom ? '\ufeff' : '') + text;
      const out = new Uint8Array(2 * body.length);
      const dv = new DataView(out.buffer);
      for (let i = 0; i < body.length; i++) dv.setUint16(2 * i, body.charCodeAt(i), le);
      return out;
    }
  }
}

// ---- Allocation guard ----

const GUARDED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigUint64Array',
  'BigInt64Array',
] as const;

type AnyCtor = new (...args: unknown[]) => unknown;

/** Bytes one `new X(...args)` of a buffer or typed-array constructor allocates (0 for a view). */
function bytesOf(name: string, ctor: AnyCtor, args: unknown[]): number {
  const first = args[0];
  if (name === 'ArrayBuffer' || name === 'SharedArrayBuffer') return typeof first === 'number' ? first : 0;
  const per = (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (typeof first === 'number') return first * per;
  if (first instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && first instanceof SharedArrayBuffer)) return 0;
  if (first && typeof first === 'object' && typeof (first as { length?: unknown }).length === 'number') return (first as { length: number }).length * per;
  return 0;
}

/**
 * Runs `fn` with every global ArrayBuffer / typed-array constructor watched, and returns the
 * largest single allocation made through them, and all of them together (geotiff's JPEG decoder
 * makes a frame of many 256-byte arrays, not one large one). Readers (and libraries that look the
 * constructors up when they allocate, as geotiff does) are covered; a library that captured a
 * constructor at load time (fflate), or copies out of WebAssembly memory with `slice` (zstddec),
 * is caught instead by the growth of the process's ArrayBuffer memory over the call, which
 * counts in both. The caller compares the result with what the input can justify.
 */
export async function watchAllocations<T>(fn: () => Promise<T> | T): Promise<{ largestBytes: number; totalBytes: number; result?: T; error?: unknown }> {
  const g = globalThis as unknown as Record<string, AnyCtor>;
  const saved = new Map<string, AnyCtor>();
  let largestBytes = 0;
  let totalBytes = 0;
  for (const name of GUARDED) {
    const ctor = g[name];
    if (!ctor) continue;
    saved.set(name, ctor);
    g[name] = new Proxy(ctor, {
      construct(target, args, newTarget) {
        const bytes = bytesOf(name, target, args);
        if (bytes > largestBytes) largestBytes = bytes;
        totalBytes += bytes;
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget) as object;
      },
    });
  }
  const before = process.memoryUsage().arrayBuffers;
  const growth = (): number => process.memoryUsage().arrayBuffers - before;
  try {
    const result = await fn();
    return { largestBytes: Math.max(largestBytes, growth()), totalBytes: Math.max(totalBytes, growth()), result };
  } catch (error) {
    return { largestBytes: Math.max(largestBytes, growth()), totalBytes: Math.max(totalBytes, growth()), error };
  } finally {
    for (const [name, ctor] of saved) g[name] = ctor;
  }
}

// ---- Tally ----

/** An error class whose instances name the file they are about. */
export type NamedErrorClass = abstract new (...args: never[]) => Error & { fileName: string };

export interface FuzzTallyOptions {
  /** The typed error(s) a refusal must be; FormatError by default. */
  errors?: NamedErrorClass[];
  /**
   * Largest single allocation an input of `inputBytes` may cause (checked through
   * `watchAllocations`); unchecked when absent.
   */
  maxAllocBytes?: (inputBytes: number) => number;
}

/** 4 MiB of headroom plus `ratio` bytes per input byte: what a compressed input can justify. */
export const allocBound =
  (ratio: number) =>
  (inputBytes: number): number =>
    4 * 1024 ** 2 + ratio * inputBytes;

/** Deflate's best ratio is 1032:1, so 1100 bytes per input byte is more than any deflated member justifies. */
export const allocBoundForCompressed = allocBound(1100);

/** Tallies outcomes; every failure must be a typed error naming one of `names` (or a member `name:path`). */
export class FuzzTally {
  tried = 0;
  parsed = 0;
  refused = 0;
  slowestMs = 0;
  largestAllocBytes = 0;
  readonly refusals = new Map<string, number>();
  private readonly errors: NamedErrorClass[];
  constructor(
    readonly reader: string,
    private readonly options: FuzzTallyOptions = {},
  ) {
    this.errors = options.errors ?? [FormatError];
  }

  private settle(names: string[], ms: number, err: unknown, input?: { bytes: number; largestAlloc: number }): void {
    if (err !== undefined) {
      if (!this.errors.some((E) => err instanceof E)) throw err;
      const fileName = (err as { fileName: string }).fileName;
      const named = names.some((n) => fileName === n || fileName.startsWith(`${n}:`));
      if (!named) expect(names).toContain(fileName);
      this.refused++;
      // Group refusals by their first words (without numbers) for the report.
      const key = (err as Error).message.replace(/^[^:]*: /, '').replace(/[\d.]+/g, '#').slice(0, 40);
      this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
    } else this.parsed++;
    this.slowestMs = Math.max(this.slowestMs, ms);
    expect(ms, `${this.reader}: one input took ${ms.toFixed(0)} ms`).toBeLessThan(MAX_MS_PER_INPUT);
    if (input && this.options.maxAllocBytes) {
      this.largestAllocBytes = Math.max(this.largestAllocBytes, input.largestAlloc);
      const limit = this.options.maxAllocBytes(input.bytes);
      expect(input.largestAlloc, `${this.reader}: a ${input.bytes}-byte input allocated ${input.largestAlloc} bytes at once`).toBeLessThanOrEqual(limit);
    }
  }

  async run(names: string[], attempt: () => Promise<void>, inputBytes?: number): Promise<void> {
    this.tried++;
    const t0 = performance.now();
    if (inputBytes !== undefined && this.options.maxAllocBytes) {
      const { largestBytes, error } = await watchAllocations(attempt);
      this.settle(names, performance.now() - t0, error, { bytes: inputBytes, largestAlloc: largestBytes });
      return;
    }
    let error: unknown;
    try {
      await attempt();
    } catch (err) {
      error = err ?? new Error('undefined thrown');
    }
    this.settle(names, performance.now() - t0, error);
  }

  /** Same as `run` for synchronous readers. */
  runSync(names: string[], attempt: () => void): void {
    this.tried++;
    const t0 = performance.now();
    let error: unknown;
    try {
      attempt();
    } catch (err) {
      error = err ?? new Error('undefined thrown');
    }
    this.settle(names, performance.now() - t0, error);
  }

  report(): void {
    const alloc = this.options.maxAllocBytes ? `, largest single allocation ${(this.largestAllocBytes / 1024 ** 2).toFixed(1)} MiB` : '';
    console.log(`[fuzz] ${this.reader}: ${this.tried} inputs tried, ${this.parsed} read, ${this.refused} refused with ${this.errors.map((e) => e.name).join('/')}, slowest ${this.slowestMs.toFixed(0)} ms${alloc}`);
  }
}
