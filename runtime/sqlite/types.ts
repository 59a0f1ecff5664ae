/**
 * What CrossProcessEventQueue returns: send results, stored and received
 * events, group and queue statistics, retention results.
 */
import type { EventEnvelope } from '../envelope.js';

export interface SendResult {
  readonly id: string;
  /** The event's sequence number (its position in the queue). */
  readonly seq: number;
  /** The id was already stored: this send stored nothing. */
  readonly duplicate: boolean;
  readonly envelope: EventEnvelope;
}

/** An event as stored. */
export interface StoredEvent<T = Record<string, unknown>> {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** Epoch ms when it was stored. */
  readonly createdAt: number;
  /** The group whose member published it through a transport (that group does not receive it back), or null. */
  readonly originGroup: string | null;
  readonly envelope: EventEnvelope<T>;
  /** `envelope.data` (the name EVENT_SYSTEM_GUIDE.md uses). */
  readonly payload: Readonly<T>;
}

/** An event claimed by a group member: ack it once handled, or nack it. */
export interface ReceivedEvent<T = Record<string, unknown>> extends StoredEvent<T> {
  readonly group: string;
  /** 1 for the first delivery to this group. */
  readonly attempt: number;
  /** Delivered to this group before without an acknowledgement (a crashed consumer, a failed handler). */
  readonly redelivered: boolean;
  /** The fencing token of the claim. */
  readonly token: number;
  /** Acknowledges; false when the lease was lost (the event was or will be redelivered to another member). */
  ack(): boolean;
  /** Gives the event back for a retry after a backoff (or `delayMs`); parked in the DLQ once out of deliveries. False when the lease was lost. */
  nack(error?: unknown, delayMs?: number): boolean;
}

export interface GroupInfo {
  readonly name: string;
  /** Canonical event types, or null for every event. */
  readonly eventTypes: readonly string[] | null;
  readonly ephemeral: boolean;
}

export interface GroupStats {
  readonly name: string;
  readonly ephemeral: boolean;
  readonly eventTypes: readonly string[] | null;
  readonly cursor: number;
  /** Events after the cursor (not yet claimed; some may be outside the group's filter). */
  readonly pending: number;
  /** Claimed, lease running. */
  readonly inFlight: number;
  /** Claimed, lease expired (the holder crashed or stalled): to be redelivered. */
  readonly expired: number;
  /** Waiting for a retry after a failure. */
  readonly retrying: number;
  /** Distinct lease holders. */
  readonly members: number;
  readonly lastSeenAt: number;
}

export interface QueueStats {
  readonly dbPath: string;
  readonly schemaVersion: number;
  /** The catalog whose process created the queue (rr_meta `catalog`), or null (created without a generated registry, or before it was recorded). */
  readonly catalog: string | null;
  readonly events: { readonly count: number; readonly firstSeq: number | null; readonly lastSeq: number | null; readonly oldestAt: number | null; readonly newestAt: number | null };
  readonly groups: readonly GroupStats[];
  readonly dlq: { readonly pending: number; readonly recovered: number; readonly replayRequested: number };
  readonly files: { readonly dbBytes: number; readonly walBytes: number };
}

export interface RetentionResult {
  readonly eventsDeleted: number;
  /** Events deleted by maxAgeMs although a group had not acknowledged them. */
  readonly unacknowledgedDeleted: number;
  readonly groupsExpired: readonly string[];
  readonly dlqDeleted: number;
}

/** The DLQ handler name of events a queue consumer of `group` gave up on (not a router handler). */
export const queueHandlerName = (group: string): string => `sqlite:${group}`;
