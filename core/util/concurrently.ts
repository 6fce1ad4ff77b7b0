/**
 * `fn` over every item, at most `limit` at a time, started in the items' order; the results in
 * that order. Work that waits outside JavaScript (a PNG rendered on the I/O thread pool, a file
 * written) overlaps the work of the next item on this thread.
 *
 * A failure stops new items from starting; those already running are awaited (none is left
 * writing a file after this returns), then the first failure is thrown.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}

/**
 * A budget shared by tasks of different weights (bytes, pixels): `run` starts a task once the
 * weights of those running plus its own fit the budget, or once none runs (a task heavier than
 * the budget runs alone). Tasks start in the order they ask.
 */
export function weightBudget(budget: number): <R>(weight: number, task: () => Promise<R>) => Promise<R> {
  let inFlight = 0;
  let running = 0;
  const waiting: { weight: number; start: () => void }[] = [];
  const fits = (weight: number): boolean => running === 0 || inFlight + weight <= budget;
  const admit = (weight: number): void => {
    inFlight += weight;
    running++;
  };
  const startWaiting = (): void => {
    // Counted as they are admitted, so the next one's fit sees them.
    while (waiting.length > 0 && fits(waiting[0].weight)) {
      const next = waiting.shift()!;
      admit(next.weight);
      next.start();
    }
  };
  return async (weight, task) => {
    if (waiting.length > 0 || !fits(weight)) await new Promise<void>((start) => waiting.push({ weight, start }));
    else admit(weight);
    try {
      return await task();
    } finally {
      inFlight -= weight;
      running--;
      startWaiting();
    }
  };
}
