/**
 * CrossProcessEventQueue: events between the processes of one node on a
 * shared SQLite file (WAL mode), as EVENT_SYSTEM_GUIDE.md describes it:
 *
 *   const queue = new CrossProcessEventQueue({ dbPath: 'data/events.db' });
 *   await queue.send('TRAINING_COMPLETED', { config_key: 'hex8_2p', … });
 *   const events = await queue.receive({ eventTypes: ['TRAINING_COMPLETED'] });
 *
 * and the defects it must not repeat:
 * - design rule 2: every subscriber group has its own cursor (rr_groups), so
 *   every group receives every event; the processes of one group share the
 *   group's events through leases (rr_deliveries) fenced by a token, so a
 *   stale holder's ack is rejected.
 * - design rule 3: a failed delivery is retried with backoff a bounded number of
 *   times, then parked in the dead letter table; never skipped, never
 *   retried forever.
 * - design rule 4: `consume()` acknowledges an event only after its handler settled.
 * - design rule 8: retention runs by itself (on an unref'd timer).
 *
 * Every write is one short `BEGIN IMMEDIATE` transaction, never held across
 * an `await`; better-sqlite3 is synchronous, so a process waiting for the
 * write lock (up to `busyTimeoutMs`) blocks its event loop meanwhile.
 * The schema and the protocol are in docs/cross-process-queue.md.
 */
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../ids.js';
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { compilePattern, isPattern } from '../bus.js';
import { CONTENT_TYPE, createEnvelope, envelopeProblem, SPEC_VERSION, type EventEnvelope } from '../envelope.js';
import { EventValidationError, UnknownEventError } from '../errors.js';
import { UndeliverableEventError } from '../inbound.js';
import { consoleLogger, errorMessage, type Logger } from '../logger.js';
import { aliasFree, IsoClock, preparePayload, requirePayloadObject, type PayloadContext } from '../payload.js';
import type { EventRegistry } from '../registry.js';
import { backoffDelay, type RetryPolicy } from '../retry.js';
import { QueueConsumer, type ConsumeOptions, type QueueHandler } from './consumer.js';
import { SqliteDlqStore } from './dlq-store.js';
import { GroupMismatchError, QueueClosedError, QueueError, queueError } from './errors.js';
import { BACKSTOP_EVERY, startCheckpointer, WAL_HARD_BYTES, walBackstop } from './checkpoint.js';
import { notifyLocal, onDatabaseChange, Waker, type WakeMode } from './notifier.js';
import { openDatabase, retryBusy, type SqliteDatabase } from './schema.js';
import { catalogNamesOf, defaultSource } from '../catalog-names.js';
import { SCHEMA_VERSION, type Synchronous } from './wire.js';
import type { Statement } from 'better-sqlite3';

// ── options ────────────────────────────────────────────────────────────────

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

/** A row of insertBatch: a SendResult, or the conflict that refuses that one send. */
type InsertResult = SendResult & { readonly conflict?: QueueError };

function idConflict(dbPath: string, envelope: EventEnvelope, storedSource: string): QueueError {
  return new QueueError(
    'conflict',
    dbPath,
    `cannot send ${envelope.type}: event id ${JSON.stringify(envelope.id)} is already stored from source ${JSON.stringify(storedSource)}, ` +
      `and this event is from ${JSON.stringify(envelope.source)}. The queue keys events by id alone (docs/cross-process-queue.md), so ` +
      `two sources must not reuse ids: leave the id to the queue (UUIDv7) or make it unique per source. Nothing was stored by this send`,
  );
}

