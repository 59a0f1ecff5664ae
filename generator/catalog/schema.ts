/**
 * JSON Schema of one catalog YAML file. Structural checks only; what needs the
 * whole catalog (uniqueness, references, collisions) is in `build.ts`.
 */

const EVENT_NAME = '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$';
const FIELD_NAME = '^[a-z][a-z0-9]*(_[a-z0-9]+)*$';
const SNAKE = '^[a-z][a-z0-9]*(_[a-z0-9]+)*$';
/** Two or more dot-separated words (`orders.placed`, `shop.orders.paid`): each word one NATS subject token. */
const TOPIC = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$';
/**
 * A key a producer sends for a field (`orderId`, `order-id`, `_id`): letters,
 * digits and `_`, in words joined by `.`, `-` or `:`. Never `__proto__`, which
 * as a key of a plain object would set its prototype instead of a property.
 */
const ALIAS = '^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]*([.:-][A-Za-z0-9_]+)*$';
const EMITTER_NAME = '^emit(_[a-z0-9]+)+$';
const EXTRACTOR_NAME = '^extract(_[a-z0-9]+)+$';
/** Any spelling a producer may use: words joined by `_ . - :`; no pattern characters (`*`), no leading `_` (`__proto__`). */
const SPELLING = '^[A-Za-z][A-Za-z0-9]*([_.:-][A-Za-z0-9]+)*$';
/**
 * The base of each schema's `$id`: an http(s) URL of unreserved characters
 * only, so it can never close a comment or a string of the generated code.
 */
const BASE_URL = '^https?://[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?(/[A-Za-z0-9._~%-]+)*/$';
/**
 * The catalog's name: lower_snake_case, at most 24 characters. The runtime's
 * names derive from it (generator/catalog/naming.ts): the NATS stream
 * `<NAME>_EVENTS` stays under the 32 characters NATS recommends, and the
 * subject prefix, environment variables and envelope source need nothing escaped.
 */
const CATALOG_NAME = '^(?=.{1,24}$)[a-z][a-z0-9]*(_[a-z0-9]+)*$';
/** A module specifier: a package name with an optional subpath, or a relative path; never absolute. */
const MODULE_SPECIFIER = '^((@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*|\\.\\.?)(/[A-Za-z0-9._-]+)*$';

/** Messages for a value that fails one of the patterns above. */
export const PATTERN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [SPELLING]: 'a spelling is letters and digits in words joined by "_", ".", "-" or ":", starting with a letter (no "*": patterns are for subscribers, not spellings)',
  [BASE_URL]: 'must be an http(s) URL ending in "/", of letters, digits and "-._~%" only',
  [MODULE_SPECIFIER]: 'must be a package name with an optional subpath (`ringrift-events/runtime`) or a relative path (`../runtime/index.js`); never an absolute path',
  [SNAKE]: 'must be lower_snake_case',
  [CATALOG_NAME]:
    'must be lower_snake_case of at most 24 characters, such as `my_shop`: it names the NATS stream (`MY_SHOP_EVENTS`) and subject prefix (`my_shop`), ' +
    'the environment variables (`MY_SHOP_EVENT_TRACE`, `MY_SHOP_NATS_URL`) and the envelope source (`/my_shop/<host>/<pid>`); see catalog/README.md',
  [EVENT_NAME]: 'must be an UPPER_SNAKE_CASE event name',
  [TOPIC]: 'must be a topic of two or more lower-case words joined by "." (`orders.placed`, `shop.orders.paid`)',
  [ALIAS]: 'an alias is letters, digits and "_" in words joined by ".", "-" or ":" (`orderId`, `order-id`, `_id`), and never "__proto__"',
};

/** `deprecated: { reason, replaced_by }`: why, and what to use instead (an event for an event, a field of the same event for a field). */
function deprecation(replacement: string) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    properties: {
      reason: { type: 'string', minLength: 1 },
      replaced_by: { type: 'string', pattern: replacement },
    },
  } as const;
}

const scalarType = { enum: ['string', 'integer', 'number', 'boolean'] };
const elementType = { enum: ['string', 'integer', 'number', 'boolean', 'object', 'any'] };

const fieldProperties = {
  type: {
    oneOf: [
      { enum: ['string', 'integer', 'number', 'boolean', 'object', 'array', 'map', 'any'] },
      { type: 'array', items: scalarType, minItems: 2, uniqueItems: true },
    ],
  },
  ref: { type: 'string', pattern: FIELD_NAME },
  items: elementType,
  values: elementType,
  required: { type: 'boolean' },
  nullable: { type: 'boolean' },
  enum: {
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: ['string', 'number', 'boolean'] },
  },
  pattern: { type: 'string', minLength: 1 },
  format: { enum: ['date-time'] },
  minimum: { type: 'number' },
  maximum: { type: 'number' },
  description: { type: 'string', minLength: 1 },
  aliases: { type: 'array', items: { type: 'string', pattern: ALIAS }, uniqueItems: true },
  composed_of: { type: 'string', minLength: 1 },
  deprecated: deprecation(FIELD_NAME),
} as const;

