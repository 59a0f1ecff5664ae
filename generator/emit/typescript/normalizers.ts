/**
 * `normalizers.ts`: alias normalization and the payload helpers of
 * event_utils.py. The alias lists come from the catalog (one list per field,
 * shared fields defining theirs once), so extractors and the router agree.
 */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel, ConfigKeyModel, EventModel } from '../../catalog/model.js';
import { composedPattern } from '../json-schema.js';
import { camelCase, docText, pascalCase, payloadTypeName, str } from './syntax.js';
import { importFrom, lines, objectLiteral, type Statement } from './printer.js';
import { compareText } from '../../order.js';

export function normalizersFile(model: CatalogModel, runtimeImport: string): Statement[] {
  const configKeyTypes = model.configKeys.flatMap((c) => [pascalCase(c.field), ...c.parts.flatMap((p) => ('field' in p ? [pascalCase(p.field)] : []))]);
  const extractorTypes = model.extractors.map((x) => payloadTypeName(x.event));
  return [
    importFrom(runtimeImport, ['renameAliases'], false),
    importFrom(runtimeImport, ['NormalizeResult'], true),
    importFrom('./event-types.js', ['EventName'], true),
    importFrom('./payloads.js', [...new Set([...configKeyTypes, ...extractorTypes])], true),
    importFrom('./validation.js', ['assertPayload'], false),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Per event: alias → canonical field name.'],
      declarations: [
        {
          name: 'FIELD_ALIASES',
          type: '{ readonly [E in EventName]: Readonly<Record<string, string>> }',
          initializer: objectLiteral(model.events.map((e) => ({ key: e.name, value: aliasObject(e) }))),
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['The aliases of the shared fields (the table of EVENT_PAYLOAD_SCHEMAS.md): alias → canonical name.'],
      declarations: [
        {
          name: 'SHARED_FIELD_ALIASES',
          type: 'Readonly<Record<string, string>>',
          initializer: objectLiteral(
            model.sharedFields.flatMap((f) => f.aliases.map((a) => ({ key: a, value: str(f.name) }))).sort((a, b) => compareText(a.key, b.key)),
          ),
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'normalizePayload',
      isExported: true,
      docs: ['Renames the aliased fields of a payload to their canonical names (a new object; the input is not changed).'],
      parameters: [
        { name: 'event', type: 'EventName' },
        { name: 'raw', type: 'Readonly<Record<string, unknown>>' },
      ],
      returnType: 'NormalizeResult',
      statements: ['return renameAliases(FIELD_ALIASES[event], raw);'],
    },
    {
      kind: StructureKind.Function,
      name: 'normalizeEventPayload',
      isExported: true,
      docs: [
        'The payload of an event object, whatever its shape: a CloudEvents envelope (`data`), a router event (`payload`), a bus event (`metadata`), or the payload itself.',
      ],
      parameters: [{ name: 'event', type: 'unknown' }],
      returnType: 'Record<string, unknown>',
      statements: lines(
        "if (!isRecord(event)) return {};",
        "for (const k of ['data', 'payload', 'metadata']) {",
        "  const inner = event[k];",
        "  if (isRecord(inner)) return inner;",
        "}",
        "return event;",
      ),
    },
    ...model.configKeys.flatMap((c) => configKeyStatements(c, model)),
    ...modelPathStatements(model),
    ...model.extractors.map((x) => extractorStatement(x, model.events.find((e) => e.name === x.event)!, model)),
    {
      kind: StructureKind.Function,
      name: 'isRecord',
      parameters: [{ name: 'x', type: 'unknown' }],
      returnType: 'x is Record<string, unknown>',
      statements: ["return typeof x === 'object' && x !== null && !Array.isArray(x);"],
    },
  ];
}

function aliasObject(e: EventModel): string {
  const pairs = e.fields.flatMap((f) => f.aliases.map((a) => [a, f.name] as const)).sort((a, b) => compareText(a[0], b[0]));
  return pairs.length ? `{ ${pairs.map(([a, f]) => `${str(a)}: ${str(f)}`).join(', ')} }` : '{}';
}

/** parse/make/is/extract helpers for a composed field such as config_key. */
function configKeyStatements(c: ConfigKeyModel, model: CatalogModel): Statement[] {
  const T = pascalCase(c.field);
  const fields = c.parts.flatMap((p) => ('field' in p ? [p] : []));
  const partsType = `{ ${fields.map((p) => `readonly ${p.field}: ${pascalCase(p.field)}`).join('; ')} }`;
  const shared = model.sharedFields.find((f) => f.name === c.field)!;
  const aliases = [c.field, ...shared.aliases];
  const pattern = composedPattern(c);
  const CONST = c.field.toUpperCase();
  const valueConsts: Statement[] = fields.map((p) => ({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The allowed values of ${p.field}.`],
    declarations: [{ name: `${p.field.toUpperCase()}_VALUES`, type: `readonly ${pascalCase(p.field)}[]`, initializer: `Object.freeze([${p.values.map((v) => (typeof v === 'string' ? str(v) : String(v))).join(', ')}])` }],
  }));
  const parseGroups = fields
    .map((p, i) => {
      const numeric = p.values.every((v) => typeof v === 'number');
      return `${p.field}: ${numeric ? `Number(m[${i + 1}])` : `m[${i + 1}]`} as ${pascalCase(p.field)}`;
    })
    .join(', ');
  const template = c.parts.map((p) => ('literal' in p ? p.literal.replace(/[`$\\]/g, '\\$&') : `\${parts.${p.field}}`)).join('');
  return [
    ...valueConsts,
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [docText(`The grammar of ${c.field}: \`${c.template}\`.`)],
      declarations: [{ name: `${CONST}_PATTERN`, initializer: `/${pattern.replace(/\//g, '\\/')}/` }],
    },
    {
      kind: StructureKind.Class,
      name: `${T}Error`,
      isExported: true,
      extends: 'Error',
      docs: [`A malformed ${c.field} or parts that cannot form one.`],
      ctors: [{ parameters: [{ name: 'message', type: 'string' }], statements: ['super(message);', `this.name = '${T}Error';`] }],
    },
    {
      kind: StructureKind.Function,
      name: `is${T}`,
      isExported: true,
      docs: [`Whether a value is a well-formed ${c.field}.`],
      parameters: [{ name: 'value', type: 'unknown' }],
      returnType: `value is ${T}`,
      statements: [`return typeof value === 'string' && ${CONST}_PATTERN.test(value);`],
    },
    {
      kind: StructureKind.Function,
      name: `tryParse${T}`,
      isExported: true,
      docs: [`Splits a ${c.field} into its parts, or returns undefined when it is malformed.`],
      parameters: [{ name: 'key', type: 'unknown' }],
      returnType: `${partsType} | undefined`,
      statements: lines(
        `if (typeof key !== 'string') return undefined;`,
        `const m = ${CONST}_PATTERN.exec(key);`,
        `return m ? { ${parseGroups} } : undefined;`,
      ),
    },
    {
      kind: StructureKind.Function,
      name: `parse${T}`,
      isExported: true,
      docs: [docText(`Splits a ${c.field} (\`${c.template}\`) into its parts; throws ${T}Error naming the bad input.`)],
      parameters: [{ name: 'key', type: 'unknown' }],
      returnType: partsType,
      statements: lines(
        `const parts = tryParse${T}(key);`,
        `if (parts) return parts;`,
        `throw new ${T}Error(\`invalid ${c.field} \${JSON.stringify(key)}: expected ${c.template.replace(/[`$\\]/g, '\\$&')} with ${fields
          .map((p) => `${p.field} one of \${${p.field.toUpperCase()}_VALUES.join(', ')}`)
          .join(' and ')}\`);`,
      ),
    },
    {
      kind: StructureKind.Function,
      name: `make${T}`,
      isExported: true,
      docs: [docText(`Builds a ${c.field} from its parts; throws ${T}Error when a part is not allowed (for callers without types).`)],
      parameters: fields.map((p) => ({ name: p.field, type: pascalCase(p.field) })),
      returnType: T,
      statements: lines(
        `const parts = { ${fields.map((p) => p.field).join(', ')} };`,
        ...fields.map(
          (p) =>
            `if (!${p.field.toUpperCase()}_VALUES.includes(${p.field})) throw new ${T}Error(\`invalid ${p.field} \${JSON.stringify(${p.field})}: expected one of \${${p.field.toUpperCase()}_VALUES.join(', ')}\`);`,
        ),
        `return \`${template}\` as ${T};`,
      ),
    },
    {
      kind: StructureKind.Function,
      name: `extract${T}`,
      isExported: true,
      docs: [
        docText(
          `The ${c.field} of a payload (or event object): ${aliases.map((a) => `\`${a}\``).join(', then ')}, else built from ${fields.map((p) => `\`${p.field}\``).join(' and ')}. Undefined when absent or malformed.`,
        ),
      ],
      parameters: [{ name: 'event', type: 'unknown' }],
      returnType: `${T} | undefined`,
      statements: lines(
        'const payload = normalizeEventPayload(event);',
        `for (const name of [${aliases.map(str).join(', ')}]) {`,
        `  const value = payload[name];`,
        `  if (value !== undefined) return is${T}(value) ? value : undefined;`,
        '}',
        `const parts = { ${fields.map((p) => `${p.field}: payload[${str(p.field)}]`).join(', ')} };`,
        `if (${fields.map((p) => `!${p.field.toUpperCase()}_VALUES.includes(parts.${p.field} as never)`).join(' || ')}) return undefined;`,
        `return make${T}(${fields.map((p) => `parts.${p.field} as ${pascalCase(p.field)}`).join(', ')});`,
      ),
    },
  ];
}

function modelPathStatements(model: CatalogModel): Statement[] {
  const shared = model.sharedFields.find((f) => f.name === 'model_path');
  if (!shared) return [];
  const names = [shared.name, ...shared.aliases];
  return [
    {
      kind: StructureKind.Function,
      name: 'extractModelPath',
      isExported: true,
      docs: [docText(`The model path of a payload (or event object): ${names.map((n) => `\`${n}\``).join(', then ')}. Undefined when absent or not a non-empty string.`)],
      parameters: [{ name: 'event', type: 'unknown' }],
      returnType: 'string | undefined',
      statements: lines(
        'const payload = normalizeEventPayload(event);',
        `for (const name of [${names.map(str).join(', ')}]) {`,
        '  const value = payload[name];',
        "  if (typeof value === 'string' && value.length > 0) return value;",
        '}',
        'return undefined;',
      ),
    },
  ];
}

/** extract_training_data and friends: normalize, complete composed fields from their parts (and back), validate. */
function extractorStatement(x: { name: string; event: string; description: string }, event: EventModel, model: CatalogModel): Statement {
  const has = (f: string) => event.fields.some((x) => x.name === f);
  const completions: string[] = [];
  for (const c of model.configKeys) {
    if (!has(c.field)) continue;
    const T = pascalCase(c.field);
    const parts = c.parts.flatMap((p) => ('field' in p ? [p.field] : [])).filter(has);
    completions.push(
      `if (payload[${str(c.field)}] === undefined) {`,
      `  const key = extract${T}(payload);`,
      `  if (key !== undefined) payload[${str(c.field)}] = key;`,
      '}',
      `const ${camelCase(c.field)}Parts = tryParse${T}(payload[${str(c.field)}]);`,
      ...parts.map((p) => `if (${camelCase(c.field)}Parts && payload[${str(p)}] === undefined) payload[${str(p)}] = ${camelCase(c.field)}Parts.${p};`),
    );
  }
  return {
    kind: StructureKind.Function,
    name: camelCase(x.name),
    isExported: true,
    docs: [docText(`${x.description}\n\nThrows PayloadValidationError naming the event and each bad field.`)],
    parameters: [{ name: 'event', type: 'unknown' }],
    returnType: payloadTypeName(event.name),
    statements: lines(
      `const payload: Record<string, unknown> = { ...normalizePayload(${str(event.name)}, normalizeEventPayload(event)).payload };`,
      ...completions,
      `assertPayload(${str(event.name)}, payload);`,
      'return payload;',
    ),
  };
}
