/**
 * The contract between generated code and the runtime.
 *
 * The runtime never imports the generator or the generated code: the generated
 * `registry.ts` builds an `EventRegistry` from the catalog and hands it to the
 * router. Everything the runtime knows about events (spellings, validators,
 * alias normalizers, dedup policy, cross-process flag) comes through here.
 */

import type { CatalogNames } from './catalog-names.js';
import { UsageError } from './errors.js';

export { DEFAULT_CATALOG_NAMES, catalogNamesOf, defaultSource, envName, type CatalogNames } from './catalog-names.js';

/** One problem with a payload, naming the field (a JSON pointer-ish path, `""` for the whole payload). */
export interface PayloadIssue {
  readonly field: string;
  readonly message: string;
}

export type ValidationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly issues: readonly PayloadIssue[] };

/** A field that arrived under an alias and was renamed to its canonical name. */
export interface AliasRename {
  readonly from: string;
  readonly to: string;
}

export interface NormalizeResult {
  /** A new object; the input is never mutated. */
  readonly payload: Record<string, unknown>;
  readonly renamed: readonly AliasRename[];
  /** Alias and canonical name both present with different values: the canonical one is kept. */
  readonly conflicts: readonly AliasRename[];
}

/**
 * Whether, and on what, the router drops a repeat of an event inside its TTL.
 * `none`: never (two HOST_OFFLINE are two events). `payload`: the whole payload
 * minus the common fields. `fields`: only the listed payload fields.
 */
export type DedupPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'payload' }
  | { readonly kind: 'fields'; readonly fields: readonly string[] };

export interface EventDefinition {
  /** Canonical name, e.g. `TRAINING_COMPLETED`. */
  readonly name: string;
  /** DataEventType value, e.g. `training_completed`. */
  readonly value: string;
  /** `domain.action`, e.g. `training.completed`. */
  readonly topic: string;
  readonly stage?: string;
  /** Set only for events that cross process boundaries. */
  readonly crossProcess?: string;
  readonly category: string;
  /** The `$id` of the payload's JSON Schema: the CloudEvents `dataschema` of its envelopes. */
  readonly dataschema?: string;
  /** The payload's version in this catalog (absent: 1); envelopes carry it as `dataversion`. */
  readonly version?: number;
  readonly dedup: DedupPolicy;
  /** Names of the payload fields the catalog declares required. */
  readonly requiredFields: readonly string[];
  /** Validates a payload whose aliases are already normalized. */
  validate(payload: unknown): ValidationResult;
  /** Renames aliased fields to their canonical names. */
  normalize(payload: Readonly<Record<string, unknown>>): NormalizeResult;
}

export interface EventRegistry {
  /** Every event, keyed by canonical name. */
  readonly events: ReadonlyMap<string, EventDefinition>;
  /** Any spelling (name, value, topic, stage, cross-process name, listed spelling) → its event. */
  resolve(spelling: string): EventDefinition | undefined;
  /** Names of the fields every payload may carry (timestamp, source, trace_id). */
  readonly commonFields: readonly string[];
  /** The names derived from the catalog's `name` (source, environment, NATS stream); absent: RingRift's (DEFAULT_CATALOG_NAMES). */
  readonly names?: CatalogNames;
}

/** Builds a registry from definitions and a spelling table (used by the generated code and by tests). */
export function createRegistry(
  definitions: readonly EventDefinition[],
  spellings: Readonly<Record<string, string>>,
  commonFields: readonly string[] = ['timestamp', 'source', 'trace_id'],
  names?: CatalogNames,
): EventRegistry {
  const events = new Map(definitions.map((d) => [d.name, d] as const));
  const table = new Map<string, EventDefinition>();
  for (const [spelling, name] of Object.entries(spellings)) {
    const def = events.get(name);
    if (!def) throw new UsageError(`spelling ${JSON.stringify(spelling)} names unknown event ${name}`);
    table.set(spelling, def);
  }
  for (const def of definitions) table.set(def.name, def);
  return {
    events,
    commonFields,
    ...(names === undefined ? {} : { names }),
    resolve: (spelling) => table.get(spelling),
  };
}

