/**
 * Payload validators compiled ahead of time: ajv's standalone code for every
 * payload schema, emitted as `validators.cjs` (ajv's standalone output calls
 * `require()` even in ESM mode, so it is a CommonJS module that the ESM code
 * imports through Node's CJS interop), with `validators.d.cts` for its types,
 * and `validation.ts`, the typed wrapper that turns ajv errors into issues
 * naming the event and the field.
 */
import AjvModule from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { StructureKind } from 'ts-morph';
import type { CatalogModel } from '../../catalog/model.js';
import { payloadSchema } from '../json-schema.js';
import { banner, type GeneratedFile } from '../output.js';
import { importFrom, lines, type Statement } from './printer.js';

const Ajv = AjvModule.default ?? AjvModule;
// ajv ships CommonJS: under NodeNext the callable is the module's `default` export.
const standaloneCode = (standaloneModule as unknown as { default: (ajv: InstanceType<typeof Ajv>, refs: Record<string, string>) => string }).default;

export function validatorsCjs(model: CatalogModel): GeneratedFile {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    // date-time is checked by a pattern in the schema; the format is kept as an annotation.
    formats: { 'date-time': true },
    code: { source: true, esm: false, lines: true, optimize: true },
  });
  const exportsMap: Record<string, string> = {};
  for (const event of model.events) {
    const schema = payloadSchema(model, event);
    ajv.addSchema(schema);
    exportsMap[event.name] = schema.$id as string;
  }
  const code = standaloneCode(ajv, exportsMap);
  return { path: 'validators.cjs', content: `${banner('ts')}${code.endsWith('\n') ? code : code + '\n'}` };
}

export function validatorsDts(model: CatalogModel): GeneratedFile {
  const lines = [
    banner('ts'),
    '/** One ajv error, as the standalone validators report it. */',
    'export interface ValidatorError {',
    '  readonly instancePath: string;',
    '  readonly keyword: string;',
    '  readonly message?: string;',
    '  readonly params: Readonly<Record<string, unknown>>;',
    '}',
    '',
    '/** A compiled payload validator; after a failed call, `errors` says why. */',
    'export interface Validator {',
    '  (data: unknown): boolean;',
    '  errors?: ValidatorError[] | null;',
    '}',
    '',
    ...model.events.map((e) => `export declare const ${e.name}: Validator;`),
    '',
  ];
  return { path: 'validators.d.cts', content: lines.join('\n') };
}

export function validationFile(): Statement[] {
  return [
    importFrom('./event-types.js', ['EventName'], true),
    importFrom('./payloads.js', ['EventPayloadMap'], true),
    importFrom('./validators.cjs', ['Validator', 'ValidatorError'], true),
    `import validators from './validators.cjs';`,
    {
      kind: StructureKind.Interface,
      name: 'PayloadIssue',
      isExported: true,
      docs: ['One problem with a payload: the field (dotted path, `""` for the payload itself) and what is wrong.'],
      properties: [
        { name: 'field', type: 'string', isReadonly: true },
        { name: 'message', type: 'string', isReadonly: true },
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      name: 'PayloadValidation',
      isExported: true,
      type: '{ readonly ok: true } | { readonly ok: false; readonly issues: readonly PayloadIssue[] }',
    },
    {
      kind: StructureKind.Class,
      name: 'PayloadValidationError',
      isExported: true,
      extends: 'Error',
      docs: ['A payload that does not match its event\'s schema; the message names the event and every bad field.'],
      properties: [
        { name: 'event', type: 'string', isReadonly: true },
        { name: 'issues', type: 'readonly PayloadIssue[]', isReadonly: true },
      ],
      ctors: [
        {
          parameters: [
            { name: 'event', type: 'string' },
            { name: 'issues', type: 'readonly PayloadIssue[]' },
          ],
          statements: lines(
            'super(`invalid ${event} payload: ${issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")}`);',
            "this.name = 'PayloadValidationError';",
            'this.event = event;',
            'this.issues = issues;',
          ),
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'validatePayload',
      isExported: true,
      docs: ['Checks a payload (with aliases already normalized) against its event\'s schema.'],
      parameters: [
        { name: 'event', type: 'EventName' },
        { name: 'payload', type: 'unknown' },
      ],
      returnType: 'PayloadValidation',
      statements: lines(
        'const validate: Validator = validators[event];',
        'if (validate(payload)) return { ok: true };',
        'return { ok: false, issues: (validate.errors ?? []).map(toIssue) };',
      ),
    },
    {
      kind: StructureKind.Function,
      name: 'assertPayload',
      isExported: true,
      typeParameters: [{ name: 'E', constraint: 'EventName' }],
      docs: ['Throws PayloadValidationError unless the payload is valid for the event.'],
      parameters: [
        { name: 'event', type: 'E' },
        { name: 'payload', type: 'unknown' },
      ],
      returnType: 'asserts payload is EventPayloadMap[E]',
      statements: ['const result = validatePayload(event, payload);', 'if (!result.ok) throw new PayloadValidationError(event, result.issues);'],
    },
    {
      kind: StructureKind.Function,
      name: 'toIssue',
      parameters: [{ name: 'e', type: 'ValidatorError' }],
      returnType: 'PayloadIssue',
      statements: lines(
        "const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');",
        "if (e.keyword === 'required') return { field: joinPath(path, String(e.params.missingProperty)), message: 'is required' };",
        "if (e.keyword === 'false schema') return { field: path, message: 'is an alias: send the canonical field name, or publish in lenient mode to normalize it' };",
        "if (e.keyword === 'enum') return { field: path, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };",
        "return { field: path, message: e.message ?? e.keyword };",
      ),
    },
    {
      kind: StructureKind.Function,
      name: 'joinPath',
      parameters: [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'string' },
      ],
      returnType: 'string',
      statements: ['return a ? `${a}.${b}` : b;'],
    },
  ];
}
