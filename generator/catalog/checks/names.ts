/**
 * Names must not collide: every spelling names one event, every generated type
 * and function name is declared once and does not shadow the generated API,
 * and an alias names one field.
 */
import { compareText } from '../../order.js';
import { spellingsOf, type ConfigKeyModel, type EventModel, type ExtractorModel, type FieldModel } from '../model.js';
import { camelCase, pascalCase } from '../naming.js';
import type { Located, RawEvent } from '../raw.js';
import type { Position } from '../source.js';
import type { CheckContext } from './context.js';

/** Type names the generated code declares itself. */
const RESERVED_TYPE_NAMES = new Set([
  'CommonFields', 'EventName', 'EventPayloadMap', 'PayloadOf', 'DataEventType', 'StageEvent', 'CrossProcessEventType',
  'EventTopic', 'EventCategory', 'EmitOptions', 'EventMetadata', 'PayloadIssue', 'PayloadValidation', 'PayloadValidationError', 'EventValidationError',
  'Validator', 'ValidatorError', 'Router', 'RouterOptions', 'PublishResult', 'NormalizeResult', 'EventRegistry', 'EventDefinition',
  'DedupPolicy', 'Error', 'Record', 'Promise', 'Object', 'String', 'Number', 'Boolean', 'Array', 'Map', 'Set',
  'EventSpelling', 'SpellingMap', 'EventCatalogTypes', 'CatalogRouter', 'TypedRouter', 'CompiledValidator', 'ValidationResult',
  'NormalizeResult', 'RegExp', 'Readonly', 'Omit', 'Partial', 'Date', 'Symbol', 'BigInt', 'Function', 'Exclude', 'Extract',
  'HandlerBase', 'RuntimeHandlerBase', 'CatalogNames', 'ExtractOptions', 'UnknownEventError',
]);

/** Functions and constants of the generated API that catalog-derived names must not take. */
const RESERVED_FUNCTION_NAMES = new Set([
  'normalizePayload', 'normalizeEventPayload', 'renameAliases', 'validatePayload', 'assertPayload', 'resolveEvent', 'getRouter',
  'publishEvent', 'ownValue', 'FIELD_ALIASES', 'SHARED_FIELD_ALIASES', 'SPELLING_TO_EVENT', 'EVENT_METADATA', 'REGISTRY', 'VALIDATORS',
  'EVENT_NAMES', 'CATEGORIES', 'SCHEMA_IDS', 'getDataEventType', 'getStageEventType', 'getCrossProcessEventType',
  'getDataEventTypeFromCrossProcess', 'getCrossProcessEventTypeForStage',
]);

/** A shared field with an enum or a grammar becomes a type (`board_type` → BoardType): it must not shadow a generated name. */
export function checkSharedTypeNames(ctx: CheckContext, shared: ReadonlyMap<string, FieldModel>): void {
  for (const [name, field] of shared) {
    const loc = ctx.sharedFields.get(name)!;
    if (!field.enum && loc.raw.composed_of === undefined) continue;
    const typeName = pascalCase(name);
    if (RESERVED_TYPE_NAMES.has(typeName) || typeName.endsWith('Payload') || typeName.endsWith('Args')) {
      ctx.report(ctx.at(loc), `shared field ${name}: its type name ${typeName} is reserved by the generated code; rename the field`);
    }
  }
}

export function checkAliases(ctx: CheckContext, event: string, fields: readonly FieldModel[], loc: Located<RawEvent>, common: ReadonlySet<string>): void {
  const names = new Map(fields.map((f) => [f.name, f] as const));
  const aliasOwner = new Map<string, string>();
  for (const field of fields) {
    const at = ctx.at(loc, 'payload', field.name);
    for (const alias of field.aliases) {
      if (alias === field.name) {
        ctx.report(at, `event ${event}, field ${field.name}: alias "${alias}" is the field's own name`);
      } else if (names.has(alias)) {
        ctx.report(at, `event ${event}, field ${field.name}: alias "${alias}" collides with field "${alias}" of the same event`);
      } else if (common.has(alias)) {
        ctx.report(at, `event ${event}, field ${field.name}: alias "${alias}" collides with the common field "${alias}"`);
      } else if (aliasOwner.has(alias)) {
        ctx.report(at, `event ${event}, field ${field.name}: alias "${alias}" is also an alias of field "${aliasOwner.get(alias)}"`);
      } else {
        aliasOwner.set(alias, field.name);
      }
    }
  }
}

