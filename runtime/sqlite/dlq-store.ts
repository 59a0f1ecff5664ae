/**
 * The router's dead letter queue on the queue's SQLite file (table rr_dlq):
 * entries survive restarts, every process of the node sees them, and the
 * CLI lists and replays them (`ringrift-events dlq list|replay --db PATH`).
 *
 *   const queue = new CrossProcessEventQueue({ dbPath, registry: REGISTRY });
 *   const router = createRouter({ registry: REGISTRY, dlq: queue.dlqStore('training') });
 *
 * The same table holds the events a queue consumer gave up on (handler name
 * `sqlite:<group>`), parked in the same transaction that drops their lease.
 *
 * This module holds all the SQL of rr_dlq (DlqTable): the store's, the
 * queue's parkings, statistics and retention, and the replay requests of
 * `ringrift-events dlq replay` (requested by the CLI, claimed and released by
 * the transports that carry them out).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { DlqEntry, DlqFilter, DlqStatus, DlqStore } from '../dlq.js';
import type { Statement } from 'better-sqlite3';
import type { EventEnvelope } from '../envelope.js';
import type { ClaimedRow } from './claim.js';
import { brokenEnvelope } from './envelope-codec.js';
import type { SqliteDatabase } from './schema.js';

interface DlqRow {
  id: string;
  event_id: string;
  event_type: string;
  handler_name: string;
  group_name: string | null;
  envelope: string;
  error: string;
  attempts: number;
  failed_at: number;
  last_attempt_at: number;
  status: DlqStatus;
  recovered_at: number | null;
  replay_requested_at: number | null;
}

/** A DLQ entry with what the SQLite store adds. */
export interface SqliteDlqEntry extends DlqEntry {
  /** The group of the process that parked it (replays go to a member of it). */
  readonly group: string | null;
  /** Epoch ms of a pending replay request (the CLI's `dlq replay`), if any. */
  readonly replayRequestedAt: number | null;
}

const scope = new AsyncLocalStorage<ReadonlySet<string>>();

/** What the DLQ store needs of its queue: the file, its DLQ table, and its transactions. */
export interface DlqStoreQueue {
  readonly dbPath: string;
  /** @internal */
  readonly dlqTable: DlqTable;
  /** Runs `fn` in a BEGIN IMMEDIATE transaction. */
  write<R>(action: string, fn: () => R): R;
  /** Runs a read. */
  query<R>(action: string, fn: () => R): R;
}

export class SqliteDlqStore implements DlqStore {
  /** The group whose processes use this store (recorded on each entry). */
  readonly group: string | null;

  constructor(
    readonly queue: DlqStoreQueue,
    options: { readonly group?: string } = {},
  ) {
    this.group = options.group ?? null;
  }

  /** Runs `fn` with `list()` restricted to these entry ids (the replay of claimed requests goes through the router this way). */
  static withScope<R>(ids: Iterable<string>, fn: () => R): R {
    return scope.run(new Set(ids), fn);
  }

  private get table(): DlqTable {
    return this.queue.dlqTable;
  }

  async add(entry: DlqEntry): Promise<void> {
    this.queue.write(`park ${entry.eventType} in the DLQ`, () => this.table.upsert(entry, this.group));
  }

  async get(id: string): Promise<SqliteDlqEntry | undefined> {
    const row = this.queue.query('read the DLQ', () => this.table.get(id));
    return row && toEntry(row);
  }

  async list(filter: DlqFilter = {}): Promise<SqliteDlqEntry[]> {
    return this.queue.query('list the DLQ', () => this.table.list(filter, scope.getStore())).map(toEntry);
  }

  async count(filter: DlqFilter = {}): Promise<number> {
    return this.queue.query('count the DLQ', () => this.table.count(filter, scope.getStore()));
  }

  async markRecovered(id: string, at: number): Promise<void> {
    this.queue.write('mark a DLQ entry recovered', () => this.table.markRecovered(id, at));
  }

  async recordFailure(id: string, error: string, at: number): Promise<void> {
    this.queue.write('record a DLQ replay failure', () => this.table.recordFailure(id, error, at));
  }

  async remove(id: string): Promise<boolean> {
    return this.queue.write('remove a DLQ entry', () => this.table.remove(id));
  }

  async purge(before: number): Promise<number> {
    return this.queue.write('purge the DLQ', () => this.table.purge(before));
  }
}

