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
});
