/**
 * Builds the package once per test run (`npm run build` into a directory of
 * this run under .tmp/), for the tests that use it as an app would: generated
 * code of any catalog imports `ringrift-events/runtime`, resolved to this
 * build. test/helpers/app.ts finds it through RINGRIFT_TEST_PACKAGE, which the
 * test workers inherit; a run of its own, so concurrent runs never share one.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export default function setup(): () => void {
  const dir = join(ROOT, '.tmp', `test-package-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), join(dir, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  process.env.RINGRIFT_TEST_PACKAGE = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
