/**
 * The Python target as a generator output: deterministic, bannered, selected
 * by `--target python` or the config's `pythonOut`, written only when changed
 * and checked for drift like the TypeScript output; and no catalog string,
 * however hostile, runs or breaks the generated package.
 */
import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codegen, settings } from '../../cli/codegen.js';
import { generate } from '../../generator/index.js';
import { BANNER_MARKER } from '../../generator/emit/output.js';
import { compareWithDisk, readCatalog } from '../../generator/io.js';
import { runCli } from '../helpers/cli.js';
import { havePython, PY_HOSTILE, PYTHON_SKIP, ROOT, runPython, tempDir, writeHostileCatalog } from './helpers.js';

function pythonFiles(catalog: string) {
  const { sources } = readCatalog(catalog);
  const r = generate(sources, { target: 'python' });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.files;
}

/** One codegen run in this process, as the CLI does it (flags, then the config, then the defaults): exit code and output. */
function run(flags: { catalog?: string; out?: string; target?: string; config?: string; check?: boolean }): { code: number; stdout: string; stderr: string } {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const o = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    const opts = settings(flags);
    const code = typeof opts === 'number' ? opts : codegen({ ...opts, ...(flags.check ? { check: true } : {}) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('rr-pyemit-');
});
afterEach(() => tmp.cleanup());

describe('the Python target', () => {
  it('generates the same package twice, every file with the generated banner', () => {
    const a = pythonFiles(join(ROOT, 'catalog'));
    const b = pythonFiles(join(ROOT, 'catalog'));
    expect(b).toEqual(a);
    expect(a.map((f) => f.path)).toEqual(['__init__.py', 'consumer.py', 'emitters.py', 'event_mappings.py', 'event_types.py', 'event_utils.py', 'payloads.py', 'py.typed', 'sqlite_queue.py', 'validation.py']);
    for (const f of a) expect(f.content.slice(0, 200), f.path).toContain(BANNER_MARKER);
  });

  it('the committed package python/ringrift_events is what the catalog generates (npm run codegen:check covers it through ringrift-events.config.json)', () => {
    expect(compareWithDisk(join(ROOT, 'python/ringrift_events'), pythonFiles(join(ROOT, 'catalog')))).toEqual({ stale: [], missing: [], orphaned: [] });
    const config = JSON.parse(readFileSync(join(ROOT, 'ringrift-events.config.json'), 'utf8')) as { pythonOut?: string };
    expect(config.pythonOut).toBe('python/ringrift_events');
  });

  it('codegen --target python --out writes the package, --check passes, then reports a stale, a missing and an orphaned file', async () => {
    const out = join(tmp.path, 'pkg');
    const first = await runCli(['codegen', '--target', 'python', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/10 files; 10 written/);
    const again = run({ target: 'python', out });
    expect(again.stdout).toMatch(/0 written, 0 removed, 10 unchanged/);
    expect(run({ target: 'python', out, check: true }).code).toBe(0);

    writeFileSync(join(out, 'payloads.py'), readFileSync(join(out, 'payloads.py'), 'utf8') + '# edited by hand\n');
    rmSync(join(out, 'event_types.py'));
    writeFileSync(join(out, 'old_module.py'), `# ${BANNER_MARKER}\n`);
    const check = run({ target: 'python', out, check: true });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/stale: .*pkg\/payloads\.py/);
    expect(check.stderr).toMatch(/missing: .*pkg\/event_types\.py/);
    expect(check.stderr).toMatch(/orphaned: .*pkg\/old_module\.py/);
  });

  it('the config\'s pythonOut joins a plain codegen and its --check; --target python alone needs a directory', () => {
    const dir = join(tmp.path, 'repo');
    mkdirSync(dir);
    const config = join(dir, 'ringrift-events.config.json');
    writeFileSync(config, JSON.stringify({ catalog: join(ROOT, 'test/fixtures/catalogs/minimal'), out: 'ts', pythonOut: 'py/minimal_events' }));
    const r = run({ config });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'ts/index.ts'))).toBe(true);
    expect(existsSync(join(dir, 'py/minimal_events/__init__.py'))).toBe(true);
    expect(run({ config, check: true }).code).toBe(0);
    rmSync(join(dir, 'py/minimal_events/validation.py'));
    const check = run({ config, check: true });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/missing: .*py\/minimal_events\/validation\.py/);
    // An explicit --out is one output: the config's Python package does not join it.
    const only = run({ config, out: join(dir, 'other'), check: true });
    expect(only.stderr).not.toContain('minimal_events');

    const none = run({ target: 'python', config: join(tmp.path, 'missing.json') });
    expect(none.code).toBe(2);
    const empty = join(tmp.path, 'empty.json');
    writeFileSync(empty, '{}');
    const bare = run({ target: 'python', config: empty });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--target python needs --out DIR');
    const bad = run({ target: 'rust', out: 'x', config: empty });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the targets are typescript and python');
  });
});

describe.skipIf(!havePython)(`hostile catalog strings in the Python package${PYTHON_SKIP}`, () => {
  it('arrive intact as values and docstrings, and nothing of them runs at import; keyword field names stay usable', async () => {
    const src = writeHostileCatalog(join(tmp.path, 'catalog'));
    const out = join(tmp.path, 'hostile_events');
    const g = run({ catalog: src, target: 'python', out });
    expect(g.code, g.stderr).toBe(0);
    const got = await runPython(
      tmp.path,
      [
        'import json, os, typing, hostile_events as m',
        `db = ${JSON.stringify(join(tmp.path, 'events.db'))}`,
        'from hostile_events import payloads',
        'kind = [v for v in typing.get_args(typing.get_type_hints(payloads.JobDonePayload)["kind"])]',
        'print(json.dumps({',
        '  "doc": payloads.JobDonePayload.__doc__,',
        '  "enum_ok": [m.validate_payload("JOB_DONE", {"config_key": "hex8_2p", "model_path": "/m", "epochs": 1, "kind": k}).ok for k in kind],',
        '  "bad_enum": m.validate_payload("JOB_DONE", {"config_key": "hex8_2p", "model_path": "/m", "epochs": 1, "kind": "x"}).issues[0].message,',
        '  "keys": sorted(payloads.JobStartedPayload.__annotations__),',
        '  "sent": __import__("json").loads(__import__("sqlite3").connect(db).execute("SELECT envelope FROM rr_events").fetchone()[0])["data"]',
        '    if m.emit_job_started(job_id="j", from_="f", class_="c", str_="s", typing_="t", match_="m", queue_="q", queue=db, source="x") else None,',
        '}, ensure_ascii=True))',
      ].join('\n'),
    ) as { doc: string; enum_ok: boolean[]; bad_enum: string; keys: string[]; sent: Record<string, unknown> };
    expect(got.doc).toContain(PY_HOSTILE[0]);
    expect(got.doc).toContain('lone \\ud800 surrogate'); // shown as its escape: a class's __doc__ cannot hold it
    expect(got.enum_ok).toEqual(PY_HOSTILE.map(() => true));
    expect(got.bad_enum).toBe(`must be one of ${PY_HOSTILE.map((v) => JSON.stringify(v)).join(', ')}`);
    expect(got.keys).toEqual(['class', 'from', 'job_id', 'match', 'queue', 'source', 'str', 'timestamp', 'typing']);
    // Keyword arguments renamed for Python (`from_`, and `queue_` beside the queue= option) send the catalog's field names.
    expect(got.sent).toMatchObject({ job_id: 'j', from: 'f', class: 'c', str: 's', typing: 't', match: 'm', queue: 'q', source: 'x' });
  });
});
