/**
 * Sources → validated, resolved, frozen model, or every problem found.
 *
 * Three passes, each only when the previous one is clean for that file:
 * YAML syntax, the format's JSON Schema, then semantic checks over the whole
 * catalog. Problems are collected, not thrown, so one run reports them all.
 */
import AjvModule, { type ErrorObject } from 'ajv';
import { isSafe } from 'redos-detector';
import { CATALOG_FILE_SCHEMA, PATTERN_DESCRIPTIONS } from './schema.js';
import { parseSource, type ParsedFile, type PathSegment, type Position, type Problem, type SourceFile } from './source.js';
import {
  spellingsOf,
  type CatalogModel,
  type CategoryModel,
  type ConfigKeyModel,
  type DedupModel,
  type DeprecationModel,
  type ElementType,
  type EmitterModel,
  type EventModel,
  type ExtractorModel,
  type FieldModel,
  type FieldType,
  type FlowModel,
  type ScalarType,
} from './model.js';
import { camelCase, pascalCase } from './naming.js';
import { compareText } from '../order.js';
import { didYouMean } from '../suggest.js';

const Ajv = AjvModule.default ?? AjvModule;
// verbose: an error carries its schema, whose known keys and values give the "did you mean" hint.
const validateFile = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(CATALOG_FILE_SCHEMA);

/** Where generated code finds the runtime when the catalog does not say: the installed package. */
export const DEFAULT_RUNTIME_IMPORT = 'ringrift-events/runtime';

export type BuildResult = { ok: true; model: CatalogModel } | { ok: false; problems: Problem[] };

// Raw shapes after the JSON Schema pass (so these casts are sound).
interface RawField {
  type?: string | string[];
  ref?: string;
  items?: string;
  values?: string;
  required?: boolean;
  nullable?: boolean;
  enum?: (string | number | boolean)[];
  pattern?: string;
  format?: 'date-time';
  minimum?: number;
  maximum?: number;
  description?: string;
  aliases?: string[];
  composed_of?: string;
  deprecated?: RawDeprecation;
}
interface RawDeprecation {
  reason: string;
  replaced_by?: string;
}
interface RawEvent {
  value: string;
  topic: string;
  stage?: string;
  cross_process?: string;
  spellings?: string[];
  description: string;
  producers?: string[];
  consumers?: string[];
  sources?: string[];
  extends?: string;
  payload_documented?: boolean;
  version?: number;
  deprecated?: RawDeprecation;
  dedup?: 'none' | 'payload' | { fields: string[]; reason?: string } | { kind: 'none' | 'payload'; reason?: string };
  payload?: Record<string, RawField>;
}
interface RawEmitter {
  description: string;
  event?: string;
  select?: { argument: string; default?: string; cases: Record<string, string> };
}
interface RawFile {
  catalog?: { name: string; description: string; schema_base_url?: string; runtime_import?: string };
  common_fields?: Record<string, RawField>;
  fields?: Record<string, RawField>;
  category?: { name: string; title: string; description: string };
  events?: Record<string, RawEvent>;
  emitters?: Record<string, RawEmitter>;
  extractors?: Record<string, { event: string; description: string }>;
  flows?: Record<string, { title: string; description: string; events: string[] }>;
}

interface Located<T> {
  readonly raw: T;
  readonly file: ParsedFile;
  readonly path: readonly PathSegment[];
}

export function buildCatalog(sources: readonly SourceFile[]): BuildResult {
  const problems: Problem[] = [];
  const files: { file: ParsedFile; raw: RawFile }[] = [];
  if (sources.length === 0) {
    return { ok: false, problems: [{ file: '.', line: 1, col: 1, message: 'the catalog directory has no .yaml files' }] };
  }
  for (const source of [...sources].sort((a, b) => compareText(a.path, b.path))) {
    const parsed = parseSource(source);
    problems.push(...parsed.problems);
    if (!parsed.file) continue;
    if (!validateFile(parsed.file.data)) {
      problems.push(...schemaProblems(parsed.file, validateFile.errors ?? []));
      continue;
    }
    files.push({ file: parsed.file, raw: parsed.file.data as RawFile });
  }
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const checker = new SemanticChecker(files);
  const model = checker.build();
  if (checker.problems.length > 0 || !model) return { ok: false, problems: sortProblems(checker.problems) };
  return { ok: true, model: deepFreeze(model) };
}

// ---------------------------------------------------------------- schema errors

