/**
 * `payloads.ts`: one interface per event, the types of the shared fields
 * (enums as unions, the config key as a template literal type), and the map
 * from event name to payload type that the emitters and extractors use.
 */
import { StructureKind, type PropertySignatureStructure } from 'ts-morph';
import type { CatalogModel, ElementType, EventModel, FieldModel } from '../../catalog/model.js';
import { importFrom, unionType, type Statement } from './printer.js';
import { docText, key, pascalCase, payloadTypeName, str, templateText } from './syntax.js';
import { withDeprecation } from './deprecation.js';

export function payloadsFile(model: CatalogModel): (Statement | undefined)[] {
  const statements: (Statement | undefined)[] = [importFrom('./event-types.js', ['EventName'], true)];
  for (const shared of model.sharedFields) {
    const composed = model.configKeys.find((c) => c.field === shared.name);
    if (composed) {
      const template = composed.parts.map((p) => ('literal' in p ? templateText(p.literal) : `\${${pascalCase(p.field)}}`)).join('');
      statements.push({
        kind: StructureKind.TypeAlias,
        name: pascalCase(shared.name),
        isExported: true,
        docs: [docText(`${shared.description}\n\nGrammar: \`${composed.template}\`.`)],
        type: `\`${template}\``,
      });
    } else if (shared.enum) {
      statements.push({
        kind: StructureKind.TypeAlias,
        name: pascalCase(shared.name),
        isExported: true,
        docs: [docText(shared.description)],
        type: unionType(shared.enum.map(literal)),
      });
    }
  }
  statements.push(payloadInterface('CommonFields', 'Fields every payload may carry; the runtime fills them in.', model.commonFields, model, []));
  for (const event of model.events) {
    statements.push(payloadInterface(payloadTypeName(event.name), eventDoc(event), event.fields, model, ['CommonFields']));
  }
  statements.push({
    kind: StructureKind.Interface,
    name: 'EventPayloadMap',
    isExported: true,
    docs: ['Event name → payload type.'],
    properties: model.events.map((e) => ({ name: e.name, type: payloadTypeName(e.name), isReadonly: true })),
  });
  statements.push({
    kind: StructureKind.TypeAlias,
    name: 'PayloadOf',
    isExported: true,
    typeParameters: [{ name: 'E', constraint: 'EventName' }],
    docs: ['The payload type of an event.'],
    type: 'EventPayloadMap[E]',
  });
  return statements;
}

function eventDoc(event: EventModel): string {
  const lines = [`${event.name} (\`${event.value}\`, topic \`${event.topic}\`): ${event.description}`];
  if (!event.payloadDocumented) lines.push('', 'The reference documents give only the name of this event: its payload carries only the common fields.');
  return withDeprecation(docText(lines.join('\n')), event.deprecated);
}

function payloadInterface(
  name: string,
  doc: string,
  fields: readonly FieldModel[],
  model: CatalogModel,
  bases: string[],
): Statement {
  // An event whose payload adds nothing is its bases, not an empty interface.
  if (fields.length === 0) {
    return { kind: StructureKind.TypeAlias, name, isExported: true, docs: [doc], type: bases.length ? bases.join(' & ') : 'Record<never, never>' };
  }
  return {
    kind: StructureKind.Interface,
    name,
    isExported: true,
    docs: [doc],
    extends: bases,
    properties: fields.map((f): PropertySignatureStructure => {
      const extra = [f.aliases.length ? `Aliases: ${f.aliases.map((a) => `\`${a}\``).join(', ')}.` : '', f.required ? '' : ''].filter(Boolean);
      return {
        kind: StructureKind.PropertySignature,
        name: key(f.name),
        hasQuestionToken: !f.required,
        type: fieldTsType(f, model),
        docs: [withDeprecation(docText([f.description, ...extra].join(' ')), f.deprecated)],
      };
    }),
  };
}

/** The TypeScript type of a field. */
export function fieldTsType(f: FieldModel, model: CatalogModel): string {
  let t: string;
  const shared = f.ref ? model.sharedFields.find((s) => s.name === f.ref) : undefined;
  const sameEnum = shared?.enum && f.enum && shared.enum.length === f.enum.length && shared.enum.every((v, i) => v === f.enum![i]);
  if (shared && model.configKeys.some((c) => c.field === shared.name)) t = pascalCase(shared.name);
  else if (shared && sameEnum) t = pascalCase(shared.name);
  else if (f.enum) t = unionType(f.enum.map(literal));
  else {
    switch (f.type.kind) {
      case 'scalar':
        t = f.type.types.map(scalarTs).join(' | ');
        break;
      case 'object':
        t = 'Record<string, unknown>';
        break;
      case 'any':
        t = 'unknown';
        break;
      case 'array':
        t = `${wrap(elementTs(f.type.items))}[]`;
        break;
      case 'map':
        t = `Record<string, ${elementTs(f.type.values)}>`;
        break;
    }
  }
  return f.nullable && t !== 'unknown' ? `${t} | null` : t;
}

function elementTs(t: ElementType): string {
  return t === 'object' ? 'Record<string, unknown>' : t === 'any' ? 'unknown' : scalarTs(t);
}

function scalarTs(t: 'string' | 'integer' | 'number' | 'boolean'): string {
  return t === 'integer' ? 'number' : t;
}

function wrap(t: string): string {
  return /[ |&]/.test(t) ? `(${t})` : t;
}

function literal(v: string | number | boolean): string {
  return typeof v === 'string' ? str(v) : String(v);
}
