/**
 * Retention (design rule 8: it runs by itself, on an unref'd timer): deletes
 * events every group acknowledged, events of groups that are gone past
 * `maxAgeMs`, per-process groups whose process is gone, and recovered DLQ
 * entries. "Gone" is judged from heartbeats watched on this process's
 * monotonic clock and the database's newest time, never from one clock.
 */
import { performance } from 'node:perf_hooks';
import { errorMessage, type Logger } from '../logger.js';
import type { DlqTable } from './dlq-store.js';
import type { Groups } from './groups.js';
import type { RetentionOptions } from './options.js';
import type { SqliteDatabase } from './schema.js';
import type { Statements } from './statements.js';
import type { RetentionResult } from './types.js';

/** What retention needs of its queue. */
export interface RetentionContext {
  readonly db: SqliteDatabase;
  readonly dbPath: string;
  readonly now: () => number;
  readonly logger: Logger;
  readonly groups: Groups;
  readonly dlq: DlqTable;
  statements(): Statements;
  /** Runs `fn` in a BEGIN IMMEDIATE transaction. */
  write<R>(action: string, fn: () => R): R;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  /** Per group: its heartbeat as retention last read it, and when (monotonic ms) it last changed. */
  private readonly beats = new Map<string, { beat: string; changedAt: number }>();

  constructor(
    private readonly ctx: RetentionContext,
    private readonly options: RetentionOptions,
  ) {}

  /** Runs retention every `intervalMs` (the first time after a random part of it), on unref'd timers. */
  start(): void {
    const r = this.options;
    const tick = (): void => {
      try {
        this.run();
      } catch (error) {
        this.ctx.logger.warn(`[CrossProcessEventQueue] retention on ${this.ctx.dbPath} failed (will retry): ${errorMessage(error)}`);
      }
    };
    // A random first delay so that processes started together do not run it together.
    const first = setTimeout(
      () => {
        tick();
        this.timer = setInterval(tick, r.intervalMs);
        this.timer.unref();
      },
      Math.floor(r.intervalMs * (0.5 + Math.random() / 2)),
    );
    first.unref();
    this.timer = first;
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  /**
   * The newest epoch ms the database holds: the newest event's time or the
   * newest group heartbeat, whichever is later (each written by the clock of
   * the process that wrote it). Undefined when it holds neither.
   */
  private databaseTime(): number | undefined {
    const row = this.ctx.db
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
    const rows = this.ctx.db.prepare('SELECT name, fence, cursor, last_seen_at FROM rr_groups').all() as { name: string; fence: number; cursor: number; last_seen_at: number }[];
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
  run(): RetentionResult {
    const r = this.options;
    const db = this.ctx.db;
    const now = this.ctx.now();
    const CHUNK = 5000;

    // What the database knows, not this process's clock alone: a clock that is wrong (days ahead)
    // must not make a live group look gone, nor fresh events look old.
    const gone = this.watchGroups();

    const groupsExpired = this.ctx.write('expire groups', () => {
      const names = (db.prepare('SELECT name FROM rr_groups WHERE ephemeral = 1').all() as { name: string }[]).map((g) => g.name).filter((name) => gone(name, r.ephemeralInactiveMs));
      for (const name of names) {
        this.ctx.groups.deleteNow(name);
        this.beats.delete(name);
      }
      return names;
    });
    if (groupsExpired.length > 0) this.ctx.logger.info(`[CrossProcessEventQueue] removed ${groupsExpired.length} per-process group(s) not seen for ${r.ephemeralInactiveMs} ms: ${groupsExpired.join(', ')}`);

    const deleteUpTo = (upto: number): number => {
      let total = 0;
      for (;;) {
        const n = this.ctx.write('delete old events', () => {
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
      let upto = firstKept === undefined ? (this.ctx.statements().maxSeq.get()!.m ?? 0) : firstKept - 1;
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
          this.ctx.logger.error(
            `[CrossProcessEventQueue] retention: ${g.n} event(s) older than maxAgeMs (${r.maxAgeMs} ms) were never acknowledged by group "${g.name}", whose processes have not been seen for ${r.groupInactiveMs} ms, and are deleted; is that group still running?`,
          );
        }
        this.ctx.write('delete expired leases', () => db.prepare('DELETE FROM rr_deliveries WHERE seq <= ?').run(upto));
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

    const dlqDeleted = this.ctx.write('delete recovered DLQ entries', () =>
      this.ctx.dlq.deleteRecovered(now - r.dlqRecoveredTtlMs),
    );
    return { eventsDeleted, unacknowledgedDeleted, groupsExpired, dlqDeleted };
  }
}
