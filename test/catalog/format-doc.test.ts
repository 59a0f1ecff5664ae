/**
 * catalog/README.md documents the whole catalog format: every key the
 * loader's JSON Schema accepts appears in the section for its place, and each
 * `Required (…)` line lists exactly the keys that place requires. A key added
 * to generator/catalog/schema.ts without a line of documentation fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_FILE_SCHEMA } from '../../generator/catalog/schema.js';
import { ROOT } from '../helpers/cli.js';

type Schema = { properties?: Record<string, Schema>; additionalProperties?: boolean | Schema; required?: readonly string[]; oneOf?: readonly Schema[]; items?: Schema };

interface Place {
  /** `events.*`, `field`, … */
  readonly name: string;
  readonly keys: readonly string[];
  readonly required: readonly string[];
  readonly closed: boolean;
}

/** A field's schema is the same under `fields`, `common_fields` and an event's `payload`: one place. */
function placeName(path: string): string {
  return path.replace(/^(fields|common_fields|events\.\*\.payload)\.\*/, 'field');
}

/** Every object of the schema that declares keys, by place. */
function places(schema: Schema, path = '', into = new Map<string, Place>()): Map<string, Place> {
  if (schema.properties) {
    const name = placeName(path);
    const prior = into.get(name);
    into.set(name, {
      name,
      keys: [...new Set([...(prior?.keys ?? []), ...Object.keys(schema.properties)])],
      required: [...new Set([...(prior?.required ?? []), ...(schema.required ?? [])])],
      closed: schema.additionalProperties === false,
    });
    for (const [key, sub] of Object.entries(schema.properties)) places(sub, path ? `${path}.${key}` : key, into);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') places(schema.additionalProperties, `${path}.*`, into);
  for (const branch of schema.oneOf ?? []) places(branch, path, into);
  if (schema.items) places(schema.items, path, into);
  return into;
}

/** Where each place is documented: the `## ` section of catalog/README.md. */
const SECTION: Record<string, string> = {
  '': 'Files',
  catalog: 'The catalog block',
  category: 'An event',
  'events.*': 'An event',
  'events.*.deprecated': 'An event',
  'events.*.dedup': 'Deduplication',
  field: 'A field',
  'field.deprecated': 'A field',
  'emitters.*': 'Emitters',
  'emitters.*.select': 'Emitters',
  'flows.*': 'Flows',
  'extractors.*': 'Extractors',
};

const DOC = readFileSync(join(ROOT, 'catalog/README.md'), 'utf8');

function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

const PLACES = [...places(CATALOG_FILE_SCHEMA as unknown as Schema).values()];

describe('catalog/README.md, the catalog format', () => {
  it('knows where every place of the format is documented', () => {
    expect(PLACES.map((p) => p.name).filter((name) => !(name in SECTION))).toEqual([]);
    for (const title of new Set(Object.values(SECTION))) expect(section(title), `a "## ${title}" section`).not.toBe('');
  });

  it('refuses unknown keys everywhere, so the documented keys are all there are', () => {
    expect(PLACES.filter((p) => !p.closed).map((p) => p.name)).toEqual([]);
  });

  it.each(PLACES.map((p) => [p.name, p] as const))('documents every key of %s in its section', (_name, place) => {
    const text = section(SECTION[place.name] ?? '');
    const missing = place.keys.filter((key) => !text.includes(`\`${key}\``));
    expect(missing, `keys of ${place.name} missing from "## ${SECTION[place.name]}"`).toEqual([]);
  });

  it('lists exactly the required keys of each place in its "Required (…)" line, and no line for a place without any', () => {
    const lines = new Map<string, string[]>();
    for (const m of DOC.matchAll(/^ *Required \(`([^`]+)`\): (.+)\.$/gm)) {
      expect(lines.has(m[1]!), `one Required line for ${m[1]}`).toBe(false);
      lines.set(m[1]!, [...m[2]!.matchAll(/`([^`]+)`/g)].map((k) => k[1]!));
    }
    const expected = new Map(PLACES.filter((p) => p.required.length > 0).map((p) => [p.name, [...p.required]] as const));
    expect(Object.fromEntries([...lines].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });
});
