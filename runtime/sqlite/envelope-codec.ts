/**
 * The `envelope` column of rr_events (and rr_dlq): serializing an envelope
 * to it (with a hand-written fast path for flat payloads, the hot path of
 * `send`), and reading a claimed row back into an event, or into the reason
 * it cannot be handed over. Wire format: docs/cross-process-queue.md.
 */
import { createEnvelope, envelopeProblem, type EventEnvelope } from '../envelope.js';
import { EventValidationError } from '../errors.js';
import { UndeliverableEventError } from '../inbound.js';
import { errorMessage } from '../logger.js';
import { aliasFree, type ValidationMode } from '../payload.js';
import type { EventRegistry } from '../registry.js';
import type { ClaimedRow } from './claim.js';
import type { EventRow } from './statements.js';
import type { StoredEvent } from './types.js';

/** A row decoded: its envelope, or the reason to park it. */
export type DecodedRow = { readonly envelope: EventEnvelope } | { readonly problem: string };

/**
 * The envelope as the JSON text of the `envelope` column. Serialized from a
 * plain copy: JSON.stringify takes a slow path for frozen objects (the
 * router's envelopes are frozen), about twice the time.
 */
export function serializeEnvelope(e: EventEnvelope): string {
  const data = e.data;
  if (
    typeof e.specversion === 'string' && typeof e.id === 'string' && typeof e.source === 'string' && typeof e.type === 'string' &&
    typeof e.time === 'string' && typeof e.datacontenttype === 'string' && data !== null && typeof data === 'object' && !Array.isArray(data)
  ) {
    // The same text as JSON.stringify of the plain object below, written directly: only `data` goes through JSON.stringify.
    let text = `{"specversion":${jsonString(e.specversion)},"id":${jsonString(e.id)},"source":${jsonString(e.source)},"type":${jsonString(e.type)},"time":${jsonString(e.time)},"datacontenttype":${jsonString(e.datacontenttype)},"data":${flatJson(data as Record<string, unknown>) ?? JSON.stringify(Object.isFrozen(data) ? { ...data } : data)}`;
    if (typeof e.subject === 'string') text += `,"subject":${JSON.stringify(e.subject)}`;
    else if (e.subject !== undefined) return serializePlain(e);
    const dataschema = (e as { readonly dataschema?: unknown }).dataschema;
    if (typeof dataschema === 'string') text += `,"dataschema":${JSON.stringify(dataschema)}`;
    else if (dataschema !== undefined) return serializePlain(e);
    const dataversion = (e as { readonly dataversion?: unknown }).dataversion;
    if (typeof dataversion === 'number' && Number.isInteger(dataversion)) text += `,"dataversion":${dataversion}`;
    else if (dataversion !== undefined) return serializePlain(e);
    if (typeof e.traceparent === 'string') text += `,"traceparent":${JSON.stringify(e.traceparent)}`;
    else if (e.traceparent !== undefined) return serializePlain(e);
    return `${text}}`;
  }
  return serializePlain(e);
}

const SAFE_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const keyJson = new Map<string, string>();

/**
 * JSON.stringify of a plain object whose values are strings, finite or
 * non-finite numbers, booleans, null or undefined (a payload of this catalog),
 * written directly, about twice as fast; undefined for anything else (the
 * caller then uses JSON.stringify). Same text: own enumerable keys in their
 * order, undefined values left out.
 */
function flatJson(o: Record<string, unknown>): string | undefined {
  const proto = Object.getPrototypeOf(o) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  let text = '{';
  let sep = '';
  for (const key in o) {
    if (!Object.hasOwn(o, key)) return undefined; // an enumerable inherited property: let JSON.stringify decide
    const v = o[key];
    let value: string;
    if (typeof v === 'string') value = jsonString(v);
    else if (typeof v === 'number') value = Number.isFinite(v) ? `${v}` : 'null';
    else if (typeof v === 'boolean') value = v ? 'true' : 'false';
    else if (v === null) value = 'null';
    else if (v === undefined) continue;
    else return undefined;
    let k = keyJson.get(key);
    if (k === undefined) {
      k = `${JSON.stringify(key)}:`;
      if (keyJson.size < 4096) keyJson.set(key, k);
    }
    text += sep + k + value;
    sep = ',';
  }
  return `${text}}`;
}

