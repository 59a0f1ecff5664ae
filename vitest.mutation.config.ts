// The vitest configuration of a Stryker run (stryker.config.mjs): only the tests of the current
// scope, without the global setup that builds the package (no test of a scope needs it).
import { defineConfig } from 'vitest/config';
import { currentScope } from './scripts/mutation-scopes.mjs';

export default defineConfig({
  test: {
    include: currentScope().tests,
    testTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
    minWorkers: 1,
  },
});
