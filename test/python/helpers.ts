/**
 * The Python side of the tests: whether `python3` (3.10+) is here, a package
 * generated from a catalog directory into a temporary directory, and one
 * Python run of a script against it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCatalog, writeGenerated } from '../../generator/io.js';
import { generate } from '../../generator/index.js';
import { base, render } from '../generator/hostile/catalogs.js';
import { run } from '../helpers/process.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const probe = spawnSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
/** python3 ≥ 3.10 is on the PATH (.ci/run requires it; a local run without it skips these tests and says so). */
export const havePython = probe.status === 0 && probe.stdout.trim() === 'True';
/** Appended to the title of a suite that needs python3, so a run without it reports why it skipped it. */
export const PYTHON_SKIP = havePython ? '' : ' (skipped: python3 3.10 or later is not on the PATH)';
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
export async function runPython(cwd: string, code: string, input?: string): Promise<unknown> {
  const r = await run('python3', ['-c', code], { cwd, input, timeoutMs: 60_000, env: { ...process.env, PYTHONPATH: cwd, PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.code !== 0) throw new Error(`python3 exited ${r.code ?? r.signal}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Strings meant to break out of a Python string, docstring or f-string, or to run code at import. */
export const PY_HOSTILE = [
  '"""; import os; os._exit(7); """',
  "'''; raise SystemExit(7); '''",
  'ends in a backslash \\',
  '{__import__("os")._exit(7)} \\N{BULLET} \\x41 \\u0041',
  'line one\nimport os; os._exit(7)\r\n# two',
  'nul \u0000 bell \u0007 del \u007f nel \u0085 ls \u2028 ps \u2029 bom \uFEFF',
  'lone \ud800 surrogate, emoji 😀 rtl \u202Eevil\u202C',
];

/** The hostile base catalog with Python-hostile strings in its descriptions and enum values, and fields named by Python keywords. */
export function writeHostileCatalog(dir: string): string {
  const cat = base();
  const t = PY_HOSTILE.join(' | ');
  const fields = cat['fields.yaml'] as { fields: Record<string, Record<string, unknown>> };
  const jobs = (cat['jobs.yaml'] as { events: Record<string, Record<string, unknown> & { payload: Record<string, Record<string, unknown>> }> }).events;
  fields.fields['board_type']!['description'] = t;
  jobs['JOB_DONE']!['description'] = t;
  jobs['JOB_DONE']!.payload['kind'] = { type: 'string', enum: PY_HOSTILE, description: t };
  for (const name of ['from', 'class', 'str', 'typing', 'match', 'queue']) jobs['JOB_STARTED']!.payload[name] = { type: 'string', description: `${name}: ${t}` };
  // A selecting emitter whose argument is named like a local of its body.
  const emitters = (cat['emitters.yaml'] as { emitters: Record<string, { select?: { argument: string } }> }).emitters;
  emitters['emit_job_kicked_off']!.select!.argument = 'payload';
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(render(cat))) writeFileSync(join(dir, file), text);
  return dir;
}
