/**
 * The longest time, ms, this thread went without running a 10 ms timer while `work` ran, and
 * how long `work` took: what a backend call holds its thread for (in the desktop app, Electron's
 * main process, whose windows freeze meanwhile).
 */
export async function longestGap<T>(work: () => Promise<T>): Promise<{ result: T; longestGapMs: number; tookMs: number }> {
  let longestGapMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  try {
    const result = await work();
    return { result, longestGapMs, tookMs: performance.now() - started };
  } finally {
    clearInterval(ticker);
  }
}
