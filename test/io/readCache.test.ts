import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../core/io/byteSource.js';
import type { ByteSource } from '../../core/io/byteSource.js';
import { withReadCache } from '../../core/io/readCache.js';

describe('block read cache', () => {
  const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 31 + 7) & 255);

  it('returns exactly the bytes of the source for any read, across block edges and evictions', async () => {
    let underlying = 0;
    const counting: ByteSource = { ...bytesSource('f', data), read: async (o, l) => (underlying++, data.slice(o, Math.min(data.length, o + l))) };
    const cached = withReadCache(counting, { blockBytes: 256, maxBlocks: 3 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10_100 }), fc.integer({ min: 0, max: 700 }), async (offset, length) => {
        const got = await cached.read(offset, length);
        expect([...got]).toEqual([...data.subarray(offset, Math.min(data.length, offset + length))]);
      }),
      { numRuns: 300 },
    );
    expect(underlying).toBeGreaterThan(0);
  });

  it('serves repeated small reads from memory', async () => {
    let underlying = 0;
    const counting: ByteSource = { ...bytesSource('f', data), read: async (o, l) => (underlying++, data.slice(o, o + l)) };
    const cached = withReadCache(counting, { blockBytes: 1024, maxBlocks: 2 });
    for (let i = 0; i < 100; i++) await cached.read(i * 10, 8);
    expect(underlying).toBe(1);
  });

  it('keeps at most maxBlocks blocks and does not cache failures', async () => {
    let fail = true;
    const flaky: ByteSource = { ...bytesSource('f', data), read: async (o, l) => { if (fail) throw new Error('EIO'); return data.slice(o, o + l); } };
    const cached = withReadCache(flaky, { blockBytes: 512, maxBlocks: 2 });
    await expect(cached.read(0, 10)).rejects.toThrow('EIO');
    fail = false;
    expect([...(await cached.read(0, 4))]).toEqual([...data.subarray(0, 4)]);
  });

  it('stops fetching whole blocks for sparse reads (IFDs between big planes), and still returns the right bytes', async () => {
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7 + 3) & 255);
    let bytesRead = 0;
    const counting: ByteSource = { ...bytesSource('f', big), read: async (o, l) => ((bytesRead += Math.min(l, big.length - o)), big.slice(o, Math.min(big.length, o + l))) };
    const cached = withReadCache(counting, { blockBytes: 4096, maxBlocks: 4 });
    // One 64-byte read every 16 KiB, as an IFD walk over 16 KiB planes does.
    for (let at = 0; at + 64 <= big.length; at += 16384) expect([...(await cached.read(at, 64))]).toEqual([...big.subarray(at, at + 64)]);
    const reads = big.length / 16384;
    // Whole blocks only until the cache has seen that blocks serve one read each (+ rare probes).
    expect(bytesRead).toBeLessThan(reads * 64 + 16 * 4096);
    expect(bytesRead).toBeLessThan(reads * 4096 * 0.5);
  });

  it('keeps fetching blocks while reads are dense', async () => {
    let underlying = 0;
    const counting: ByteSource = { ...bytesSource('f', data), read: async (o, l) => (underlying++, data.slice(o, Math.min(data.length, o + l))) };
    const cached = withReadCache(counting, { blockBytes: 512, maxBlocks: 2 });
    for (let at = 0; at + 16 <= data.length; at += 32) expect([...(await cached.read(at, 16))]).toEqual([...data.subarray(at, at + 16)]);
    expect(underlying).toBe(Math.ceil(data.length / 512));
  });
});
