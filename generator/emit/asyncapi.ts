/**
 * `asyncapi.yaml`: the catalog as an AsyncAPI 3.0 document, for tools and
 * other languages. One channel per topic, one message per event whose payload
 * is the event's JSON Schema (draft-07, as published in `schemas/`), a `send`
 * operation for the producers and a `receive` operation for the consumers that
 * the catalog lists (a `send` operation alone for an event that lists neither),
 * and the categories as tags.
 *
 * One difference from `schemas/`: there an alias name is a `false` property
 * (strict validation names a payload that skipped normalization); here it is
 * listed as `x-aliases` of its field instead, because code generators such as
 * @asyncapi/modelina refuse boolean schemas and would otherwise model an alias
 * as a property of its own.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { CatalogModel, EventModel } from '../catalog/model.js';
import { payloadSchema, schemaId } from './json-schema.js';
import { banner, type GeneratedFile } from './output.js';
import { compareText } from '../order.js';

export const ASYNCAPI_PATH = 'asyncapi.yaml';
const SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

export function asyncApiFile(model: CatalogModel): GeneratedFile {
  const body = stringify(asyncApiDocument(model), { lineWidth: 0, aliasDuplicateObjects: false });
  return { path: ASYNCAPI_PATH, content: `${banner('hash')}${body}` };
}

/** The document as data. Maps are built in sorted key order, so the YAML never varies. */
export function asyncApiDocument(model: CatalogModel): Record<string, unknown> {
  const events = [...model.events].sort((a, b) => compareText(a.topic, b.topic));
  const tag = (e: EventModel) => [{ $ref: `#/components/tags/${e.category}` }];
  const channelRef = (e: EventModel) => ({ $ref: `#/channels/${e.topic}` });
  const messageRef = (e: EventModel) => [{ $ref: `#/channels/${e.topic}/messages/${e.name}` }];

  const channels: Record<string, unknown> = {};
  for (const e of events) {
    channels[e.topic] = {
      address: e.topic,
      title: e.name,
      description: e.description,
      messages: { [e.name]: { $ref: `#/components/messages/${e.name}` } },
      tags: tag(e),
    };
  }

  const operations: Record<string, unknown> = {};
  const ops: [string, Record<string, unknown>][] = [];
  for (const e of model.events) {
    // An event the catalog gives neither producers nor consumers still has its emit function, so it
    // gets a send operation: code generators (Modelina) model only the messages of operations.
    if (e.producers.length || !e.consumers.length) {
      ops.push([
        `send_${e.value}`,
        {
          action: 'send',
          channel: channelRef(e),
          summary: `Publish ${e.name}.`,
          description: e.producers.length ? `Producers: ${e.producers.join(', ')}.` : 'The catalog lists no producer: any component may publish it.',
          messages: messageRef(e),
          tags: tag(e),
          'x-components': [...e.producers],
        },
      ]);
    }
    if (e.consumers.length) {
      ops.push([
        `receive_${e.value}`,
        {
          action: 'receive',
          channel: channelRef(e),
          summary: `Receive ${e.name}.`,
          description: `Consumers: ${e.consumers.join(', ')}.`,
          messages: messageRef(e),
          tags: tag(e),
          'x-components': [...e.consumers],
        },
      ]);
    }
  }
  for (const [id, op] of ops.sort((a, b) => compareText(a[0], b[0]))) operations[id] = op;

  const tags: Record<string, unknown> = {};
  for (const c of model.categories) tags[c.name] = { name: c.name, description: `${c.title}: ${c.description}` };
  const schemas: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const e of model.events) {
    schemas[e.name] = { schemaFormat: SCHEMA_FORMAT, schema: messageSchema(model, e) };
    messages[e.name] = {
      name: e.name,
      title: e.name,
      summary: e.description,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${e.name}` },
      tags: tag(e),
      'x-cloudevents': { type: e.name, dataschema: schemaId(model, e), ...(e.version > 1 ? { dataversion: e.version } : {}) },
      'x-spellings': spellings(e),
      ...(e.deprecated ? { 'x-deprecated': { reason: e.deprecated.reason, ...(e.deprecated.replacedBy ? { replacedBy: e.deprecated.replacedBy } : {}) } } : {}),
    };
  }

  const content = {
    info: {
      title: `${model.name} events`,
      description: model.description,
      tags: model.categories.map((c) => ({ $ref: `#/components/tags/${c.name}` })),
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { tags, schemas, messages },
  };
  // No human version exists for a catalog: the version is a digest of the content, so it changes exactly when the document does.
  const version = `0.0.0+${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12)}`;
  const { title, ...info } = content.info;
  return { asyncapi: '3.0.0', ...content, info: { title, version, ...info } };
}

/** The payload schema of `schemas/`, with each alias as `x-aliases` of its field rather than a `false` property. */
function messageSchema(model: CatalogModel, e: EventModel): Record<string, unknown> {
  const schema = payloadSchema(model, e);
  const aliases = new Set(e.fields.flatMap((f) => f.aliases));
  const properties: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
    if (aliases.has(name)) continue;
    const field = e.fields.find((f) => f.name === name);
    properties[name] = field && field.aliases.length ? { ...property, 'x-aliases': [...field.aliases] } : property;
  }
  return { ...schema, properties };
}

function spellings(e: EventModel): Record<string, unknown> {
  return {
    value: e.value,
    topic: e.topic,
    ...(e.stage ? { stage: e.stage } : {}),
    ...(e.crossProcess ? { crossProcess: e.crossProcess } : {}),
    ...(e.spellings.length ? { other: [...e.spellings] } : {}),
  };
}

