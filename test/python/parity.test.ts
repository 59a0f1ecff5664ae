/**
 * The Python helpers and validators against their TypeScript counterparts,
 * on one shared table (cases.ts): the same values, the same errors with the
 * same messages, and the same validation verdicts and issues as the ajv
 * validators, for our catalog and both fixture catalogs. TypeScript runs the
 * table here; Python checks its own outcomes against them with unittest
 * (test_parity.py).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ringrift from '../../generated/index.js';
import { buildCatalog } from '../../generator/catalog/build.js';
import { payloadSchema, type JsonSchema } from '../../generator/emit/json-schema.js';
import { readCatalog } from '../../generator/io.js';
import { runValidator, type CompiledValidator } from '../../runtime/validation.js';
import * as minimal from '../fixtures/catalogs/minimal/generated/index.js';
import * as shop from '../fixtures/catalogs/shop/generated/index.js';
import { run } from '../helpers/process.js';
import { normalizerCalls, validationCorpus, type Call } from './cases.js';
import { generatePython, havePython, PYTHON_SKIP, ROOT, tempDir } from './helpers.js';

type Validate = (event: never, payload: unknown) => { ok: boolean; issues?: readonly { field: string; message: string }[] };

/** A catalog without committed TypeScript (billing): ajv compiles its schemas here, and the runtime turns its errors into issues, as generated validation.ts does. */
function ajvValidate(dir: string): Validate {
  const built = buildCatalog(readCatalog(join(ROOT, dir)).sources);
  if (!built.ok) throw new Error(dir);
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, ownProperties: true, formats: { 'date-time': true } });
  const validators = new Map(built.model.events.map((e) => [e.name, ajv.compile(payloadSchema(built.model, e)) as CompiledValidator]));
  return (event: never, payload: unknown) => runValidator(validators.get(event)!, payload);
}
const Ajv = AjvModule.default ?? AjvModule;
const CATALOGS = [
  { pkg: 'ringrift_events', dir: 'catalog', validate: ringrift.validatePayload as Validate },
  { pkg: 'minimal_events', dir: 'test/fixtures/catalogs/minimal', validate: minimal.validatePayload as Validate },
  { pkg: 'shop_events', dir: 'test/fixtures/catalogs/shop', validate: shop.validatePayload as Validate },
  { pkg: 'billing_events', dir: 'test/fixtures/catalogs/billing', validate: ajvValidate('test/fixtures/catalogs/billing') },
] as const;

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('rr-pyparity-');
  for (const c of CATALOGS) generatePython(join(ROOT, c.dir), tmp.path, c.pkg);
});
afterAll(() => tmp?.cleanup());

/** Runs test_parity.py (unittest) on a table and the outcomes TypeScript gave: '' when every row agrees, else unittest's report. */
async function pythonDisagreements(table: object): Promise<string> {
  const file = join(tmp.path, `table-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(table));
  const r = await run('python3', ['-m', 'unittest', '-q', 'test_parity'], {
    cwd: join(ROOT, 'test/python'),
    env: { ...process.env, PYTHONPATH: tmp.path, PYTHONDONTWRITEBYTECODE: '1', PARITY_FILE: file },
  });
  if (r.code === 0 && /\nOK\s*$/.test(r.stderr)) return '';
  return `unittest exited ${r.code ?? r.signal}:\n${r.stderr.slice(0, 6000)}`;
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A call on the TypeScript side, its outcome as JSON shows it (undefined is null). */
function callTs(module: Record<string, unknown>, [fn, args]: Call): unknown {
  const f = module[camel(fn)] as ((...a: unknown[]) => unknown) | undefined;
  if (typeof f !== 'function') throw new Error(`no TypeScript ${camel(fn)} for ${fn}`);
  try {
    const value = f(...args);
    return JSON.parse(JSON.stringify({ value: value === undefined ? null : value })) as unknown;
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

function verdict(v: ReturnType<Validate>): unknown {
  return v.ok ? { ok: true } : { ok: false, issues: v.issues!.map((i: { field: string; message: string }) => ({ field: i.field, message: i.message })) };
}

describe.skipIf(!havePython)(`Python and TypeScript agree${PYTHON_SKIP}`, () => {
  it('normalizers, config keys, extractors and name mappings: the same value or the same error on every case of the table', async () => {
    const spellings = Object.keys(ringrift.SPELLING_TO_EVENT);
    const calls = JSON.parse(
      JSON.stringify(normalizerCalls(spellings, Object.keys(ringrift.STAGE_TO_DATA_EVENT_MAP), Object.values(ringrift.DataEventType), Object.keys(ringrift.CROSS_PROCESS_TO_DATA_MAP))),
    ) as Call[];
    const ts = calls.map((c) => callTs(ringrift as unknown as Record<string, unknown>, c));
    expect(await pythonDisagreements({ package: 'ringrift_events', calls, expected_calls: ts, validations: [], expected_validations: [] })).toBe('');
    expect(calls.length).toBeGreaterThan(spellings.length + 150);
    // The table reaches both outcomes of the interesting helpers.
    expect(ts.filter((r) => (r as { error?: string }).error === 'ConfigKeyError').length).toBeGreaterThan(10);
    expect(ts.filter((r) => (r as { error?: string }).error === 'EventValidationError').length).toBeGreaterThan(5);
  });

  it.each(CATALOGS.map((c) => [c.pkg, c] as const))('validation (%s): the same verdict and issues as the ajv validators on the whole corpus', async (_name, c) => {
    const built = buildCatalog(readCatalog(join(ROOT, c.dir)).sources);
    if (!built.ok) throw new Error('catalog');
    const schemas = new Map<string, JsonSchema>(built.model.events.map((e) => [e.name, payloadSchema(built.model, e)]));
    const corpus = JSON.parse(JSON.stringify(validationCorpus(schemas, (event, payload) => c.validate(event as never, payload).ok))) as [string, unknown][];
    const ts = corpus.map(([event, payload]) => verdict(c.validate(event as never, payload)));
    expect(await pythonDisagreements({ package: c.pkg, calls: [], expected_calls: [], validations: corpus, expected_validations: ts })).toBe('');
    const valid = ts.filter((v) => (v as { ok: boolean }).ok).length;
    expect(valid).toBeGreaterThan(schemas.size); // the corpus has valid payloads of every event, and many invalid ones
    expect(corpus.length - valid).toBeGreaterThan(schemas.size * 10);
  });
});
