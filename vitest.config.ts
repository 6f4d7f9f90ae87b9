import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Training tests are CPU-bound; two cores run two files at a time without starving each other.
    pool: 'forks',
    maxWorkers: 2,
  },
});
