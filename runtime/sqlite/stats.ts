/**
 * The queue's statistics (`ringrift-events stats`): events, each group's
 * cursor, leases and retries, the DLQ's counts, the file sizes.
 */
import { statSync } from 'node:fs';
import type { DlqTable } from './dlq-store.js';
import type { SqliteDatabase } from './schema.js';
import type { GroupStats, QueueStats } from './types.js';

/** Reads the statistics (inside the caller's read). `catalog`: the rr_meta catalog name, or null. */
export function readQueueStats(db: SqliteDatabase, dbPath: string, now: number, catalog: string | null, dlq: DlqTable): QueueStats {
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
  const version = Number((db.prepare("SELECT value FROM rr_meta WHERE key = 'schema_version'").get() as { value: string }).value);
  return {
    dbPath,
    schemaVersion: version,
    catalog,
    events: { count: ev.n, firstSeq: ev.lo, lastSeq: ev.hi, oldestAt: ev.oldest, newestAt: ev.newest },
    groups,
    dlq: dlq.counts(),
    files: { dbBytes: sizeOf(dbPath), walBytes: sizeOf(`${dbPath}-wal`) },
  };
}

/** The size of a file in bytes; 0 when it does not exist. */
export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
