/**
 * The Python side of the tests: whether `python3` (3.10+) is here, a package
 * generated from a catalog directory into a temporary directory, and one
 * Python run of a script against it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCatalog, writeGenerated } from '../../generator/io.js';
import { generate } from '../../generator/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const probe = spawnSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
/** python3 ≥ 3.10 is on the PATH (.ci/run requires it; a local run without it skips these tests and says so). */
export const havePython = probe.status === 0 && probe.stdout.trim() === 'True';
if (!havePython) console.warn('python3 (3.10 or later) not found: the Python tests are skipped (.ci/run requires python3)');

/** Generates the Python package of a catalog directory into `dir/pkg`. */
export function generatePython(catalogDir: string, dir: string, pkg: string): string {
  const { sources, problems, error } = readCatalog(catalogDir);
  if (error !== undefined || problems.length > 0) throw new Error(`${catalogDir}: ${error ?? problems.map((p) => p.message).join('; ')}`);
  const result = generate(sources, { target: 'python' });
  if (!result.ok) throw new Error(`${catalogDir}: ${result.problems.map((p) => p.message).join('; ')}`);
  const out = join(dir, pkg);
  mkdirSync(out, { recursive: true });
  writeGenerated(out, result.files);
  return out;
}

export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs Python code with `cwd` on its path; its stdout parsed as JSON. */
export function runPython(cwd: string, code: string, input?: string): unknown {
  const r = spawnSync('python3', ['-c', code], { cwd, encoding: 'utf8', input, timeout: 60_000, env: { ...process.env, PYTHONPATH: cwd, PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0) throw new Error(`python3 exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
