/**
 * The documents we generate for other tools load in the main tools of their
 * ecosystems: @asyncapi/modelina makes TypeScript models from `asyncapi.yaml`,
 * json-schema-to-typescript makes types from `schemas/*.json`, and what both
 * produce compiles under `tsc --strict` and declares each event's payload
 * with the event's fields (dev dependencies, used only here).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConstrainedObjectModel, TypeScriptGenerator, type OutputModel } from '@asyncapi/modelina';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { CatalogModel } from '../../generator/catalog/model.js';
import { schemaId } from '../../generator/emit/json-schema.js';
import { readCatalogDir } from '../../generator/io.js';
import { ROOT } from '../helpers/cli.js';

const CASES = [
  { name: 'catalog', catalog: join(ROOT, 'catalog'), out: join(ROOT, 'generated') },
  { name: 'minimal fixture', catalog: join(ROOT, 'test/fixtures/catalogs/minimal'), out: join(ROOT, 'test/fixtures/catalogs/minimal/generated') },
  { name: 'shop fixture', catalog: join(ROOT, 'test/fixtures/catalogs/shop'), out: join(ROOT, 'test/fixtures/catalogs/shop/generated') },
];
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function modelOf(dir: string): CatalogModel {
  const built = buildCatalog(readCatalogDir(dir));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
}

/** `tsc --strict --noEmit` over the files of a directory, in a child process (a blocked worker misses vitest's RPC deadlines). */
function typeCheck(dir: string, files: readonly string[]): Promise<string> {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [] }, files }),
  );
  return new Promise((done) => {
    const child = spawn(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => void (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => void (output += d));
    child.on('close', (code) => done(code === 0 ? '' : `exit ${code}\n${output}`));
  });
}

/** The property names a payload schema declares for its event's own fields and the common fields (aliases excluded). */
function payloadProperties(value: string, out: string): string[] {
  const schema = JSON.parse(readFileSync(join(out, 'schemas', `${value}.json`), 'utf8')) as { properties: Record<string, unknown> };
  return Object.keys(schema.properties).filter((name) => schema.properties[name] !== false);
}

mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const scratch = mkdtempSync(join(ROOT, '.tmp', 'tools-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(CASES)('the generated documents of the $name, in other tools', ({ name, catalog, out }) => {
  const model = modelOf(catalog);
  const dir = join(scratch, name.replace(/\W+/g, '-'));
  mkdirSync(dir, { recursive: true });

  it('@asyncapi/modelina generates a TypeScript model of every event payload from asyncapi.yaml, and the models compile', async () => {
    const generator = new TypeScriptGenerator({ modelType: 'interface', rawPropertyNames: true, mapType: 'record', enumType: 'union' });
    const models: OutputModel[] = await generator.generate(readFileSync(join(out, 'asyncapi.yaml'), 'utf8'));
    const byId = new Map<string, OutputModel>();
    for (const m of models) {
      const input = m.model.originalInput as { $id?: string; schema?: { $id?: string } } | undefined;
      const id = input?.schema?.$id ?? input?.$id;
      if (id !== undefined && m.model instanceof ConstrainedObjectModel) byId.set(id, m);
    }
    for (const event of model.events) {
      const m = byId.get(schemaId(model, event));
      expect(m, `a model of ${event.name}`).toBeDefined();
      const properties = Object.values((m!.model as ConstrainedObjectModel).properties).map((p) => p.unconstrainedPropertyName);
      expect(properties.sort(), event.name).toEqual(payloadProperties(event.value, out).sort());
    }
    writeFileSync(join(dir, 'modelina.ts'), `${models.map((m) => `export ${m.result}`).join('\n\n')}\n`);
    expect(await typeCheck(dir, ['modelina.ts'])).toBe('');
  }, 60_000);

  it('json-schema-to-typescript compiles every payload schema to an interface with the fields of its event, and the types compile', async () => {
    const files: string[] = [];
    for (const event of model.events) {
      const schema = JSON.parse(readFileSync(join(out, 'schemas', `${event.value}.json`), 'utf8')) as JSONSchema;
      // json-schema-to-typescript names the type after the schema's title, "JOB_DONE payload".
      const typeName = `${event.name}Payload`;
      const ts = await compile(schema, typeName, { bannerComment: '', additionalProperties: true, declareExternallyReferenced: true });
      expect(ts, event.name).toContain(`export interface ${typeName} {`);
      for (const field of event.fields) expect(ts, `${event.name}.${field.name}`).toMatch(new RegExp(`\\n  ${field.name}${field.required ? '' : '\\?'}: `));
      const file = `jstt-${event.value}.ts`;
      writeFileSync(join(dir, file), ts);
      files.push(file);
    }
    expect(await typeCheck(dir, files)).toBe('');
  }, 60_000);
});
