/**
 * The options of CrossProcessEventQueue and of its calls (send, receive,
 * groups, retention, DLQ replay requests, follow).
 */
import type { Logger } from '../logger.js';
import type { EventRegistry } from '../registry.js';
import type { RetryPolicy } from '../retry.js';
import type { WakeMode } from './notifier.js';
import type { Synchronous } from './wire.js';

export interface RetentionOptions {
  /** Events every group has acknowledged are deleted once older than this. Default 1 h. */
  readonly ttlMs: number;
  /**
   * Events older than this are deleted even if a group has not acknowledged
   * them, but only for groups that are gone (see `groupInactiveMs`): a
   * group whose processes are gone must not fill the disk. Each such
   * deletion is logged as an error naming the group. The age is measured
   * against the newest time the database holds (rows and group heartbeats,
   * written by every process), never by this process's clock alone.
   * Default 7 days; Infinity disables.
   */
  readonly maxAgeMs: number;
  /**
   * A group is gone once its heartbeat (claims, lease renewals) has not
   * changed for this long, watched by this process's monotonic clock, and
   * the database's newest time is this far past the group's last heartbeat.
   * Only a gone group loses unacknowledged events to `maxAgeMs`. Default 1 h.
   */
  readonly groupInactiveMs: number;
  /** How often retention runs (each process runs it; the work is idempotent). Default 60 s. */
  readonly intervalMs: number;
  /** A per-process (unnamed) group whose process has not been seen for this long is removed (judged as for `groupInactiveMs`). Default 10 min. */
  readonly ephemeralInactiveMs: number;
  /** Recovered DLQ entries are deleted after this long. Pending ones are kept until replayed or purged. Default 7 days. */
  readonly dlqRecoveredTtlMs: number;
}

export const DEFAULT_RETENTION: RetentionOptions = {
  ttlMs: 3_600_000,
  maxAgeMs: 7 * 86_400_000,
  groupInactiveMs: 3_600_000,
  intervalMs: 60_000,
  ephemeralInactiveMs: 600_000,
  dlqRecoveredTtlMs: 7 * 86_400_000,
};

export interface CrossProcessEventQueueOptions {
  /** The SQLite file shared by the processes (created with its directory when missing). */
  readonly dbPath: string;
  /**
   * The catalog (`REGISTRY` of the generated code). With it, `send` takes any
   * spelling of an event, stores its canonical name and validates the
   * payload; consumers park events of unknown types or with invalid payloads
   * in the DLQ instead of handing them over. Without it, any type is accepted.
   */
  readonly registry?: EventRegistry;
  /** strict (default): an aliased field name or an invalid payload is refused. lenient: aliases renamed, problems logged. */
  readonly mode?: 'strict' | 'lenient';
  /** Source of events sent without one. Default `/<catalog name>/<host>/<pid>` (`/ringrift/…`; the registry's `names`). */
  readonly source?: string;
  /** How long a write waits for another process's write lock before failing with a `busy` QueueError. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** `normal` (default): a sent event survives a crash of any process; `full`: also a power loss (an fsync per commit). */
  readonly synchronous?: Synchronous;
  /** Open without writing anything (stats, tail, dlq list). */
  readonly readonly?: boolean;
  /** Create the file when missing. Default true (false when readonly). */
  readonly create?: boolean;
  /** How long a claimed event is reserved for its consumer; consumers renew it while the handler runs. Default 30 s. */
  readonly leaseMs?: number;
  /** Deliveries of one event to a group before it is parked in the DLQ (handler failures and crashed consumers count). Default 5. */
  readonly maxDeliveries?: number;
  /** Pause before a failed delivery is offered again: baseDelayMs, doubling, capped. Default 1 s … 30 s. */
  readonly retry?: Partial<Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>>;
  /** `watch` (default): fs.watch on the -wal file, falling back to polling; `poll`: adaptive polling of PRAGMA data_version only. */
  readonly wake?: WakeMode;
  /** watch: the safety poll (in case a notification is lost). poll: the longest pause between polls. Default 1000 ms (watch), 25 ms (poll). */
  readonly pollIntervalMs?: number;
  /**
   * `background` (default): WAL checkpoints run in a worker thread of this
   * process, so no send or claim waits for one; `auto`: SQLite's automatic
   * checkpoint inside commits.
   */
  readonly checkpoint?: 'background' | 'auto';
  /** Retention settings, or false to never delete anything (tests). */
  readonly retention?: Partial<RetentionOptions> | false;
  readonly logger?: Logger;
  /** Epoch-ms clock for leases, retries and retention (tests). Default Date.now. */
  readonly now?: () => number;
}

export interface SendOptions {
  /** CloudEvents id. Sending an id that is already stored stores nothing (`duplicate: true`). Default: a UUIDv7 (time-ordered). An id stored before from another source is refused (QueueError `conflict`). */
  readonly id?: string;
  readonly source?: string;
  /** RFC 3339. Default now. */
  readonly time?: string;
  readonly subject?: string;
  readonly traceparent?: string;
}

export type StartFrom = 'all' | 'new';

export interface GroupOptions {
  /**
   * Event types (any spelling with a registry) or patterns (`training.*`) the
   * group receives; default every event. Fixed when the group is created: all
   * members must agree, since they share one cursor (a member that gives none
   * takes the group's).
   */
  readonly eventTypes?: readonly string[];
  /**
   * Where a group created now starts: `all` retained events or only `new`
   * ones. Default `all`, except for the per-process group of `consume()` and
   * of the transport without a name (`new`).
   */
  readonly startFrom?: StartFrom;
}

export interface ReceiveOptions extends GroupOptions {
  /**
   * The subscriber group. Each group receives every event; the processes of
   * one group share them. Default: a group of this queue instance alone,
   * removed on close. It starts at the oldest retained event (so a process
   * that receives after another sent gets what was sent, as in
   * EVENT_SYSTEM_GUIDE.md), and no other process takes from it.
   */
  readonly group?: string;
  /** At most this many events. Default 100. */
  readonly limit?: number;
  /** Lease of the returned events: ack them within this time or they are redelivered. Default `leaseMs`. */
  readonly leaseMs?: number;
  /** Wait up to this long for at least one event. Default 0 (return at once). */
  readonly waitMs?: number;
}

export interface DlqReplayRequestFilter {
  readonly ids?: readonly string[];
  readonly handlerName?: string;
  readonly eventType?: string;
  /** Only entries parked at or after this epoch ms. */
  readonly since?: number;
  readonly limit?: number;
}

export interface FollowOptions {
  /** Start after this sequence number. Default: the newest event (only new events). 0: every retained event. */
  readonly afterSeq?: number;
  readonly eventTypes?: readonly string[];
  readonly signal?: AbortSignal;
}
