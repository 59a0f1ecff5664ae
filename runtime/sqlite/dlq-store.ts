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
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DlqEntry, DlqFilter, DlqStatus, DlqStore } from '../dlq.js';
import type { EventEnvelope } from '../envelope.js';
import { brokenEnvelope, type CrossProcessEventQueue } from './queue.js';

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

export class SqliteDlqStore implements DlqStore {
  /** The group whose processes use this store (recorded on each entry). */
  readonly group: string | null;

  constructor(
    readonly queue: CrossProcessEventQueue,
    options: { readonly group?: string } = {},
  ) {
    this.group = options.group ?? null;
  }

  /** Runs `fn` with `list()` restricted to these entry ids (the replay of claimed requests goes through the router this way). */
  static withScope<R>(ids: Iterable<string>, fn: () => R): R {
    return scope.run(new Set(ids), fn);
  }

  async add(entry: DlqEntry): Promise<void> {
    this.queue.write(`park ${entry.eventType} in the DLQ`, () =>
      this.queue.db
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
          this.group,
          JSON.stringify(entry.envelope),
          entry.error,
          entry.attempts,
          entry.failedAt,
          entry.lastAttemptAt,
          entry.status,
          entry.recoveredAt ?? null,
        ),
    );
  }

  async get(id: string): Promise<SqliteDlqEntry | undefined> {
    const row = this.read('read the DLQ', () => this.queue.db.prepare('SELECT * FROM rr_dlq WHERE id = ?').get(id) as DlqRow | undefined);
    return row && toEntry(row);
  }

  async list(filter: DlqFilter = {}): Promise<SqliteDlqEntry[]> {
    const { where, params } = this.where(filter);
    const rows = this.read('list the DLQ', () =>
      this.queue.db.prepare(`SELECT * FROM rr_dlq ${where} ORDER BY failed_at, rowid LIMIT ?`).all(...params, filter.limit ?? -1) as DlqRow[],
    );
    return rows.map(toEntry);
  }

  async count(filter: DlqFilter = {}): Promise<number> {
    const { where, params } = this.where(filter);
    return this.read('count the DLQ', () => (this.queue.db.prepare(`SELECT COUNT(*) AS n FROM rr_dlq ${where}`).get(...params) as { n: number }).n);
  }

  async markRecovered(id: string, at: number): Promise<void> {
    this.queue.write('mark a DLQ entry recovered', () =>
      this.queue.db
        .prepare(
          `UPDATE rr_dlq SET status = 'recovered', recovered_at = ?, attempts = attempts + 1, last_attempt_at = ?,
                  replay_requested_at = NULL, replay_owner = NULL, replay_lease_expires = NULL WHERE id = ?`,
        )
        .run(at, at, id),
    );
  }

  async recordFailure(id: string, error: string, at: number): Promise<void> {
    this.queue.write('record a DLQ replay failure', () =>
      this.queue.db
        .prepare(
          `UPDATE rr_dlq SET error = ?, attempts = attempts + 1, last_attempt_at = ?,
                  replay_requested_at = NULL, replay_owner = NULL, replay_lease_expires = NULL WHERE id = ?`,
        )
        .run(error, at, id),
    );
  }

  async remove(id: string): Promise<boolean> {
    return this.queue.write('remove a DLQ entry', () => this.queue.db.prepare('DELETE FROM rr_dlq WHERE id = ?').run(id).changes > 0);
  }

  async purge(before: number): Promise<number> {
    return this.queue.write('purge the DLQ', () => this.queue.db.prepare('DELETE FROM rr_dlq WHERE failed_at < ?').run(before).changes);
  }

  private where(filter: DlqFilter): { where: string; params: unknown[] } {
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
    const ids = scope.getStore();
    if (ids !== undefined) {
      clauses.push(`id IN (${[...ids].map(() => '?').join(', ') || 'NULL'})`);
      params.push(...ids);
    }
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  private read<R>(action: string, fn: () => R): R {
    return this.queue.query(action, fn);
  }
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
