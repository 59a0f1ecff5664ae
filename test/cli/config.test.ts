/**
 * `ringrift-events.config.json` through the real bin: no flags needed, flags
 * override it, paths are relative to the file, and a bad file exits 2 with
 * `file:line:col`. The children run without blocking this worker.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { didYouMean, parseConfig } from '../../cli/config.js';
import { ROOT } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/ringrift-events.js', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/catalogs/minimal');

function cli(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

let repo: string;

beforeEach(() => {
  // A user's repository: the catalog and the output under their own names, the config at the top.
  repo = mkdtempSync(join(tmpdir(), 'rr-config-'));
  cpSync(FIXTURE, join(repo, 'events/catalog'), { recursive: true, filter: (src) => !src.includes('generated') });
  writeFileSync(join(repo, 'ringrift-events.config.json'), JSON.stringify({ catalog: 'events/catalog', out: 'src/events', runtimeImport: '@acme/events-runtime' }, null, 2));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('ringrift-events.config.json', () => {
  it('codegen, codegen --check and validate need no flags', async () => {
    const gen = await cli(['codegen'], repo);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(/^src\/events: 4 events, 16 files; 16 written/);
    expect(readFileSync(join(repo, 'src/events/mappings.ts'), 'utf8')).toContain('"@acme/events-runtime"');
    const check = await cli(['codegen', '--check'], repo);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/src\/events: up to date with events\/catalog/);
    const valid = await cli(['validate'], repo);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^events\/catalog: 4 events .*valid$/m);
  }, 240_000);

  it('flags override the config; paths in the config are relative to its own directory (--config PATH)', async () => {
    mkdirSync(join(repo, 'sub'));
    const override = await cli(['codegen', '--out', 'other', '--runtime-import', 'ringrift-events/runtime'], repo);
    expect(override.code).toBe(0);
    expect(override.stdout).toMatch(/^other: 4 events/);
    expect(existsSync(join(repo, 'src/events'))).toBe(false);
    expect(readFileSync(join(repo, 'other/mappings.ts'), 'utf8')).toContain('"ringrift-events/runtime"');

    // From a subdirectory, with the config named explicitly: its paths still resolve against the repository.
    const fromSub = await cli(['codegen', '--config', '../ringrift-events.config.json'], join(repo, 'sub'));
    expect(fromSub.stderr).toBe('');
    expect(fromSub.code).toBe(0);
    expect(existsSync(join(repo, 'src/events/index.ts'))).toBe(true);
    expect(existsSync(join(repo, 'sub/src'))).toBe(false);

    // Without a config file the defaults apply: catalog/ (absent here), exit 2 naming it.
    const none = await cli(['validate'], join(repo, 'sub'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('catalog: not a catalog directory');
  }, 240_000);

  it('a bad config file exits 2 with file:line:col and does nothing', async () => {
    const config = join(repo, 'ringrift-events.config.json');
    writeFileSync(config, '{\n  "catalog": "events/catalog",\n  "outDir": "src/events",\n  "runtimeImport": 3\n}\n');
    const bad = await cli(['codegen'], repo);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual([
      'ringrift-events.config.json:3:3: unknown key "outDir" (did you mean "out"?); the keys are "catalog", "out", "runtimeImport", "pythonOut"',
      'ringrift-events.config.json:4:20: "runtimeImport" must be a non-empty string (a module specifier), not a number',
      '2 problems in the config file; nothing was done',
    ]);
    expect(existsSync(join(repo, 'src'))).toBe(false);

    writeFileSync(config, '{\n  "catalog": "events/catalog",\n  "out": "src/events",\n}\n');
    const json = await cli(['codegen', '--check'], repo);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^ringrift-events\.config\.json:4:1: invalid JSON: a trailing comma is not allowed in JSON$/m);

    const missing = await cli(['validate', '--config', 'nope.json'], repo);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nope\.json: cannot read the config file: no such file$/m);
  }, 240_000);
});

describe('parseConfig', () => {
  const parse = (text: string) => parseConfig(text, 'c.json', '/repo');

  it('resolves paths against the config directory and keeps runtimeImport as written', () => {
    expect(parse('{"catalog": "a/catalog", "out": "../gen", "runtimeImport": "./rt.js"}')).toEqual({
      ok: true,
      config: { file: 'c.json', catalog: '/repo/a/catalog', out: '/gen', runtimeImport: './rt.js' },
    });
    expect(parse('\uFEFF{}')).toEqual({ ok: true, config: { file: 'c.json' } });
  });

  it.each([
    ['', 'c.json:1:1: invalid JSON: the file is empty; expected a JSON object'],
    ['[]', 'c.json:1:1: the config must be a JSON object such as {"catalog": "catalog", "out": "generated"}'],
    ['{"catalog": "x"', "c.json:1:16: invalid JSON: unexpected end of file; expected ',' or '}'"],
    ['{\n  catalog: "x"}', 'c.json:2:3: invalid JSON: unexpected \'c\'; expected a key in double quotes'],
    ['{"out": "a",\n "out": "b"}', 'c.json:2:2: invalid JSON: duplicate key "out"'],
    ['{"out": "a"} x', "c.json:1:14: invalid JSON: unexpected 'x' after the end of the JSON value"],
    ['{\n  // note\n  "out": "a"}', 'c.json:2:3: invalid JSON: comments are not allowed in JSON'],
    ['{"catalog": ""}', 'c.json:1:13: "catalog" must be a non-empty string (a directory (relative to the config file)), not an empty string'],
    ['{"out": ["a"]}', 'c.json:1:9: "out" must be a non-empty string (a directory (relative to the config file)), not an array'],
    ['{"runtime_import": "x"}', 'c.json:1:2: unknown key "runtime_import" (did you mean "runtimeImport"?); the keys are "catalog", "out", "runtimeImport", "pythonOut"'],
    ['{"colour": "x"}', 'c.json:1:2: unknown key "colour"; the keys are "catalog", "out", "runtimeImport", "pythonOut"'],
  ])('%j → %s', (text, problem) => {
    expect(parse(text)).toEqual({ ok: false, problems: [problem] });
  });

  it('did you mean: close keys only', () => {
    expect(didYouMean('catalgo', ['catalog', 'out'])).toBe('catalog');
    expect(didYouMean('output', ['catalog', 'out', 'runtimeImport'])).toBe('out');
    expect(didYouMean('RuntimeImport', ['catalog', 'out', 'runtimeImport'])).toBe('runtimeImport');
    expect(didYouMean('schema', ['catalog', 'out', 'runtimeImport'])).toBeUndefined();
  });
});
