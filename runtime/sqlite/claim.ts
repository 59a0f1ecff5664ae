/**
 * The claim/settle protocol of a group's members (docs/cross-process-queue.md):
 * the rows a claim hands out and the settlements (ack, nack, park, release)
 * that end their leases, fenced by the claim's token.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.js';
import type { DlqTable } from './dlq-store.js';
import { toClaimed } from './envelope-codec.js';
import { QueueError } from './errors.js';
import type { EventRow, Statements } from './statements.js';
import { queueHandlerName } from './types.js';

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

export function newCounts(): SettleCounts {
  return { acked: 0, nacked: 0, parked: 0, released: 0, stale: 0 };
}

/** @internal What the claim protocol needs of its queue. */
export interface ClaimContext {
  readonly dbPath: string;
  /** Epoch-ms clock of leases and retries. */
  readonly now: () => number;
  readonly leaseMs: number;
  readonly maxDeliveries: number;
  /** The longest pause before a retry (retry times further ahead are pulled back, clampLeases). */
  readonly maxRetryDelayMs: number;
  readonly logger: Logger;
  readonly dlq: DlqTable;
  statements(): Statements;
  /** The group's event types (null: every event), or undefined for an unknown group. */
  groupTypes(group: string): readonly string[] | null | undefined;
  /** Runs `fn` in a BEGIN IMMEDIATE transaction. */
  write<R>(action: string, fn: () => R): R;
  /** Runs a read. */
  query<R>(action: string, fn: () => R): R;
}

/** @internal Claims, settlements, lease renewals and the reads that tell a member when to claim again. */
export class ClaimProtocol {
  /** Per group: when (monotonic ms) this instance last pulled far-future leases back to its own clock. */
  private readonly leaseChecks = new Map<string, number>();

  constructor(private readonly ctx: ClaimContext) {}

  /**
   * One transaction: applies `settlements` (acks, nacks, parkings, releases
   * of this holder), then, when `claim` is given, claims up to `claim.limit`
   * events for `owner`: first deliveries whose lease expired or whose retry
   * is due (in sequence order; a delivery out of attempts is parked), then
   * new events after the group's cursor (in sequence order), all under a
   * fresh fencing token. Returns the claimed rows in delivery order.
   *
   * Used by consumers and `receive`; other languages follow the same steps
   * (docs/cross-process-queue.md).
   */
  settleAndClaim(
    group: string,
    owner: string,
    settlements: readonly Settlement[],
    claim: { readonly limit: number; readonly leaseMs: number } | undefined,
    counts?: SettleCounts,
  ): ClaimedRow[] {
    return this.ctx.write(`claim events for group ${group}`, () => {
      const s = this.ctx.statements();
      const now = this.ctx.now();
      for (const st of settlements) this.applySettlement(group, st, now, counts);
      if (!claim) return [];
      const fenced = s.fence.get(now, group);
      if (!fenced) throw new QueueError('group', this.ctx.dbPath, `group "${group}" does not exist in ${this.ctx.dbPath} (deleted, or an expired per-process group)`);
      const filter = this.ctx.groupTypes(group);
      const types = filter ? new Set(filter) : null;
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
        if (d.attempts >= this.ctx.maxDeliveries) {
          const why = d.last_error ?? `its lease expired ${d.attempts} time(s) without an acknowledgement (the consumer crashed, was killed or stalled)`;
          this.deadLetter(group, row, `${d.attempts} deliveries failed; last: ${why}`, d.attempts, queueHandlerName(group), now);
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
    const lease = Math.max(this.ctx.leaseMs, claimLeaseMs);
    this.ctx.statements().clampLeases.run({ group, lease: now + lease, retry: now + Math.max(lease, this.ctx.maxRetryDelayMs) });
  }

  private applySettlement(group: string, st: Settlement, now: number, counts: SettleCounts | undefined): void {
    const s = this.ctx.statements();
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
        if (changed) this.deadLetter(group, st.row, st.error, st.row.attempt, st.handlerName ?? queueHandlerName(group), now);
        if (counts) changed ? counts.parked++ : counts.stale++;
        return;
    }
  }

  private deadLetter(group: string, row: ClaimedRow, error: string, attempts: number, handlerName: string, now: number): void {
    this.ctx.dlq.deadLetter(group, row, error, attempts, handlerName, now);
    this.ctx.logger.error(`[CrossProcessEventQueue] parked ${row.eventType} ${row.eventId} (seq ${row.seq}) of group ${group} in the DLQ: ${error}`);
  }

  /** Extends the leases `owner` holds in `group`; returns the sequence numbers it still holds. */
  renewLeases(group: string, owner: string, leaseMs: number): Set<number> {
    return this.ctx.write(`renew leases of group ${group}`, () => {
      const now = this.ctx.now();
      this.ctx.statements().renew.run(now + leaseMs, group, owner);
      this.ctx.statements().touchGroup.run(now, group);
      return new Set(this.ctx.statements().owned.all(group, owner).map((r) => r.seq));
    });
  }

  /** Cheap read (no lock): is there anything the group could claim now? */
  hasWork(group: string): boolean {
    const row = this.ctx.query(`look for work of group ${group}`, () => this.ctx.statements().hasWork.get(this.ctx.now(), group));
    return row === undefined ? true : row.w === 1; // a vanished group: let the claim report it
  }

  /** How long to wait at most for the group's next lease expiry or retry to come due: `max`, or less. */
  waitBound(group: string, max: number): number {
    const due = this.nextDue(group);
    return due === undefined ? max : Math.min(max, Math.max(1, due - this.ctx.now() + 1));
  }

  /** Epoch ms of the group's next lease expiry or retry, if any. */
  nextDue(group: string): number | undefined {
    const now = this.ctx.now();
    const t = this.ctx.query(`read the leases of group ${group}`, () => this.ctx.statements().nextDue.get(group, now)?.t ?? undefined);
    // An expiry further ahead than a lease is pulled back at the next claim (clampLeases).
    return t === undefined ? undefined : Math.min(t, now + Math.max(this.ctx.leaseMs, this.ctx.maxRetryDelayMs));
  }
}
