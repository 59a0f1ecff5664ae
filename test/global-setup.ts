/**
 * Builds the package once per test run (`npm run build` into .tmp/test-package),
 * for the tests that use it as an app would: generated code of any catalog
 * imports `ringrift-events/runtime`, resolved to this build.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_PACKAGE = join(ROOT, '.tmp', 'test-package'); // test/helpers/app.ts names it for the tests

export default function setup(): void {
  rmSync(TEST_PACKAGE, { recursive: true, force: true });
  mkdirSync(TEST_PACKAGE, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), join(TEST_PACKAGE, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  copyFileSync(join(ROOT, 'package.json'), join(TEST_PACKAGE, 'package.json'));
  cpSync(join(ROOT, 'bin'), join(TEST_PACKAGE, 'bin'), { recursive: true });
}