export interface SendResult {
  readonly id: string;
  /** The event's sequence number (its position in the queue). */
  readonly seq: number;
  /** The id was already stored: this send stored nothing. */
  readonly duplicate: boolean;
  readonly envelope: EventEnvelope;
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

// ── rows and events ────────────────────────────────────────────────────────

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

/** A claimed row, before it is turned into a ReceivedEvent (internal to the queue and its consumers). */
export interface ClaimedRow {
  readonly seq: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly source: string;
  readonly createdAt: number;
  readonly originGroup: string | null;
  readonly text: string;
  readonly attempt: number;
  readonly token: number;
}

export type Settlement =
  | { readonly kind: 'ack'; readonly seq: number; readonly token: number }
  /**
   * `count` consecutive events of one claim (token), the first `seq`, the last
   * `to`, all handled: one ranged DELETE. Only for a run of a claim's batch
   * with nothing left out in between (a consumer's), since every row of the
   * range holding the token is deleted.
   */
  | { readonly kind: 'ackRun'; readonly seq: number; readonly to: number; readonly count: number; readonly token: number }
  | { readonly kind: 'nack'; readonly seq: number; readonly token: number; readonly error: string; readonly delayMs: number }
  | { readonly kind: 'park'; readonly row: ClaimedRow; readonly error: string; readonly handlerName?: string }
  | { readonly kind: 'release'; readonly seq: number; readonly token: number };

export interface SettleCounts {
  acked: number;
  nacked: number;
  parked: number;
  released: number;
  /** Settlements rejected by the fencing token (the lease had passed to another member). */
  stale: number;
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

/** The DLQ handler name of events a queue consumer of `group` gave up on (not a router handler). */
export const queueHandlerName = (group: string): string => `sqlite:${group}`;

interface EventRow {
  seq: number;
  event_id: string;
  event_type: string;
  source: string;
  created_at: number;
  origin_group: string | null;
  envelope: string;
}

interface DueRow extends Partial<EventRow> {
  d_seq: number;
  attempts: number;
  last_error: string | null;
}

interface PendingSend {
  readonly envelope: EventEnvelope;
  readonly text: string;
  readonly origin: string | null;
  readonly createdAt: number;
  readonly resolve: (r: SendResult) => void;
  readonly reject: (e: unknown) => void;
}

type Stmts = ReturnType<typeof prepareStatements>;

function prepareStatements(db: SqliteDatabase) {
  const p = <R = unknown>(sql: string): Statement<unknown[], R> => db.prepare<unknown[], R>(sql);
  return {
    insertEvent: p(
      'INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING',
    ),
    seqOfId: p<{ seq: number; source: string }>('SELECT seq, source FROM rr_events WHERE event_id = ?'),
    maxSeq: p<{ m: number | null }>('SELECT MAX(seq) AS m FROM rr_events'),
    group: p<{ name: string; cursor: number; event_types: string | null; ephemeral: number }>('SELECT name, cursor, event_types, ephemeral FROM rr_groups WHERE name = ?'),
    insertGroup: p('INSERT INTO rr_groups (name, cursor, event_types, ephemeral, fence, created_at, last_seen_at) VALUES (?, ?, ?, ?, 0, ?, ?)'),
    setGroupTypes: p('UPDATE rr_groups SET event_types = ? WHERE name = ?'),
    fence: p<{ fence: number; cursor: number }>('UPDATE rr_groups SET fence = fence + 1, last_seen_at = ? WHERE name = ? RETURNING fence, cursor'),
    setCursor: p('UPDATE rr_groups SET cursor = ? WHERE name = ? AND cursor < ?'),
    touchGroup: p('UPDATE rr_groups SET last_seen_at = ? WHERE name = ?'),
    due: p<DueRow>(
      `SELECT d.seq AS d_seq, d.attempts, d.last_error, e.seq, e.event_id, e.event_type, e.source, e.created_at, e.origin_group, e.envelope
         FROM rr_deliveries d LEFT JOIN rr_events e ON e.seq = d.seq
        WHERE d.group_name = ? AND d.lease_expires <= ?
        ORDER BY d.seq LIMIT ?`,
    ),
    reclaim: p('UPDATE rr_deliveries SET owner = ?, token = ?, lease_expires = ?, attempts = attempts + 1 WHERE group_name = ? AND seq = ?'),
    clampLeases: p(
      `UPDATE rr_deliveries SET lease_expires = CASE WHEN owner IS NULL THEN @retry ELSE @lease END
        WHERE group_name = @group AND lease_expires > CASE WHEN owner IS NULL THEN @retry ELSE @lease END`,
    ),
    dropDelivery: p('DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ?'),
    fresh: p<EventRow>('SELECT seq, event_id, event_type, source, created_at, origin_group, envelope FROM rr_events WHERE seq > ? ORDER BY seq LIMIT ?'),
    insertDelivery: p('INSERT INTO rr_deliveries (group_name, seq, owner, token, lease_expires, attempts, last_error) VALUES (?, ?, ?, ?, ?, 1, NULL)'),
    ack: p('DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ? AND token = ?'),
    ackRun: p('DELETE FROM rr_deliveries WHERE group_name = ? AND seq >= ? AND seq <= ? AND token = ?'),
    leaseRange: p(
      'INSERT INTO rr_deliveries (group_name, seq, owner, token, lease_expires, attempts, last_error) SELECT ?, seq, ?, ?, ?, 1, NULL FROM rr_events WHERE seq > ? AND seq <= ?',
    ),
    nack: p('UPDATE rr_deliveries SET owner = NULL, lease_expires = ?, last_error = ? WHERE group_name = ? AND seq = ? AND token = ?'),
    release: p('UPDATE rr_deliveries SET owner = NULL, lease_expires = 0, attempts = MAX(attempts - 1, 0) WHERE group_name = ? AND seq = ? AND token = ?'),
    renew: p('UPDATE rr_deliveries SET lease_expires = ? WHERE group_name = ? AND owner = ?'),
    owned: p<{ seq: number }>('SELECT seq FROM rr_deliveries WHERE group_name = ? AND owner = ?'),
    insertDlq: p(
      `INSERT INTO rr_dlq (id, event_id, event_type, handler_name, group_name, envelope, error, attempts, failed_at, last_attempt_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    ),
    hasWork: p<{ w: number }>(
      `SELECT ((SELECT COALESCE(MAX(seq), 0) FROM rr_events) > g.cursor
               OR EXISTS (SELECT 1 FROM rr_deliveries d WHERE d.group_name = g.name AND d.lease_expires <= ?)) AS w
         FROM rr_groups g WHERE g.name = ?`,
    ),
    nextDue: p<{ t: number | null }>('SELECT MIN(lease_expires) AS t FROM rr_deliveries WHERE group_name = ? AND lease_expires > ?'),
    after: p<EventRow>('SELECT seq, event_id, event_type, source, created_at, origin_group, envelope FROM rr_events WHERE seq > ? ORDER BY seq LIMIT ?'),
    deleteGroup: p('DELETE FROM rr_groups WHERE name = ?'),
    deleteGroupDeliveries: p('DELETE FROM rr_deliveries WHERE group_name = ?'),
  };
}

const HOST = hostname();
/** Rows per multi-row INSERT of a batch of sends. */
const MULTI_INSERT = 32;

// ── the queue ──────────────────────────────────────────────────────────────

export class CrossProcessEventQueue {
  readonly dbPath: string;
  readonly registry: EventRegistry | undefined;
  readonly mode: 'strict' | 'lenient';
  readonly logger: Logger;
  readonly leaseMs: number;
  readonly maxDeliveries: number;
  readonly retryPolicy: RetryPolicy;
  readonly busyTimeoutMs: number;
  readonly wakeMode: WakeMode;
  readonly pollIntervalMs: number;
  readonly retention: RetentionOptions | false;
  readonly readonly: boolean;
  readonly now: () => number;
  /** Identifies this queue instance as a lease holder (`<host>/<pid>/<random>`). */
  readonly instanceId = `${HOST}/${process.pid}/${randomUUID().slice(0, 8)}`;

  /** @internal */ readonly db: SqliteDatabase;
  private readonly source: string;
  private stmts: Stmts | undefined;
  private pending: PendingSend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly groupCache = new Map<string, GroupInfo>();
  private readonly ephemeral = new Map<string, string>();
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly closers = new Set<() => Promise<void>>();
  private readonly insertBatch: (batch: readonly PendingSend[], allOrNone: boolean) => InsertResult[];
  private readonly clock = new IsoClock(Date.now);
  /** How `send` prepares payloads (../payload.ts, as the router). */
  private readonly payloads: PayloadContext;
  private releaseCheckpointer: (() => Promise<void>) | undefined;
  /** Commits since this writer last looked at the -wal file's size (the backstop of checkpoint.ts). */
  private commitsSinceWalLook = 0;
  private readonly insertManyStmts: (Statement<unknown[]> | undefined)[] = [];
  /** Per group: its heartbeat as retention last read it, and when (monotonic ms) it last changed. */
  private readonly beats = new Map<string, { beat: string; changedAt: number }>();
  /** Per group: when (monotonic ms) this instance last pulled far-future leases back to its own clock. */
  private readonly leaseChecks = new Map<string, number>();

  /**
   * `new CrossProcessEventQueue({ dbPath: 'data/events.db', … })`, or with
   * the path first as EVENT_SYSTEM_GUIDE.md writes it:
   * `new CrossProcessEventQueue('data/events.db', { … })`.
   */
  constructor(dbPathOrOptions: string | CrossProcessEventQueueOptions, more: Omit<Partial<CrossProcessEventQueueOptions>, 'dbPath'> = {}) {
    const options: CrossProcessEventQueueOptions = typeof dbPathOrOptions === 'string' ? { ...more, dbPath: dbPathOrOptions } : dbPathOrOptions;
    if (typeof options?.dbPath !== 'string' || options.dbPath === '') throw new TypeError('CrossProcessEventQueue needs a dbPath');
    this.dbPath = resolve(options.dbPath);
    this.registry = options.registry;
    this.mode = options.mode ?? 'strict';
    this.logger = options.logger ?? consoleLogger;
    this.now = options.now ?? Date.now;
    this.leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
    this.maxDeliveries = positive(options.maxDeliveries ?? 5, 'maxDeliveries');
    this.retryPolicy = { attempts: this.maxDeliveries, baseDelayMs: options.retry?.baseDelayMs ?? 1000, maxDelayMs: options.retry?.maxDelayMs ?? 30_000 };
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.wakeMode = options.wake ?? 'watch';
    this.pollIntervalMs = options.pollIntervalMs ?? (this.wakeMode === 'poll' ? 25 : 1000);
    this.readonly = options.readonly ?? false;
    this.source = options.source ?? defaultSource(catalogNamesOf(options.registry));
    this.payloads = { mode: this.mode, logger: this.logger, label: 'CrossProcessEventQueue' };
    this.retention = options.retention === false || this.readonly ? false : { ...DEFAULT_RETENTION, ...options.retention };
    this.db = openDatabase({
      dbPath: this.dbPath,
      busyTimeoutMs: this.busyTimeoutMs,
      synchronous: options.synchronous ?? 'normal',
      readonly: this.readonly,
      create: options.create,
      catalog: options.registry?.names?.name,
    });
    this.insertBatch = this.db.transaction((batch: readonly PendingSend[], allOrNone: boolean) => {
      const s = this.statements;
      // An id already stored from another source is another event (CloudEvents: source + id),
      // which rr_events (one UNIQUE event_id) cannot hold: refused, never reported as a duplicate.
      const sameOrConflict = (w: PendingSend, stored: { seq: number; source: string }): InsertResult => {
        if (stored.source === w.envelope.source) return { id: w.envelope.id, seq: stored.seq, duplicate: true, envelope: w.envelope };
        const conflict = idConflict(this.dbPath, w.envelope, stored.source);
        if (allOrNone) throw conflict;
        return { id: w.envelope.id, seq: stored.seq, duplicate: true, envelope: w.envelope, conflict };
      };
      if (batch.length === 1) {
        const w = batch[0]!;
        const info = s.insertEvent.run(w.envelope.id, w.envelope.type, w.envelope.source, w.createdAt, w.origin, w.text);
        if (info.changes === 1) return [{ id: w.envelope.id, seq: Number(info.lastInsertRowid), duplicate: false, envelope: w.envelope }];
        return [sameOrConflict(w, s.seqOfId.get(w.envelope.id)!)];
      }
      // Several rows per INSERT statement (chunks of up to MULTI_INSERT).
      const results: InsertResult[] = new Array<InsertResult>(batch.length);
      for (let from = 0; from < batch.length; from += MULTI_INSERT) {
        const k = Math.min(MULTI_INSERT, batch.length - from);
        const args: unknown[] = new Array<unknown>(k * 6);
        for (let j = 0; j < k; j++) {
          const w = batch[from + j]!;
          const o = j * 6;
          args[o] = w.envelope.id;
          args[o + 1] = w.envelope.type;
          args[o + 2] = w.envelope.source;
          args[o + 3] = w.createdAt;
          args[o + 4] = w.origin;
          args[o + 5] = w.text;
        }
        // Every seq at or below `before` existed before this statement; the rows it inserts get larger ones, in order.
        const before = s.maxSeq.get()!.m ?? 0;
        const info = this.insertMany(k).run(args);
        const last = Number(info.lastInsertRowid);
        if (info.changes === k && last - before === k) {
          // All inserted, and with no room for a gap: seqs before+1 … last, in batch order.
          for (let j = 0; j < k; j++) {
            const w = batch[from + j]!;
            results[from + j] = { id: w.envelope.id, seq: before + 1 + j, duplicate: false, envelope: w.envelope };
          }
          continue;
        }
        // Some ids were already stored (or seqs are not contiguous): look each one up.
        const firstSeen = new Set<string>();
        for (let j = 0; j < k; j++) {
          const w = batch[from + j]!;
          const id = w.envelope.id;
          const row = s.seqOfId.get(id)!;
          const stored = row.seq > before && !firstSeen.has(id);
          firstSeen.add(id);
          results[from + j] = stored ? { id, seq: row.seq, duplicate: false, envelope: w.envelope } : sameOrConflict(w, row);
        }
      }
      return results;
    }).immediate as unknown as (batch: readonly PendingSend[], allOrNone: boolean) => InsertResult[];
    if (this.retention) this.startRetention(this.retention);
    if (!this.readonly && (options.checkpoint ?? 'background') === 'background') {
      this.releaseCheckpointer = startCheckpointer(this.dbPath, 200, () => {
        if (this.closed) return;
        this.logger.warn(`[CrossProcessEventQueue] the checkpoint worker of ${this.dbPath} stopped; SQLite's automatic checkpoint is back on`);
        this.db.pragma('wal_autocheckpoint = 1000');
      });
      if (this.releaseCheckpointer) this.db.pragma('wal_autocheckpoint = 0');
    }
  }

