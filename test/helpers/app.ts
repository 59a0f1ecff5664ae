/**
 * A user's app in a temporary directory: `node_modules/ringrift-events` is the
 * package built by test/global-setup.ts (its own dependencies resolve from this
 * checkout's node_modules, as an installed package's would from the app's).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** The package built for this test run by test/global-setup.ts. */
export const TEST_PACKAGE = process.env.RINGRIFT_TEST_PACKAGE ?? join(ROOT, '.tmp', 'test-package');

/** A fresh app directory under .tmp/ with the built package linked in; remove it with `dispose()`. */
export function makeApp(prefix = 'app-'): { dir: string; dispose(): void } {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', prefix));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(TEST_PACKAGE, join(dir, 'node_modules', 'ringrift-events'), 'dir');
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
