/**
 * Payload validators compiled ahead of time, as TypeScript that every ordinary
 * build carries (tsc, esbuild, Vite: no copy step):
 * - `validators.ts`: ajv's standalone code for every payload schema, as an ES
 *   module. It is untyped JavaScript, so it is marked `@ts-nocheck`; its one
 *   typed entry point is `validation.ts`.
 * - `validation.ts`: binds them to the catalog's events; the runtime turns ajv
 *   errors into issues naming the event and the field.
 *
 * No catalog text reaches ajv's code: the schemas it compiles carry no
 * descriptions or titles, and their `$id`s are made of event names only (ajv
 * writes each `$id` into a comment of the code it generates).
 */
import AjvModule from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel, EventModel } from '../../catalog/model.js';
import { payloadSchema, type JsonSchema } from '../json-schema.js';
import { banner, type GeneratedFile } from '../output.js';
import { importFrom, lines, type Statement } from './printer.js';

const Ajv = AjvModule.default ?? AjvModule;
// ajv ships CommonJS: under NodeNext the callable is the module's `default` export.
const standaloneCode = (standaloneModule as unknown as { default: (ajv: InstanceType<typeof Ajv>, refs: Record<string, string>) => string }).default;

/** The `$id` a validator is compiled under: internal, of safe characters only. */
function compileId(event: EventModel): string {
  return `https://validators.invalid/${event.name}`;
}

export function validatorsFile(model: CatalogModel): GeneratedFile {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    // A required field named `constructor` must be an own property, not the prototype's.
    ownProperties: true,
    // date-time is checked by a pattern in the schema; the format is kept as an annotation.
    formats: { 'date-time': true },
    code: { source: true, esm: true, lines: true, optimize: true },
  });
  const exportsMap: Record<string, string> = {};
  for (const event of model.events) {
    ajv.addSchema({ ...withoutAnnotations(payloadSchema(model, event)), $id: compileId(event) });
    exportsMap[event.name] = compileId(event);
  }
  const code = standaloneCode(ajv, exportsMap)
    .replace(/^"use strict";/, '')
    .replace(/\n\/\*# sourceURL="https:\/\/validators\.invalid\/[A-Z0-9_]+" \*\/;/g, '');
  // ajv's code must need nothing but itself (no require() of its runtime package), and may hold
  // catalog text only inside string literals, which it escapes: a comment means text escaped.
  const forbidden = forbiddenConstruct(code);
  if (forbidden !== undefined) throw new Error(`internal error: ajv's standalone code contains ${forbidden}`);
  const header = [
    banner('ts'),
    "// @ts-nocheck -- ajv's standalone code is untyped JavaScript; validation.ts gives it its type.",
    '',
  ].join('\n');
  return { path: 'validators.ts', content: `${header}${code.trim()}\n` };
}

/**
 * The first comment or `require()` call of ajv's code. ajv writes every value
 * it embeds (schemas, patterns, messages) as a JSON string literal; with those
 * blanked out, what remains is ajv's own code, where a comment can only mean
 * that text escaped its literal. (A full parse of the file would cost a third
 * of a second per run; this is a regular expression over the text.)
 */
export function forbiddenConstruct(code: string): string | undefined {
  const withoutStrings = code.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const found = /\/\*|\*\/|(?<![\\/])\/\/|\brequire\s*\(/.exec(withoutStrings);
  if (!found) return undefined;
  const line = withoutStrings.slice(withoutStrings.lastIndexOf('\n', found.index) + 1, withoutStrings.indexOf('\n', found.index) >>> 0);
  return `${found[0].startsWith('require') ? 'a require() call' : 'a comment'}: ${line.trim().slice(0, 80)}`;
}

/** The schema as ajv needs it: keywords that validate, none of the free text. */
function withoutAnnotations(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description' || k === 'title' || k === '$comment' || k === 'deprecated') continue;
    if ((k === 'properties' || k === 'additionalProperties' || k === 'items') && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = k === 'properties' ? mapValues(v as JsonSchema, (s) => (typeof s === 'object' && s !== null ? withoutAnnotations(s as JsonSchema) : s)) : withoutAnnotations(v as JsonSchema);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function mapValues(o: JsonSchema, f: (v: unknown) => unknown): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(o)) Object.defineProperty(out, k, { value: f(v), enumerable: true, writable: true, configurable: true });
  return out;
}

export function validationFile(runtimeImport: string): (Statement | undefined)[] {
  return [
    importFrom(runtimeImport, ['EventValidationError', 'PayloadValidationError', 'runValidator'], false),
    importFrom(runtimeImport, ['CompiledValidator', 'ValidationResult'], true),
    importFrom('./event-types.js', ['EventName'], true),
    importFrom('./payloads.js', ['EventPayloadMap'], true),
    'import * as compiled from "./validators.js";',
    'export { EventValidationError, PayloadValidationError };',
    {
      kind: StructureKind.TypeAlias,
      name: 'PayloadValidation',
      isExported: true,
      docs: ['The verdict on a payload: ok, or the issues naming each field at fault.'],
      type: 'ValidationResult',
    },
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['validators.ts is unchecked JavaScript: this is its type.'],
      declarations: [
        {
          name: 'VALIDATORS',
          initializer: 'compiled as unknown as { readonly [E in EventName]: CompiledValidator }',
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'validatePayload',
      isExported: true,
      docs: ["Checks a payload (with aliases already normalized) against its event's schema."],
      parameters: [
        { name: 'event', type: 'EventName' },
        { name: 'payload', type: 'unknown' },
      ],
      returnType: 'PayloadValidation',
      statements: ['return runValidator(VALIDATORS[event], payload);'],
    },
    {
      kind: StructureKind.Function,
      name: 'assertPayload',
      isExported: true,
      typeParameters: [{ name: 'E', constraint: 'EventName' }],
      docs: ['Throws EventValidationError (the runtime\'s one validation error) unless the payload is valid for the event.'],
      parameters: [
        { name: 'event', type: 'E' },
        { name: 'payload', type: 'unknown' },
      ],
      returnType: 'asserts payload is EventPayloadMap[E]',
      statements: lines(
        'const result = validatePayload(event, payload);',
        // `=== false`, not `!`: narrows the union even in a project without strictNullChecks.
        'if (result.ok === false) throw new EventValidationError(event, result.issues);',
      ),
    },
  ];
}