export function checkSpellings(ctx: CheckContext, events: ReadonlyMap<string, EventModel>): void {
  const owner = new Map<string, { event: string; kind: string }>();
  for (const event of [...events.values()].sort((a, b) => compareText(a.name, b.name))) {
    const loc = ctx.events.get(event.name)!;
    for (const { spelling, kind } of spellingsOf(event)) {
      const prior = owner.get(spelling);
      if (prior && prior.event !== event.name) {
        const key = kind === 'listed spelling' ? 'spellings' : kind === 'cross-process name' ? 'cross_process' : kind === 'stage enum name' ? 'stage' : kind;
        ctx.report(
          ctx.at(loc, ...(kind === 'name' ? [] : [key])),
          `event ${event.name}: its ${kind} "${spelling}" is already the ${prior.kind} of ${prior.event}; every spelling must name one event`,
        );
      } else if (!prior) {
        owner.set(spelling, { event: event.name, kind });
      }
    }
  }
}

export function checkTypeNames(ctx: CheckContext, events: ReadonlyMap<string, EventModel>): void {
  const seen = new Map<string, string>();
  for (const name of [...events.keys()].sort(compareText)) {
    const ident = pascalCase(name);
    const prior = seen.get(ident);
    if (prior) ctx.report(ctx.at(ctx.events.get(name)!), `event ${name}: its type name ${ident} is also that of ${prior}`);
    seen.set(ident, name);
  }
}

/**
 * The functions and types the generated code declares for composed fields
 * and extractors must not collide with each other or with the generated API
 * (`extract_config_key` as an extractor would redeclare the config key helper).
 */
export function checkGeneratedNames(ctx: CheckContext, shared: ReadonlyMap<string, FieldModel>, configKeys: readonly ConfigKeyModel[], extractors: readonly ExtractorModel[]): void {
  const owner = new Map<string, string>();
  const claim = (name: string, what: string, at: Position): void => {
    const prior = owner.get(name) ?? (RESERVED_TYPE_NAMES.has(name) || RESERVED_FUNCTION_NAMES.has(name) ? 'the generated API' : undefined);
    if (prior) ctx.report(at, `${what}: its generated name ${name} is already taken by ${prior}; rename it`);
    else owner.set(name, what);
  };
  // Reserved names for these are reported by checkSharedTypeNames.
  for (const [name, field] of shared) {
    if (!field.enum || configKeys.some((c) => c.field === name)) continue;
    const prior = owner.get(pascalCase(name));
    if (prior) ctx.report(ctx.at(ctx.sharedFields.get(name)!), `shared field ${name}: its type name ${pascalCase(name)} is also that of ${prior}; rename one`);
    else owner.set(pascalCase(name), `shared field ${name}`);
  }
  if (shared.has('model_path')) owner.set('extractModelPath', 'the model_path helper');
  for (const c of configKeys) {
    const T = pascalCase(c.field);
    const at = ctx.at(ctx.sharedFields.get(c.field)!, 'composed_of');
    for (const n of [T, `${T}Error`, `is${T}`, `tryParse${T}`, `parse${T}`, `make${T}`, `extract${T}`, `${c.field.toUpperCase()}_PATTERN`]) claim(n, `shared field ${c.field}`, at);
    for (const p of c.parts) {
      if ('field' in p && !owner.has(pascalCase(p.field))) claim(pascalCase(p.field), `shared field ${p.field}`, at);
    }
  }
  for (const x of extractors) {
    const file = ctx.files.find((f) => f.raw.extractors && Object.hasOwn(f.raw.extractors, x.name))!;
    claim(camelCase(x.name), `extractor ${x.name}`, file.file.locate(['extractors', x.name]));
  }
}
