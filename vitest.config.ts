import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests start a server and a browser; they get their own generous timeouts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
