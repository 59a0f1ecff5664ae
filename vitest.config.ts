import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the package once (.tmp/test-package) for the tests that use it as an app does.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: run files in forks so native modules and child processes are isolated.
    pool: 'forks',
  },
});
