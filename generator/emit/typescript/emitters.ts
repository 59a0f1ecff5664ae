/**
 * `emitters.ts`: typed emit functions, one per event (`emitTrainingCompleted`)
 * plus the named ones of the reference documents (`emitTrainingComplete`,
 * `emitSelfplayComplete({ selfplay_type })` which picks its event from an
 * argument). All publish through the runtime router bound to the registry.
 */
import { StructureKind, type FunctionDeclarationStructure } from 'ts-morph';
import type { CatalogModel, EmitterModel, EventModel } from '../../catalog/model.js';
import { importFrom, lines, unionType, type Statement } from './printer.js';
import { camelCase, docText, eventEmitterName, key, pascalCase, payloadTypeName, str, templateText } from './syntax.js';
import { withDeprecation } from './deprecation.js';

export function emittersFile(model: CatalogModel, runtimeImport: string): (Statement | undefined)[] {
  const byName = new Map(model.events.map((e) => [e.name, e] as const));
  const perEventNames = new Set(model.events.map((e) => eventEmitterName(e.name)));
  const payloadTypes = new Set(model.events.map((e) => payloadTypeName(e.name)));
  const statements: (Statement | undefined)[] = [
    importFrom(runtimeImport, ['untypedRouter'], false),
    importFrom(runtimeImport, ['PublishResult', 'Router'], true),
    importFrom('./event-types.js', ['EventName'], true),
    importFrom('./payloads.js', [...payloadTypes], true),
    importFrom('./registry.js', ['getRouter'], false),
    importFrom('./registry.js', ['CatalogRouter'], true),
    {
      kind: StructureKind.Interface,
      name: 'EmitOptions',
      isExported: true,
      docs: ['Envelope attributes and the router to publish through (the process-wide one by default).'],
      properties: [
        { name: 'source', type: 'string', hasQuestionToken: true, docs: ['The emitting component, e.g. `TrainingCoordinator`.'] },
        { name: 'id', type: 'string', hasQuestionToken: true, docs: ['Event id; a time-ordered UUIDv7 by default. Resending an id is deduplicated.'] },
        { name: 'time', type: 'string', hasQuestionToken: true, docs: ['ISO 8601 time of the event; now by default.'] },
        { name: 'traceparent', type: 'string', hasQuestionToken: true, docs: ['W3C trace context to continue.'] },
        { name: 'router', type: 'Router | CatalogRouter', hasQuestionToken: true, docs: ['Publish through this router instead of the process-wide one.'] },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'publishEvent',
      docs: ['The one place the emitters reach the router.'],
      parameters: [
        { name: 'event', type: 'EventName' },
        { name: 'payload', type: 'object' },
        { name: 'options', type: 'EmitOptions' },
      ],
      returnType: 'Promise<PublishResult>',
      statements: lines(
        'const { router, ...envelope } = options;',
        // Interfaces have no index signature; the router takes any record and validates it.
        'return untypedRouter(router ?? getRouter()).publish(event, payload as Record<string, unknown>, envelope);',
      ),
    },
  ];
  // A selecting emitter named like a per-event emitter replaces it (it emits that event by default).
  const takenBySelect = new Set(model.emitters.filter((e) => e.kind === 'select').map((e) => camelCase(e.name)));
  for (const event of model.events) {
    const name = eventEmitterName(event.name);
    if (!takenBySelect.has(name)) statements.push(eventEmitter(name, event, `Publishes ${event.name}: ${event.description}`));
  }
  for (const emitter of model.emitters) {
    const name = camelCase(emitter.name);
    if (emitter.kind === 'event') {
      if (perEventNames.has(name)) continue; // emit_training_completed is emitTrainingCompleted already
      statements.push(eventEmitter(name, byName.get(emitter.event)!, `${emitter.description}\n\n\`${emitter.name}\` of the reference documents; publishes ${emitter.event}.`));
    } else {
      statements.push(...selectEmitter(name, emitter, byName));
    }
  }
  return statements;
}

function eventEmitter(name: string, event: EventModel, doc: string): FunctionDeclarationStructure {
  return {
    kind: StructureKind.Function,
    name,
    isExported: true,
    docs: [withDeprecation(docText(doc), event.deprecated)],
    parameters: [
      { name: 'payload', type: payloadTypeName(event.name) },
      { name: 'options', type: 'EmitOptions', initializer: '{}' },
    ],
    returnType: 'Promise<PublishResult>',
    statements: [`return publishEvent(${str(event.name)}, payload, options);`],
  };
}

function selectEmitter(name: string, emitter: Extract<EmitterModel, { kind: 'select' }>, events: ReadonlyMap<string, EventModel>): Statement[] {
  const argsType = `${pascalCase(emitter.name)}Args`;
  const arg = emitter.argument;
  const union = emitter.cases.map((c) => {
    const optional = c.value === emitter.default ? '?' : '';
    return `({ ${key(arg)}${optional}: ${str(c.value)} } & Omit<${payloadTypeName(c.event)}, ${str(arg)}>)`;
  });
  // A Map, not an object: a case named `constructor` must not meet Object.prototype.
  const table = emitter.cases
    .map((c) => `  [${str(c.value)}, { event: ${str(c.event)}, hasField: ${events.get(c.event)!.fields.some((f) => f.name === arg)} }],`)
    .join('\n');
  const caseList = emitter.cases.map((c) => `\`${c.value}\` → ${c.event}`).join(', ');
  return [
    {
      kind: StructureKind.TypeAlias,
      name: argsType,
      isExported: true,
      docs: [`The arguments of ${name}: \`${arg}\` picks the event, the rest is its payload.`],
      type: unionType(union),
    },
    {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [
        docText(
          `${emitter.description}\n\n\`${emitter.name}(${arg}=…)\` of the reference documents: ${caseList}${emitter.default ? ` (default \`${emitter.default}\`)` : ''}. Throws on an unknown \`${arg}\`.`,
        ),
      ],
      parameters: [
        { name: 'args', type: argsType },
        { name: 'options', type: 'EmitOptions', initializer: '{}' },
      ],
      returnType: 'Promise<PublishResult>',
      statements: lines(
        `const cases = new Map<string, { readonly event: EventName; readonly hasField: boolean }>([\n${table}\n]);`,
        `const { ${key(arg)}: selected = ${emitter.default ? str(emitter.default) : 'undefined'}, ...payload } = args as { ${key(arg)}?: string } & Record<string, unknown>;`,
        'const chosen = selected === undefined ? undefined : cases.get(selected);',
        'if (!chosen) {',
        `  const expected = ${str(emitter.cases.map((c) => c.value).join(', '))};`,
        `  return Promise.reject(new TypeError(\`${templateText(name)}: unknown ${templateText(arg)} \${JSON.stringify(selected)}; expected one of \${expected}\`));`,
        '}',
        // The argument stays in the payload when the event has such a field (selfplay_type), and is dropped otherwise (optimization_type).
        `return publishEvent(chosen.event, chosen.hasField ? { ...payload, ${key(arg)}: selected } : payload, options);`,
      ),
    },
  ];
}