/** JSON.stringify of a string: quoted as it is when nothing needs escaping (ids, names, times). */
function jsonString(value: string): string {
  return SAFE_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
}

function serializePlain(e: EventEnvelope): string {
  const plain: Record<string, unknown> = {
    specversion: e.specversion,
    id: e.id,
    source: e.source,
    type: e.type,
    time: e.time,
    datacontenttype: e.datacontenttype,
    data: Object.isFrozen(e.data) ? { ...e.data } : e.data,
  };
  if (e.subject !== undefined) plain.subject = e.subject;
  const dataschema = (e as { readonly dataschema?: unknown }).dataschema;
  if (dataschema !== undefined) plain.dataschema = dataschema;
  const dataversion = (e as { readonly dataversion?: unknown }).dataversion;
  if (dataversion !== undefined) plain.dataversion = dataversion;
  if (e.traceparent !== undefined) plain.traceparent = e.traceparent;
  return JSON.stringify(plain);
}

/**
 * Parses a claimed row and checks it against the catalog (with one; strict
 * mode validates the payload): the event, or the reason to park it.
 */
export function decodeRow(row: ClaimedRow, registry: EventRegistry | undefined, mode: ValidationMode): DecodedRow {
  let value: unknown;
  try {
    value = JSON.parse(row.text);
  } catch (error) {
    return { problem: `the envelope column is not JSON (${errorMessage(error)})` };
  }
  const problem = envelopeProblem(value);
  if (problem !== undefined) return { problem: `not a CloudEvents envelope: ${problem}` };
  const envelope = value as EventEnvelope;
  if (envelope.id !== row.eventId) return { problem: `envelope id ${JSON.stringify(envelope.id)} differs from the event_id column ${JSON.stringify(row.eventId)}` };
  if (registry) {
    const def = registry.resolve(envelope.type);
    if (!def) return { problem: UndeliverableEventError.unknownType(envelope.type).message };
    if (mode === 'strict') {
      // Validated as normalized; without aliases that is the data as it is (validation does not modify it).
      const data = aliasFree(def, envelope.data) ? envelope.data : def.normalize(envelope.data).payload;
      const result = def.validate(data);
      if (!result.ok) return { problem: UndeliverableEventError.invalidPayload(def, envelope, new EventValidationError(def.name, result.issues).message).message };
    }
  } else if (envelope.type !== row.eventType) {
    return { problem: `envelope type ${JSON.stringify(envelope.type)} differs from the event_type column ${JSON.stringify(row.eventType)}` };
  }
  return { envelope };
}

/** A stand-in envelope for a row that cannot be read (so that tail and the DLQ can still show it). */
export function brokenEnvelope(
  row: { readonly eventId: string; readonly eventType: string; readonly source: string; readonly text: string; readonly createdAt?: number },
  problem: string,
): EventEnvelope {
  // Dated when it was stored (the created_at column), not 1970: the envelope's own time is unreadable.
  return createEnvelope(
    { type: row.eventType, source: row.source || 'unknown', time: new Date(row.createdAt ?? 0).toISOString(), id: row.eventId },
    { unreadable: problem, raw: row.text },
  );
}

/** @internal A row of rr_events as a claimed row (attempt and token of the claim). */
export function toClaimed(e: EventRow, attempt: number, token: number): ClaimedRow {
  return {
    seq: e.seq,
    eventId: e.event_id,
    eventType: e.event_type,
    source: e.source,
    createdAt: e.created_at,
    originGroup: e.origin_group,
    text: e.envelope,
    attempt,
    token,
  };
}

/** The stored event of a decoded row. */
export function storedOf<T>(row: ClaimedRow, envelope: EventEnvelope<T>): StoredEvent<T> {
  return {
    seq: row.seq,
    id: row.eventId,
    type: envelope.type ?? row.eventType,
    source: row.source,
    createdAt: row.createdAt,
    originGroup: row.originGroup,
    envelope,
    payload: envelope.data,
  };
}
