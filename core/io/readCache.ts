import type { ByteSource } from './byteSource.js';

/**
 * A block cache in front of a ByteSource. Readers ask for many small pieces (IFD entries, tag
 * values, the pixels of one small plane); on a file each ask costs a trip through the I/O
 * thread pool (~0.1 ms), which dominated a stack's read time. Reading aligned blocks and serving
 * the pieces from memory brings that close to the speed of the disk. Memory stays bounded:
 * at most `maxBlocks` blocks, least recently used dropped first; big reads bypass the cache.
 *
 * Blocks only pay when the pieces are dense. A TIFF whose IFDs sit between big planes (one
 * IFD every 512 KiB in a 2 GB stack) would make every IFD fetch a whole block: opening the
 * file would read all of it. So the cache watches how many reads each evicted block served;
 * when recent blocks served fewer than three reads each (a block costs about as much as a few
 * small reads), misses are read as they are asked (sparse
 * mode), with a full block fetched now and then to notice when reads become dense again.
 */
export function withReadCache<S extends ByteSource>(source: S, opts: { blockBytes?: number; maxBlocks?: number } = {}): S {
  const blockBytes = opts.blockBytes ?? 1 << 20;
  const maxBlocks = opts.maxBlocks ?? 8;
  // Map iteration order is insertion order: re-inserting on use makes the first key the LRU.
  const blocks = new Map<number, { bytes: Promise<Uint8Array>; reads: number }>();
  /** Reads served by each of the last evicted blocks (a ring), to tell dense from sparse. */
  const history: number[] = [];
  const HISTORY = 8;
  let sparseMisses = 0;

  const sparse = (): boolean => history.length === HISTORY && history.reduce((a, b) => a + b, 0) < 3 * HISTORY;

  const block = (index: number): Promise<Uint8Array> => {
    let b = blocks.get(index);
    if (b) {
      blocks.delete(index);
      b.reads++;
    } else {
      const bytes = source.read(index * blockBytes, blockBytes);
      b = { bytes, reads: 1 };
      // A failed read must not stay cached.
      bytes.catch(() => blocks.delete(index));
      if (blocks.size >= maxBlocks) {
        const lru = blocks.keys().next().value!;
        history.push(blocks.get(lru)!.reads);
        if (history.length > HISTORY) history.shift();
        blocks.delete(lru);
      }
    }
    blocks.set(index, b);
    return b.bytes;
  };

  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const end = Math.min(source.size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    if (end - offset >= blockBytes) return source.read(offset, end - offset);
    const first = Math.floor(offset / blockBytes);
    const last = Math.floor((end - 1) / blockBytes);
    if (sparse() && !blocks.has(first) && !blocks.has(last) && ++sparseMisses % 16 !== 0) {
      return source.read(offset, end - offset);
    }
    if (first === last) {
      const b = await block(first);
      const start = offset - first * blockBytes;
      return b.subarray(start, Math.min(b.byteLength, start + (end - offset)));
    }
    const out = new Uint8Array(end - offset);
    let filled = 0;
    for (let i = first; i <= last; i++) {
      const b = await block(i);
      const from = i === first ? offset - i * blockBytes : 0;
      const to = Math.min(b.byteLength, end - i * blockBytes);
      out.set(b.subarray(from, to), filled);
      filled += to - from;
    }
    return filled === out.byteLength ? out : out.subarray(0, filled);
  };

  return Object.assign(Object.create(Object.getPrototypeOf(source)), source, { read });
}
