/**
 * `asyncapi.yaml` is a valid AsyncAPI 3.0 document: @asyncapi/parser (a dev
 * dependency, used only here) reports no error-level diagnostic, and the
 * document says what the catalog says: a channel per topic, a message per
 * event whose payload is the published JSON Schema, send/receive operations
 * for the producers and consumers, categories as tags.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { CatalogModel } from '../../generator/catalog/model.js';
import { readCatalogDir } from '../../generator/io.js';
import { BANNER_MARKER } from '../../generator/emit/output.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CASES = [
  { name: 'catalog', catalog: `${ROOT}catalog`, out: `${ROOT}generated` },
  { name: 'minimal fixture', catalog: `${ROOT}test/fixtures/catalogs/minimal`, out: `${ROOT}test/fixtures/catalogs/minimal/generated` },
];
// DiagnosticSeverity of @stoplight/types: 0 error, 1 warning, 2 information, 3 hint.
const ERROR = 0;
const WARNING = 1;

function modelOf(dir: string): CatalogModel {
  const built = buildCatalog(readCatalogDir(dir));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
}

describe.each(CASES)('asyncapi.yaml of the $name', ({ catalog, out }) => {
  const text = readFileSync(`${out}/asyncapi.yaml`, 'utf8');
  const model = modelOf(catalog);
  let document: AsyncAPIDocumentInterface | undefined;
  let diagnostics: Diagnostic[] = [];

  beforeAll(async () => {
    ({ document, diagnostics } = await new Parser().parse(text));
  }, 60_000);

  it('parses with @asyncapi/parser without error-level diagnostics', () => {
    const errors = diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    const warnings = diagnostics.filter((d) => d.severity === WARNING);
    // Reported, not failed on: the count shows up in the test output.
    console.info(`asyncapi.yaml (${model.name}): ${warnings.length} warning(s)${warnings.map((w) => `\n  ${w.code}: ${w.message}`).join('')}`);
  });

  it('starts with the generated banner, within what the drift check reads', () => {
    expect(text.slice(0, 400)).toContain(BANNER_MARKER);
  });

  it('is AsyncAPI 3.0.0 with a channel per topic and a message per event', () => {
    expect(document!.version()).toBe('3.0.0');
    const channels = document!.channels().all();
    expect(channels.map((c) => c.address()).sort()).toEqual(model.events.map((e) => e.topic).sort());
    for (const event of model.events) {
      const channel = channels.find((c) => c.address() === event.topic)!;
      expect(channel.messages().all().map((m) => m.name())).toEqual([event.name]);
    }
    expect(document!.components().messages().all().map((m) => m.id()).sort()).toEqual(model.events.map((e) => e.name));
  });

  it('gives each message the published JSON Schema as payload', () => {
    for (const event of model.events) {
      const message = document!.components().messages().get(event.name)!;
      const published = JSON.parse(readFileSync(`${out}/schemas/${event.value}.json`, 'utf8')) as Record<string, unknown>;
      const { $comment: _banner, ...schema } = published;
      const payload = message.payload()!;
      expect(payload.id()).toBe(schema.$id);
      expect(payload.schemaFormat()).toBe('application/schema+json;version=draft-07');
      expect(payload.required() ?? []).toEqual(schema.required ?? []);
      // An alias is a `false` property of the published schema, and `x-aliases` of its field in AsyncAPI.
      const properties = schema.properties as Record<string, unknown>;
      expect(Object.keys(payload.properties() ?? {})).toEqual(Object.keys(properties).filter((p) => properties[p] !== false));
      for (const field of event.fields) {
        const aliases = payload.properties()?.[field.name]?.extensions().get('x-aliases')?.value() as string[] | undefined;
        expect(aliases ?? [], `${event.name}.${field.name}`).toEqual(field.aliases);
      }
    }
  });

  it('has a send operation per event with producers (or with neither producers nor consumers) and a receive operation per event with consumers', () => {
    const ops = document!.operations().all();
    const expected = model.events.flatMap((e) => [
      ...(e.producers.length || !e.consumers.length ? [`send ${e.topic} ${e.producers.join(',')}`] : []),
      ...(e.consumers.length ? [`receive ${e.topic} ${e.consumers.join(',')}`] : []),
    ]);
    const actual = ops.map((o) => `${o.action()} ${o.channels().all()[0]!.address()} ${(o.extensions().get('x-components')!.value() as string[]).join(',')}`);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('tags every channel, operation and message with its category', () => {
    expect(document!.info().tags().all().map((t) => t.name())).toEqual(model.categories.map((c) => c.name));
    const raw = parse(text) as { channels: Record<string, { tags: { $ref: string }[] }> };
    for (const event of model.events) {
      expect(raw.channels[event.topic]!.tags).toEqual([{ $ref: `#/components/tags/${event.category}` }]);
      expect(document!.components().messages().get(event.name)!.tags().all().map((t) => t.name())).toEqual([event.category]);
    }
  });
});