function schemaProblems(file: ParsedFile, errors: readonly ErrorObject[]): Problem[] {
  // ajv reports every failed branch of a oneOf; keep the most specific errors per place.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    // The inner error of a propertyNames check duplicates the outer one, without the name.
    if ((e as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const problems: Problem[] = [];
  for (const [instancePath, list] of byPath) {
    const deeper = [...byPath.keys()].some((p) => p !== instancePath && p.startsWith(instancePath + '/'));
    let meaningful = list.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
    // A failed oneOf (`type: strng` is neither a type name nor a list of them): the branch that took the value's type says more.
    if (list.some((e) => e.keyword === 'oneOf') && meaningful.some((e) => e.keyword !== 'type')) meaningful = meaningful.filter((e) => e.keyword !== 'type');
    if (deeper && meaningful.every((e) => e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'required')) continue;
    const path = instancePath.split('/').slice(1).map(unescapePointer);
    const shown = meaningful.length > 0 ? dedupeMessages(meaningful) : list.slice(0, 1);
    for (const e of shown) {
      problems.push({ ...file.locate(pathFor(e, path)), message: `${describePath(path)}${schemaMessage(e)}` });
    }
  }
  return problems;
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

// ---------------------------------------------------------------- semantics

class SemanticChecker {
  readonly problems: Problem[] = [];
  private readonly sharedFields = new Map<string, Located<RawField>>();
  private readonly commonFields = new Map<string, Located<RawField>>();
  private readonly events = new Map<string, Located<RawEvent> & { category: string }>();
  /**
   * Per event, the fields that were refused (a bad `ref`, a redeclared common
   * field), inherited ones included: their own error is reported once, so what
   * names them (dedup, replaced_by) is not reported again.
   */
  private readonly refusedFields = new Map<string, Set<string>>();

  constructor(private readonly files: readonly { file: ParsedFile; raw: RawFile }[]) {}

  private report(at: Position, message: string): void {
    this.problems.push({ ...at, message });
  }

  private at(loc: { file: ParsedFile; path: readonly PathSegment[] }, ...more: PathSegment[]): Position {
    return loc.file.locate([...loc.path, ...more]);
  }

  build(): CatalogModel | undefined {
    const catalog = this.catalogBlock();
    this.collectFields('fields', this.sharedFields);
    this.collectFields('common_fields', this.commonFields);
    for (const [name, loc] of this.sharedFields) {
      const common = this.commonFields.get(name);
      if (common) this.report(this.at(loc), `shared field "${name}" has the name of a common field (${where(this.at(common))})`);
    }
    const categories = this.collectEvents();
    const sharedModels = new Map<string, FieldModel>();
    for (const [name, loc] of this.sharedFields) {
      const model = this.fieldModel(name, loc.raw, loc, undefined);
      if (model) sharedModels.set(name, model);
      if (loc.raw.ref) this.report(this.at(loc, 'ref'), `shared field "${name}": a shared field cannot itself be a ref`);
    }
    const commonModels: FieldModel[] = [];
    for (const [name, loc] of this.commonFields) {
      if (loc.raw.required) this.report(this.at(loc, 'required'), `common field "${name}" cannot be required: the runtime fills it in`);
      const model = this.fieldModel(name, loc.raw, loc, undefined);
      if (model) commonModels.push(model);
    }
    this.checkSharedTypeNames(sharedModels);
    const events = this.eventModels(sharedModels);
    this.checkDeprecations(events);
    this.checkSpellings(events);
    this.checkTypeNames(events);
    const emitters = this.emitters(events);
    const extractors = this.extractors(events);
    const configKeys = this.configKeys(sharedModels);
    this.checkGeneratedNames(sharedModels, configKeys, extractors);
    if (events.size === 0 && this.problems.length === 0) this.report(this.files[0]!.file.locate([]), 'the catalog has no events');
    const flows = this.flows(events);
    if (!catalog || this.problems.length > 0) return undefined;
    return {
      name: catalog.name,
      description: catalog.description,
      schemaBaseUrl: catalog.schema_base_url ?? `https://example.invalid/${catalog.name}/schemas/`,
      runtimeImport: catalog.runtime_import ?? DEFAULT_RUNTIME_IMPORT,
      commonFields: commonModels,
      sharedFields: [...sharedModels.values()].sort(byName),
      categories,
      events: [...events.values()].sort(byName),
      emitters,
      extractors,
      configKeys,
      flows,
    };
  }

  private catalogBlock(): RawFile['catalog'] {
    const blocks = this.files.filter((f) => f.raw.catalog);
    if (blocks.length === 0) {
      const first = this.files[0]!;
      this.report(first.file.locate([]), 'no file of the catalog has a `catalog:` block (name, description)');
      return undefined;
    }
    for (const extra of blocks.slice(1)) {
      this.report(extra.file.locate(['catalog']), `a second \`catalog:\` block (the first is in ${blocks[0]!.file.path})`);
    }
    return blocks[0]!.raw.catalog;
  }

  /** A shared field with an enum or a grammar becomes a type (`board_type` → BoardType): it must not shadow a generated name. */
  private checkSharedTypeNames(shared: ReadonlyMap<string, FieldModel>): void {
    for (const [name, field] of shared) {
      const loc = this.sharedFields.get(name)!;
      if (!field.enum && loc.raw.composed_of === undefined) continue;
      const typeName = pascalCase(name);
      if (RESERVED_TYPE_NAMES.has(typeName) || typeName.endsWith('Payload') || typeName.endsWith('Args')) {
        this.report(this.at(loc), `shared field ${name}: its type name ${typeName} is reserved by the generated code; rename the field`);
      }
    }
  }

  private collectFields(key: 'fields' | 'common_fields', into: Map<string, Located<RawField>>): void {
    for (const { file, raw } of this.files) {
      for (const [name, field] of Object.entries(raw[key] ?? {})) {
        const loc = { raw: field, file, path: [key, name] };
        const prior = into.get(name);
        if (prior) this.report(this.at(loc), `duplicate ${key === 'fields' ? 'shared' : 'common'} field "${name}" (first defined at ${where(this.at(prior))})`);
        else into.set(name, loc);
      }
    }
  }

  private collectEvents(): CategoryModel[] {
    const categories = new Map<string, CategoryModel & { at: Position }>();
    for (const { file, raw } of this.files) {
      if (!raw.category || !raw.events) continue;
      const at = file.locate(['category', 'name']);
      const prior = categories.get(raw.category.name);
      if (prior) {
        this.report(at, `duplicate category "${raw.category.name}" (first in ${where(prior.at)})`);
        continue;
      }
      const names: string[] = [];
      for (const [name, event] of Object.entries(raw.events)) {
        const loc = { raw: event, file, path: ['events', name], category: raw.category.name };
        const existing = this.events.get(name);
        if (existing) {
          this.report(this.at(loc), `duplicate event name ${name} (first defined at ${where(this.at(existing))})`);
          continue;
        }
        this.events.set(name, loc);
        names.push(name);
      }
      categories.set(raw.category.name, { ...raw.category, events: names.sort(compareText), file: file.path, at });
    }
    return [...categories.values()].sort(byName).map(({ at: _at, ...c }) => c);
  }

  /** Resolves one field (its ref, its type) and checks it on its own. */
  private fieldModel(
    name: string,
    raw: RawField,
    loc: { file: ParsedFile; path: readonly PathSegment[] },
    shared: ReadonlyMap<string, FieldModel> | undefined,
  ): FieldModel | undefined {
    let base: FieldModel | undefined;
    if (raw.ref !== undefined && shared) {
      base = shared.get(raw.ref);
      if (!base) {
        // A shared field that is declared but was refused has its own error already.
        if (!this.sharedFields.has(raw.ref)) {
          this.report(this.at(loc, 'ref'), `${this.label(loc)}: ref "${raw.ref}" names no shared field${hint(raw.ref, this.sharedFields.keys())}`);
        }
        return undefined;
      }
      if (raw.type !== undefined) this.report(this.at(loc, 'type'), `${this.label(loc)}: a ref takes its type from the shared field; remove "type"`);
    }
    const type = base?.type ?? this.fieldType(raw);
    if (!type) return undefined;
    if (!base && (raw.items !== undefined) !== (type.kind === 'array')) {
      this.report(this.at(loc, raw.items !== undefined ? 'items' : 'type'), `${this.label(loc)}: "items" goes with type array, and array needs "items"`);
    }
    if (!base && (raw.values !== undefined) !== (type.kind === 'map')) {
      this.report(this.at(loc, raw.values !== undefined ? 'values' : 'type'), `${this.label(loc)}: "values" goes with type map, and map needs "values"`);
    }
    const field: FieldModel = {
      name,
      type,
      required: raw.required ?? false,
      nullable: raw.nullable ?? base?.nullable ?? false,
      description: raw.description ?? base?.description ?? '',
      aliases: [...new Set([...(base?.aliases ?? []), ...(raw.aliases ?? [])])],
      ...pick('enum', raw.enum ?? base?.enum),
      ...pick('pattern', raw.pattern ?? base?.pattern),
      ...pick('format', raw.format ?? base?.format),
      ...pick('minimum', raw.minimum ?? base?.minimum),
      ...pick('maximum', raw.maximum ?? base?.maximum),
      ...pick('ref', raw.ref),
      ...pick('deprecated', deprecationModel(raw.deprecated)),
      location: this.at(loc),
    };
    if (!field.description) this.report(this.at(loc), `${this.label(loc)}: missing "description"`);
    this.checkConstraints(field, raw, loc);
    return field;
  }

  private fieldType(raw: RawField): FieldType | undefined {
    const t = raw.type;
    if (t === undefined) return undefined;
    if (Array.isArray(t)) return { kind: 'scalar', types: t as ScalarType[] };
    switch (t) {
      case 'array':
        return { kind: 'array', items: (raw.items ?? 'any') as ElementType };
      case 'map':
        return { kind: 'map', values: (raw.values ?? 'any') as ElementType };
      case 'object':
      case 'any':
        return { kind: t };
      default:
        return { kind: 'scalar', types: [t as ScalarType] };
    }
  }

  private checkConstraints(field: FieldModel, raw: RawField, loc: { file: ParsedFile; path: readonly PathSegment[] }): void {
    const scalars = field.type.kind === 'scalar' ? field.type.types : [];
    const label = this.label(loc);
    if (field.enum) {
      for (const [i, v] of field.enum.entries()) {
        const ok =
          (typeof v === 'string' && scalars.includes('string')) ||
          (typeof v === 'number' && (scalars.includes('number') || (scalars.includes('integer') && Number.isInteger(v)))) ||
          (typeof v === 'boolean' && scalars.includes('boolean'));
        if (!ok) this.report(this.at(loc, 'enum', i), `${label}: enum value ${JSON.stringify(v)} does not fit type ${describeType(field.type)}`);
      }
    }
    if (field.pattern !== undefined) {
      if (!scalars.includes('string')) this.report(this.at(loc, 'pattern'), `${label}: "pattern" needs a string type`);
      const problem = patternProblem(field.pattern);
      if (problem) this.report(this.at(loc, 'pattern'), `${label}: ${problem}`);
    }
    if (field.format !== undefined && !scalars.includes('string')) this.report(this.at(loc, 'format'), `${label}: "format" needs a string type`);
    for (const bound of ['minimum', 'maximum'] as const) {
      if (field[bound] !== undefined && !scalars.some((s) => s === 'number' || s === 'integer')) {
        this.report(this.at(loc, bound), `${label}: "${bound}" needs a number type`);
      }
    }
    for (const bound of ['minimum', 'maximum'] as const) {
      const v = field[bound];
      if (v !== undefined && !Number.isFinite(v)) this.report(this.at(loc, bound), `${label}: "${bound}" must be a finite number`);
    }
    for (const [i, v] of (field.enum ?? []).entries()) {
      if (typeof v === 'number' && !Number.isFinite(v)) this.report(this.at(loc, 'enum', i), `${label}: enum value ${String(v)} is not a finite number`);
    }
    if (field.minimum !== undefined && field.maximum !== undefined && field.minimum > field.maximum) {
      this.report(this.at(loc, 'minimum'), `${label}: minimum ${field.minimum} is above maximum ${field.maximum}`);
    }
    if (raw.deprecated !== undefined && loc.path[0] !== 'events') {
      this.report(this.at(loc, 'deprecated'), `${label}: "deprecated" is for the fields of an event; deprecate the field where events carry it`);
    }
    if (raw.composed_of !== undefined && loc.path[0] !== 'fields') {
      this.report(this.at(loc, 'composed_of'), `${label}: "composed_of" is only for shared fields`);
    }
  }

  private label(loc: { path: readonly PathSegment[] }): string {
    const p = loc.path;
    if (p[0] === 'events') return `event ${String(p[1])}, field ${String(p[3])}`;
    return `${p[0] === 'fields' ? 'shared' : 'common'} field ${String(p[1])}`;
  }

  private eventModels(shared: ReadonlyMap<string, FieldModel>): Map<string, EventModel> {
    const models = new Map<string, EventModel>();
    const building = new Set<string>();
    const common = new Set(this.commonFields.keys());

    const buildOne = (name: string): EventModel | undefined => {
      const done = models.get(name);
      if (done) return done;
      const loc = this.events.get(name);
      if (!loc) return undefined;
      const raw = loc.raw;
      let inherited: readonly FieldModel[] = [];
      if (raw.extends !== undefined) {
        if (building.has(raw.extends) || raw.extends === name) {
          this.report(this.at(loc, 'extends'), `event ${name}: "extends" forms a cycle through ${raw.extends}`);
          return undefined;
        }
        if (!this.events.has(raw.extends)) {
          this.report(this.at(loc, 'extends'), `event ${name}: extends unknown event ${raw.extends}${hint(raw.extends, this.events.keys())}`);
          return undefined;
        }
        building.add(name);
        const base = buildOne(raw.extends);
        building.delete(name);
        if (!base) return undefined;
        inherited = base.fields;
      }
      const refused = new Set(this.refusedFields.get(raw.extends ?? '') ?? []);
      this.refusedFields.set(name, refused);
      if (raw.payload_documented === false && raw.payload && Object.keys(raw.payload).length > 0) {
        this.report(this.at(loc, 'payload_documented'), `event ${name}: payload_documented is false but a payload is given`);
      }
      const own: FieldModel[] = [];
      for (const [fieldName, rawField] of Object.entries(raw.payload ?? {})) {
        const fieldLoc = { file: loc.file, path: [...loc.path, 'payload', fieldName] };
        if (common.has(fieldName)) {
          this.report(this.at(fieldLoc), `event ${name}, field ${fieldName}: "${fieldName}" is a common field of every event; do not redeclare it`);
          refused.add(fieldName);
          continue;
        }
        const field = this.fieldModel(fieldName, rawField, fieldLoc, shared);
        if (field) {
          own.push(field);
          refused.delete(fieldName);
        } else {
          refused.add(fieldName);
        }
      }
      const fields = [...inherited.filter((f) => !own.some((o) => o.name === f.name)), ...own];
      // For inherited fields the override replaces in place, to keep the base order.
      const ordered = inherited.length
        ? [...inherited.map((f) => own.find((o) => o.name === f.name) ?? f), ...own.filter((o) => !inherited.some((f) => f.name === o.name))]
        : fields;
      this.checkAliases(name, ordered, loc, common);
      const dedup = this.dedup(name, raw, ordered, loc);
      const model: EventModel = {
        name,
        value: raw.value,
        topic: raw.topic,
        ...pick('stage', raw.stage),
        ...pick('crossProcess', raw.cross_process),
        spellings: raw.spellings ?? [],
        description: raw.description,
        category: loc.category,
        producers: raw.producers ?? [],
        consumers: raw.consumers ?? [],
        sources: raw.sources ?? [],
        dedup,
        payloadDocumented: raw.payload_documented ?? true,
        ...pick('extends', raw.extends),
        version: raw.version ?? 1,
        ...pick('deprecated', deprecationModel(raw.deprecated)),
        fields: ordered,
        location: this.at(loc),
      };
      models.set(name, model);
      return model;
    };

    for (const name of this.events.keys()) buildOne(name);
    return models;
  }

  private checkAliases(event: string, fields: readonly FieldModel[], loc: Located<RawEvent>, common: ReadonlySet<string>): void {
    const names = new Map(fields.map((f) => [f.name, f] as const));
    const aliasOwner = new Map<string, string>();
    for (const field of fields) {
      const at = this.at(loc, 'payload', field.name);
      for (const alias of field.aliases) {
        if (alias === field.name) {
          this.report(at, `event ${event}, field ${field.name}: alias "${alias}" is the field's own name`);
        } else if (names.has(alias)) {
          this.report(at, `event ${event}, field ${field.name}: alias "${alias}" collides with field "${alias}" of the same event`);
        } else if (common.has(alias)) {
          this.report(at, `event ${event}, field ${field.name}: alias "${alias}" collides with the common field "${alias}"`);
        } else if (aliasOwner.has(alias)) {
          this.report(at, `event ${event}, field ${field.name}: alias "${alias}" is also an alias of field "${aliasOwner.get(alias)}"`);
        } else {
          aliasOwner.set(alias, field.name);
        }
      }
    }
  }

  private dedup(event: string, raw: RawEvent, fields: readonly FieldModel[], loc: Located<RawEvent>): DedupModel {
    const d = raw.dedup;
    if (d === undefined || d === 'none') return { kind: 'none' };
    if (d === 'payload') return { kind: 'payload' };
    const reason = d.reason !== undefined ? { reason: d.reason } : {};
    if ('kind' in d) return { kind: d.kind, ...reason };
    const refused = this.refusedFields.get(event);
    for (const [i, f] of d.fields.entries()) {
      if (fields.some((x) => x.name === f) || refused?.has(f)) continue;
      this.report(this.at(loc, 'dedup', 'fields', i), `event ${event}: dedup field "${f}" is not a field of its payload${hint(f, fields.map((x) => x.name))}`);
    }
    return { kind: 'fields', fields: [...d.fields], ...reason };
  }

  /** What a deprecation names as its replacement must exist: an event, or a field of the same event. */
  private checkDeprecations(events: ReadonlyMap<string, EventModel>): void {
    for (const event of events.values()) {
      const loc = this.events.get(event.name)!;
      const instead = event.deprecated?.replacedBy;
      // A declared event that was refused (a bad `extends`) has its own error.
      if (instead !== undefined && (instead === event.name || !this.events.has(instead))) {
        const why = instead === event.name ? 'is the event itself' : `names no event of the catalog${hint(instead, this.events.keys())}`;
        this.report(this.at(loc, 'deprecated', 'replaced_by'), `event ${event.name}: deprecated.replaced_by ${instead} ${why}`);
      }
      const base = event.extends === undefined ? undefined : events.get(event.extends);
      for (const field of event.fields) {
        // An inherited field is checked (and reported) where it is declared.
        if (base?.fields.includes(field)) continue;
        const by = field.deprecated?.replacedBy;
        if (by === undefined || (by !== field.name && event.fields.some((f) => f.name === by)) || this.refusedFields.get(event.name)?.has(by)) continue;
        const why = by === field.name ? 'is the field itself' : `is not a field of ${event.name}${hint(by, event.fields.map((f) => f.name))}`;
        this.report(this.at(loc, 'payload', field.name, 'deprecated', 'replaced_by'), `event ${event.name}, field ${field.name}: deprecated.replaced_by "${by}" ${why}`);
      }
    }
  }

  private checkSpellings(events: ReadonlyMap<string, EventModel>): void {
    const owner = new Map<string, { event: string; kind: string }>();
    for (const event of [...events.values()].sort(byName)) {
      const loc = this.events.get(event.name)!;
      for (const { spelling, kind } of spellingsOf(event)) {
        const prior = owner.get(spelling);
        if (prior && prior.event !== event.name) {
          const key = kind === 'listed spelling' ? 'spellings' : kind === 'cross-process name' ? 'cross_process' : kind === 'stage enum name' ? 'stage' : kind;
          this.report(
            this.at(loc, ...(kind === 'name' ? [] : [key])),
            `event ${event.name}: its ${kind} "${spelling}" is already the ${prior.kind} of ${prior.event}; every spelling must name one event`,
          );
        } else if (!prior) {
          owner.set(spelling, { event: event.name, kind });
        }
      }
    }
  }

  private checkTypeNames(events: ReadonlyMap<string, EventModel>): void {
    const seen = new Map<string, string>();
    for (const name of [...events.keys()].sort(compareText)) {
      const ident = pascalCase(name);
      const prior = seen.get(ident);
      if (prior) this.report(this.at(this.events.get(name)!), `event ${name}: its type name ${ident} is also that of ${prior}`);
      seen.set(ident, name);
    }
  }

  private emitters(events: ReadonlyMap<string, EventModel>): EmitterModel[] {
    const result: EmitterModel[] = [];
    // Every event gets `emit<Name>`; a named emitter may share that name only if it emits that same event.
    const perEvent = new Map([...events.keys()].map((n) => [camelCase(`emit_${n.toLowerCase()}`), n] as const));
    const seen = new Map<string, Position>();
    for (const { file, raw } of this.files) {
      for (const [name, e] of Object.entries(raw.emitters ?? {})) {
        const loc = { file, path: ['emitters', name] as PathSegment[] };
        const at = this.at(loc);
        const fn = camelCase(name);
        const prior = seen.get(fn);
        if (prior) {
          this.report(at, `emitter ${name}: duplicate emitter (first at ${where(prior)})`);
          continue;
        }
        seen.set(fn, at);
        if (e.event !== undefined) {
          if (!events.has(e.event)) {
            if (!this.events.has(e.event)) this.report(this.at(loc, 'event'), `emitter ${name}: emits unknown event ${e.event}${hint(e.event, this.events.keys())}`);
            continue;
          }
          const clash = perEvent.get(fn);
          if (clash && clash !== e.event) this.report(at, `emitter ${name}: ${fn} is already the emitter of ${clash}`);
          result.push({ name, description: e.description, kind: 'event', event: e.event, location: at });
        } else if (e.select) {
          const cases: { value: string; event: string }[] = [];
          for (const [value, event] of Object.entries(e.select.cases)) {
            const target = events.get(event);
            if (!target) {
              if (!this.events.has(event)) {
                this.report(this.at(loc, 'select', 'cases', value), `emitter ${name}: case "${value}" emits unknown event ${event}${hint(event, this.events.keys())}`);
              }
              continue;
            }
            const arg = target.fields.find((f) => f.name === e.select!.argument);
            if (arg && (arg.type.kind !== 'scalar' || !arg.type.types.includes('string'))) {
              this.report(this.at(loc, 'select', 'argument'), `emitter ${name}: argument "${arg.name}" is a ${describeType(arg.type)} field of ${event}, not a string`);
            } else if (arg?.enum && !arg.enum.includes(value)) {
              this.report(this.at(loc, 'select', 'cases', value), `emitter ${name}: case "${value}" is not allowed by ${event}.${arg.name} (${arg.enum.join(', ')})`);
            }
            cases.push({ value, event });
          }
          if (e.select.default !== undefined && !Object.hasOwn(e.select.cases, e.select.default)) {
            this.report(this.at(loc, 'select', 'default'), `emitter ${name}: default "${e.select.default}" is not one of its cases`);
          }
          // A selecting emitter may take over the per-event emitter of one of its own cases
          // (emitSelfplayComplete with the default case is the SELFPLAY_COMPLETE emitter).
          const clash = perEvent.get(fn);
          if (clash && !cases.some((c) => c.event === clash)) this.report(at, `emitter ${name}: ${fn} is already the emitter of ${clash}`);
          result.push({
            name,
            description: e.description,
            kind: 'select',
            argument: e.select.argument,
            ...pick('default', e.select.default),
            cases: cases.sort((a, b) => compareText(a.value, b.value)),
            location: at,
          });
        }
      }
    }
    return result.sort(byName);
  }

  private extractors(events: ReadonlyMap<string, EventModel>): ExtractorModel[] {
    const result: ExtractorModel[] = [];
    const seen = new Set<string>();
    for (const { file, raw } of this.files) {
      for (const [name, x] of Object.entries(raw.extractors ?? {})) {
        const at = file.locate(['extractors', name, 'event']);
        if (seen.has(name)) this.report(at, `extractor ${name}: duplicate extractor`);
        seen.add(name);
        if (!events.has(x.event)) {
          if (!this.events.has(x.event)) this.report(at, `extractor ${name}: unknown event ${x.event}${hint(x.event, this.events.keys())}`);
        } else result.push({ name, event: x.event, description: x.description });
      }
    }
    return result.sort(byName);
  }

  private flows(events: ReadonlyMap<string, EventModel>): FlowModel[] {
    const result: FlowModel[] = [];
    const seen = new Map<string, Position>();
    for (const { file, raw } of this.files) {
      for (const [name, flow] of Object.entries(raw.flows ?? {})) {
        const at = file.locate(['flows', name]);
        const prior = seen.get(name);
        if (prior) {
          this.report(at, `flow ${name}: duplicate flow (first at ${where(prior)})`);
          continue;
        }
        seen.set(name, at);
        for (const [i, event] of flow.events.entries()) {
          if (!this.events.has(event)) this.report(file.locate(['flows', name, 'events', i]), `flow ${name}: unknown event ${event}${hint(event, this.events.keys())}`);
        }
        result.push({ name, title: flow.title, description: flow.description, events: [...flow.events] });
      }
    }
    return result;
  }

  /**
   * The functions and types the generated code declares for composed fields
   * and extractors must not collide with each other or with the generated API
   * (`extract_config_key` as an extractor would redeclare the config key helper).
   */
  private checkGeneratedNames(shared: ReadonlyMap<string, FieldModel>, configKeys: readonly ConfigKeyModel[], extractors: readonly ExtractorModel[]): void {
    const owner = new Map<string, string>();
    const claim = (name: string, what: string, at: Position): void => {
      const prior = owner.get(name) ?? (RESERVED_TYPE_NAMES.has(name) || RESERVED_FUNCTION_NAMES.has(name) ? 'the generated API' : undefined);
      if (prior) this.report(at, `${what}: its generated name ${name} is already taken by ${prior}; rename it`);
      else owner.set(name, what);
    };
    // Reserved names for these are reported by checkSharedTypeNames.
    for (const [name, field] of shared) {
      if (!field.enum || configKeys.some((c) => c.field === name)) continue;
      const prior = owner.get(pascalCase(name));
      if (prior) this.report(this.at(this.sharedFields.get(name)!), `shared field ${name}: its type name ${pascalCase(name)} is also that of ${prior}; rename one`);
      else owner.set(pascalCase(name), `shared field ${name}`);
    }
    if (shared.has('model_path')) owner.set('extractModelPath', 'the model_path helper');
    for (const c of configKeys) {
      const T = pascalCase(c.field);
      const at = this.at(this.sharedFields.get(c.field)!, 'composed_of');
      for (const n of [T, `${T}Error`, `is${T}`, `tryParse${T}`, `parse${T}`, `make${T}`, `extract${T}`, `${c.field.toUpperCase()}_PATTERN`]) claim(n, `shared field ${c.field}`, at);
      for (const p of c.parts) {
        if ('field' in p && !owner.has(pascalCase(p.field))) claim(pascalCase(p.field), `shared field ${p.field}`, at);
      }
    }
    for (const x of extractors) {
      const file = this.files.find((f) => f.raw.extractors && Object.hasOwn(f.raw.extractors, x.name))!;
      claim(camelCase(x.name), `extractor ${x.name}`, file.file.locate(['extractors', x.name]));
    }
  }

  private configKeys(shared: ReadonlyMap<string, FieldModel>): ConfigKeyModel[] {
    const result: ConfigKeyModel[] = [];
    for (const [name, loc] of this.sharedFields) {
      const template = loc.raw.composed_of;
      if (template === undefined) continue;
      const at = this.at(loc, 'composed_of');
      const field = shared.get(name);
      if (!field || field.type.kind !== 'scalar' || field.type.types.join() !== 'string') {
        this.report(at, `shared field ${name}: "composed_of" needs type string`);
        continue;
      }
      if (field.pattern !== undefined) this.report(this.at(loc, 'pattern'), `shared field ${name}: "composed_of" defines the pattern; remove "pattern"`);
      const parts: ConfigKeyModel['parts'][number][] = [];
      let ok = true;
      for (const piece of template.split(/(\{[a-z0-9_]+\})/)) {
        if (piece === '') continue;
        const m = /^\{([a-z0-9_]+)\}$/.exec(piece);
        if (!m) {
          if (/[{}]/.test(piece)) {
            this.report(at, `shared field ${name}: malformed template "${template}"`);
            ok = false;
          }
          parts.push({ literal: piece });
          continue;
        }
        const part = shared.get(m[1]!);
        if (!part || !part.enum) {
          // A declared shared field that was refused has its own error.
          if (part || !this.sharedFields.has(m[1]!)) {
            const withEnum = [...shared.values()].filter((f) => f.enum).map((f) => f.name);
            this.report(at, `shared field ${name}: template part {${m[1]}} must name a shared field with an enum${part ? '' : hint(m[1]!, withEnum)}`);
          }
          ok = false;
          continue;
        }
        if (parts.some((p) => 'field' in p && p.field === part.name)) {
          this.report(at, `shared field ${name}: template part {${part.name}} appears twice`);
          ok = false;
        }
        if (part.enum.some((v) => typeof v === 'boolean')) {
          this.report(at, `shared field ${name}: template part {${part.name}} has boolean values; a key is made of strings and numbers`);
          ok = false;
        }
        const spelled = part.enum.map(String);
        if (new Set(spelled).size !== spelled.length) {
          this.report(at, `shared field ${name}: template part {${part.name}} has values that are spelled alike (${spelled.join(', ')})`);
          ok = false;
        }
        parts.push({ field: part.name, values: part.enum.filter((v): v is string | number => typeof v !== 'boolean') });
      }
      if (ok && !parts.some((p) => 'field' in p)) {
        this.report(at, `shared field ${name}: "composed_of" needs at least one {part} naming a shared field with an enum`);
        ok = false;
      }
      if (ok) result.push({ field: name, template, parts });
    }
    return result.sort((a, b) => compareText(a.field, b.field));
  }
}

/**
 * Why a string pattern is refused, if it is: it must compile as a Unicode
 * regular expression, and redos-detector must prove it cannot backtrack
 * catastrophically (one validation of a crafted string could otherwise block
 * the event loop for seconds). A pattern too complex to prove safe is refused
 * too: rewrite it without nested or overlapping repetition.
 */
export function patternProblem(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (e) {
    return `invalid pattern: ${(e as Error).message}`;
  }
  // ajv searches with the pattern as written; a caller may anchor it, so both forms must be safe.
  let verdict = isSafe(re, { maxSteps: 2000 });
  if (verdict.safe) verdict = isSafe(new RegExp(`^(?:${pattern})$`, 'u'), { maxSteps: 2000 });
  if (verdict.safe) return undefined;
  return verdict.error === 'hitMaxSteps'
    ? `pattern ${JSON.stringify(pattern)} is too complex to prove free of catastrophic backtracking; simplify it (no nested or overlapping repetition)`
    : `pattern ${JSON.stringify(pattern)} can backtrack catastrophically (one validation of a crafted string could block the process); rewrite it without nested or overlapping repetition, e.g. "(a+)+" as "a+"`;
}

/** Type names the generated code declares itself. */
const RESERVED_TYPE_NAMES = new Set([
  'CommonFields', 'EventName', 'EventPayloadMap', 'PayloadOf', 'DataEventType', 'StageEvent', 'CrossProcessEventType',
  'EventTopic', 'EventCategory', 'EmitOptions', 'EventMetadata', 'PayloadIssue', 'PayloadValidation', 'PayloadValidationError',
  'Validator', 'ValidatorError', 'Router', 'RouterOptions', 'PublishResult', 'NormalizeResult', 'EventRegistry', 'EventDefinition',
  'DedupPolicy', 'Error', 'Record', 'Promise', 'Object', 'String', 'Number', 'Boolean', 'Array', 'Map', 'Set',
  'EventSpelling', 'SpellingMap', 'EventCatalogTypes', 'CatalogRouter', 'TypedRouter', 'CompiledValidator', 'ValidationResult',
  'NormalizeResult', 'RegExp', 'Readonly', 'Omit', 'Partial', 'Date', 'Symbol', 'BigInt', 'Function', 'Exclude', 'Extract',
]);

/** Functions and constants of the generated API that catalog-derived names must not take. */
const RESERVED_FUNCTION_NAMES = new Set([
  'normalizePayload', 'normalizeEventPayload', 'renameAliases', 'validatePayload', 'assertPayload', 'resolveEvent', 'getRouter',
  'publishEvent', 'ownValue', 'FIELD_ALIASES', 'SHARED_FIELD_ALIASES', 'SPELLING_TO_EVENT', 'EVENT_METADATA', 'REGISTRY', 'VALIDATORS',
  'EVENT_NAMES', 'CATEGORIES', 'SCHEMA_IDS', 'getDataEventType', 'getStageEventType', 'getCrossProcessEventType',
  'getDataEventTypeFromCrossProcess', 'getCrossProcessEventTypeForStage',
]);

// ---------------------------------------------------------------- small helpers

function deprecationModel(raw: RawDeprecation | undefined): DeprecationModel | undefined {
  return raw === undefined ? undefined : { reason: raw.reason, ...pick('replacedBy', raw.replaced_by) };
}

function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function describeType(t: FieldType): string {
  switch (t.kind) {
    case 'scalar':
      return t.types.join(' | ');
    case 'array':
      return `array of ${t.items}`;
    case 'map':
      return `map of ${t.values}`;
    default:
      return t.kind;
  }
}

/** ` (did you mean "x"?)` when one of `known` is close to `name`, else nothing. */
function hint(name: string, known: Iterable<string>): string {
  const best = didYouMean(name, [...known]);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function where(p: Position): string {
  return `${p.file}:${p.line}:${p.col}`;
}


function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col || compareText(a.message, b.message));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
