/**
 * The published payload schemas (`schemas/<value>.json`): one per event, with
 * the stable `$id` that SCHEMA_IDS exposes as the CloudEvents `dataschema`, the
 * banner first (as `$comment`, where the drift check reads), and verdicts a
 * plain ajv instance shares with the generated validators.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { CatalogModel } from '../../generator/catalog/model.js';
import { payloadSchema, schemaId } from '../../generator/emit/json-schema.js';
import { BANNER_MARKER } from '../../generator/emit/output.js';
import { readCatalogDir } from '../../generator/io.js';
import * as g from '../../generated/index.js';
import { minimal } from '../helpers/fixture.js';

const Ajv = AjvModule.default ?? AjvModule;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Generated {
  validatePayload(event: never, payload: unknown): { ok: boolean };
  SCHEMA_IDS: Readonly<Record<string, string>>;
}
const CASES: { name: string; catalog: string; out: string; generated: Generated }[] = [
  { name: 'catalog', catalog: `${ROOT}catalog`, out: `${ROOT}generated`, generated: g as unknown as Generated },
  { name: 'minimal fixture', catalog: `${ROOT}test/fixtures/catalogs/minimal`, out: `${ROOT}test/fixtures/catalogs/minimal/generated`, generated: minimal as unknown as Generated },
];

function modelOf(dir: string): CatalogModel {
  const built = buildCatalog(readCatalogDir(dir));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
}

type Schema = { type?: string | string[]; enum?: unknown[]; pattern?: string; items?: Schema; additionalProperties?: Schema | boolean } | boolean;

/** Values to try in every field: each JSON type, numbers on both sides of the bounds, strings for the patterns. */
const PROBES: unknown[] = [
  null, true, false, 0, 1, 2, -1, 1.5, 1e9, '', 'x', 'hex8_2p', 'square19_4p', 'hex9_2p', '2025-12-30T10:00:00Z', 'yesterday',
  [], ['a'], [1, 'a'], {}, { a: 1 }, { a: 'x' }, { a: { b: 1 } },
];

/** A value the property schema accepts, if one of the probes (or its enum) gives one. */
function validValue(schema: Schema, check: (v: unknown) => boolean): unknown {
  if (typeof schema === 'object' && schema.enum) return schema.enum.find((v) => v !== null);
  return PROBES.find((v) => v !== null && check(v));
}

describe.each(CASES)('published JSON Schemas of the $name', ({ catalog, out, generated }) => {
  const model = modelOf(catalog);
  const dir = `${out}/schemas`;
  const files = readdirSync(dir).sort();
  const published = new Map(model.events.map((e) => [e.name, JSON.parse(readFileSync(`${dir}/${e.value}.json`, 'utf8')) as Record<string, unknown>]));

  it('one file per event, named by its value, and no other', () => {
    expect(files).toEqual(model.events.map((e) => `${e.value}.json`).sort());
  });

  it('each starts with the banner as $comment (in the first 400 characters) and is the payload schema, $id unchanged', () => {
    for (const event of model.events) {
      const text = readFileSync(`${dir}/${event.value}.json`, 'utf8');
      expect(text.slice(0, 400), event.name).toContain(BANNER_MARKER);
      const { $comment, ...schema } = published.get(event.name)!;
      expect(Object.keys(published.get(event.name)!)[0]).toBe('$comment');
      expect($comment).toContain(BANNER_MARKER);
      expect(schema).toEqual(payloadSchema(model, event));
      expect(schema.$id).toBe(schemaId(model, event));
      expect(String(schema.$id).endsWith(`/${event.value}.json`)).toBe(true);
    }
  });

  it('SCHEMA_IDS gives each event the $id of its published schema (the CloudEvents dataschema)', () => {
    expect(Object.keys(generated.SCHEMA_IDS).sort()).toEqual(model.events.map((e) => e.name));
    for (const [name, schema] of published) expect(generated.SCHEMA_IDS[name]).toBe(schema.$id);
  });

  it('compile in a plain ajv instance (strict mode, no plugins), all together', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, validateFormats: false });
    for (const schema of published.values()) ajv.addSchema(schema);
    for (const schema of published.values()) expect(ajv.getSchema(String(schema.$id))).toBeTypeOf('function');
  });

  it('plain ajv and the generated validators agree on every sample payload', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, validateFormats: false });
    let samples = 0;
    let accepted = 0;
    for (const event of model.events) {
      const schema = published.get(event.name)!;
      const validate = ajv.compile(schema);
      const verdicts = (payload: Record<string, unknown>, what: string) => {
        samples++;
        const plain = validate(payload);
        const ours = generated.validatePayload(event.name as never, payload).ok;
        expect(ours, `${event.name} ${what}: ${JSON.stringify(payload)}`).toBe(plain);
        if (plain) accepted++;
        return plain;
      };
      const properties = schema.properties as Record<string, Schema>;
      const required = (schema.required as string[] | undefined) ?? [];
      // A value each field accepts, found by asking ajv about one field at a time.
      const field = (name: string) => ajv.compile({ type: 'object', properties: { [name]: properties[name] } });
      const full: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(properties)) {
        if (prop === false) continue; // an alias: never valid under its alias name
        const check = field(name);
        const v = validValue(prop, (x) => check({ [name]: x }));
        if (v !== undefined) full[name] = v;
      }
      const minimalPayload = Object.fromEntries(required.map((r) => [r, full[r]]));
      // The samples are meaningful: a payload with every field, and one with the required ones, are valid.
      expect(verdicts(full, 'every field'), event.name).toBe(true);
      expect(verdicts(minimalPayload, 'required fields only'), event.name).toBe(true);
      verdicts({}, 'empty');
      verdicts({ ...minimalPayload, not_in_the_catalog: [1] }, 'extra field');
      for (const r of required) {
        const { [r]: _gone, ...rest } = minimalPayload;
        verdicts(rest, `without ${r}`);
      }
      for (const [name, prop] of Object.entries(properties)) {
        if (prop === false) verdicts({ ...minimalPayload, [name]: full[name] ?? 'x' }, `alias ${name}`);
        else for (const probe of PROBES) verdicts({ ...minimalPayload, [name]: probe }, `${name} = ${JSON.stringify(probe)}`);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(samples);
  });
});
