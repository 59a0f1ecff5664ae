/**
 * Payload preparation, the one pipeline of the router (publish and inbound
 * events) and of the SQLite queue's `send`: alias normalization (design
 * rule 1: one canonical name per field), the common fields (timestamp,
 * source, trace_id), validation against the catalog. Strict rejects with
 * EventValidationError; lenient renames, logs and goes on.
 */
import { EventValidationError } from './errors.js';
import { aliasConflictIssues } from './extract.js';
import type { Logger } from './logger.js';
import type { EventDefinition, NormalizeResult, PayloadIssue } from './registry.js';
import { traceIdOf } from './trace.js';

export type ValidationMode = 'strict' | 'lenient';

/** Who prepares payloads, and how: the mode, where lenient warnings go, under which prefix. */
export interface PayloadContext {
  readonly mode: ValidationMode;
  readonly logger: Pick<Logger, 'warn'>;
  /** The log prefix of the component (`EventRouter`, `CrossProcessEventQueue`). */
  readonly label: string;
  /** Called for each payload refused (strict) or found invalid (either mode); the router counts them. */
  readonly onInvalid?: () => void;
}

/** The common fields of an outbound event: its time, source and (when traced) traceparent. */
export interface CommonFields {
  readonly time: string;
  readonly source: string;
  readonly traceparent?: string | undefined;
}

/** Throws EventValidationError unless `payload` is a plain object (not null, not an array). */
export function requirePayloadObject(event: string, payload: unknown): asserts payload is Readonly<Record<string, unknown>> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new EventValidationError(event, [{ field: '', message: 'payload must be an object' }]);
  }
}

/**
 * A payload to publish: normalized, common fields filled (`timestamp` unless
 * given, `source` always, `trace_id` from the traceparent unless given),
 * validated. Without a definition (a queue opened without the catalog): a
 * copy with the common fields. Returns a new object (the caller's payload is
 * never mutated).
 */
export function preparePayload(def: EventDefinition | undefined, payload: Readonly<Record<string, unknown>>, common: CommonFields, ctx: PayloadContext): Record<string, unknown> {
  if (def === undefined) {
    requirePayloadObject('event', payload);
    return withCommonFields({ ...payload }, common);
  }
  requirePayloadObject(def.name, payload);
  const data = withCommonFields(normalizedCopy(def, payload, ctx, ctx.mode === 'strict'), common);
  validatePayload(def, data, ctx);
  return data;
}

function withCommonFields(data: Record<string, unknown>, common: CommonFields): Record<string, unknown> {
  if (data.timestamp === undefined) data.timestamp = common.time;
  data.source = common.source;
  if (common.traceparent !== undefined && data.trace_id === undefined) data.trace_id = traceIdOf(common.traceparent);
  return data;
}

/**
 * The payload of an event from another process: aliases always normalized (a
 * remote producer cannot be corrected from here, so they only warn), common
 * fields filled where missing (the producer's are kept), validated.
 */
export function prepareInboundPayload(def: EventDefinition, payload: Readonly<Record<string, unknown>>, common: CommonFields, ctx: PayloadContext): Record<string, unknown> {
  const data = normalizedCopy(def, payload, ctx, false);
  data.timestamp ??= common.time;
  data.source ??= common.source;
  if (common.traceparent !== undefined) data.trace_id ??= traceIdOf(common.traceparent);
  validatePayload(def, data, ctx);
  return data;
}

/** The payload with its aliases renamed, as a new object; aliases used are refused (`reject`) or logged. */
function normalizedCopy(def: EventDefinition, payload: Readonly<Record<string, unknown>>, ctx: PayloadContext, reject: boolean): Record<string, unknown> {
  const normalized = normalizePayload(def, payload);
  if (normalized.renamed.length > 0 || normalized.conflicts.length > 0) reportAliases(def, payload, normalized, ctx, reject);
  return normalized.payload === payload ? { ...payload } : (normalized.payload as Record<string, unknown>);
}

/** Aliases were used: strict throws (both values named when they disagree, extract.ts), lenient warns. */
function reportAliases(def: EventDefinition, raw: Readonly<Record<string, unknown>>, n: NormalizeResult, ctx: PayloadContext, reject: boolean): void {
  const issues: PayloadIssue[] = [
    ...n.renamed.map((r) => ({ field: r.from, message: `is an alias of "${r.to}"; use the canonical name` })),
    ...aliasConflictIssues(raw, n),
  ];
  if (reject) {
    ctx.onInvalid?.();
    throw new EventValidationError(def.name, issues);
  }
  ctx.logger.warn(`[${ctx.label}] ${def.name}: ${issues.map((i) => `field "${i.field}" ${i.message}`).join('; ')}`);
}

/** Validates `data` against the catalog: strict throws EventValidationError, lenient warns. */
export function validatePayload(def: EventDefinition, data: Readonly<Record<string, unknown>>, ctx: PayloadContext): void {
  const result = def.validate(data);
  if (result.ok) return;
  ctx.onInvalid?.();
  const error = new EventValidationError(def.name, result.issues);
  if (ctx.mode === 'strict') throw error;
  ctx.logger.warn(`[${ctx.label}] ${error.message} (delivered anyway: lenient mode)`);
}

const PROBE = Symbol('probe');
const NO_RENAMES: NormalizeResult['renamed'] = Object.freeze([]);
/** Per event definition: payload field name → true when normalize() leaves that field as it is (not an alias). */
const plainFields = new WeakMap<EventDefinition, Map<string, boolean>>();

/**
 * `def.normalize(payload)`, skipping the call when no field of the payload is
 * an alias (the usual case): normalize renames field by field, so a payload
 * of canonical names only comes back as a copy of itself. Whether a field
 * name is an alias is asked of normalize once per name and remembered.
 */
export function normalizePayload(def: EventDefinition, payload: Readonly<Record<string, unknown>>): NormalizeResult {
  if (!aliasFree(def, payload)) return def.normalize(payload);
  const out: Record<string, unknown> = {};
  for (const key in payload) if (Object.hasOwn(payload, key)) out[key] = payload[key];
  return { payload: out, renamed: NO_RENAMES, conflicts: NO_RENAMES };
}

/** No field of `payload` is an alias of `def` (normalize would return an equal copy). */
export function aliasFree(def: EventDefinition, payload: Readonly<Record<string, unknown>>): boolean {
  let known = plainFields.get(def);
  if (known === undefined) plainFields.set(def, (known = new Map()));
  const keys = Object.keys(payload);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // An own `__proto__` key would set the prototype of the copy made by assignment: normalize copies it safely.
    if (key === '__proto__') return false;
    let plain = known.get(key);
    if (plain === undefined) {
      if (known.size >= 1024) return false; // open-ended field names: do not grow without bound
      const r = def.normalize({ [key]: PROBE });
      const out = Object.keys(r.payload);
      plain = r.renamed.length === 0 && r.conflicts.length === 0 && out.length === 1 && out[0] === key && r.payload[key] === PROBE;
      known.set(key, plain);
    }
    if (!plain) return false;
  }
  return true;
}

/**
 * Now as RFC 3339 by `clock`: formatting a Date costs more than the rest of an
 * envelope, so one string serves a whole millisecond.
 */
export class IsoClock {
  private lastMs = NaN;
  private lastIso = '';

  constructor(private readonly clock: () => number) {}

  now(): string {
    const ms = this.clock();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}
