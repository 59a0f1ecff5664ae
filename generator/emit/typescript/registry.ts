/**
 * `registry.ts`: hands the runtime everything it knows about events
 * (spellings, validators, normalizers, dedup policy, cross-process names) as
 * one EventRegistry, and binds the runtime's router to it, typed by the catalog.
 */
import { Scope, StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel, DedupModel, EventModel } from '../../catalog/model.js';
import { catalogNames } from '../../catalog/naming.js';
import { schemaId } from '../json-schema.js';
import { arrayLiteral, importFrom, inlineObject, objectLiteral, type Statement } from './printer.js';
import { docText, str } from './syntax.js';

export function registryFile(model: CatalogModel, runtimeImport: string): (Statement | undefined)[] {
  return [
    importFrom(runtimeImport, ['HandlerBase as RuntimeHandlerBase', 'createRegistry', 'processRouter', 'typedRouter', 'untypedRouter'], false),
    importFrom(runtimeImport, ['CatalogNames', 'DedupPolicy', 'EventDefinition', 'EventRegistry', 'Router', 'RouterOptions', 'TypedRouter'], true),
    importFrom('./event-types.js', ['EventName', 'EventTopic'], true),
    importFrom('./mappings.js', ['SPELLING_TO_EVENT'], false),
    importFrom('./mappings.js', ['SpellingMap'], true),
    importFrom('./normalizers.js', ['normalizePayload'], false),
    importFrom('./payloads.js', ['EventPayloadMap'], true),
    importFrom('./validation.js', ['validatePayload'], false),
    {
      kind: StructureKind.Interface,
      name: 'EventMetadata',
      isExported: true,
      docs: ['What the catalog says of an event, beyond its payload.'],
      properties: [
        { name: 'value', type: 'string', isReadonly: true },
        { name: 'topic', type: 'string', isReadonly: true },
        { name: 'stage', type: 'string', isReadonly: true, hasQuestionToken: true },
        { name: 'crossProcess', type: 'string', isReadonly: true, hasQuestionToken: true },
        { name: 'category', type: 'string', isReadonly: true },
        { name: 'dataschema', type: 'string', isReadonly: true },
        { name: 'version', type: 'number', isReadonly: true, docs: ['The payload version: envelopes of a version above 1 carry it as `dataversion`.'] },
        { name: 'dedup', type: 'DedupPolicy', isReadonly: true },
        { name: 'requiredFields', type: 'readonly string[]', isReadonly: true },
        { name: 'producers', type: 'readonly string[]', isReadonly: true },
        { name: 'consumers', type: 'readonly string[]', isReadonly: true },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Event name → its metadata.'],
      declarations: [
        {
          name: 'EVENT_METADATA',
          type: '{ readonly [E in EventName]: EventMetadata }',
          initializer: objectLiteral(model.events.map((e) => ({ key: e.name, value: metadata(model, e) }))),
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        docText(
          `The runtime's names for the catalog \`${model.name}\`, derived from its name: the source of events sent without one, ` +
            'the environment variables, the NATS stream and subject prefix (catalog/README.md).',
        ),
      ],
      declarations: [{ name: 'CATALOG_NAMES', type: 'CatalogNames', initializer: names(model) }],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['The registry of this catalog, for the runtime router.'],
      declarations: [
        {
          name: 'REGISTRY',
          type: 'EventRegistry',
          initializer: [
            'createRegistry(',
            '  (Object.keys(EVENT_METADATA) as EventName[]).map(',
            '    (name): EventDefinition => ({',
            '      name,',
            '      ...EVENT_METADATA[name],',
            '      validate: (payload) => validatePayload(name, payload),',
            '      normalize: (payload) => normalizePayload(name, payload),',
            '    }),',
            '  ),',
            '  SPELLING_TO_EVENT,',
            `  [${model.commonFields.map((f) => str(f.name)).join(', ')}],`,
            '  CATALOG_NAMES,',
            ')',
          ].join('\n'),
        },
      ],
    },
    {
      kind: StructureKind.Interface,
      name: 'EventCatalogTypes',
      isExported: true,
      docs: ['The types of this catalog, for the typed router.'],
      properties: [
        { name: 'payloads', type: 'EventPayloadMap', isReadonly: true },
        { name: 'spellings', type: 'SpellingMap', isReadonly: true },
        { name: 'topics', type: 'typeof EventTopic', isReadonly: true },
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      name: 'CatalogRouter',
      isExported: true,
      docs: [
        [
          "The router, typed by this catalog: event names are its spellings, `publish` takes the event's payload type,",
          "and handlers get envelopes of the event's payload (of the events a pattern matches).",
        ].join('\n'),
      ],
      type: 'TypedRouter<EventCatalogTypes>',
    },
    {
      kind: StructureKind.Function,
      name: 'getRouter',
      isExported: true,
      docs: ["The process-wide router, bound to this catalog's registry (created on first call) and typed by it."],
      parameters: [{ name: 'options', type: "Omit<RouterOptions, \"registry\">", initializer: '{}' }],
      returnType: 'CatalogRouter',
      statements: ['return typedRouter<EventCatalogTypes>(processRouter({ ...options, registry: REGISTRY }));'],
    },
    {
      kind: StructureKind.Class,
      name: 'HandlerBase',
      isExported: true,
      isAbstract: true,
      extends: 'RuntimeHandlerBase',
      docs: [
        [
          "HandlerBase on this catalog: without a `router` option a handler subscribes on this catalog's process-wide router,",
          'created on first use, so it may start before anything else touched the router.',
        ].join('\n'),
      ],
      methods: [
        {
          name: 'defaultRouter',
          scope: Scope.Protected,
          hasOverrideKeyword: true,
          returnType: 'Router',
          statements: ['return untypedRouter(getRouter());'],
        },
      ],
    },
  ];
}

function names(model: CatalogModel): string {
  const n = catalogNames(model.name);
  return inlineObject([
    `name: ${str(n.name)}`,
    `envPrefix: ${str(n.envPrefix)}`,
    `sourcePrefix: ${str(n.sourcePrefix)}`,
    `natsStream: ${str(n.natsStream)}`,
    `natsSubjectPrefix: ${str(n.natsSubjectPrefix)}`,
  ]);
}

function metadata(model: CatalogModel, e: EventModel): string {
  const list = (items: readonly string[]) => arrayLiteral(items.map(str), 1);
  const parts = [
    `value: ${str(e.value)}`,
    `topic: ${str(e.topic)}`,
    ...(e.stage ? [`stage: ${str(e.stage)}`] : []),
    ...(e.crossProcess ? [`crossProcess: ${str(e.crossProcess)}`] : []),
    `category: ${str(e.category)}`,
    `dataschema: ${str(schemaId(model, e))}`,
    `version: ${e.version}`,
    `dedup: ${dedup(e.dedup)}`,
    `requiredFields: ${list(e.fields.filter((f) => f.required).map((f) => f.name))}`,
    `producers: ${list(e.producers)}`,
    `consumers: ${list(e.consumers)}`,
  ];
  return inlineObject(parts);
}

function dedup(d: DedupModel): string {
  return d.kind === 'fields' ? `{ kind: "fields", fields: [${d.fields.map(str).join(', ')}] }` : `{ kind: "${d.kind}" }`;
}
