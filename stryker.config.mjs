// Mutation testing (`npm run mutation [scope...]`, not in CI): scripts/mutation-scopes.mjs says
// which files are mutated against which tests. Reports go to reports/mutation/<scope>.html.
import { currentScope } from './scripts/mutation-scopes.mjs';

const scope = currentScope();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: scope.mutate,
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test process at a time.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope.name}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope.name}.json` },
  tempDirName: '.tmp/stryker',
  cleanTempDir: 'always',
  incremental: false,
  ignorePatterns: ['dist', '.tmp', 'reports', 'generated/docs', 'test/fixtures/python'],
};
