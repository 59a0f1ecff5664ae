/**
 * The SQL of the queue's hot paths as prepared statements (rr_events,
 * rr_groups, rr_deliveries; the DLQ table's SQL is in dlq-store.ts), and the
 * rows they read. Schema: docs/cross-process-queue.md.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './schema.js';

export interface EventRow {
  seq: number;
  event_id: string;
  event_type: string;
  source: string;
  created_at: number;
  origin_group: string | null;
  envelope: string;
}

export interface DueRow extends Partial<EventRow> {
  d_seq: number;
  attempts: number;
  last_error: string | null;
}

/** A prepared statement whose rows are `R`. */
// An interface, not an alias: the declaration files can name it (better-sqlite3's own type lives in a namespace they cannot).
export interface Prepared<R = unknown> extends Statement<unknown[], R> {}

/** The queue's prepared statements, by name. */
export type Statements = ReturnType<typeof prepareStatements>;

/** Prepares every statement of the queue's hot paths (sends, claims, settlements, groups) once per connection. */
export function prepareStatements(db: SqliteDatabase) {
  const p = <R = unknown>(sql: string): Prepared<R> => db.prepare<unknown[], R>(sql) as Prepared<R>;
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

/** INSERTs of `k` rows in one statement (for batches of sends), prepared on first use per `k`. */
export class MultiInsert {
  private readonly byCount: (Statement<unknown[]> | undefined)[] = [];

  constructor(private readonly db: SqliteDatabase) {}

  of(k: number): Statement<unknown[]> {
    let stmt = this.byCount[k];
    if (stmt === undefined) {
      const values = Array.from({ length: k }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
      stmt = this.byCount[k] = this.db.prepare<unknown[]>(
        `INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES ${values} ON CONFLICT (event_id) DO NOTHING`,
      );
    }
    return stmt;
  }
}
