import { AddU16WasmBase64 } from './addU16.wasm.js';

/**
 * Per-pixel sums of 16-bit planes computed in WebAssembly with 128-bit SIMD (addU16.wat): the
 * unit-weight raw-count maps of a stack, the bulk of a per-layer Li reduction, in about a
 * quarter of the scalar loop's time. Integer sums below 2^53 are exact, so the numbers are the
 * scalar loop's to the last bit. Each reduction gets its own instance (its own memory), so
 * reductions interleaved at their awaits cannot disturb one another.
 */
export interface U16Sums {
  /** Adds a plane of `n` samples to sum `index`. */
  add(index: number, plane: Uint16Array): void;
  /** Sum `index` (n values): a view into the instance's memory, valid until `release`. */
  sum(index: number): Float64Array;
  /** Hands the instance back for the next reduction (its memory is kept: making one is not free). */
  release(): void;
}

type KernelExports = { memory: WebAssembly.Memory; addU16ToF64: (src: number, dst: number, n: number) => void };
/** An instance no reduction is using. */
let idle: KernelExports | null = null;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is not available. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(AddU16WasmBase64), (c) => c.charCodeAt(0));
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE_BYTES = 65536;
/** Most memory one reduction's sums may take (the maps of a 512² stack with 64 windows is 134 MB). */
const MAX_BYTES = 1 << 30;

/** Largest idle instance memory kept between reductions. */
const KEEP_BYTES = 64 << 20;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** `count` sums of `n` pixels, or null (no SIMD here, or too large): then sum in JavaScript. */
export function u16Sums(count: number, n: number): U16Sums | null {
  const mod = kernelModule();
  if (!mod || !(count >= 1) || !(n >= 1)) return null;
  const stagingBytes = align16(2 * n);
  const sumBytes = align16(8 * n);
  const need = stagingBytes + count * sumBytes;
  if (need > MAX_BYTES) return null;
  let exports: KernelExports;
  try {
    exports = idle ?? (new WebAssembly.Instance(mod).exports as KernelExports);
    idle = null;
    const pages = Math.ceil(need / PAGE_BYTES) - exports.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) exports.memory.grow(pages);
  } catch {
    return null;
  }
  // Views made after the growth: they stay valid for the reduction.
  const { memory, addU16ToF64 } = exports;
  const staging = new Uint16Array(memory.buffer, 0, n);
  const sums = Array.from({ length: count }, (_, i) => new Float64Array(memory.buffer, stagingBytes + i * sumBytes, n));
  for (const sum of sums) sum.fill(0);
  return {
    add(index, plane) {
      // One copy into the instance's memory (memcpy speed), then the SIMD pass.
      staging.set(plane.subarray(0, n));
      addU16ToF64(0, stagingBytes + index * sumBytes, n);
    },
    sum: (index) => sums[index],
    release() {
      // A big memory is not kept for later (it would stay as large as the largest reduction).
      if (memory.buffer.byteLength <= KEEP_BYTES) idle = exports;
    },
  };
}