/** A DLQ entry a transport claimed to replay. */
export interface ReplayRow {
  id: string;
  handler_name: string;
  group_name: string | null;
  envelope: string;
  event_id: string;
  event_type: string;
  attempts: number;
}

/** Where a requested replay stands (the CLI's `dlq replay --wait`). */
export interface ReplayStatusRow {
  id: string;
  handler_name: string;
  event_type: string;
  status: string;
  replay_requested_at: number | null;
  error: string;
}

/** Which pending entries a replay request marks (`eventType`: canonical). */
export interface ReplayRequestFilter {
  readonly ids?: readonly string[];
  readonly handlerName?: string;
  readonly eventType?: string;
  readonly since?: number;
  readonly limit?: number;
}

/**
 * The SQL of the rr_dlq table, on one connection. Callers run it inside the
 * queue's transactions (`write`) or reads (`query`).
 */
export class DlqTable {
  private insertParked: Statement<unknown[]> | undefined;

  /** @internal (the connection's type stays out of the public declarations) */
  constructor(private readonly db: SqliteDatabase) {}

  /** Parks a claimed row that `group` gave up on (inside the transaction that drops its lease). */
  deadLetter(group: string, row: ClaimedRow, error: string, attempts: number, handlerName: string, now: number): void {
    this.insertParked ??= this.db.prepare<unknown[]>(
      `INSERT INTO rr_dlq (id, event_id, event_type, handler_name, group_name, envelope, error, attempts, failed_at, last_attempt_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    );
    this.insertParked.run(randomUUID(), row.eventId, row.eventType, handlerName, group, row.text, error, attempts, now, now);
  }

  /** A router's DLQ entry, stored or updated. */
  upsert(entry: DlqEntry, group: string | null): void {
    this.db
      .prepare(
        `INSERT INTO rr_dlq (id, event_id, event_type, handler_name, group_name, envelope, error, attempts, failed_at, last_attempt_at, status, recovered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET error = excluded.error, attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at,
                                        status = excluded.status, recovered_at = excluded.recovered_at`,
      )
      .run(
        entry.id,
        entry.envelope.id,
        entry.eventType,
        entry.handlerName,
        group,
        JSON.stringify(entry.envelope),
        entry.error,
        entry.attempts,
        entry.failedAt,
        entry.lastAttemptAt,
        entry.status,
        entry.recoveredAt ?? null,
      );
  }

  get(id: string): DlqRow | undefined {
    return this.db.prepare('SELECT * FROM rr_dlq WHERE id = ?').get(id) as DlqRow | undefined;
  }

  list(filter: DlqFilter, ids?: ReadonlySet<string>): DlqRow[] {
    const { where, params } = whereOf(filter, ids);
    return this.db.prepare(`SELECT * FROM rr_dlq ${where} ORDER BY failed_at, rowid LIMIT ?`).all(...params, filter.limit ?? -1) as DlqRow[];
  }

  count(filter: DlqFilter, ids?: ReadonlySet<string>): number {
    const { where, params } = whereOf(filter, ids);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM rr_dlq ${where}`).get(...params) as { n: number }).n;
  }

  markRecovered(id: string, at: number): void {
    this.db
      .prepare(
        `UPDATE rr_dlq SET status = 'recovered', recovered_at = ?, attempts = attempts + 1, last_attempt_at = ?,
                replay_requested_at = NULL, replay_owner = NULL, replay_lease_expires = NULL WHERE id = ?`,
      )
      .run(at, at, id);
  }

