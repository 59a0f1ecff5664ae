#!/usr/bin/env node
// `npm test [-- vitest args]`: type-checks the whole project under strict, runs
// vitest, and ends with one plain line `tests: N passed, N failed, N skipped`.
// Exits non-zero when the type check or a test fails, or when no test ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

console.log('type check (tsc --noEmit, strict)');
if (run([bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);

mkdirSync(join(root, '.tmp'), { recursive: true });
const report = join(root, '.tmp', 'vitest-report.json');
rmSync(report, { force: true });
const status = run([bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
if (!existsSync(report)) {
  console.log('tests: 0 passed, 0 failed, 0 skipped');
  process.exit(status || 1);
}
const r = JSON.parse(readFileSync(report, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
process.exit(status !== 0 || r.numFailedTests > 0 || r.numPassedTests === 0 ? 1 : 0);
