/**
 * The JSON Schema pass: one file against the catalog format (schema.ts), with
 * ajv's errors translated into problems a catalog author can act on: one per
 * place, at its file:line:col, in the catalog's words ("event X, field y: ..."),
 * with a "did you mean" for a misspelt key or value.
 */
import AjvModule, { type ErrorObject } from 'ajv';
import { hint } from './problems.js';
import { CATALOG_FILE_SCHEMA, PATTERN_DESCRIPTIONS } from './schema.js';
import type { ParsedFile, Problem } from './source.js';

const Ajv = AjvModule.default ?? AjvModule;
// verbose: an error carries its schema, whose known keys and values give the "did you mean" hint.
const validateFile = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(CATALOG_FILE_SCHEMA);

/** The file's problems against the catalog format; none when it conforms (its data then has the shapes of raw.ts). */
export function schemaProblems(file: ParsedFile): Problem[] {
  return validateFile(file.data) ? [] : translate(file, validateFile.errors ?? []);
}

function translate(file: ParsedFile, errors: readonly ErrorObject[]): Problem[] {
  // ajv reports every failed branch of a oneOf; keep the most specific errors per place.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of withoutOtherBranches(errors)) {
    // The inner error of a propertyNames check duplicates the outer one, without the name.
    if ((e as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const problems: Problem[] = [];
  for (const [instancePath, list] of byPath) {
    const keys = keyAlternatives(list);
    if (keys) {
      const path = instancePath.split('/').slice(1).map(unescapePointer);
      problems.push({ ...file.locate(path), message: `${describePath(path)}${keys.message}` });
      continue;
    }
    const deeper = [...byPath.keys()].some((p) => p !== instancePath && p.startsWith(instancePath + '/'));
    const branching = list.some((e) => isBranching(e.keyword));
    let meaningful = list.filter((e) => !isBranching(e.keyword) && e.keyword !== 'if');
    // A failed oneOf (`type: strng` is neither a type name nor a list of them): the branch that took the value's type says more.
    if (branching && meaningful.some((e) => e.keyword !== 'type')) meaningful = meaningful.filter((e) => e.keyword !== 'type');
    // The other branches of a oneOf whose chosen branch failed deeper; a plain missing key stays reported beside a deeper error.
    if (deeper && branching && meaningful.every((e) => e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'required')) continue;
    const path = instancePath.split('/').slice(1).map(unescapePointer);
    const shown = meaningful.length > 0 ? dedupeMessages(meaningful) : list.slice(0, 1);
    for (const e of shown) {
      problems.push({ ...file.locate(pathFor(e, path)), message: `${describePath(path)}${schemaMessage(e)}` });
    }
  }
  return problems;
}

const isBranching = (keyword: string): boolean => keyword === 'oneOf' || keyword === 'anyOf';

/**
 * A choice between keys (`oneOf`/`anyOf` of branches that each only require
 * one key: a field's "type" or "ref", an emitter's "event" or "select"),
 * failed at this place: one problem naming the keys, where ajv says "missing
 * required key" once per branch, or "must match exactly one schema in oneOf"
 * when several keys are given.
 */
function keyAlternatives(list: readonly ErrorObject[]): { message: string } | undefined {
  const choice = list.find((e) => isBranching(e.keyword) && Array.isArray(e.schema));
  if (!choice) return undefined;
  const branches = choice.schema as readonly Record<string, unknown>[];
  const keys = branches.map((b) => (Object.keys(b).length === 1 && Array.isArray(b.required) && b.required.length === 1 ? String(b.required[0]) : undefined));
  if (keys.some((k) => k === undefined)) return undefined;
  const others = list.filter((e) => e !== choice);
  if (!others.every((e) => e.keyword === 'required' && e.schemaPath.startsWith(`${choice.schemaPath}/`))) return undefined;
  const quoted = keys.map((k) => `"${k}"`);
  const passing = (choice.params as { passingSchemas?: unknown }).passingSchemas;
  if (Array.isArray(passing)) return { message: `give ${quoted.join(' or ')}, not ${passing.length === 2 && keys.length === 2 ? 'both' : passing.map((i) => quoted[Number(i)]).join(' and ')}` };
  return { message: `needs ${quoted.join(' or ')}` };
}

/**
 * A oneOf of object shapes told apart by their required keys (`dedup: { fields }`
 * or `dedup: { kind }`): when the value has exactly one branch's keys, that is
 * the branch the author meant, and the other branches' errors ("missing
 * required key kind", "must be one of none, payload") only bury the real one.
 */
function withoutOtherBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped: string[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf' || !Array.isArray(e.schema)) continue;
    const data = e.data as unknown;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) continue;
    const branches = e.schema as readonly { type?: unknown; required?: readonly string[] }[];
    const meant = branches.flatMap((b, i) =>
      b.type === 'object' && (b.required?.length ?? 0) > 0 && b.required!.every((k) => Object.hasOwn(data, k)) ? [i] : [],
    );
    if (meant.length !== 1) continue;
    branches.forEach((_, i) => {
      if (i !== meant[0]) dropped.push(`${e.schemaPath}/${i}/`);
    });
  }
  return dropped.length === 0 ? [...errors] : errors.filter((e) => !dropped.some((prefix) => e.schemaPath.startsWith(prefix)));
}

function pathFor(e: ErrorObject, path: string[]): string[] {
  if (e.keyword === 'additionalProperties') return [...path, String(e.params.additionalProperty)];
  if (e.keyword === 'propertyNames' && e.params.propertyName) return [...path, String(e.params.propertyName)];
  return path;
}

function schemaMessage(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown key "${String(e.params.additionalProperty)}"${hint(String(e.params.additionalProperty), known)}`;
    }
    case 'required':
      return `missing required key "${String(e.params.missingProperty)}"`;
    case 'propertyNames':
      return `invalid name "${String(e.params.propertyName)}": ${nameRule(e.instancePath)}`;
    case 'pattern':
      return PATTERN_DESCRIPTIONS[String(e.params.pattern)] ?? `must match ${String(e.params.pattern)}`;
    case 'enum': {
      const allowed = e.params.allowedValues as unknown[];
      const typo = typeof e.data === 'string' ? hint(e.data, allowed.filter((v): v is string => typeof v === 'string')) : '';
      return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${typo}`;
    }
    case 'dependencies':
      return `"${String(e.params.property)}" needs "${String(e.params.missingProperty)}" in the same file`;
    default:
      return e.message ?? e.keyword;
  }
}

function nameRule(instancePath: string): string {
  if (instancePath === '/events') return 'event names are UPPER_SNAKE_CASE identifiers';
  if (instancePath === '/emitters') return 'emitter names are emit_lower_snake_case';
  if (instancePath === '/extractors') return 'extractor names are extract_lower_snake_case';
  if (instancePath === '/flows') return 'flow names are lower_snake_case';
  if (instancePath.endsWith('/select/cases')) return 'a select case is lower-case letters, digits and "_", starting with a letter or digit';
  return 'field names are lower_snake_case identifiers';
}

function dedupeMessages(list: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.keyword}:${JSON.stringify(e.params)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function describePath(path: string[]): string {
  if (path.length === 0) return '';
  if (path[0] === 'events' && path.length >= 2) {
    const rest = path.slice(2);
    if (rest[0] === 'payload' && rest.length >= 2) return `event ${path[1]}, field ${rest[1]}${rest.length > 2 ? ` (${rest.slice(2).join('.')})` : ''}: `;
    return `event ${path[1]}${rest.length ? ` (${rest.join('.')})` : ''}: `;
  }
  return `${path.join('.')}: `;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}