  recordFailure(id: string, error: string, at: number): void {
    this.db
      .prepare(
        `UPDATE rr_dlq SET error = ?, attempts = attempts + 1, last_attempt_at = ?,
                replay_requested_at = NULL, replay_owner = NULL, replay_lease_expires = NULL WHERE id = ?`,
      )
      .run(error, at, id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM rr_dlq WHERE id = ?').run(id).changes > 0;
  }

  purge(before: number): number {
    return this.db.prepare('DELETE FROM rr_dlq WHERE failed_at < ?').run(before).changes;
  }

  /** The counts of the queue's statistics. */
  counts(): { readonly pending: number; readonly recovered: number; readonly replayRequested: number } {
    const dlq = this.db
      .prepare("SELECT SUM(status = 'pending') AS pending, SUM(status = 'recovered') AS recovered, SUM(status = 'pending' AND replay_requested_at IS NOT NULL) AS requested FROM rr_dlq")
      .get() as { pending: number | null; recovered: number | null; requested: number | null };
    return { pending: dlq.pending ?? 0, recovered: dlq.recovered ?? 0, replayRequested: dlq.requested ?? 0 };
  }

  /** Retention: deletes recovered entries recovered before `before`; returns how many. */
  deleteRecovered(before: number): number {
    return this.db.prepare("DELETE FROM rr_dlq WHERE status = 'recovered' AND recovered_at < ?").run(before).changes;
  }

  /** Marks the pending entries `filter` selects for replay (at `now`); returns their ids, oldest first. */
  requestReplays(filter: ReplayRequestFilter, now: number): string[] {
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
      params.push(filter.eventType);
    }
    if (filter.since !== undefined) {
      where.push('failed_at >= ?');
      params.push(filter.since);
    }
    const ids = (this.db.prepare(`SELECT id FROM rr_dlq WHERE ${where.join(' AND ')} ORDER BY failed_at LIMIT ?`).all(...params, filter.limit ?? -1) as { id: string }[]).map((r) => r.id);
    const mark = this.db.prepare('UPDATE rr_dlq SET replay_requested_at = ?, replay_owner = NULL, replay_lease_expires = NULL WHERE id = ?');
    for (const id of ids) mark.run(now, id);
    return ids;
  }

  /** Claims for `owner` (until `expires`) up to 50 requested replays, among the 200 oldest free ones, that `mine` accepts. */
  claimReplays(owner: string, now: number, expires: number, mine: (row: ReplayRow) => boolean): ReplayRow[] {
    const candidates = this.db
      .prepare(
        `SELECT id, handler_name, group_name, envelope, event_id, event_type, attempts FROM rr_dlq
          WHERE status = 'pending' AND replay_requested_at IS NOT NULL AND (replay_lease_expires IS NULL OR replay_lease_expires <= ?)
          ORDER BY failed_at LIMIT 200`,
      )
      .all(now) as ReplayRow[];
    const claimed = candidates.filter(mine).slice(0, 50);
    const take = this.db.prepare('UPDATE rr_dlq SET replay_owner = ?, replay_lease_expires = ? WHERE id = ?');
    for (const r of claimed) take.run(owner, expires, r.id);
    return claimed;
  }

  /** Gives back the requests `owner` claimed and did not carry out, to be claimed again from `until`. */
  releaseReplays(ids: readonly string[], owner: string, until: number): void {
    const release = this.db.prepare(
      "UPDATE rr_dlq SET replay_owner = NULL, replay_lease_expires = ? WHERE id = ? AND replay_owner = ? AND status = 'pending' AND replay_requested_at IS NOT NULL",
    );
    for (const id of ids) release.run(until, id, owner);
  }

  /** Where the replays of these entries stand. */
  replayStatus(ids: readonly string[]): ReplayStatusRow[] {
    return this.db.prepare(`SELECT id, handler_name, event_type, status, replay_requested_at, error FROM rr_dlq WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as ReplayStatusRow[];
  }
}

function whereOf(filter: DlqFilter, ids: ReadonlySet<string> | undefined): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    clauses.push('status = ?');
    params.push(filter.status);
  }
  if (filter.since !== undefined) {
    clauses.push('failed_at >= ?');
    params.push(filter.since);
  }
  if (filter.handlerName !== undefined) {
    clauses.push('handler_name = ?');
    params.push(filter.handlerName);
  }
  if (filter.eventType !== undefined) {
    clauses.push('event_type = ?');
    params.push(filter.eventType);
  }
  if (ids !== undefined) {
    clauses.push(`id IN (${[...ids].map(() => '?').join(', ') || 'NULL'})`);
    params.push(...ids);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toEntry(row: DlqRow): SqliteDlqEntry {
  let envelope: EventEnvelope;
  try {
    envelope = JSON.parse(row.envelope) as EventEnvelope;
    if (envelope === null || typeof envelope !== 'object') throw new TypeError('not an object');
  } catch (error) {
    envelope = brokenEnvelope({ eventId: row.event_id, eventType: row.event_type, source: '', text: row.envelope }, String(error));
  }
  return {
    id: row.id,
    envelope,
    eventType: row.event_type,
    handlerName: row.handler_name,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failed_at,
    lastAttemptAt: row.last_attempt_at,
    status: row.status,
    ...(row.recovered_at !== null ? { recoveredAt: row.recovered_at } : {}),
    group: row.group_name,
    replayRequestedAt: row.replay_requested_at,
  };
}
