/**
 * Sends: the envelopes of a tick batched into one transaction (multi-row
 * INSERTs), ids already stored reported as duplicates, an id stored from
 * another source refused, and the -wal size backstop of checkpoint.ts.
 */
import type { EventEnvelope } from '../envelope.js';
import { EventValidationError } from '../errors.js';
import { errorMessage } from '../logger.js';
import { BACKSTOP_EVERY, WAL_HARD_BYTES, walBackstop } from './checkpoint.js';
import { serializeEnvelope } from './envelope-codec.js';
import { QueueError, queueError } from './errors.js';
import { notifyLocal } from './notifier.js';
import { retryBusy, type SqliteDatabase } from './schema.js';
import { MultiInsert, type Statements } from './statements.js';
import { sizeOf } from './stats.js';
import type { SendResult } from './types.js';

/** Rows per multi-row INSERT of a batch of sends. */
const MULTI_INSERT = 32;

/** A row of insertBatch: a SendResult, or the conflict that refuses that one send. */
type InsertResult = SendResult & { readonly conflict?: QueueError };

/** A send waiting for its transaction. */
export interface PendingSend {
  readonly envelope: EventEnvelope;
  readonly text: string;
  readonly origin: string | null;
  readonly createdAt: number;
  readonly resolve: (r: SendResult) => void;
  readonly reject: (e: unknown) => void;
}

function idConflict(dbPath: string, envelope: EventEnvelope, storedSource: string): QueueError {
  return new QueueError(
    'conflict',
    dbPath,
    `cannot send ${envelope.type}: event id ${JSON.stringify(envelope.id)} is already stored from source ${JSON.stringify(storedSource)}, ` +
      `and this event is from ${JSON.stringify(envelope.source)}. The queue keys events by id alone (docs/cross-process-queue.md), so ` +
      `two sources must not reuse ids: leave the id to the queue (UUIDv7) or make it unique per source. Nothing was stored by this send`,
  );
}

/** What sends need of their queue. */
export interface SendContext {
  readonly db: SqliteDatabase;
  readonly dbPath: string;
  readonly busyTimeoutMs: number;
  /** Epoch-ms clock of `created_at`. */
  readonly now: () => number;
  statements(): Statements;
  /** True while the background checkpointer runs (then this writer watches the -wal size). */
  checkpointing(): boolean;
}

export class SendWriter {
  private pending: PendingSend[] = [];
  private flushScheduled = false;
  /** Commits since this writer last looked at the -wal file's size (the backstop of checkpoint.ts). */
  private commitsSinceWalLook = 0;
  private readonly multiInsert: MultiInsert;
  private readonly insertBatch: (batch: readonly PendingSend[], allOrNone: boolean) => InsertResult[];

  constructor(private readonly ctx: SendContext) {
    this.multiInsert = new MultiInsert(ctx.db);
    this.insertBatch = ctx.db.transaction((batch: readonly PendingSend[], allOrNone: boolean) => {
      const s = this.ctx.statements();
      // An id already stored from another source is another event (CloudEvents: source + id),
      // which rr_events (one UNIQUE event_id) cannot hold: refused, never reported as a duplicate.
      const sameOrConflict = (w: PendingSend, stored: { seq: number; source: string }): InsertResult => {
        if (stored.source === w.envelope.source) return { id: w.envelope.id, seq: stored.seq, duplicate: true, envelope: w.envelope };
        const conflict = idConflict(this.ctx.dbPath, w.envelope, stored.source);
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
        const info = this.multiInsert.of(k).run(args);
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
  }

  /** Queues a send for the transaction of this tick; resolves once it is committed. */
  enqueue(envelope: EventEnvelope, origin: string | null): Promise<SendResult> {
    return new Promise<SendResult>((resolveSend, rejectSend) => {
      this.pending.push(this.pendingOf(envelope, origin, resolveSend, rejectSend));
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(this.flush);
      }
    });
  }

  /** A send ready to write: the envelope serialized (EventValidationError when it cannot be). */
  pendingOf(envelope: EventEnvelope, origin: string | null, res: (r: SendResult) => void, rej: (e: unknown) => void): PendingSend {
    let text: string;
    try {
      text = serializeEnvelope(envelope);
    } catch (error) {
      throw new EventValidationError(envelope.type, [{ field: '', message: `is not JSON-serializable (${errorMessage(error)})` }]);
    }
    return { envelope, text, origin, createdAt: this.ctx.now(), resolve: res, reject: rej };
  }

  /** Commits the sends queued so far (close() calls it). */
  readonly flush = (): void => {
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
  writeNow(batch: readonly PendingSend[], allOrNone: boolean): InsertResult[] {
    let results: InsertResult[];
    try {
      results = retryBusy(() => this.insertBatch(batch, allOrNone), this.ctx.busyTimeoutMs);
    } catch (error) {
      const what = batch.length === 1 ? `send ${batch[0]!.envelope.type}` : `send ${batch.length} events`;
      throw queueError(error, this.ctx.dbPath, what, this.ctx.busyTimeoutMs);
    }
    notifyLocal(this.ctx.dbPath);
    if (this.ctx.checkpointing() && ++this.commitsSinceWalLook >= BACKSTOP_EVERY) {
      this.commitsSinceWalLook = 0;
      if (sizeOf(`${this.ctx.dbPath}-wal`) > WAL_HARD_BYTES) walBackstop(this.ctx.db);
    }
    return results;
  }
}
