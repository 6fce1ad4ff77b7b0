/**
 * A map that keeps at most `maxEntries` values and at most `maxWeight` of their total weight
 * (bytes, roughly, as `weigh` tells of a value and its key), forgetting the least recently used first. For the
 * per-thread memos of results that are costly to make again (checksums, a state's steps, a
 * parsed OME header): what they keep stays bounded however many files a session opens.
 */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight = Infinity,
    private readonly weigh: (value: V, key: K) => number = () => 0,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value kept under the key (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map order is insertion order: moved last, it is dropped last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps the value, dropping the least recently used past the bounds (this one too, if it alone is too heavy). */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value, key);
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    while (this.entries.size > this.maxEntries || this.totalWeight > this.maxWeight) {
      this.delete(this.entries.keys().next().value as K);
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }
}
