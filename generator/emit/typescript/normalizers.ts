/**
 * `normalizers.ts`: alias normalization and the payload helpers of
 * event_utils.py. The alias lists come from the catalog (one list per field,
 * shared fields defining theirs once), so extractors and the router agree.
 * The catalog-independent helpers live in the runtime and are re-exported.
 */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel, ConfigKeyModel, EventModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { composedPattern } from '../json-schema.js';
import { importFrom, inlineObject, lines, objectLiteral, type Statement } from './printer.js';
import { camelCase, docText, ident, key, pascalCase, payloadTypeName, str, templateText } from './syntax.js';

export function normalizersFile(model: CatalogModel, runtimeImport: string): (Statement | undefined)[] {
  const configKeyTypes = model.configKeys.flatMap((c) => [pascalCase(c.field), ...c.parts.flatMap((p) => ('field' in p ? [pascalCase(p.field)] : []))]);
  const extractorTypes = model.extractors.map((x) => payloadTypeName(x.event));
  const aliased = model.events.filter((e) => e.fields.some((f) => f.aliases.length > 0));
  const needsAssert = model.extractors.length > 0;
  // extract<ConfigKey> and extractModelPath look a field up under its aliases.
  const usesAliasedLookup = model.configKeys.length > 0 || model.sharedFields.some((f) => f.name === 'model_path');
  return [
    importFrom(
      runtimeImport,
      ['UnknownEventError', ...(usesAliasedLookup ? ['firstAliased'] : []), 'normalizeEventPayload', 'ownValue', 'renameAliases', ...(needsAssert ? ['reportAliasConflicts'] : [])],
      false,
    ),
    importFrom(runtimeImport, ['ExtractOptions', 'NormalizeResult'], true),
    importFrom('./event-types.js', ['EventName'], true),
    importFrom('./mappings.js', ['resolveEvent'], false),
    importFrom('./payloads.js', [...configKeyTypes, ...extractorTypes], true),
    needsAssert ? importFrom('./validation.js', ['assertPayload'], false) : undefined,
    'export { normalizeEventPayload, type ExtractOptions };',
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Per event with aliased fields: alias → canonical field name.'],
      declarations: [
        {
          name: 'FIELD_ALIASES',
          type: '{ readonly [E in EventName]?: Readonly<Record<string, string>> }',
          initializer: objectLiteral(aliased.map((e) => ({ key: e.name, value: aliasObject(e) }))),
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['The aliases of the shared fields: alias → canonical name.'],
      declarations: [
        {
          name: 'SHARED_FIELD_ALIASES',
          type: 'Readonly<Record<string, string>>',
          initializer: objectLiteral(
            model.sharedFields
              .flatMap((f) => f.aliases.map((a) => ({ alias: a, value: str(f.name) })))
              .sort((a, b) => compareText(a.alias, b.alias))
              .map((a) => ({ key: key(a.alias), value: a.value })),
          ),
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'normalizePayload',
      isExported: true,
      docs: [
        [
          'Renames the aliased fields of a payload to their canonical names, into a new object. `event` is any spelling;',
          'an unknown one throws UnknownEventError naming it.',
        ].join('\n'),
      ],
      parameters: [
        { name: 'event', type: 'EventName' },
        { name: 'raw', type: 'Readonly<Record<string, unknown>>' },
      ],
      returnType: 'NormalizeResult',
      statements: lines(
        'const name = resolveEvent(event);',
        'if (name === undefined) throw new UnknownEventError(event);',
        'return renameAliases(ownValue(FIELD_ALIASES, name) ?? {}, raw);',
      ),
    },
    ...partValueConstants(model),
    ...model.configKeys.flatMap((c) => configKeyStatements(c, model)),
    ...modelPathStatements(model),
    ...model.extractors.map((x) => extractorStatement(x, model.events.find((e) => e.name === x.event)!, model)),
  ];
}

function aliasObject(e: EventModel): string {
  const pairs = e.fields.flatMap((f) => f.aliases.map((a) => [a, f.name] as const)).sort((a, b) => compareText(a[0], b[0]));
  return inlineObject(pairs.map(([a, f]) => `${key(a)}: ${str(f)}`));
}

function valuesConst(field: string): string {
  return `${field.toUpperCase()}_VALUES`;
}

function literal(v: string | number): string {
  return typeof v === 'string' ? str(v) : String(v);
}

/** `BOARD_TYPE_VALUES`: the allowed values of each field a composed key is made of (once, however many keys use it). */
function partValueConstants(model: CatalogModel): Statement[] {
  const seen = new Map<string, readonly (string | number)[]>();
  for (const c of model.configKeys) for (const p of c.parts) if ('field' in p && !seen.has(p.field)) seen.set(p.field, p.values);
  return [...seen].sort((a, b) => compareText(a[0], b[0])).map(([field, values]) => ({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The allowed values of ${field}.`],
    declarations: [{ name: valuesConst(field), type: `readonly ${pascalCase(field)}[]`, initializer: `Object.freeze([${values.map(literal).join(', ')}])` }],
  }));
}

/** parse/make/is/extract helpers for a composed field such as config_key. */
function configKeyStatements(c: ConfigKeyModel, model: CatalogModel): Statement[] {
  const T = pascalCase(c.field);
  const fields = c.parts.flatMap((p) => ('field' in p ? [p] : []));
  const partsType = inlineObject(fields.map((p) => `readonly ${key(p.field)}: ${pascalCase(p.field)}`), 0, ';');
  const shared = model.sharedFields.find((f) => f.name === c.field)!;
  const aliases = [c.field, ...shared.aliases];
  const CONST = c.field.toUpperCase();
  // Each captured group maps back to the allowed value it spells (so 2 stays the number 2).
  const parseGroups = fields.map((p, i) => `${key(p.field)}: ${valuesConst(p.field)}.find((v) => String(v) === m[${i + 1}])!`);
  const template = c.parts.map((p) => ('literal' in p ? templateText(p.literal) : `\${${ident(p.field)}}`)).join('');
  const expected = fields.map((p) => `${templateText(p.field)} one of \${${valuesConst(p.field)}.join(", ")}`).join(' and ');
  return [
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [docText(`The grammar of ${c.field}: \`${c.template}\`.`)],
      declarations: [{ name: `${CONST}_PATTERN`, initializer: `new RegExp(${str(composedPattern(c))}, "u")` }],
    },
    {
      kind: StructureKind.Class,
      name: `${T}Error`,
      isExported: true,
      extends: 'Error',
      docs: [`A malformed ${c.field} or parts that cannot form one.`],
      properties: [{ name: 'name', initializer: str(`${T}Error`), isReadonly: true, hasOverrideKeyword: true }],
    },
    {
      kind: StructureKind.Function,
      name: `is${T}`,
      isExported: true,
      docs: [`Whether a value is a well-formed ${c.field}.`],
      parameters: [{ name: 'value', type: 'unknown' }],
      returnType: `value is ${T}`,
      statements: [`return typeof value === "string" && ${CONST}_PATTERN.test(value);`],
    },
    {
      kind: StructureKind.Function,
      name: `tryParse${T}`,
      isExported: true,
      docs: [`Splits a ${c.field} into its parts, or returns undefined when it is malformed.`],
      parameters: [{ name: 'key', type: 'unknown' }],
      returnType: `${partsType} | undefined`,
      statements: lines(
        'if (typeof key !== "string") return undefined;',
        `const m = ${CONST}_PATTERN.exec(key);`,
        `return m ? ${inlineObject(parseGroups, 0)} : undefined;`,
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
        'if (parts) return parts;',
        `throw new ${T}Error(\`invalid ${templateText(c.field)} \${JSON.stringify(key)}: expected ${templateText(c.template)} with ${expected}\`);`,
      ),
    },
    {
      kind: StructureKind.Function,
      name: `make${T}`,
      isExported: true,
      docs: [docText(`Builds a ${c.field} from its parts; throws ${T}Error when a part is not allowed (for callers without types).`)],
      parameters: fields.map((p) => ({ name: ident(p.field), type: pascalCase(p.field) })),
      returnType: T,
      statements: lines(
        ...fields.map(
          (p) =>
            `if (!${valuesConst(p.field)}.includes(${ident(p.field)})) {\n` +
            `  throw new ${T}Error(\`invalid ${templateText(p.field)} \${JSON.stringify(${ident(p.field)})}: expected one of \${${valuesConst(p.field)}.join(", ")}\`);\n` +
            '}',
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
          `The ${c.field} of a payload (or event object): ${aliases.map((a) => `\`${a}\``).join(', then ')}, else built from ${fields.map((p) => `\`${p.field}\``).join(' and ')}. Undefined when absent or malformed. When they disagree: strict (default) throws EventValidationError naming both values, lenient warns.`,
        ),
      ],
      parameters: [
        { name: 'event', type: 'unknown' },
        { name: 'options', type: 'ExtractOptions', initializer: '{}' },
      ],
      returnType: `${T} | undefined`,
      statements: lines(
        'const payload = normalizeEventPayload(event);',
        `const value = firstAliased(payload, [${aliases.map(str).join(', ')}], (v) => v !== undefined, options);`,
        `if (value !== undefined) return is${T}(value) ? value : undefined;`,
        ...fields.map((p) => `const ${partLocal(p.field)} = ${valuesConst(p.field)}.find((v) => v === payload[${str(p.field)}]);`),
        `if (${fields.map((p) => `${partLocal(p.field)} === undefined`).join(' || ')}) return undefined;`,
        `return make${T}(${fields.map((p) => partLocal(p.field)).join(', ')});`,
      ),
    },
  ];
}

/** The local variable holding a part in `extract…`: never one of that function's own names. */
function partLocal(field: string): string {
  return ['payload', 'name', 'value', 'event', 'options'].includes(field) || ident(field) !== field ? `${field}_part` : field;
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
      docs: [
        docText(
          `The model path of a payload (or event object): ${names.map((n) => `\`${n}\``).join(', then ')}. Undefined when absent or not a non-empty string. When they disagree: strict (default) throws EventValidationError naming both values, lenient warns.`,
        ),
      ],
      parameters: [
        { name: 'event', type: 'unknown' },
        { name: 'options', type: 'ExtractOptions', initializer: '{}' },
      ],
      returnType: 'string | undefined',
      statements: lines(
        'const payload = normalizeEventPayload(event);',
        `const value = firstAliased(payload, [${names.map(str).join(', ')}], (v) => typeof v === "string" && v.length > 0, options);`,
        'return typeof value === "string" ? value : undefined;',
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
    const partsVar = `${camelCase(c.field)}Parts`;
    completions.push(
      `if (payload[${str(c.field)}] === undefined) {`,
      `  const composed = extract${T}(payload);`,
      `  if (composed !== undefined) payload[${str(c.field)}] = composed;`,
      '}',
      ...(parts.length ? [`const ${partsVar} = tryParse${T}(payload[${str(c.field)}]);`] : []),
      ...parts.map((p) => `if (${partsVar} && payload[${str(p)}] === undefined) payload[${str(p)}] = ${partsVar}[${str(p)}];`),
    );
  }
  return {
    kind: StructureKind.Function,
    name: camelCase(x.name),
    isExported: true,
    docs: [
      docText(
        `${x.description}\n\nThrows EventValidationError naming the event and each bad field; an alias that disagrees with its canonical field is one in strict mode (default), a warning naming both values in lenient mode.`,
      ),
    ],
    parameters: [
      { name: 'event', type: 'unknown' },
      { name: 'options', type: 'ExtractOptions', initializer: '{}' },
    ],
    returnType: payloadTypeName(event.name),
    statements: lines(
      'const raw = normalizeEventPayload(event);',
      `const normalized = normalizePayload(${str(event.name)}, raw);`,
      `reportAliasConflicts(${str(event.name)}, raw, normalized, options);`,
      'const payload: Record<string, unknown> = { ...normalized.payload };',
      ...completions,
      `assertPayload(${str(event.name)}, payload);`,
      'return payload;',
    ),
  };
}
