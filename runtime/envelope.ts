/**
 * The event envelope: CloudEvents 1.0 attribute names in the structured JSON
 * form, so an envelope serialized by a transport is a valid CloudEvent as is.
 *
 * `type` is always the canonical event name (never another spelling), `data`
 * the normalized payload with the common fields the documents promise
 * (`timestamp`, `source`, `trace_id`) filled in.
 */
import { uuidv7 } from './ids.js';

export const SPEC_VERSION = '1.0';
export const CONTENT_TYPE = 'application/json';

export interface EventEnvelope<T = Record<string, unknown>> {
  readonly specversion: '1.0';
  /** Unique per event (a UUID unless the publisher gave one); transports deduplicate on it. */
  readonly id: string;
  /** The emitting component, as a URI-reference (`TrainingCoordinator`, `/ringrift/host/1234`). */
  readonly source: string;
  /** The canonical event name, e.g. `TRAINING_COMPLETED`. */
  readonly type: string;
  /** RFC 3339 time of publication. */
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly subject?: string;
  /** The `$id` of the payload's JSON Schema (generated/schemas/), when the catalog publishes one. */
  readonly dataschema?: string;
  /**
   * Extension attribute: the payload's version in the producer's catalog,
   * present from version 2 on (absent means 1). A consumer on an older
   * catalog tells a newer payload by it (runtime/inbound.ts).
   */
  readonly dataversion?: number;
  /** W3C Trace Context, present when tracing (distributed-tracing extension). */
  readonly traceparent?: string;
  readonly data: Readonly<T>;
}

export interface EnvelopeAttributes {
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly id?: string;
  readonly subject?: string;
  readonly dataschema?: string;
  /** Left out when 1 or absent (envelopes of version-1 payloads stay as they were). */
  readonly dataversion?: number;
  readonly traceparent?: string;
}

/**
 * Builds a frozen envelope. Only the envelope and the top level of `data` are
 * frozen: every handler receives the same object, and a handler mutating it
 * would change what the next handler sees.
 */
export function createEnvelope<T extends Record<string, unknown>>(attrs: EnvelopeAttributes, data: T): EventEnvelope<T> {
  const envelope: { -readonly [K in keyof EventEnvelope<T>]: EventEnvelope<T>[K] } = {
    specversion: SPEC_VERSION,
    id: attrs.id ?? uuidv7(),
    source: attrs.source,
    type: attrs.type,
    time: attrs.time,
    datacontenttype: CONTENT_TYPE,
    data: Object.freeze(data),
  };
  if (attrs.subject !== undefined) envelope.subject = attrs.subject;
  if (attrs.dataschema !== undefined) envelope.dataschema = attrs.dataschema;
  if (attrs.dataversion !== undefined && attrs.dataversion !== 1) envelope.dataversion = attrs.dataversion;
  if (attrs.traceparent !== undefined) envelope.traceparent = attrs.traceparent;
  return Object.freeze(envelope);
}

/** Why a value received from outside (a transport) is not an envelope, or undefined when it is one. */
export function envelopeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'not an object';
  const e = value as Record<string, unknown>;
  if (e.specversion !== SPEC_VERSION) return `specversion is ${JSON.stringify(e.specversion)}, expected "1.0"`;
  for (const attr of ['id', 'source', 'type'] as const) {
    if (typeof e[attr] !== 'string' || e[attr] === '') return `${attr} is missing or not a string`;
  }
  if (e.time !== undefined && typeof e.time !== 'string') return 'time is not a string';
  if (e.dataversion !== undefined && !(Number.isInteger(e.dataversion) && (e.dataversion as number) >= 1)) return 'dataversion is not a positive integer';
  if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) return 'data is not an object';
  return undefined;
}
