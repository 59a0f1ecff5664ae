import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the package once (.tmp/test-package) for the tests that use it as an app does.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files in forks so native modules and child processes are isolated, one fork at
    // a time. The tests spawn tsc, Node, npm, Python and servers of their own, which keep both cores
    // busy; with two forks, a fork starved for a minute made vitest fail the run ("Timeout calling
    // onTaskUpdate") although every test passed, and the run was no faster (the tests are CPU-bound).
    pool: 'forks',
    maxWorkers: 1,
    minWorkers: 1,
  },
});
