/**
 * `payloads.py`: one TypedDict per event (NotRequired for optional fields,
 * Literal types for enums, the catalog's descriptions as docstrings), and the
 * types of the shared fields (enums as Literal aliases, the composed config
 * key as an alias of `str` whose grammar its helpers check).
 */
import type { CatalogModel, ElementType, EventModel, FieldModel } from '../../catalog/model.js';
import { pythonModule } from './module.js';
import { docstring, indent, isPlainName, literal, pascalCase, payloadTypeName, str } from './syntax.js';

export function payloadsModule(model: CatalogModel): string {
  const aliases: string[] = [];
  for (const shared of model.sharedFields) {
    const composed = model.configKeys.find((c) => c.field === shared.name);
    if (composed) aliases.push(typeAlias(pascalCase(shared.name), 'str', `${shared.description}\n\nGrammar: \`${composed.template}\` (checked by the helpers of event_utils, not by the type).`));
    else if (shared.enum && literalOf(shared.enum)) aliases.push(typeAlias(pascalCase(shared.name), literalOf(shared.enum)!, shared.description));
  }
  const commonNames = new Set(model.commonFields.map((f) => f.name));
  const optional = [...model.commonFields, ...model.events.flatMap((e) => e.fields)].some((f) => !f.required);
  const blocks = [
    ...aliases,
    typedDict('CommonFields', 'Fields every payload may carry; the emitters fill them in.', model.commonFields, model, undefined),
    ...model.events.map((e) => {
      // An event that redeclares a common field carries all of its fields itself (a TypedDict may not narrow an inherited key).
      const inherits = !e.fields.some((f) => commonNames.has(f.name));
      const fields = inherits ? e.fields : [...model.commonFields.filter((c) => !e.fields.some((f) => f.name === c.name)), ...e.fields];
      return typedDict(payloadTypeName(e.name), eventDoc(e), fields, model, inherits ? 'CommonFields' : undefined);
    }),
  ];
  return pythonModule(
    `The payload of each event of the ${model.name} catalog, as a TypedDict.`,
    optional
      ? [
          'import sys',
          'import typing',
          '',
          '# NotRequired is in typing from 3.11; on 3.10 it is only named in annotations, which are never evaluated.',
          'if sys.version_info >= (3, 11):',
          '    from typing import NotRequired',
          'elif typing.TYPE_CHECKING:',
          '    from typing_extensions import NotRequired',
        ]
      : ['import typing'],
    blocks,
  );
}

function typeAlias(name: string, type: string, doc: string): string {
  return `${name}: typing.TypeAlias = ${type}\n${docstring(doc, '').trimEnd()}`;
}

export function eventDoc(event: EventModel): string {
  const lines = [`${event.name} (\`${event.value}\`, topic \`${event.topic}\`): ${event.description}`];
  if (!event.payloadDocumented) lines.push('', 'The reference documents give only the name of this event: its payload carries only the common fields.');
  return withDeprecation(lines.join('\n'), event.deprecated);
}

export function withDeprecation(doc: string, deprecated: { reason: string; replacedBy?: string } | undefined): string {
  if (!deprecated) return doc;
  return `${doc}\n\nDeprecated: ${deprecated.reason}${deprecated.replacedBy === undefined ? '' : ` Use ${deprecated.replacedBy} instead.`}`;
}

function fieldDoc(f: FieldModel): string {
  const aliases = f.aliases.length ? ` Aliases: ${f.aliases.map((a) => `\`${a}\``).join(', ')}.` : '';
  return withDeprecation(`${f.description}${aliases}`.trim() || f.name, f.deprecated);
}

function typedDict(name: string, doc: string, fields: readonly FieldModel[], model: CatalogModel, base: string | undefined): string {
  const annotation = (f: FieldModel) => (f.required ? fieldPyType(f, model) : `NotRequired[${fieldPyType(f, model)}]`);
  if (fields.every((f) => isPlainName(f.name))) {
    const body = fields.flatMap((f) => [`    ${f.name}: ${annotation(f)}`, docstring(fieldDoc(f), '    ').trimEnd()]);
    return [`class ${name}(${base ?? 'typing.TypedDict'}):`, docstring(doc, '    ').trimEnd(), ...(body.length ? ['', ...body] : [])].join('\n');
  }
  // A field named by a Python keyword (`from`, `class`) can only be declared in the functional form, which cannot inherit:
  // the common fields are repeated, and the types are strings, so nothing is evaluated at import.
  const all = base ? [...model.commonFields.filter((c) => !fields.some((f) => f.name === c.name)), ...fields] : fields;
  const items = all.map((f) => `    ${str(f.name)}: ${str(annotation(f))},`);
  return `${name} = typing.TypedDict(\n    ${str(name)},\n    {\n${indent(items).join('\n')}\n    },\n)`;
}

/** The Python type of a field. */
export function fieldPyType(f: FieldModel, model: CatalogModel): string {
  let t: string;
  const shared = f.ref ? model.sharedFields.find((s) => s.name === f.ref) : undefined;
  const sameEnum = shared?.enum && f.enum && shared.enum.length === f.enum.length && shared.enum.every((v, i) => v === f.enum![i]);
  if (shared && model.configKeys.some((c) => c.field === shared.name)) t = pascalCase(shared.name);
  else if (shared && sameEnum && literalOf(shared.enum!)) t = pascalCase(shared.name);
  else if (f.enum && literalOf(f.enum)) t = literalOf(f.enum)!;
  else {
    switch (f.type.kind) {
      case 'scalar':
        t = f.type.types.map(scalarPy).join(' | ');
        break;
      case 'object':
        t = 'typing.Mapping[str, object]';
        break;
      case 'any':
        t = 'object';
        break;
      case 'array':
        t = `typing.Sequence[${elementPy(f.type.items)}]`;
        break;
      case 'map':
        t = `typing.Mapping[str, ${elementPy(f.type.values)}]`;
        break;
    }
  }
  return f.nullable && t !== 'object' ? `${t} | None` : t;
}

/** `typing.Literal[…]` of enum values, or undefined when one cannot be a literal (a fractional number). */
export function literalOf(values: readonly (string | number | boolean)[]): string | undefined {
  if (values.some((v) => typeof v === 'number' && !Number.isInteger(v))) return undefined;
  return `typing.Literal[${values.map((v) => literal(v)).join(', ')}]`;
}

function elementPy(t: ElementType): string {
  return t === 'object' ? 'typing.Mapping[str, object]' : t === 'any' ? 'object' : scalarPy(t);
}

export function scalarPy(t: 'string' | 'integer' | 'number' | 'boolean'): string {
  return { string: 'str', integer: 'int', number: 'float', boolean: 'bool' }[t];
}