/**
 * Renames aliased fields to their canonical names, returning a new object.
 * When both an alias and its canonical name are present, the canonical value
 * wins and the pair is reported as a conflict rather than silently merged.
 */
export function renameAliases(
  aliases: Readonly<Record<string, string>>,
  payload: Readonly<Record<string, unknown>>,
): NormalizeResult {
  const out: Record<string, unknown> = {};
  const renamed: AliasRename[] = [];
  const conflicts: AliasRename[] = [];
  for (const [k, v] of Object.entries(payload)) {
    const canonical = Object.hasOwn(aliases, k) ? aliases[k] : undefined;
    if (canonical === undefined) {
      setOwn(out, k, v);
    } else if (Object.hasOwn(payload, canonical)) {
      if (!sameJson(payload[canonical], v)) conflicts.push({ from: k, to: canonical });
    } else if (Object.hasOwn(out, canonical)) {
      // Two aliases of one field: the first one seen wins, the other is a conflict unless equal.
      if (!sameJson(out[canonical], v)) conflicts.push({ from: k, to: canonical });
    } else {
      setOwn(out, canonical, v);
      renamed.push({ from: k, to: canonical });
    }
  }
  return { payload: out, renamed, conflicts };
}

/**
 * `target[key] = value` as an own data property, whatever the key: assigning
 * `__proto__` (an own key of anything JSON.parse made) would call the
 * prototype setter, so the fields behind it would look present to validation
 * and to handlers without being the object's own.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** `map[key]` for the map's own keys only: `constructor` or `__proto__` never resolve to a prototype's member. */
export function ownValue<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * The payload of an event object, whatever its shape: a CloudEvents envelope
 * (`data`), a router event (`payload`), a bus event or stage result
 * (`metadata`), nested (an envelope carrying a router event), or the payload
 * itself. An object is a wrapper when it has one of those keys holding an
 * object and either names an event (`type`, `event_type`, `topic`, `stage`,
 * `specversion`) or has nothing else but envelope attributes; so a payload
 * with a field of its own called `metadata` stays a payload. Fields a wrapper
 * carries beside it (a stage result's `board_type`) are kept under the inner
 * ones; envelope attributes are not. A non-object gives an empty payload.
 */
export function normalizeEventPayload(event: unknown): Record<string, unknown> {
  if (!isRecord(event)) return {};
  let current: Record<string, unknown> = event;
  let outer: Record<string, unknown> = {};
  for (let depth = 0; depth < 4; depth++) {
    const key = WRAPPER_KEYS.find((k) => Object.hasOwn(current, k) && isRecord(current[k]));
    if (key === undefined) break;
    const others = Object.keys(current).filter((k) => k !== key);
    const namesEvent = others.some((k) => EVENT_MARKERS.has(k));
    if (!namesEvent && !others.every((k) => ENVELOPE_ATTRIBUTES.has(k))) break;
    for (const k of others) if (!ENVELOPE_ATTRIBUTES.has(k) && !Object.hasOwn(outer, k)) outer = { ...outer, [k]: current[k] };
    current = current[key] as Record<string, unknown>;
  }
  return current === event || Object.keys(outer).length === 0 ? current : { ...outer, ...current };
}

const WRAPPER_KEYS = ['data', 'payload', 'metadata'] as const;
/** Keys only an event object has, never a payload. */
const EVENT_MARKERS: ReadonlySet<string> = new Set(['type', 'event_type', 'topic', 'stage', 'specversion']);
/** Attributes of the envelope, not of the payload (CloudEvents, the original's DataEvent and bus Event). */
const ENVELOPE_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...EVENT_MARKERS,
  ...WRAPPER_KEYS,
  'id',
  'event_id',
  'time',
  'datacontenttype',
  'dataschema',
  'dataversion',
  'subject',
  'traceparent',
  'tracestate',
  'source',
  'timestamp',
  'correlation_id',
]);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
