import { describe, expect, it } from 'vitest';
import { mapConcurrently, weightBudget } from '../../core/util/concurrently.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapConcurrently', () => {
  it('returns the results in the items’ order, whatever order they finish in', async () => {
    const delays = [30, 5, 20, 1, 10];
    const out = await mapConcurrently(delays, 3, async (ms, i) => {
      await tick(ms);
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
  });

  it('starts items in order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await mapConcurrently([8, 1, 6, 2, 4, 3, 5], 2, async (ms, i) => {
      started.push(i);
      most = Math.max(most, ++running);
      await tick(ms);
      running--;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
  });

  it('after a failure starts nothing more, waits for what runs, then throws the first failure', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapConcurrently([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      if (i === 1) {
        await tick(2);
        throw new Error('item 1 failed');
      }
      await tick(20);
      finished++;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    // Item 0 was running when item 1 failed: it finished before the call returned; 2 … 5 never started
    // (item 2 may have started only if item 0 ended first, which its 20 ms rule out).
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });

  it('handles no items and a limit above the count', async () => {
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
    expect(await mapConcurrently([1, 2], 10, async (x) => x * 2)).toEqual([2, 4]);
  });
});

describe('weightBudget', () => {
  it('runs tasks side by side while their weights fit, a heavier one alone, in the order asked', async () => {
    const run = weightBudget(10);
    let inFlight = 0;
    let most = 0;
    const log: string[] = [];
    const task = (name: string, weight: number, ms: number) =>
      run(weight, async () => {
        inFlight += weight;
        most = Math.max(most, inFlight);
        log.push(`start ${name} (${inFlight})`);
        await tick(ms);
        inFlight -= weight;
        return name;
      });
    // a and b fit together (4 + 5); c (30) is over the budget: it waits for both, then runs alone;
    // d (1), asked after c, waits for c though it would fit beside it.
    const out = await Promise.all([task('a', 4, 10), task('b', 5, 20), task('c', 30, 10), task('d', 1, 5)]);
    expect(out).toEqual(['a', 'b', 'c', 'd']);
    expect(log).toEqual(['start a (4)', 'start b (9)', 'start c (30)', 'start d (1)']);
  });

  it('admits several waiting tasks at once when they fit together, never more', async () => {
    const run = weightBudget(10);
    let inFlight = 0;
    let most = 0;
    let running = 0;
    let mostRunning = 0;
    const task = (weight: number, ms: number) =>
      run(weight, async () => {
        inFlight += weight;
        running++;
        most = Math.max(most, inFlight);
        mostRunning = Math.max(mostRunning, running);
        await tick(ms);
        inFlight -= weight;
        running--;
      });
    await Promise.all([task(10, 10), task(4, 20), task(4, 20), task(4, 20)]);
    // Once the first is done, two of the 4s start together (8 ≤ 10); the third waits for one.
    expect(mostRunning).toBe(2);
    expect(most).toBe(10);
  });

  it('frees the weight of a task that fails', async () => {
    const run = weightBudget(5);
    await expect(run(5, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await run(5, async () => 'ran')).toBe('ran');
  });
});
