/**
 * A managed consumer: claims batches for its group, hands each event to the
 * handler in sequence order, and acknowledges it only after the handler
 * settled (design rule 4). While a batch is being handled its leases are renewed,
 * so only a crashed, killed or stalled process loses them; a lease lost
 * anyway (fencing) is noticed and the events not yet started are skipped.
 *
 * A handler that throws gets the event back after a backoff (another member
 * may take it), up to `maxDeliveries` deliveries, then the event is parked in
 * the DLQ (design rule 3). PermanentDeliveryError, and events the queue cannot
 * read or validate, are parked at once.
 *
 * Acks are written together with the next claim (one transaction per batch);
 * an idle consumer costs a cheap read per wake-up and no write.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { errorMessage, type Logger } from '../logger.js';
import type { EventEnvelope } from '../envelope.js';
import { PermanentDeliveryError, QueueError } from './errors.js';
import { newCounts, type ClaimedRow, type Settlement, type SettleCounts } from './claim.js';
import type { DecodedRow } from './envelope-codec.js';
import { onDatabaseChange, Waker, type ChangeSubscription, type WakeMode } from './notifier.js';
import type { GroupOptions } from './options.js';
import type { GroupInfo, ReceivedEvent } from './types.js';

/**
 * What a consumer needs of its queue (CrossProcessEventQueue implements it):
 * joining its group, the claim/settle protocol, lease renewal, the reads that
 * say when to claim again, decoding claimed rows, and the queue's settings.
 */
export interface ConsumerQueue {
  readonly dbPath: string;
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly maxDeliveries: number;
  readonly wakeMode: WakeMode;
  readonly pollIntervalMs: number;
  readonly logger: Logger;
  readonly isClosed: boolean;
  ensureGroup(name: string, options?: GroupOptions & { readonly ephemeral?: boolean }): GroupInfo;
  ephemeralGroup(options?: GroupOptions): GroupInfo;
  forgetGroup(name: string): void;
  settleAndClaim(
    group: string,
    owner: string,
    settlements: readonly Settlement[],
    claim: { readonly limit: number; readonly leaseMs: number } | undefined,
    counts?: SettleCounts,
  ): ClaimedRow[];
  renewLeases(group: string, owner: string, leaseMs: number): Set<number>;
  hasWork(group: string): boolean;
  waitBound(group: string, max: number): number;
  dataVersion(): number;
  decodeRow(row: ClaimedRow): DecodedRow;
  retryDelay(failedAttempts: number): number;
  /** Registers how to stop the consumer when the queue closes; returns the unregistration. */
  onClose(closer: () => Promise<void>): () => void;
}

export interface ConsumeOptions extends GroupOptions {
  /** The subscriber group. Default: a group of this queue instance alone (removed on close). */
  readonly group?: string;
  /** Events claimed per transaction. Default 64. */
  readonly batchSize?: number;
  /** Default: the queue's leaseMs. */
  readonly leaseMs?: number;
  /** Default: the queue's maxDeliveries. */
  readonly maxDeliveries?: number;
  /** Handler name for DLQ entries of failed events. Default `sqlite:<group>`. */
  readonly name?: string;
  /** With `group`: create it as a per-process group (removed by retention once its process is gone). */
  readonly ephemeral?: boolean;
}

/** What a handler can learn about the delivery it is running in (also inside the router's handlers, via the transport). */
export interface QueueDeliveryInfo {
  readonly group: string;
  readonly seq: number;
  readonly eventId: string;
  /** 1 for the first delivery to this group. */
  readonly attempt: number;
  /** The event was delivered to this group before without an acknowledgement. */
  readonly redelivered: boolean;
}

const deliveryContext = new AsyncLocalStorage<QueueDeliveryInfo>();

/**
 * The queue delivery the calling handler runs in, or undefined outside one.
 * Router handlers fed by the SQLite transport can read `redelivered` here
 * (the router's handler signature has no room for it).
 */
export function currentDelivery(): QueueDeliveryInfo | undefined {
  return deliveryContext.getStore();
}

export type QueueHandler<T = Record<string, unknown>> = (event: ReceivedEvent<T>) => unknown;

export interface ConsumerStats {
  /** Events claimed (redeliveries included). */
  claimed: number;
  /** Of those, redeliveries. */
  redelivered: number;
  acked: number;
  /** Handler failures given back for a retry. */
  nacked: number;
  /** Parked in the DLQ (out of deliveries, unreadable, invalid). */
  parked: number;
  /** Settlements refused by the fencing token: the lease had passed to another member. */
  stale: number;
  /** Claimed events skipped because the lease was lost before they started. */
  leasesLost: number;
  /** Claim transactions that failed (locked database…) and were retried. */
  claimErrors: number;
}

