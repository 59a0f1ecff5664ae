/**
 * `registry.ts`: hands the runtime everything it knows about events
 * (spellings, validators, normalizers, dedup policy, cross-process names) as
 * one EventRegistry, and binds the runtime's router to it.
 */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel, DedupModel, EventModel } from '../../catalog/model.js';
import { schemaId } from '../json-schema.js';
import { str } from './syntax.js';
import { importFrom, objectLiteral, type Statement } from './printer.js';

export function registryFile(model: CatalogModel, runtimeImport: string): Statement[] {
  return [
    importFrom(runtimeImport, ['createRegistry', 'getRouter as getRuntimeRouter'], false),
    importFrom(runtimeImport, ['DedupPolicy', 'EventDefinition', 'EventRegistry', 'Router', 'RouterOptions'], true),
    importFrom('./event-types.js', ['EventName'], true),
    importFrom('./mappings.js', ['SPELLING_TO_EVENT'], false),
    importFrom('./normalizers.js', ['normalizePayload'], false),
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
            ')',
          ].join('\n'),
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'getRouter',
      isExported: true,
      docs: ['The process-wide router, bound to this catalog\'s registry (created on first call).'],
      parameters: [{ name: 'options', type: "Omit<RouterOptions, 'registry'>", initializer: '{}' }],
      returnType: 'Router',
      statements: ['return getRuntimeRouter({ ...options, registry: REGISTRY });'],
    },
  ];
}

function metadata(model: CatalogModel, e: EventModel): string {
  const parts = [
    `value: ${str(e.value)}`,
    `topic: ${str(e.topic)}`,
    ...(e.stage ? [`stage: ${str(e.stage)}`] : []),
    ...(e.crossProcess ? [`crossProcess: ${str(e.crossProcess)}`] : []),
    `category: ${str(e.category)}`,
    `dataschema: ${str(schemaId(model, e))}`,
    `dedup: ${dedup(e.dedup)}`,
    `requiredFields: [${e.fields.filter((f) => f.required).map((f) => str(f.name)).join(', ')}]`,
    `producers: [${e.producers.map(str).join(', ')}]`,
    `consumers: [${e.consumers.map(str).join(', ')}]`,
  ];
  return `{ ${parts.join(', ')} }`;
}

function dedup(d: DedupModel): string {
  return d.kind === 'fields' ? `{ kind: 'fields', fields: [${d.fields.map(str).join(', ')}] }` : `{ kind: '${d.kind}' }`;
}
