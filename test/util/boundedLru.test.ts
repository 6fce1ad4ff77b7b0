import { describe, expect, it } from 'vitest';
import { BoundedLru } from '../../core/util/boundedLru.js';

describe('BoundedLru', () => {
  it('forgets the least recently used first once it holds more entries than allowed', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recently used
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
    expect(lru.size).toBe(2);
  });

  it('keeps the total weight within its bound, the weight of a value replaced no longer counted', () => {
    const lru = new BoundedLru<string, string>(10, 10, (value, key) => value.length + key.length);
    lru.set('a', 'xxxx'); // 5
    lru.set('b', 'xxxx'); // 10
    lru.set('a', 'x'); // a: 2, total 7
    lru.set('c', 'xx'); // 10
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual(['x', 'xxxx', 'xx']);
    lru.set('d', 'x'); // 12: a, the least recently used, goes (10)
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.get('d')]).toEqual([undefined, 'xxxx', 'xx', 'x']);
  });

  it('does not keep a value heavier than the bound by itself', () => {
    const lru = new BoundedLru<string, string>(10, 3, (value) => value.length);
    lru.set('a', 'xx');
    lru.set('big', 'xxxx');
    expect(lru.get('big')).toBeUndefined();
    // Dropping it dropped the older entries first (the least recently used go first).
    expect(lru.size).toBe(0);
  });

  it('deletes', () => {
    const lru = new BoundedLru<string, number>(2, 2, () => 1);
    lru.set('a', 1);
    lru.delete('a');
    lru.delete('missing');
    lru.set('b', 1);
    lru.set('c', 1);
    expect([lru.get('b'), lru.get('c')]).toEqual([1, 1]);
  });
});
