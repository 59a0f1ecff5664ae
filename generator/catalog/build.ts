/**
 * Sources → validated, resolved, frozen model, or every problem found.
 *
 * Three passes, each only when the previous one is clean for that file:
 * YAML syntax (source.ts), the format's JSON Schema (ajv-errors.ts), then
 * building the model over the whole catalog, which resolves refs, `extends`
 * and templates and runs the checks of checks/ on what it built. Problems are
 * collected, not thrown, so one run reports them all.
 */
import { byName, compareText } from '../order.js';
import { schemaProblems } from './ajv-errors.js';
import { checkConstraints } from './checks/fields.js';
import { buildConfigKeys } from './config-keys.js';
import { buildEmitters, buildExtractors, buildFlows } from './emitters.js';
import { checkAliases, checkGeneratedNames, checkSharedTypeNames, checkSpellings, checkTypeNames } from './checks/names.js';
import { checkDedupFields, checkDeprecations } from './checks/references.js';
import { fieldLabel, type CheckContext } from './checks/context.js';
import {
  pick,
  type CatalogModel,
  type CategoryModel,
  type DedupModel,
  type DeprecationModel,
  type ElementType,
  type EventModel,
  type FieldModel,
  type FieldType,
  type ScalarType,
} from './model.js';
import { hint, sortProblems, where } from './problems.js';
import type { Located, RawDeprecation, RawEvent, RawField, RawFile } from './raw.js';
import { parseSource, type ParsedFile, type PathSegment, type Position, type Problem, type SourceFile } from './source.js';

// Kept where they were first exported from.
export { patternProblem } from './checks/fields.js';
export { describeType } from './model.js';

/** Where generated code finds the runtime when the catalog does not say: the installed package. */
export const DEFAULT_RUNTIME_IMPORT = 'ringrift-events/runtime';

export type BuildResult = { ok: true; model: CatalogModel } | { ok: false; problems: Problem[] };

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
    const invalid = schemaProblems(parsed.file);
    if (invalid.length > 0) {
      problems.push(...invalid);
      continue;
    }
    files.push({ file: parsed.file, raw: parsed.file.data as RawFile });
  }
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const builder = new ModelBuilder(files);
  const model = builder.build();
  if (builder.problems.length > 0 || !model) return { ok: false, problems: sortProblems(builder.problems) };
  return { ok: true, model: deepFreeze(model) };
}

// ---------------------------------------------------------------- the model, and the checks that need it

class ModelBuilder implements CheckContext {
  readonly problems: Problem[] = [];
  readonly sharedFields = new Map<string, Located<RawField>>();
  private readonly commonFields = new Map<string, Located<RawField>>();
  readonly events = new Map<string, Located<RawEvent> & { category: string }>();
  /** See CheckContext.refusedFields. */
  readonly refusedFields = new Map<string, Set<string>>();

  constructor(readonly files: readonly { file: ParsedFile; raw: RawFile }[]) {}

  report(at: Position, message: string): void {
    this.problems.push({ ...at, message });
  }

  at(loc: { file: ParsedFile; path: readonly PathSegment[] }, ...more: PathSegment[]): Position {
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
    checkSharedTypeNames(this, sharedModels);
    const events = this.eventModels(sharedModels);
    checkDeprecations(this, events);
    checkSpellings(this, events);
    checkTypeNames(this, events);
    const emitters = buildEmitters(this, events);
    const extractors = buildExtractors(this, events);
    const configKeys = buildConfigKeys(this, sharedModels);
    checkGeneratedNames(this, sharedModels, configKeys, extractors);
    if (events.size === 0 && this.problems.length === 0) this.report(this.files[0]!.file.locate([]), 'the catalog has no events');
    const flows = buildFlows(this, events);
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
          this.report(this.at(loc, 'ref'), `${fieldLabel(loc)}: ref "${raw.ref}" names no shared field${hint(raw.ref, this.sharedFields.keys())}`);
        }
        return undefined;
      }
      if (raw.type !== undefined) this.report(this.at(loc, 'type'), `${fieldLabel(loc)}: a ref takes its type from the shared field; remove "type"`);
    }
    const type = base?.type ?? this.fieldType(raw);
    if (!type) return undefined;
    if (!base && (raw.items !== undefined) !== (type.kind === 'array')) {
      this.report(this.at(loc, raw.items !== undefined ? 'items' : 'type'), `${fieldLabel(loc)}: "items" goes with type array, and array needs "items"`);
    }
    if (!base && (raw.values !== undefined) !== (type.kind === 'map')) {
      this.report(this.at(loc, raw.values !== undefined ? 'values' : 'type'), `${fieldLabel(loc)}: "values" goes with type map, and map needs "values"`);
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
    if (!field.description) this.report(this.at(loc), `${fieldLabel(loc)}: missing "description"`);
    checkConstraints(this, field, raw, loc);
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
      // The base's fields first, in the base's order, an own field of the same name replacing it in place; then the new ones.
      const ordered = [...inherited.map((f) => own.find((o) => o.name === f.name) ?? f), ...own.filter((o) => !inherited.some((f) => f.name === o.name))];
      checkAliases(this, name, ordered, loc, common);
      checkDedupFields(this, name, raw, ordered, loc);
      const dedup = this.dedup(raw);
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

  private dedup(raw: RawEvent): DedupModel {
    const d = raw.dedup;
    if (d === undefined || d === 'none') return { kind: 'none' };
    if (d === 'payload') return { kind: 'payload' };
    const reason = d.reason !== undefined ? { reason: d.reason } : {};
    if ('kind' in d) return { kind: d.kind, ...reason };
    return { kind: 'fields', fields: [...d.fields], ...reason };
  }
}

// ---------------------------------------------------------------- small helpers

function deprecationModel(raw: RawDeprecation | undefined): DeprecationModel | undefined {
  return raw === undefined ? undefined : { reason: raw.reason, ...pick('replacedBy', raw.replaced_by) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
