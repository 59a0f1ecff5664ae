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
 * The schema and the protocol are in docs/cross-process-queue.md; the
 * class is a facade over one module per concern (README.md in this folder).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { catalogNamesOf, defaultSource } from '../catalog-names.js';
import { CONTENT_TYPE, SPEC_VERSION, type EventEnvelope } from '../envelope.js';
import { UnknownEventError } from '../errors.js';
import { uuidv7 } from '../ids.js';
import { consoleLogger, errorMessage, type Logger } from '../logger.js';
import { IsoClock, preparePayload, requirePayloadObject, type PayloadContext } from '../payload.js';
import type { EventRegistry } from '../registry.js';
import { backoffDelay, type RetryPolicy } from '../retry.js';
import { startCheckpointer } from './checkpoint.js';
import { ClaimProtocol, newCounts, type ClaimedRow, type Settlement, type SettleCounts } from './claim.js';
import { QueueConsumer, type ConsumeOptions, type QueueHandler } from './consumer.js';
import { DlqTable, SqliteDlqStore } from './dlq-store.js';
import { brokenEnvelope, decodeRow, storedOf, toClaimed, type DecodedRow } from './envelope-codec.js';
import { QueueClosedError, QueueError, queueError } from './errors.js';
import { Groups } from './groups.js';
import { onDatabaseChange, Waker, type WakeMode } from './notifier.js';
import { DEFAULT_RETENTION, type CrossProcessEventQueueOptions, type DlqReplayRequestFilter, type FollowOptions, type GroupOptions, type ReceiveOptions, type RetentionOptions, type SendOptions } from './options.js';
import { Retention } from './retention.js';
import { openDatabase, retryBusy, type SqliteDatabase } from './schema.js';
import { SendWriter } from './sends.js';
import { prepareStatements, type Statements } from './statements.js';
import { readQueueStats } from './stats.js';
import type { GroupInfo, QueueStats, ReceivedEvent, RetentionResult, SendResult, StoredEvent } from './types.js';
import { SCHEMA_VERSION } from './wire.js';

