import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that time this thread's event loop (helpers/eventLoop.ts longestGap: a backend call
 * must not hold it): other files running beside them on the same cores would stretch the gaps
 * they measure, so they run after the rest, one at a time.
 */
const TIMED = ['test/node/offThread.test.ts', 'test/main/services.test.ts'];

const shared = {
  // e2e tests start a server and a browser; they get their own generous timeouts.
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        // Every core (Vitest's default leaves one free: on the 2-core CI machine, one file at a
        // time, ~400 s where two at a time take ~310 s).
        test: { ...shared, name: 'tests', include: ['test/**/*.test.ts'], exclude: TIMED, maxWorkers: availableParallelism(), sequence: { groupOrder: 0 } },
      },
      {
        test: { ...shared, name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