export class QueueConsumer<T = Record<string, unknown>> {
  readonly stats: ConsumerStats = { claimed: 0, redelivered: 0, acked: 0, nacked: 0, parked: 0, stale: 0, leasesLost: 0, claimErrors: 0 };
  /** This consumer's lease-holder id. */
  readonly owner: string;
  readonly done: Promise<void>;
  private group: GroupInfo;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxDeliveries: number;
  private readonly handlerName: string | undefined;
  private readonly waker = new Waker();
  private readonly change: ChangeSubscription;
  private readonly unregister: () => void;
  private stopping = false;
  private held: ClaimedRow[] = [];
  private lost = new Set<number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private pollDelay: number;
  private lastDataVersion = -1;
  private lastWarn = 0;

  constructor(
    private readonly queue: ConsumerQueue,
    private readonly handler: QueueHandler<T>,
    private readonly options: ConsumeOptions = {},
  ) {
    this.group = options.group === undefined ? queue.ephemeralGroup(options) : queue.ensureGroup(options.group, options);
    this.owner = `${queue.instanceId}/${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 64;
    this.leaseMs = options.leaseMs ?? queue.leaseMs;
    this.maxDeliveries = options.maxDeliveries ?? queue.maxDeliveries;
    this.handlerName = options.name;
    this.pollDelay = 1;
    this.change = onDatabaseChange(queue.dbPath, queue.wakeMode, this.waker.signal);
    this.unregister = queue.onClose(() => this.stop());
    this.done = this.loop();
  }

  get groupName(): string {
    return this.group.name;
  }

  /** True when cross-process wake-ups come from fs.watch; false: polling. */
  get watching(): boolean {
    return this.change.watching;
  }

  /**
   * Stops after the event being handled (acknowledged as usual); the other
   * claimed events are released to the group at once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waker.signal();
    await this.done;
  }

  private async loop(): Promise<void> {
    let settle: Settlement[] = [];
    let failures = 0;
    try {
      while (!this.stopping) {
        let batch: ClaimedRow[];
        const counts = newCounts();
        try {
          batch = this.queue.settleAndClaim(this.group.name, this.owner, settle, { limit: this.batchSize, leaseMs: this.leaseMs }, counts);
          this.count(counts);
          settle = [];
          failures = 0;
        } catch (error) {
          if (this.queue.isClosed) return;
          this.stats.claimErrors++;
          if (error instanceof QueueError && error.kind === 'group') {
            this.queue.forgetGroup(this.group.name);
            this.group = this.rejoin(); // removed meanwhile (an expired per-process group)
            settle = [];
          }
          this.warn(`cannot claim events for group ${this.group.name} (will retry): ${errorMessage(error)}`);
          await this.waker.wait(Math.min(2000, 20 * 2 ** failures++));
          continue;
        }
        if (batch.length === 0) {
          await this.idle();
          continue;
        }
        this.pollDelay = 1;
        settle = await this.handleBatch(batch);
      }
    } finally {
      this.stopHeartbeat();
      if (settle.length > 0 && !this.queue.isClosed) {
        const counts = newCounts();
        try {
          this.queue.settleAndClaim(this.group.name, this.owner, settle, undefined, counts);
          this.count(counts);
        } catch (error) {
          this.warn(`could not acknowledge ${settle.length} event(s) on stop; their leases will expire and they will be redelivered: ${errorMessage(error)}`);
        }
      }
      this.change.unsubscribe();
      this.unregister();
    }
  }

  private rejoin(): GroupInfo {
    return this.options.group === undefined ? this.queue.ephemeralGroup(this.options) : this.queue.ensureGroup(this.options.group, this.options);
  }

  private async handleBatch(batch: ClaimedRow[]): Promise<Settlement[]> {
    const settle: Settlement[] = [];
    this.held = batch;
    this.lost.clear();
    this.startHeartbeat();
    try {
      // Consecutive acknowledgements of the batch (one claim, one token) become one ranged DELETE.
      let runFrom = 0;
      let runTo = 0;
      let runCount = 0;
      let runToken = 0;
      const endRun = (): void => {
        if (runCount > 0) settle.push({ kind: 'ackRun', seq: runFrom, to: runTo, count: runCount, token: runToken });
        runCount = 0;
      };
      try {
        for (let i = 0; i < batch.length; i++) {
          const row = batch[i]!;
          if (this.stopping) {
            endRun();
            for (const rest of batch.slice(i)) if (!this.lost.has(rest.seq)) settle.push({ kind: 'release', seq: rest.seq, token: rest.token });
            break;
          }
          if (this.lost.has(row.seq)) {
            this.stats.leasesLost++;
            endRun();
            continue;
          }
          this.stats.claimed++;
          if (row.attempt > 1) this.stats.redelivered++;
          const pending = this.handleOne(row);
          const st = pending instanceof Promise ? await pending : pending; // a synchronous handler costs no promise
          if (st === ACK) {
            if (runCount > 0 && runToken === row.token) {
              runTo = row.seq;
              runCount++;
            } else {
              endRun();
              runFrom = runTo = row.seq;
              runToken = row.token;
              runCount = 1;
            }
          } else {
            endRun();
            settle.push(st);
          }
        }
      } finally {
        endRun();
      }
    } finally {
      this.stopHeartbeat();
      this.held = [];
    }
    return settle;
  }

  /** ACK when the handler succeeded, else the settlement; a promise only when the handler returned one. */
  private handleOne(row: ClaimedRow): Settlement | typeof ACK | Promise<Settlement | typeof ACK> {
    const checked = this.queue.decodeRow(row);
    if ('problem' in checked) return { kind: 'park', row, error: checked.problem, handlerName: this.handlerName };
    const event = this.event(row, checked.envelope as EventEnvelope<T>);
    const info: QueueDeliveryInfo = { group: this.group.name, seq: row.seq, eventId: row.eventId, attempt: row.attempt, redelivered: row.attempt > 1 };
    let result: unknown;
    try {
      result = deliveryContext.run(info, this.handler, event);
    } catch (error) {
      return this.failed(row, error);
    }
    if (!isThenable(result)) return ACK;
    return Promise.resolve(result).then(
      () => ACK,
      (error: unknown) => this.failed(row, error),
    );
  }

  private failed(row: ClaimedRow, error: unknown): Settlement {
    const message = errorMessage(error);
    if (error instanceof PermanentDeliveryError) return { kind: 'park', row, error: message, handlerName: this.handlerName };
    if (row.attempt >= this.maxDeliveries) {
      return { kind: 'park', row, error: `${row.attempt} deliveries failed; last: ${message}`, handlerName: this.handlerName };
    }
    return { kind: 'nack', seq: row.seq, token: row.token, error: message, delayMs: this.queue.retryDelay(row.attempt) };
  }

  /** The event as the handler sees it; ack/nack are managed by the consumer (calling them does nothing). */
  private event(row: ClaimedRow, envelope: EventEnvelope<T>): ReceivedEvent<T> {
    return {
      seq: row.seq,
      id: row.eventId,
      type: envelope.type,
      source: row.source,
      createdAt: row.createdAt,
      originGroup: row.originGroup,
      envelope,
      payload: envelope.data,
      group: this.group.name,
      attempt: row.attempt,
      redelivered: row.attempt > 1,
      token: row.token,
      ack: managed,
      nack: managed,
    };
  }

  /** Waits until the group may have something to claim: a wake-up, a due lease or retry, or the poll. */
  private async idle(): Promise<void> {
    const q = this.queue;
    for (;;) {
      if (this.stopping) return;
      const polling = !this.change.watching;
      if (polling) {
        // Fallback without file notifications: PRAGMA data_version tells whether another connection committed.
        const v = q.dataVersion();
        if (v !== this.lastDataVersion) {
          this.lastDataVersion = v;
          this.pollDelay = 1;
        }
      }
      this.waker.clear();
      try {
        if (q.hasWork(this.group.name)) return;
      } catch (error) {
        if (q.isClosed) return;
        this.warn(`cannot read the queue (will retry): ${errorMessage(error)}`);
      }
      const timeout = polling ? this.pollDelay : q.pollIntervalMs;
      await this.waker.wait(q.isClosed ? timeout : q.waitBound(this.group.name, timeout));
      if (polling) this.pollDelay = Math.min(q.pollIntervalMs, this.pollDelay * 2);
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const every = Math.max(20, Math.floor(this.leaseMs / 3));
    this.heartbeat = setInterval(() => {
      if (this.held.length === 0 || this.queue.isClosed) return;
      try {
        const still = this.queue.renewLeases(this.group.name, this.owner, this.leaseMs);
        for (const row of this.held) if (!still.has(row.seq)) this.lost.add(row.seq);
      } catch (error) {
        this.warn(`cannot renew leases (will retry): ${errorMessage(error)}`);
      }
    }, every);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private count(c: { acked: number; nacked: number; parked: number; stale: number }): void {
    this.stats.acked += c.acked;
    this.stats.nacked += c.nacked;
    this.stats.parked += c.parked;
    this.stats.stale += c.stale;
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarn < 5000) return;
    this.lastWarn = now;
    this.queue.logger.warn(`[CrossProcessEventQueue] ${message}`);
  }
}

/** The handler settled without an error (acknowledged in a ranged DELETE with its neighbours). */
const ACK = Symbol('ack');

/** ack/nack of a consumer's event: the consumer settles it (calling them does nothing). */
const managed = (): boolean => false;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