  /** INSERT of `k` rows in one statement (prepared on first use). */
  private insertMany(k: number): Statement<unknown[]> {
    let stmt = this.insertManyStmts[k];
    if (stmt === undefined) {
      const values = Array.from({ length: k }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
      stmt = this.insertManyStmts[k] = this.db.prepare<unknown[]>(
        `INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES ${values} ON CONFLICT (event_id) DO NOTHING`,
      );
    }
    return stmt;
  }

  /** Prepared statements (prepared on first use). */
  private get statements(): Stmts {
    this.stmts ??= prepareStatements(this.db);
    return this.stmts;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ── send ─────────────────────────────────────────────────────────────────

  /**
   * Stores one event for every group. Resolves once it is committed (durable
   * against a crash of any process). Sends made in the same tick share one
   * transaction. Rejects with UnknownEventError / EventValidationError (with
   * a registry) before anything is written, or a QueueError when the
   * database refused the write (nothing of that transaction was stored).
   */
  send(type: string, payload: Readonly<Record<string, unknown>>, options: SendOptions = {}): Promise<SendResult> {
    try {
      this.assertWritable('send');
      return this.enqueue(this.buildEnvelope(type, payload, options), null);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `send` committed at once in its own transaction, synchronously. */
  sendSync(type: string, payload: Readonly<Record<string, unknown>>, options: SendOptions = {}): SendResult {
    this.assertWritable('send');
    const envelope = this.buildEnvelope(type, payload, options);
    const [result] = this.writeNow([this.pendingOf(envelope, null, () => undefined, () => undefined)], true);
    return result!;
  }

  /** Several events in one transaction: all stored, or none. */
  sendMany(events: readonly { readonly type: string; readonly payload: Readonly<Record<string, unknown>>; readonly options?: SendOptions }[]): SendResult[] {
    this.assertWritable('send');
    const batch = events.map((e) => this.pendingOf(this.buildEnvelope(e.type, e.payload, e.options ?? {}), null, () => undefined, () => undefined));
    return this.writeNow(batch, true);
  }

  /**
   * Stores an envelope built elsewhere (the router's, for the transport).
   * `originGroup`: the group of the publishing process, which already
   * handled the event locally and so does not receive it from the queue.
   */
  publishEnvelope(envelope: EventEnvelope, originGroup: string | null = null): Promise<SendResult> {
    try {
      this.assertWritable(`publish ${envelope.type}`);
      return this.enqueue(envelope, originGroup);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private enqueue(envelope: EventEnvelope, origin: string | null): Promise<SendResult> {
    return new Promise<SendResult>((resolveSend, rejectSend) => {
      this.pending.push(this.pendingOf(envelope, origin, resolveSend, rejectSend));
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(this.flush);
      }
    });
  }

  private pendingOf(envelope: EventEnvelope, origin: string | null, res: (r: SendResult) => void, rej: (e: unknown) => void): PendingSend {
    let text: string;
    try {
      text = serializeEnvelope(envelope);
    } catch (error) {
      throw new EventValidationError(envelope.type, [{ field: '', message: `is not JSON-serializable (${errorMessage(error)})` }]);
    }
    return { envelope, text, origin, createdAt: this.now(), resolve: res, reject: rej };
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: InsertResult[];
    try {
      results = this.writeNow(batch, false);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const r = results[i]!;
      if (r.conflict) batch[i]!.reject(r.conflict);
      else batch[i]!.resolve(r);
    }
  };

  /** Commits `batch`; `allOrNone`: an id conflict aborts the whole transaction (sendSync, sendMany). */
  private writeNow(batch: readonly PendingSend[], allOrNone: boolean): InsertResult[] {
    let results: InsertResult[];
    try {
      results = retryBusy(() => this.insertBatch(batch, allOrNone), this.busyTimeoutMs);
    } catch (error) {
      const what = batch.length === 1 ? `send ${batch[0]!.envelope.type}` : `send ${batch.length} events`;
      throw queueError(error, this.dbPath, what, this.busyTimeoutMs);
    }
    notifyLocal(this.dbPath);
    if (this.releaseCheckpointer !== undefined && ++this.commitsSinceWalLook >= BACKSTOP_EVERY) {
      this.commitsSinceWalLook = 0;
      if (sizeOf(`${this.dbPath}-wal`) > WAL_HARD_BYTES) walBackstop(this.db);
    }
    return results;
  }

  private assertWritable(action: string): void {
    if (this.closed) throw new QueueClosedError(this.dbPath, action);
    if (this.readonly) throw new QueueError('readonly', this.dbPath, `cannot ${action}: the queue ${this.dbPath} was opened read-only`);
  }

  private buildEnvelope(type: string, payload: Readonly<Record<string, unknown>>, options: SendOptions): EventEnvelope {
    if (typeof type !== 'string' || type === '') throw new TypeError(`event type must be a non-empty string, got ${JSON.stringify(type)}`);
    requirePayloadObject(type, payload);
    const def = this.registry?.resolve(type);
    if (this.registry && !def) throw new UnknownEventError(type);
    // Envelope times by the wall clock; `now` (tests) drives leases, retries and retention.
    const time = options.time ?? this.clock.now();
    const source = options.source ?? (typeof payload.source === 'string' ? payload.source : this.source);
    const data = preparePayload(def, payload, { time, source, traceparent: options.traceparent }, this.payloads);
    // A plain object (not frozen like the router's): JSON.stringify takes a slow path for frozen objects.
    const envelope: { -readonly [K in keyof EventEnvelope]: EventEnvelope[K] } = {
      specversion: SPEC_VERSION,
      id: options.id ?? uuidv7(),
      source,
      type: def?.name ?? type,
      time,
      datacontenttype: CONTENT_TYPE,
      data,
    };
    if (options.subject !== undefined) envelope.subject = options.subject;
    if (def?.version !== undefined && def.version > 1) envelope.dataversion = def.version; // as the router's envelopes (envelope.ts)
    if (options.traceparent !== undefined) envelope.traceparent = options.traceparent;
    return envelope;
  }

  // ── groups ───────────────────────────────────────────────────────────────

  /** Canonical types for spellings and patterns (with a registry); sorted, unique. */
  resolveEventTypes(eventTypes: readonly string[] | undefined): string[] | null {
    if (eventTypes === undefined) return null;
    if (eventTypes.length === 0) throw new TypeError('eventTypes is empty: give at least one event type, or leave it out to receive every event');
    const out = new Set<string>();
    for (const t of eventTypes) {
      if (t === '*') return null;
      if (!this.registry) {
        out.add(t);
        continue;
      }
      if (isPattern(t)) {
        const re = compilePattern(t);
        let any = false;
        for (const def of this.registry.events.values()) {
          if (re.test(def.name) || re.test(def.topic)) {
            out.add(def.name);
            any = true;
          }
        }
        if (!any) throw new UnknownEventError(t);
      } else {
        const def = this.registry.resolve(t);
        if (!def) throw new UnknownEventError(t);
        out.add(def.name);
      }
    }
    return [...out].sort();
  }

  /**
   * Creates the group if it does not exist (from `startFrom`), or checks that
   * it receives the same event types. Throws GroupMismatchError otherwise.
   */
  ensureGroup(name: string, options: GroupOptions & { readonly ephemeral?: boolean } = {}): GroupInfo {
    this.assertWritable(`join group ${name}`);
    if (typeof name !== 'string' || name === '') throw new TypeError('a group name must be a non-empty string');
    const types = this.resolveEventTypes(options.eventTypes);
    const cached = this.groupCache.get(name);
    if (cached && (options.eventTypes === undefined || JSON.stringify(cached.eventTypes) === JSON.stringify(types))) return cached;
    const ephemeral = options.ephemeral ?? false;
    const startFrom = options.startFrom ?? (ephemeral ? 'new' : 'all');
    const info = this.write(`join group ${name}`, () => {
      const s = this.statements;
      const row = s.group.get(name);
      if (row) {
        const existing = row.event_types === null ? null : (JSON.parse(row.event_types) as string[]);
        // A member that names no types takes the group's; one that names others is refused.
        if (options.eventTypes !== undefined && JSON.stringify(existing) !== JSON.stringify(types)) throw new GroupMismatchError(this.dbPath, name, existing, types);
        return { name, eventTypes: existing, ephemeral: row.ephemeral === 1 };
      }
      const cursor = startFrom === 'new' ? (s.maxSeq.get()!.m ?? 0) : 0;
      const now = this.now();
      s.insertGroup.run(name, cursor, types === null ? null : JSON.stringify(types), ephemeral ? 1 : 0, now, now);
      return { name, eventTypes: types, ephemeral };
    });
    this.groupCache.set(name, info);
    return info;
  }

  /** Changes what a group receives, for all its members (from the current cursor on). */
  updateGroupFilter(name: string, eventTypes: readonly string[] | undefined): void {
    const types = this.resolveEventTypes(eventTypes);
    this.write(`update group ${name}`, () => this.statements.setGroupTypes.run(types === null ? null : JSON.stringify(types), name));
    this.groupCache.delete(name);
  }

  /** A group of this queue instance alone (per filter), removed on close. */
  ephemeralGroup(options: GroupOptions = {}): GroupInfo {
    const types = this.resolveEventTypes(options.eventTypes);
    const key = JSON.stringify(types);
    let name = this.ephemeral.get(key);
    if (name === undefined) {
      name = `~${this.instanceId}/${this.ephemeral.size}`;
      this.ephemeral.set(key, name);
    }
    return this.ensureGroup(name, { eventTypes: options.eventTypes, startFrom: options.startFrom ?? 'new', ephemeral: true });
  }

  /** Deletes a group, its cursor and its leases (its events stay for the other groups). */
  deleteGroup(name: string): boolean {
    const n = this.write(`delete group ${name}`, () => {
      this.statements.deleteGroupDeliveries.run(name);
      return this.statements.deleteGroup.run(name).changes;
    });
    this.groupCache.delete(name);
    return n > 0;
  }

  /** @internal forgets what is known of a group (it vanished, or its filter changed). */
  forgetGroup(name: string): void {
    this.groupCache.delete(name);
  }

  /** @internal the group's filter, cached. */
  groupInfo(name: string): GroupInfo | undefined {
    let info = this.groupCache.get(name);
    if (!info) {
      const row = this.statements.group.get(name);
      if (!row) return undefined;
      info = { name, eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as string[]), ephemeral: row.ephemeral === 1 };
      this.groupCache.set(name, info);
    }
    return info;
  }

  // ── claims and settlements ───────────────────────────────────────────────

  /**
   * One transaction: applies `settlements` (acks, nacks, parkings, releases
   * of this holder), then, when `claim` is given, claims up to `claim.limit`
   * events for `owner`: first deliveries whose lease expired or whose retry
   * is due (in sequence order; a delivery out of attempts is parked), then
   * new events after the group's cursor (in sequence order), all under a
   * fresh fencing token. Returns the claimed rows in delivery order.
   *
   * @internal used by consumers and `receive`; other languages follow the
   * same steps (docs/cross-process-queue.md).
   */
  settleAndClaim(
    group: string,
    owner: string,
    settlements: readonly Settlement[],
    claim: { readonly limit: number; readonly leaseMs: number } | undefined,
    counts?: SettleCounts,
  ): ClaimedRow[] {
    return this.write(`claim events for group ${group}`, () => {
      const s = this.statements;
      const now = this.now();
      for (const st of settlements) this.applySettlement(group, st, now, counts);
      if (!claim) return [];
      const fenced = s.fence.get(now, group);
      if (!fenced) throw new QueueError('group', this.dbPath, `group "${group}" does not exist in ${this.dbPath} (deleted, or an expired per-process group)`);
      const info = this.groupInfo(group);
      const types = info?.eventTypes ? new Set(info.eventTypes) : null;
      const token = fenced.fence;
      const expires = now + claim.leaseMs;
      const out: ClaimedRow[] = [];
      this.clampLeases(group, now, claim.leaseMs);

      // 1. redeliveries: expired leases and due retries, oldest event first
      for (const d of s.due.all(group, now, claim.limit)) {
        if (d.seq === null || d.seq === undefined) {
          s.dropDelivery.run(group, d.d_seq); // the event itself was deleted by maxAgeMs
          continue;
        }
        const row = toClaimed(d as EventRow, d.attempts + 1, token);
        if (d.attempts >= this.maxDeliveries) {
          const why = d.last_error ?? `its lease expired ${d.attempts} time(s) without an acknowledgement (the consumer crashed, was killed or stalled)`;
          this.park(group, row, `${d.attempts} deliveries failed; last: ${why}`, d.attempts, queueHandlerName(group), now);
          s.dropDelivery.run(group, d.d_seq);
          if (counts) counts.parked++;
          continue;
        }
        s.reclaim.run(owner, token, expires, group, d.d_seq);
        out.push(row);
      }

      // 2. new events after the cursor
      let room = claim.limit - out.length;
      if (room > 0) {
        // With a filter rows are skipped: read further ahead.
        const scan = types ? Math.max(room, 256) : room;
        let cursor = fenced.cursor;
        const taken: EventRow[] = [];
        let skipped = false;
        for (const e of s.fresh.all(fenced.cursor, scan)) {
          if (room === 0) break;
          cursor = e.seq;
          if (e.origin_group === group || (types && !types.has(e.event_type))) {
            // published by a member of this group (handled there already), or outside the group's filter
            skipped = true;
            continue;
          }
          taken.push(e);
          out.push(toClaimed(e, 1, token));
          room--;
        }
        if (taken.length > 0) {
          // Every row read is taken (the usual case): one INSERT … SELECT leases them all.
          if (!skipped) s.leaseRange.run(group, owner, token, expires, fenced.cursor, cursor);
          else for (const e of taken) s.insertDelivery.run(group, e.seq, owner, token, expires);
        }
        if (cursor > fenced.cursor) s.setCursor.run(cursor, group, cursor);

      }
      return out;
    });
  }

  /**
   * No lease outlives `leaseMs` as this reader sees it: a member whose clock
   * is ahead writes expiries that far in the future, and if it dies the group
   * would wait that long. Expiries (and retry times) further ahead of this
   * process's clock than a lease (or the longest retry pause) are pulled back
   * to it. A live holder keeps its lease by renewing it. At most every
   * 250 ms per group: it reads the group's deliveries.
   */
  private clampLeases(group: string, now: number, claimLeaseMs: number): void {
    const mono = performance.now();
    const last = this.leaseChecks.get(group);
    if (last !== undefined && mono - last < 250) return;
    this.leaseChecks.set(group, mono);
    const lease = Math.max(this.leaseMs, claimLeaseMs);
    this.statements.clampLeases.run({ group, lease: now + lease, retry: now + Math.max(lease, this.retryPolicy.maxDelayMs) });
  }

  private applySettlement(group: string, st: Settlement, now: number, counts: SettleCounts | undefined): void {
    const s = this.statements;
    let changed: number;
    switch (st.kind) {
      case 'ack':
        changed = s.ack.run(group, st.seq, st.token).changes;
        if (counts) changed ? counts.acked++ : counts.stale++;
        return;
      case 'ackRun':
        changed = st.count === 1 ? s.ack.run(group, st.seq, st.token).changes : s.ackRun.run(group, st.seq, st.to, st.token).changes;
        if (counts) {
          counts.acked += changed;
          counts.stale += st.count - changed;
        }
        return;
      case 'nack':
        changed = s.nack.run(now + st.delayMs, st.error, group, st.seq, st.token).changes;
        if (counts) changed ? counts.nacked++ : counts.stale++;
        return;
      case 'release':
        changed = s.release.run(group, st.seq, st.token).changes;
        if (counts) changed ? counts.released++ : counts.stale++;
        return;
      case 'park':
        changed = s.ack.run(group, st.row.seq, st.row.token).changes;
        if (changed) this.park(group, st.row, st.error, st.row.attempt, st.handlerName ?? queueHandlerName(group), now);
        if (counts) changed ? counts.parked++ : counts.stale++;
        return;
    }
  }

  private park(group: string, row: ClaimedRow, error: string, attempts: number, handlerName: string, now: number): void {
    this.statements.insertDlq.run(randomUUID(), row.eventId, row.eventType, handlerName, group, row.text, error, attempts, now, now);
    this.logger.error(`[CrossProcessEventQueue] parked ${row.eventType} ${row.eventId} (seq ${row.seq}) of group ${group} in the DLQ: ${error}`);
  }

  /** Extends the leases `owner` holds in `group`; returns the sequence numbers it still holds. @internal */
  renewLeases(group: string, owner: string, leaseMs: number): Set<number> {
    return this.write(`renew leases of group ${group}`, () => {
      const now = this.now();
      this.statements.renew.run(now + leaseMs, group, owner);
      this.statements.touchGroup.run(now, group);
      return new Set(this.statements.owned.all(group, owner).map((r) => r.seq));
    });
  }

  /** Cheap read (no lock): is there anything the group could claim now? @internal */
  hasWork(group: string): boolean {
    const row = this.query(`look for work of group ${group}`, () => this.statements.hasWork.get(this.now(), group));
    return row === undefined ? true : row.w === 1; // a vanished group: let the claim report it
  }

  /** How long to wait at most for the group's next lease expiry or retry to come due: `max`, or less. @internal */
  waitBound(group: string, max: number): number {
    const due = this.nextDue(group);
    return due === undefined ? max : Math.min(max, Math.max(1, due - this.now() + 1));
  }

  /** Epoch ms of the group's next lease expiry or retry, if any. @internal */
  nextDue(group: string): number | undefined {
    const now = this.now();
    const t = this.query(`read the leases of group ${group}`, () => this.statements.nextDue.get(group, now)?.t ?? undefined);
    // An expiry further ahead than a lease is pulled back at the next claim (clampLeases).
    return t === undefined ? undefined : Math.min(t, now + Math.max(this.leaseMs, this.retryPolicy.maxDelayMs));
  }

  /** @internal PRAGMA data_version: changes when another connection commits. */
  dataVersion(): number {
    return this.query('read data_version', () => this.db.pragma('data_version', { simple: true }) as number);
  }

  /** Parses a claimed row and checks it against the catalog; a reason to park it, or the event. @internal */
  inspect(row: ClaimedRow): { readonly envelope: EventEnvelope } | { readonly problem: string } {
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
    if (this.registry) {
      const def = this.registry.resolve(envelope.type);
      if (!def) return { problem: UndeliverableEventError.unknownType(envelope.type).message };
      if (this.mode === 'strict') {
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

  // ── receive (the EVENT_SYSTEM_GUIDE.md API) ───────────────────────────────

  /**
   * Claims up to `limit` events for a group and returns them; ack each one
   * once handled (or nack it), within `leaseMs`, or it is redelivered.
   * Events that cannot be handed over (not JSON, unknown type, invalid
   * payload) are parked in the DLQ instead. See `consume()` for a managed
   * loop with lease renewal and retries.
   */
  async receive<T = Record<string, unknown>>(options: ReceiveOptions = {}): Promise<ReceivedEvent<T>[]> {
    this.assertWritable('receive');
    // Without a name: this instance's own group, from the oldest retained event (what was sent before this first receive too).
    // Rejoining after retention removed it (idle past ephemeralInactiveMs): from new events, not the retained ones again.
    const join = (first: boolean): GroupInfo =>
      options.group === undefined ? this.ephemeralGroup({ ...options, startFrom: options.startFrom ?? (first ? 'all' : 'new') }) : this.ensureGroup(options.group, options);
    let info = join(true);
    const limit = options.limit ?? 100;
    const leaseMs = options.leaseMs ?? this.leaseMs;
    const deadline = Date.now() + (options.waitMs ?? 0);
    let waker: Waker | undefined;
    let sub: { unsubscribe(): void } | undefined;
    try {
      for (;;) {
        let rows: ClaimedRow[];
        try {
          rows = this.settleAndClaim(info.name, this.instanceId, [], { limit, leaseMs });
        } catch (error) {
          if (!(error instanceof QueueError && error.kind === 'group')) throw error;
          this.forgetGroup(info.name); // removed meanwhile (an expired per-process group): join it anew
          info = join(false);
          rows = this.settleAndClaim(info.name, this.instanceId, [], { limit, leaseMs });
        }
        const events: ReceivedEvent<T>[] = [];
        const parks: Settlement[] = [];
        for (const row of rows) {
          const checked = this.inspect(row);
          if ('problem' in checked) parks.push({ kind: 'park', row, error: checked.problem });
          else events.push(this.received<T>(info.name, row, checked.envelope as EventEnvelope<T>));
        }
        if (parks.length > 0) this.settleAndClaim(info.name, this.instanceId, parks, undefined);
        if (events.length > 0 || deadline - Date.now() <= 0 || this.closed) return events;
        if (!waker) {
          const w = new Waker();
          waker = w;
          sub = onDatabaseChange(this.dbPath, this.wakeMode, w.signal);
        }
        // Claim again only once there is something to claim: a claim that finds nothing still
        // commits (the group's heartbeat), and that commit would wake this loop through the
        // file watch, over and over, while nothing arrives.
        for (;;) {
          waker.clear();
          if (this.hasWork(info.name)) break;
          const left = deadline - Date.now();
          if (left <= 0 || this.closed) break;
          // The safety poll in watch mode too: a change committed before the watch began wakes nobody.
          await waker.wait(this.waitBound(info.name, Math.min(left, this.pollIntervalMs)));
          if (deadline - Date.now() <= 0 || this.closed) break;
        }
      }
    } finally {
      sub?.unsubscribe();
    }
  }

  /**
   * Starts a managed consumer: events of the group are handed to `handler`
   * one at a time in sequence order and acknowledged once it settled; a
   * throwing handler gets the event again after a backoff, up to
   * maxDeliveries, then it is parked in the DLQ. A running consumer keeps the
   * process alive; `stop()` it (or close the queue).
   */
  consume<T = Record<string, unknown>>(handler: QueueHandler<T>, options: ConsumeOptions = {}): QueueConsumer<T> {
    this.assertWritable('consume');
    return new QueueConsumer<T>(this, handler, options);
  }

  /**
   * A DLQ store on this file for a router (`createRouter({ dlq: queue.dlqStore('training') })`).
   * `group` is recorded on each entry: replays requested from the CLI go to a member of it.
   */
  dlqStore(group?: string): SqliteDlqStore {
    return new SqliteDlqStore(this, { group });
  }

  /** Acknowledges several received events in one transaction; returns how many were still held. */
  ack(events: readonly ReceivedEvent<unknown>[]): number {
    const byGroup = new Map<string, Settlement[]>();
    for (const e of events) {
      let list = byGroup.get(e.group);
      if (!list) byGroup.set(e.group, (list = []));
      list.push({ kind: 'ack', seq: e.seq, token: e.token });
    }
    const counts = newCounts();
    for (const [group, list] of byGroup) this.settleAndClaim(group, this.instanceId, list, undefined, counts);
    return counts.acked;
  }

  /** @internal */
  received<T>(group: string, row: ClaimedRow, envelope: EventEnvelope<T>): ReceivedEvent<T> {
    const queue = this;
    let settled = false;
    const settle = (st: Settlement): boolean => {
      if (settled) return false;
      settled = true;
      const counts = newCounts();
      queue.settleAndClaim(group, queue.instanceId, [st], undefined, counts);
      return counts.stale === 0;
    };
    return {
      ...storedOf(row, envelope),
      group,
      attempt: row.attempt,
      redelivered: row.attempt > 1,
      token: row.token,
      ack: () => settle({ kind: 'ack', seq: row.seq, token: row.token }),
      nack: (error?: unknown, delayMs?: number) => {
        const message = error === undefined ? 'nacked' : errorMessage(error);
        if (row.attempt >= queue.maxDeliveries) return settle({ kind: 'park', row, error: `${row.attempt} deliveries failed; last: ${message}` });
        return settle({ kind: 'nack', seq: row.seq, token: row.token, error: message, delayMs: delayMs ?? queue.retryDelay(row.attempt) });
      },
    };
  }

  /** The pause before the next delivery after `failedAttempts` failures. */
  retryDelay(failedAttempts: number): number {
    return backoffDelay(this.retryPolicy, failedAttempts);
  }

  // ── reading without a group (tail) ───────────────────────────────────────

  /** Events after `afterSeq`, oldest first (no claim, no lease: reading only). */
  read(afterSeq: number, limit = 500): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const e of this.query('read events', () => this.statements.after.all(afterSeq, limit))) {
      const row = toClaimed(e, 0, 0);
      const checked = this.inspect(row);
      out.push(storedOf(row, 'envelope' in checked ? checked.envelope : brokenEnvelope(row, checked.problem)));
    }
    return out;
  }

  /** The name of the catalog whose process created the queue (rr_meta `catalog`), if it was recorded. */
  catalogName(): string | undefined {
    const row = this.query('read the catalog of the queue', () => this.db.prepare("SELECT value FROM rr_meta WHERE key = 'catalog'").get()) as { value: string } | undefined;
    return row?.value;
  }

  /** The newest sequence number (0 when empty). */
  lastSeq(): number {
    return this.query('read the last sequence number', () => this.statements.maxSeq.get()!.m ?? 0);
  }

  /** Follows the queue live (what `ringrift-events tail` prints), without joining any group. */
  async *follow(options: FollowOptions = {}): AsyncGenerator<StoredEvent> {
    const types = options.eventTypes ? new Set(this.resolveEventTypes(options.eventTypes) ?? []) : undefined;
    let after = options.afterSeq ?? this.lastSeq();
    const waker = new Waker();
    const sub = onDatabaseChange(this.dbPath, this.wakeMode, waker.signal);
    const abort = (): void => waker.signal();
    options.signal?.addEventListener('abort', abort);
    try {
      while (!options.signal?.aborted && !this.closed) {
        waker.clear();
        const batch = this.read(after);
        for (const e of batch) {
          after = e.seq;
          if (!types || types.has(e.type)) yield e;
          if (options.signal?.aborted) return;
        }
        if (batch.length === 0) await waker.wait(sub.watching ? this.pollIntervalMs : Math.min(this.pollIntervalMs, 25));
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      sub.unsubscribe();
    }
  }

  // ── stats ────────────────────────────────────────────────────────────────

  stats(): QueueStats {
    return this.query('read statistics', () => this.statsNow());
  }

  private statsNow(): QueueStats {
    const db = this.db;
    const now = this.now();
    const ev = db.prepare('SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi, MIN(created_at) AS oldest, MAX(created_at) AS newest FROM rr_events').get() as {
      n: number;
      lo: number | null;
      hi: number | null;
      oldest: number | null;
      newest: number | null;
    };
    const groups = (
      db.prepare('SELECT name, cursor, event_types, ephemeral, last_seen_at FROM rr_groups ORDER BY name').all() as {
        name: string;
        cursor: number;
        event_types: string | null;
        ephemeral: number;
        last_seen_at: number;
      }[]
    ).map((g): GroupStats => {
      const d = db
        .prepare(
          `SELECT SUM(owner IS NOT NULL AND lease_expires > @now) AS inflight, SUM(owner IS NOT NULL AND lease_expires <= @now) AS expired,
                  SUM(owner IS NULL) AS retrying, COUNT(DISTINCT owner) AS members
             FROM rr_deliveries WHERE group_name = @g`,
        )
        .get({ now, g: g.name }) as { inflight: number | null; expired: number | null; retrying: number | null; members: number };
      const pending = (db.prepare('SELECT COUNT(*) AS n FROM rr_events WHERE seq > ?').get(g.cursor) as { n: number }).n;
      return {
        name: g.name,
        ephemeral: g.ephemeral === 1,
        eventTypes: g.event_types === null ? null : (JSON.parse(g.event_types) as string[]),
        cursor: g.cursor,
        pending,
        inFlight: d.inflight ?? 0,
        expired: d.expired ?? 0,
        retrying: d.retrying ?? 0,
        members: d.members,
        lastSeenAt: g.last_seen_at,
      };
    });
    const dlq = db
      .prepare("SELECT SUM(status = 'pending') AS pending, SUM(status = 'recovered') AS recovered, SUM(status = 'pending' AND replay_requested_at IS NOT NULL) AS requested FROM rr_dlq")
      .get() as { pending: number | null; recovered: number | null; requested: number | null };
    const version = Number((db.prepare("SELECT value FROM rr_meta WHERE key = 'schema_version'").get() as { value: string }).value);
    return {
      dbPath: this.dbPath,
      schemaVersion: version,
      catalog: this.catalogName() ?? null,
      events: { count: ev.n, firstSeq: ev.lo, lastSeq: ev.hi, oldestAt: ev.oldest, newestAt: ev.newest },
      groups,
      dlq: { pending: dlq.pending ?? 0, recovered: dlq.recovered ?? 0, replayRequested: dlq.requested ?? 0 },
      files: { dbBytes: sizeOf(this.dbPath), walBytes: sizeOf(`${this.dbPath}-wal`) },
    };
  }

  // ── retention ────────────────────────────────────────────────────────────

  private startRetention(r: RetentionOptions): void {
    const tick = (): void => {
      try {
        this.runRetention();
      } catch (error) {
        this.logger.warn(`[CrossProcessEventQueue] retention on ${this.dbPath} failed (will retry): ${errorMessage(error)}`);
      }
    };
    // A random first delay so that processes started together do not run it together.
    const first = setTimeout(
      () => {
        tick();
        this.retentionTimer = setInterval(tick, r.intervalMs);
        this.retentionTimer.unref();
      },
      Math.floor(r.intervalMs * (0.5 + Math.random() / 2)),
    );
    first.unref();
    this.retentionTimer = first;
  }

  /**
   * The newest epoch ms the database holds: the newest event's time or the
   * newest group heartbeat, whichever is later (each written by the clock of
   * the process that wrote it). Undefined when it holds neither.
   */
  private databaseTime(): number | undefined {
    const row = this.db
      .prepare('SELECT MAX(COALESCE((SELECT MAX(created_at) FROM rr_events), 0), COALESCE((SELECT MAX(last_seen_at) FROM rr_groups), 0)) AS t')
      .get() as { t: number };
    return row.t > 0 ? row.t : undefined;
  }

  /**
   * Reads every group's heartbeat (fence, cursor, last_seen_at) and notes,
   * on the monotonic clock, when this instance saw it change. Returns a test:
   * a group is gone for `inactiveMs` once this instance has seen its
   * heartbeat unchanged for that long and the database's newest time is that
   * far past its last heartbeat. A group first seen now is not gone, so a
   * process just started (or with a wrong clock) removes nothing.
   */
  private watchGroups(): (name: string, inactiveMs: number) => boolean {
    const mono = performance.now();
    const rows = this.db.prepare('SELECT name, fence, cursor, last_seen_at FROM rr_groups').all() as { name: string; fence: number; cursor: number; last_seen_at: number }[];
    const dbTime = this.databaseTime() ?? 0;
    const lastSeen = new Map<string, number>();
    for (const g of rows) {
      const beat = `${g.fence}/${g.cursor}/${g.last_seen_at}`;
      const known = this.beats.get(g.name);
      if (known?.beat !== beat) this.beats.set(g.name, { beat, changedAt: mono });
      lastSeen.set(g.name, g.last_seen_at);
    }
    for (const name of this.beats.keys()) if (!lastSeen.has(name)) this.beats.delete(name);
    return (name, inactiveMs) => {
      const seen = lastSeen.get(name);
      const beat = this.beats.get(name);
      if (seen === undefined || beat === undefined) return false;
      return mono - beat.changedAt >= inactiveMs && dbTime - seen >= inactiveMs;
    };
  }

  /**
   * Deletes what retention allows (it also runs by itself every
   * `intervalMs`): events every group acknowledged and older than `ttlMs`;
   * events older than `maxAgeMs` (by the database's newest time) that only
   * groups gone for `groupInactiveMs` have not settled (logged); per-process
   * groups gone for `ephemeralInactiveMs`; recovered DLQ entries older than
   * `dlqRecoveredTtlMs`. "Gone" is judged from heartbeats this instance
   * watched, never from one clock. Works in chunks so that no write lock is held long.
   */
  runRetention(): RetentionResult {
    this.assertWritable('run retention');
    const r = this.retention || DEFAULT_RETENTION;
    const db = this.db;
    const now = this.now();
    const CHUNK = 5000;

    // What the database knows, not this process's clock alone: a clock that is wrong (days ahead)
    // must not make a live group look gone, nor fresh events look old.
    const gone = this.watchGroups();

    const groupsExpired = this.write('expire groups', () => {
      const names = (db.prepare('SELECT name FROM rr_groups WHERE ephemeral = 1').all() as { name: string }[]).map((g) => g.name).filter((name) => gone(name, r.ephemeralInactiveMs));
      for (const name of names) {
        this.statements.deleteGroupDeliveries.run(name);
        this.statements.deleteGroup.run(name);
        this.groupCache.delete(name);
        this.beats.delete(name);
      }
      return names;
    });
    if (groupsExpired.length > 0) this.logger.info(`[CrossProcessEventQueue] removed ${groupsExpired.length} per-process group(s) not seen for ${r.ephemeralInactiveMs} ms: ${groupsExpired.join(', ')}`);

    const deleteUpTo = (upto: number): number => {
      let total = 0;
      for (;;) {
        const n = this.write('delete old events', () => {
          const lo = (db.prepare('SELECT MIN(seq) AS m FROM rr_events').get() as { m: number | null }).m;
          if (lo === null || lo > upto) return 0;
          return db.prepare('DELETE FROM rr_events WHERE seq <= ?').run(Math.min(upto, lo + CHUNK - 1)).changes;
        });
        total += n;
        if (n === 0) return total;
      }
    };

    // Hard cap first: events older than maxAgeMs go, unless a live group has not settled them.
    let unacknowledgedDeleted = 0;
    let eventsDeleted = 0;
    if (Number.isFinite(r.maxAgeMs)) {
      // The age of an event by the newest time the database holds (a clock ahead on this process alone deletes nothing).
      const hardCut = Math.min(now, this.databaseTime() ?? now) - r.maxAgeMs;
      const firstKept = (db.prepare('SELECT seq FROM rr_events WHERE created_at >= ? ORDER BY seq LIMIT 1').get(hardCut) as { seq: number } | undefined)?.seq;
      let upto = firstKept === undefined ? (this.statements.maxSeq.get()!.m ?? 0) : firstKept - 1;
      const groups = db
        .prepare('SELECT g.name, g.cursor, (SELECT MIN(seq) FROM rr_deliveries d WHERE d.group_name = g.name) AS min_held FROM rr_groups g')
        .all() as { name: string; cursor: number; min_held: number | null }[];
      for (const g of groups) {
        if (gone(g.name, r.groupInactiveMs)) continue;
        upto = Math.min(upto, g.cursor, g.min_held === null ? Infinity : g.min_held - 1);
      }
      if (upto > 0 && (db.prepare('SELECT 1 FROM rr_events WHERE seq <= ? LIMIT 1').get(upto) as unknown) !== undefined) {
        const lagging = db
          .prepare(
            `SELECT g.name,
                    (SELECT COUNT(*) FROM rr_events e WHERE e.seq > g.cursor AND e.seq <= @upto)
                  + (SELECT COUNT(*) FROM rr_deliveries d WHERE d.group_name = g.name AND d.seq <= @upto) AS n
               FROM rr_groups g`,
          )
          .all({ upto }) as { name: string; n: number }[];
        for (const g of lagging) {
          if (g.n === 0) continue;
          unacknowledgedDeleted += g.n;
          this.logger.error(
            `[CrossProcessEventQueue] retention: ${g.n} event(s) older than maxAgeMs (${r.maxAgeMs} ms) were never acknowledged by group "${g.name}", whose processes have not been seen for ${r.groupInactiveMs} ms, and are deleted; is that group still running?`,
          );
        }
        this.write('delete expired leases', () => db.prepare('DELETE FROM rr_deliveries WHERE seq <= ?').run(upto));
        eventsDeleted += deleteUpTo(upto);
      }
    }

    // Events every group acknowledged (settled: no group needs them any more), older than ttlMs.
    const bound = db
      .prepare(
        `SELECT (SELECT MIN(cursor) FROM rr_groups) AS min_cursor, (SELECT MIN(seq) FROM rr_deliveries) AS min_held, (SELECT MAX(seq) FROM rr_events) AS max_seq`,
      )
      .get() as { min_cursor: number | null; min_held: number | null; max_seq: number | null };
    if (bound.max_seq !== null) {
      let acked = bound.min_cursor ?? bound.max_seq;
      if (bound.min_held !== null) acked = Math.min(acked, bound.min_held - 1);
      const cut = now - r.ttlMs;
      const young = (db.prepare('SELECT seq FROM rr_events WHERE seq <= ? AND created_at >= ? ORDER BY seq LIMIT 1').get(acked, cut) as { seq: number } | undefined)?.seq;
      const upto = young === undefined ? acked : Math.min(acked, young - 1);
      if (upto > 0) eventsDeleted += deleteUpTo(upto);
    }

    const dlqDeleted = this.write('delete recovered DLQ entries', () =>
      db.prepare("DELETE FROM rr_dlq WHERE status = 'recovered' AND recovered_at < ?").run(now - r.dlqRecoveredTtlMs).changes,
    );
    return { eventsDeleted, unacknowledgedDeleted, groupsExpired, dlqDeleted };
  }

  // ── DLQ replay requests (the CLI's `dlq replay`) ─────────────────────────

  /**
   * Marks pending DLQ entries for replay. Running processes with a SQLite
   * transport whose router has the named handler (or, for entries the queue
   * itself parked, that are members of the group) pick them up, replay each
   * to its handler once, and mark it recovered or failed. Returns the ids.
   */
  requestDlqReplay(filter: DlqReplayRequestFilter = {}): string[] {
    return this.write('request DLQ replays', () => {
      const where = ["status = 'pending'"];
      const params: unknown[] = [];
      if (filter.ids) {
        where.push(`id IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`);
        params.push(...filter.ids);
      }
      if (filter.handlerName !== undefined) {
        where.push('handler_name = ?');
        params.push(filter.handlerName);
      }
      if (filter.eventType !== undefined) {
        where.push('event_type = ?');
        params.push(this.registry?.resolve(filter.eventType)?.name ?? filter.eventType);
      }
      if (filter.since !== undefined) {
        where.push('failed_at >= ?');
        params.push(filter.since);
      }
      const ids = (this.db.prepare(`SELECT id FROM rr_dlq WHERE ${where.join(' AND ')} ORDER BY failed_at LIMIT ?`).all(...params, filter.limit ?? -1) as { id: string }[]).map((r) => r.id);
      const mark = this.db.prepare('UPDATE rr_dlq SET replay_requested_at = ?, replay_owner = NULL, replay_lease_expires = NULL WHERE id = ?');
      const now = this.now();
      for (const id of ids) mark.run(now, id);
      return ids;
    });
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  /** @internal runs `fn` in a BEGIN IMMEDIATE transaction, mapping SQLite errors to QueueErrors. */
  write<R>(action: string, fn: () => R): R {
    if (this.closed) throw new QueueClosedError(this.dbPath, action);
    const tx = this.db.transaction(fn);
    try {
      return retryBusy(() => tx.immediate(), this.busyTimeoutMs);
    } catch (error) {
      throw queueError(error, this.dbPath, action, this.busyTimeoutMs);
    }
  }

  /** @internal runs a read, mapping SQLite errors to QueueErrors. */
  query<R>(action: string, fn: () => R): R {
    if (this.closed) throw new QueueClosedError(this.dbPath, action);
    try {
      return retryBusy(fn, this.busyTimeoutMs);
    } catch (error) {
      throw queueError(error, this.dbPath, action, this.busyTimeoutMs);
    }
  }

  /** @internal consumers and transports register how to stop them; close() calls them first. */
  onClose(closer: () => Promise<void>): () => void {
    this.closers.add(closer);
    return () => this.closers.delete(closer);
  }

  /**
   * Stops consumers (their handlers finish and are acknowledged; events not
   * started are released to the other members), commits sends in progress,
   * removes this instance's per-process groups, and closes the database.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.closers].map((c) => c()));
    this.flush();
    clearTimeout(this.retentionTimer);
    clearInterval(this.retentionTimer);
    if (!this.readonly) {
      for (const name of this.ephemeral.values()) {
        try {
          this.deleteGroup(name);
        } catch (error) {
          this.logger.warn(`[CrossProcessEventQueue] could not remove per-process group ${name} (retention will): ${errorMessage(error)}`);
        }
      }
    }
    this.closed = true;
    this.db.close();
    await this.releaseCheckpointer?.();
  }

  /** The schema version this package writes. */
  static readonly schemaVersion = SCHEMA_VERSION;
}

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

function positive(n: number, name: string): number {
  if (!(n > 0)) throw new RangeError(`${name} must be > 0, got ${n}`);
  return n;
}

function newCounts(): SettleCounts {
  return { acked: 0, nacked: 0, parked: 0, released: 0, stale: 0 };
}

function toClaimed(e: EventRow, attempt: number, token: number): ClaimedRow {
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

function storedOf<T>(row: ClaimedRow, envelope: EventEnvelope<T>): StoredEvent<T> {
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

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export { newCounts };