const HOST = hostname();

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
  /** @internal all the SQL of the DLQ table (dlq-store.ts). */ readonly dlqTable: DlqTable;
  private readonly source: string;
  private stmts: Statements | undefined;
  private closed = false;
  private readonly closers = new Set<() => Promise<void>>();
  private releaseCheckpointer: (() => Promise<void>) | undefined;
  private readonly clock = new IsoClock(Date.now);
  /** How `send` prepares payloads (../payload.ts, as the router). */
  private readonly payloads: PayloadContext;
  private readonly sends: SendWriter;
  private readonly groups: Groups;
  private readonly claims: ClaimProtocol;
  /** Runs retention on its timer (when enabled) and for runRetention(). */
  private readonly retentionRunner: Retention;

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
    this.dlqTable = new DlqTable(this.db);
    const statements = (): Statements => this.statements;
    const write = <R>(action: string, fn: () => R): R => this.write(action, fn);
    const query = <R>(action: string, fn: () => R): R => this.query(action, fn);
    this.sends = new SendWriter({ db: this.db, dbPath: this.dbPath, busyTimeoutMs: this.busyTimeoutMs, now: this.now, statements, checkpointing: () => this.releaseCheckpointer !== undefined });
    this.groups = new Groups({ registry: this.registry, dbPath: this.dbPath, instanceId: this.instanceId, now: this.now, statements, write, assertWritable: (action) => this.assertWritable(action) });
    this.claims = new ClaimProtocol({
      dbPath: this.dbPath,
      now: this.now,
      leaseMs: this.leaseMs,
      maxDeliveries: this.maxDeliveries,
      maxRetryDelayMs: this.retryPolicy.maxDelayMs,
      logger: this.logger,
      dlq: this.dlqTable,
      statements,
      groupTypes: (group) => this.groups.info(group)?.eventTypes,
      write,
      query,
    });
    this.retentionRunner = new Retention(
      { db: this.db, dbPath: this.dbPath, now: this.now, logger: this.logger, groups: this.groups, dlq: this.dlqTable, statements, write },
      this.retention || DEFAULT_RETENTION,
    );
    if (this.retention) this.retentionRunner.start();
    if (!this.readonly && (options.checkpoint ?? 'background') === 'background') {
      this.releaseCheckpointer = startCheckpointer(this.dbPath, 200, () => {
        if (this.closed) return;
        this.logger.warn(`[CrossProcessEventQueue] the checkpoint worker of ${this.dbPath} stopped; SQLite's automatic checkpoint is back on`);
        this.db.pragma('wal_autocheckpoint = 1000');
      });
      if (this.releaseCheckpointer) this.db.pragma('wal_autocheckpoint = 0');
    }
  }

  /** Prepared statements (prepared on first use). */
  private get statements(): Statements {
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
      return this.sends.enqueue(this.buildEnvelope(type, payload, options), null);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `send` committed at once in its own transaction, synchronously. */
  sendSync(type: string, payload: Readonly<Record<string, unknown>>, options: SendOptions = {}): SendResult {
    this.assertWritable('send');
    const envelope = this.buildEnvelope(type, payload, options);
    const [result] = this.sends.writeNow([this.sends.pendingOf(envelope, null, () => undefined, () => undefined)], true);
    return result!;
  }

  /** Several events in one transaction: all stored, or none. */
  sendMany(events: readonly { readonly type: string; readonly payload: Readonly<Record<string, unknown>>; readonly options?: SendOptions }[]): SendResult[] {
    this.assertWritable('send');
    const batch = events.map((e) => this.sends.pendingOf(this.buildEnvelope(e.type, e.payload, e.options ?? {}), null, () => undefined, () => undefined));
    return this.sends.writeNow(batch, true);
  }

  /**
   * Stores an envelope built elsewhere (the router's, for the transport).
   * `originGroup`: the group of the publishing process, which already
   * handled the event locally and so does not receive it from the queue.
   */
  publishEnvelope(envelope: EventEnvelope, originGroup: string | null = null): Promise<SendResult> {
    try {
      this.assertWritable(`publish ${envelope.type}`);
      return this.sends.enqueue(envelope, originGroup);
    } catch (error) {
      return Promise.reject(error);
    }
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

  // ── groups (groups.ts) ─────────────────────────────────────────────────

  /** Canonical types for spellings and patterns (with a registry); sorted, unique. */
  resolveEventTypes(eventTypes: readonly string[] | undefined): string[] | null {
    return this.groups.resolveEventTypes(eventTypes);
  }

  /**
   * Creates the group if it does not exist (from `startFrom`), or checks that
   * it receives the same event types. Throws GroupMismatchError otherwise.
   */
  ensureGroup(name: string, options: GroupOptions & { readonly ephemeral?: boolean } = {}): GroupInfo {
    return this.groups.ensure(name, options);
  }

  /** Changes what a group receives, for all its members (from the current cursor on). */
  updateGroupFilter(name: string, eventTypes: readonly string[] | undefined): void {
    this.groups.updateFilter(name, eventTypes);
  }

  /** A group of this queue instance alone (per filter), removed on close. */
  ephemeralGroup(options: GroupOptions = {}): GroupInfo {
    return this.groups.ephemeralGroup(options);
  }

  /** Deletes a group, its cursor and its leases (its events stay for the other groups). */
  deleteGroup(name: string): boolean {
    return this.groups.delete(name);
  }

  /** @internal forgets what is known of a group (it vanished, or its filter changed). */
  forgetGroup(name: string): void {
    this.groups.forget(name);
  }

  /** @internal the group's filter, cached. */
  groupInfo(name: string): GroupInfo | undefined {
    return this.groups.info(name);
  }

  // ── claims and settlements (claim.ts) ──────────────────────────────────

  /**
   * One transaction: applies `settlements`, then, when `claim` is given,
   * claims up to `claim.limit` events for `owner` (ClaimProtocol.settleAndClaim).
   * Returns the claimed rows in delivery order.
   *
   * @internal used by consumers and `receive`.
   */
  settleAndClaim(
    group: string,
    owner: string,
    settlements: readonly Settlement[],
    claim: { readonly limit: number; readonly leaseMs: number } | undefined,
    counts?: SettleCounts,
  ): ClaimedRow[] {
    return this.claims.settleAndClaim(group, owner, settlements, claim, counts);
  }

  /** Extends the leases `owner` holds in `group`; returns the sequence numbers it still holds. @internal */
  renewLeases(group: string, owner: string, leaseMs: number): Set<number> {
    return this.claims.renewLeases(group, owner, leaseMs);
  }

  /** Cheap read (no lock): is there anything the group could claim now? @internal */
  hasWork(group: string): boolean {
    return this.claims.hasWork(group);
  }

  /** How long to wait at most for the group's next lease expiry or retry to come due: `max`, or less. @internal */
  waitBound(group: string, max: number): number {
    return this.claims.waitBound(group, max);
  }

  /** Epoch ms of the group's next lease expiry or retry, if any. @internal */
  nextDue(group: string): number | undefined {
    return this.claims.nextDue(group);
  }

  /** @internal PRAGMA data_version: changes when another connection commits. */
  dataVersion(): number {
    return this.query('read data_version', () => this.db.pragma('data_version', { simple: true }) as number);
  }

  /** Parses a claimed row and checks it against the catalog; a reason to park it, or the event (envelope-codec.ts). @internal */
  decodeRow(row: ClaimedRow): DecodedRow {
    return decodeRow(row, this.registry, this.mode);
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
          const checked = this.decodeRow(row);
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
      const checked = this.decodeRow(row);
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
    return readQueueStats(this.db, this.dbPath, this.now(), this.catalogName() ?? null, this.dlqTable);
  }

  // ── retention (retention.ts) ───────────────────────────────────────────

  /**
   * Deletes what retention allows (it also runs by itself every
   * `intervalMs`): events every group acknowledged and older than `ttlMs`;
   * events older than `maxAgeMs` (by the database's newest time) that only
   * groups gone for `groupInactiveMs` have not settled (logged); per-process
   * groups gone for `ephemeralInactiveMs`; recovered DLQ entries older than
   * `dlqRecoveredTtlMs`. See Retention.run.
   */
  runRetention(): RetentionResult {
    this.assertWritable('run retention');
    return this.retentionRunner.run();
  }

  // ── DLQ replay requests (the CLI's `dlq replay`) ─────────────────────────

  /**
   * Marks pending DLQ entries for replay. Running processes with a SQLite
   * transport whose router has the named handler (or, for entries the queue
   * itself parked, that are members of the group) pick them up, replay each
   * to its handler once, and mark it recovered or failed. Returns the ids.
   */
  requestDlqReplay(filter: DlqReplayRequestFilter = {}): string[] {
    const eventType = filter.eventType === undefined ? undefined : (this.registry?.resolve(filter.eventType)?.name ?? filter.eventType);
    return this.write('request DLQ replays', () => this.dlqTable.requestReplays({ ...filter, eventType }, this.now()));
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
    this.sends.flush();
    this.retentionRunner?.stop();
    if (!this.readonly) {
      for (const name of this.groups.ephemeralNames()) {
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

function positive(n: number, name: string): number {
  if (!(n > 0)) throw new RangeError(`${name} must be > 0, got ${n}`);
  return n;
}
