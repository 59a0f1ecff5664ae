/** The codegen and validate commands, run as a user runs them: the real bin, real directories. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/catalogs/minimal');
let dir: string;
let catalog: string;
let out: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-codegen-'));
  catalog = join(dir, 'catalog');
  out = join(dir, 'generated');
  cpSync(FIXTURE, catalog, { recursive: true, filter: (src) => !src.includes('generated') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ringrift-events codegen', () => {
  it('generates, then writes nothing when run again, and --check passes', async () => {
    const first = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/4 events, 16 files; 16 written, 0 removed, 0 unchanged/);
    const second = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(second.stdout).toMatch(/0 written, 0 removed, 16 unchanged/);
    const check = await runCli(['codegen', '--check', '--catalog', catalog, '--out', out]);
    expect(check.code).toBe(0);
  });

  it('--check lists a stale file after a catalog edit, and writes nothing', async () => {
    await runCli(['codegen', '--catalog', catalog, '--out', out]);
    const before = readFileSync(join(out, 'payloads.ts'), 'utf8');
    const jobs = join(catalog, 'jobs.yaml');
    writeFileSync(jobs, readFileSync(jobs, 'utf8').replace('description: Epochs run.', 'description: Epochs completed.'));
    const check = await runCli(['codegen', '--check', '--catalog', catalog, '--out', out]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`stale: ${out}/payloads.ts`);
    // The command that regenerates, with the flags this run was given (not this repository's `npm run codegen`).
    expect(check.stderr).toContain(`run \`ringrift-events codegen --catalog ${catalog} --out ${out}\``);
    expect(readFileSync(join(out, 'payloads.ts'), 'utf8')).toBe(before);
  });

  it('--check catches a hand-edited generated file, a missing one and an orphaned one', async () => {
    await runCli(['codegen', '--catalog', catalog, '--out', out]);
    writeFileSync(join(out, 'mappings.ts'), readFileSync(join(out, 'mappings.ts'), 'utf8') + '\n// hand edit\n');
    rmSync(join(out, 'emitters.ts'));
    cpSync(join(out, 'index.ts'), join(out, 'old-module.ts'));
    writeFileSync(join(out, 'notes.md'), 'hand-written, no banner: not ours\n');
    const check = await runCli(['codegen', '--check', '--catalog', catalog, '--out', out]);
    expect(check.code).toBe(1);
    const lines = check.stderr.trim().split('\n');
    expect(lines).toEqual([
      `stale: ${out}/mappings.ts`,
      `missing: ${out}/emitters.ts`,
      `orphaned: ${out}/old-module.ts`,
      expect.stringContaining('has drifted'),
    ]);
    // A plain codegen repairs all three and leaves the hand-written file alone.
    expect((await runCli(['codegen', '--catalog', catalog, '--out', out])).stdout).toMatch(/2 written, 1 removed/);
    expect(existsSync(join(out, 'notes.md'))).toBe(true);
    expect((await runCli(['codegen', '--check', '--catalog', catalog, '--out', out])).code).toBe(0);
  });

  it('an invalid catalog exits 2 with file:line:col lines and writes nothing at all', async () => {
    const jobs = join(catalog, 'jobs.yaml');
    writeFileSync(jobs, readFileSync(jobs, 'utf8').replace('value: job_started', 'value: job_done').replace('{ ref: model_path, required: true }', '{ ref: no_such_field }'));
    const r = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      // The dedup policy names the field whose ref is bad: one error, not a second one for the dedup.
      expect.stringMatching(new RegExp(`^${catalog}/jobs\\.yaml:\\d+:\\d+: event JOB_DONE, field model_path: ref "no_such_field" names no shared field$`)),
      expect.stringMatching(new RegExp(`^${catalog}/jobs\\.yaml:\\d+:\\d+: event JOB_STARTED: its value "job_done" is already the value of JOB_DONE`)),
    ]);
    expect(lines.at(-1)).toBe('2 problems; nothing was written');
    expect(existsSync(out)).toBe(false);
  });

  it('an invalid catalog leaves an existing generated directory untouched', async () => {
    await runCli(['codegen', '--catalog', catalog, '--out', out]);
    const files = () => (readdirSync(out, { recursive: true }) as string[]).filter((f) => statSync(join(out, f)).isFile()).sort();
    const snapshot = Object.fromEntries(files().map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    writeFileSync(join(catalog, 'broken.yaml'), 'events: [unclosed\n');
    expect((await runCli(['codegen', '--catalog', catalog, '--out', out])).code).toBe(2);
    expect(Object.fromEntries(files().map((f) => [f, readFileSync(join(out, f), 'utf8')]))).toEqual(snapshot);
  });

  it('a missing catalog directory exits 2 naming it', async () => {
    const r = await runCli(['codegen', '--catalog', join(dir, 'nope'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'nope')}: not a catalog directory`);
  });
});

describe('ringrift-events validate', () => {
  it('reports a valid catalog', async () => {
    const r = await runCli(['validate', '--catalog', catalog]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 events in 1 categories, 3 named emitters: valid/);
  });

  it('exits 2 on a broken catalog and writes nothing', async () => {
    writeFileSync(join(catalog, 'jobs.yaml'), 'category: [\n');
    const r = await runCli(['validate', '--catalog', catalog]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/jobs\.yaml:\d+:\d+: invalid YAML/);
  });

  it('the repository catalog is valid', async () => {
    const r = await runCli(['validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
