/**
 * JSON Schema (draft-07) of each payload: the single description of a valid
 * payload, compiled by ajv into the generated validators and (with the docs
 * issue) published per event.
 */
import type { CatalogModel, ConfigKeyModel, ElementType, EventModel, FieldModel } from '../catalog/model.js';

export type JsonSchema = Record<string, unknown>;

/** ISO 8601 date-time, checked by pattern so the validators need no format plugin. */
export const DATE_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}(:?\\d{2})?)?$';

/**
 * The `$id` of an event's payload schema, its envelopes' `dataschema`. Version 1
 * keeps the id it always had; a later version gets its own (`job_done.v2.json`),
 * so a consumer can tell which payload an envelope carries.
 */
export function schemaId(model: CatalogModel, event: EventModel): string {
  return `${model.schemaBaseUrl}${event.value}${event.version > 1 ? `.v${event.version}` : ''}.json`;
}

export function payloadSchema(model: CatalogModel, event: EventModel): JsonSchema {
  const properties: Record<string, unknown> = {};
  for (const f of model.commonFields) properties[f.name] = fieldSchema(f, model);
  for (const f of event.fields) properties[f.name] = fieldSchema(f, model);
  // An alias is renamed away before validation; one still present means the
  // payload skipped normalization, so strict validation names it.
  for (const f of event.fields) for (const alias of f.aliases) properties[alias] = false;
  const required = event.fields.filter((f) => f.required).map((f) => f.name);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: schemaId(model, event),
    title: `${event.name} payload`,
    description: event.description,
    ...(event.deprecated ? { deprecated: true } : {}),
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: true,
  };
}

export function fieldSchema(field: FieldModel, model: CatalogModel): JsonSchema {
  const s: JsonSchema = {};
  if (field.description) s.description = field.description;
  if (field.deprecated) s.deprecated = true;
  const t = field.type;
  switch (t.kind) {
    case 'scalar': {
      const types: string[] = [...t.types];
      if (field.nullable) types.push('null');
      s.type = types.length === 1 ? types[0] : types;
      break;
    }
    case 'object':
      s.type = field.nullable ? ['object', 'null'] : 'object';
      break;
    case 'array':
      s.type = field.nullable ? ['array', 'null'] : 'array';
      s.items = elementSchema(t.items);
      break;
    case 'map':
      s.type = field.nullable ? ['object', 'null'] : 'object';
      s.additionalProperties = elementSchema(t.values);
      break;
    case 'any':
      break;
  }
  if (field.enum) s.enum = field.nullable ? [...field.enum, null] : [...field.enum];
  const composed = model.configKeys.find((c) => c.field === (field.ref ?? field.name));
  if (composed) s.pattern = composedPattern(composed);
  if (field.pattern !== undefined) s.pattern = field.pattern;
  if (field.format === 'date-time') {
    s.format = 'date-time';
    s.pattern = DATE_TIME_PATTERN;
  }
  if (field.minimum !== undefined) s.minimum = field.minimum;
  if (field.maximum !== undefined) s.maximum = field.maximum;
  return s;
}

function elementSchema(t: ElementType): JsonSchema {
  return t === 'any' ? {} : { type: t };
}

/** The regular expression of a composed field: `^(hex8|square8|…)_(2|3|4)p$`. */
export function composedPattern(c: ConfigKeyModel): string {
  const body = c.parts
    .map((p) => ('literal' in p ? escapeRegExp(p.literal) : `(${p.values.map((v) => escapeRegExp(String(v))).join('|')})`))
    .join('');
  return `^${body}$`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