const field = {
  type: 'object',
  additionalProperties: false,
  properties: fieldProperties,
  // A field either defines its own type or refers to a shared one. anyOf, not oneOf: a ref with a
  // type of its own is refused by the checks, at the type, saying why (a oneOf says "must match exactly one schema").
  anyOf: [{ required: ['type'] }, { required: ['ref'] }],
} as const;

const fieldMap = {
  type: 'object',
  propertyNames: { pattern: FIELD_NAME },
  additionalProperties: field,
} as const;

const nameList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;

const event = {
  type: 'object',
  additionalProperties: false,
  required: ['value', 'topic', 'description'],
  properties: {
    value: { type: 'string', pattern: SNAKE },
    topic: { type: 'string', pattern: TOPIC },
    stage: { type: 'string', pattern: SNAKE },
    cross_process: { type: 'string', pattern: EVENT_NAME },
    spellings: { type: 'array', items: { type: 'string', pattern: SPELLING }, uniqueItems: true },
    description: { type: 'string', minLength: 1 },
    producers: nameList,
    consumers: nameList,
    sources: nameList,
    extends: { type: 'string', pattern: EVENT_NAME },
    payload_documented: { type: 'boolean' },
    /** The payload's version: bumped when the payload changes incompatibly (docs/evolution.md). */
    version: { type: 'integer', minimum: 1 },
    deprecated: deprecation(EVENT_NAME),
    dedup: {
      oneOf: [
        { enum: ['none', 'payload'] },
        {
          type: 'object',
          additionalProperties: false,
          required: ['fields'],
          properties: {
            fields: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: FIELD_NAME } },
            /** Why these fields name one fact (catalog/README.md "Deduplication"). */
            reason: { type: 'string', minLength: 1 },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { enum: ['none', 'payload'] }, reason: { type: 'string', minLength: 1 } },
        },
      ],
    },
    payload: fieldMap,
  },
} as const;

const emitter = {
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    description: { type: 'string', minLength: 1 },
    event: { type: 'string', pattern: EVENT_NAME },
    select: {
      type: 'object',
      additionalProperties: false,
      required: ['argument', 'cases'],
      properties: {
        argument: { type: 'string', pattern: FIELD_NAME },
        default: { type: 'string', pattern: '^[a-z0-9][a-z0-9_]*$' },
        cases: {
          type: 'object',
          minProperties: 2,
          propertyNames: { pattern: '^[a-z0-9][a-z0-9_]*$' },
          additionalProperties: { type: 'string', pattern: EVENT_NAME },
        },
      },
    },
  },
  oneOf: [{ required: ['event'] }, { required: ['select'] }],
} as const;

export const CATALOG_FILE_SCHEMA = {
  $id: 'https://ringrift.dev/schemas/catalog-file.json',
  type: 'object',
  additionalProperties: false,
  // A file with events must say which category they belong to, and vice versa.
  dependencies: { events: ['category'], category: ['events'] },
  properties: {
    catalog: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'description'],
      properties: {
        name: { type: 'string', pattern: CATALOG_NAME },
        description: { type: 'string', minLength: 1 },
        schema_base_url: { type: 'string', pattern: BASE_URL, maxLength: 200 },
        runtime_import: { type: 'string', pattern: MODULE_SPECIFIER, maxLength: 200 },
      },
    },
    common_fields: fieldMap,
    fields: fieldMap,
    category: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'title', 'description'],
      properties: {
        name: { type: 'string', pattern: SNAKE },
        title: { type: 'string', minLength: 1 },
        description: { type: 'string', minLength: 1 },
      },
    },
    events: {
      type: 'object',
      propertyNames: { pattern: EVENT_NAME },
      additionalProperties: event,
    },
    emitters: {
      type: 'object',
      propertyNames: { pattern: EMITTER_NAME },
      additionalProperties: emitter,
    },
    flows: {
      type: 'object',
      propertyNames: { pattern: SNAKE },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'description', 'events'],
        properties: {
          title: { type: 'string', minLength: 1 },
          description: { type: 'string', minLength: 1 },
          events: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: EVENT_NAME } },
        },
      },
    },
    extractors: {
      type: 'object',
      propertyNames: { pattern: EXTRACTOR_NAME },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['event', 'description'],
        properties: {
          event: { type: 'string', pattern: EVENT_NAME },
          description: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;
