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
