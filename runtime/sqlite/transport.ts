/**
 * The SQLite transport: the router's cross-process events over a
 * CrossProcessEventQueue, with the contract of ../transport.ts.
 *
 *   const queue = new CrossProcessEventQueue({ dbPath: 'data/events.db', registry: REGISTRY });
 *   const router = createRouter({ registry: REGISTRY, dlq: queue.dlqStore('training') });
 *   await attachSqliteTransport(router, { queue, group: 'training' });
 *
 * - Outbound: `publish` stores the router's envelope (resolves once
 *   committed). It records the publishing group, which does not receive the
 *   event back from the queue: the publishing process already delivered it
 *   to its local handlers (no double delivery, no echo loop). Other groups
 *   receive it; the router drops any id it has already seen anyway.
 * - Inbound: a QueueConsumer of the group hands each event to the router's
 *   `deliver`, which resolves after every local handler settled, retries and
 *   DLQ parking included; only then is the event acknowledged (design rule 4).
 *   `deliver` rejecting (the DLQ store failed) gives the event back with a
 *   backoff; after maxDeliveries it is parked (design rule 3). Events the catalog
 *   does not know, or whose payload is invalid, are parked at once with the
 *   reason instead of being dropped.
 * - Handlers learn whether they run in a redelivery from `currentDelivery()`.
 * - With the router's DLQ on the same file (`queue.dlqStore(group)`), the
 *   transport also carries out replay requests of `ringrift-events dlq replay`.
 */
import { basename } from 'node:path';
import type { EventEnvelope } from '../envelope.js';
import { EventValidationError, TransportStateError } from '../errors.js';
import { UndeliverableEventError } from '../inbound.js';
import { errorMessage, type Logger } from '../logger.js';
import { normalizePayload } from '../payload.js';
import type { EventRegistry } from '../registry.js';
import type { Router } from '../router.js';
import type { Deliver, Transport } from '../transport.js';
import { QueueConsumer } from './consumer.js';
import type { ClaimedRow } from './claim.js';
import { SqliteDlqStore, type DlqTable, type ReplayRow } from './dlq-store.js';
import type { DecodedRow } from './envelope-codec.js';
import { PermanentDeliveryError } from './errors.js';
import { onDatabaseChange, type ChangeSubscription, type WakeMode } from './notifier.js';
import type { CrossProcessEventQueueOptions, StartFrom } from './options.js';
import { CrossProcessEventQueue } from './queue.js';
import { queueHandlerName, type ReceivedEvent } from './types.js';

let transportCount = 0;

export interface SqliteTransportOptions {
  /** The catalog (the router's). */
  readonly registry: EventRegistry;
  /** A queue to use (shared with the router's DLQ store, say); it stays open when the transport closes. */
  readonly queue?: CrossProcessEventQueue;
  /** Without `queue`: the file to open (closed with the transport). */
  readonly dbPath?: string;
  /** Options of the queue opened from `dbPath`. */
  readonly queueOptions?: Omit<CrossProcessEventQueueOptions, 'dbPath' | 'registry'>;
  /**
   * Subscriber group: every group receives every event; the processes of a
   * group share its events. Default: a group of this process alone, removed
   * when it closes, receiving events sent while it runs.
   */
  readonly group?: string;
  /** What the group receives: event spellings or patterns (`training.*`). Default every event. */
  readonly topics?: readonly string[];
  /** false: publish only. Default true. */
  readonly receive?: boolean;
  /** Where a named group created now starts. Default `all` (every retained event). */
  readonly startFrom?: StartFrom;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly maxDeliveries?: number;
  readonly mode?: 'strict' | 'lenient';
  readonly logger?: Logger;
}

export interface SqliteTransportStats {
  /** Events stored by publish. */
  published: number;
  /** Publishes of an id already stored (nothing stored again). */
  duplicates: number;
  /** DLQ replay requests carried out here. */
  replays: number;
}

export class SqliteTransport implements Transport {
  readonly name: string;
  readonly queue: CrossProcessEventQueue;
  readonly stats: SqliteTransportStats = { published: 0, duplicates: 0, replays: 0 };
  private readonly ownsQueue: boolean;
  private readonly registry: EventRegistry;
  private readonly logger: Logger;
  private consumerRef: QueueConsumer | undefined;
  private deliverFn: Deliver | undefined;
  private originGroup: string | null = null;
  private privateGroup: string | undefined;
  private replayer: Replayer | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SqliteTransportOptions) {
    this.registry = options.registry;
    this.logger = options.logger ?? options.queue?.logger ?? options.queueOptions?.logger ?? console;
    if (options.queue) {
      this.queue = options.queue;
      this.ownsQueue = false;
    } else {
      if (!options.dbPath) throw new TypeError('SqliteTransport needs a queue or a dbPath');
      this.queue = new CrossProcessEventQueue({ logger: this.logger, mode: options.mode, ...options.queueOptions, dbPath: options.dbPath, registry: options.registry });
      this.ownsQueue = true;
    }
    this.name = `sqlite:${basename(this.queue.dbPath)}/${options.group ?? 'process'}`;
  }

  /** The consumer of the group, once started (stats, group name). */
  get consumer(): QueueConsumer | undefined {
    return this.consumerRef;
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    const result = await this.queue.publishEnvelope(envelope, this.originGroup);
    if (result.duplicate) this.stats.duplicates++;
    else this.stats.published++;
  }

  async start(deliver: Deliver): Promise<void> {
    if (this.deliverFn) throw new TransportStateError(this.name, 'start', `${this.name} is already started`);
    this.deliverFn = deliver;
    if (this.options.receive === false) return;
    // Without a group name: a group of this transport alone, removed when it closes.
    this.privateGroup = this.options.group === undefined ? `~${this.queue.instanceId}/transport-${transportCount++}` : undefined;
    this.consumerRef = new QueueConsumer(this.queue, this.handle, {
      group: this.options.group ?? this.privateGroup,
      ephemeral: this.privateGroup !== undefined,
      eventTypes: this.options.topics,
      startFrom: this.options.startFrom,
      batchSize: this.options.batchSize,
      leaseMs: this.options.leaseMs,
      maxDeliveries: this.options.maxDeliveries,
    });
    this.originGroup = this.consumerRef.groupName;
  }

  private readonly handle = async (event: ReceivedEvent): Promise<void> => {
    if (this.queue.registry === undefined) this.check(event.envelope); // a queue without the catalog did not check it
    try {
      await this.deliverFn!(event.envelope, { redelivered: event.redelivered, attempt: event.attempt });
    } catch (error) {
      // Parked at once: redelivery cannot help before this process upgrades its catalog.
      if (error instanceof UndeliverableEventError) throw new PermanentDeliveryError(error.message);
      throw error;
    }
  };

  private check(envelope: EventEnvelope): void {
    const def = this.registry.resolve(envelope.type);
    if (!def) throw new PermanentDeliveryError(UndeliverableEventError.unknownType(envelope.type).message);
    if ((this.options.mode ?? 'strict') === 'strict') {
      const result = def.validate(normalizePayload(def, envelope.data).payload);
      if (!result.ok) throw new PermanentDeliveryError(UndeliverableEventError.invalidPayload(def, envelope, new EventValidationError(def.name, result.issues).message).message);
    }
  }

  /**
   * Carries out `dlq replay` requests for this router: entries of its
   * handlers (by subscription name) and entries this group's consumer parked.
   * attachSqliteTransport calls it when the router's DLQ is on this file.
   */
  serveReplays(router: Router): void {
    if (this.replayer || !(router.dlq instanceof SqliteDlqStore)) return;
    this.replayer = new Replayer(this, router, router.dlq, this.deliverFn, this.logger);
  }

  /** @internal */
  get groupName(): string | null {
    return this.originGroup;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.replayer?.stop();
    await this.consumerRef?.stop();
    if (this.privateGroup !== undefined && !this.queue.isClosed) {
      try {
        this.queue.deleteGroup(this.privateGroup);
      } catch (error) {
        this.logger.warn(`[${this.name}] could not remove group ${this.privateGroup} (retention will): ${errorMessage(error)}`);
      }
    }
    if (this.ownsQueue) await this.queue.close();
  }
}

/** What the replayer needs of the queue: its identity and clock, its transactions, its DLQ table, decoding rows. */
interface ReplayQueue {
  readonly instanceId: string;
  readonly dbPath: string;
  readonly wakeMode: WakeMode;
  readonly isClosed: boolean;
  readonly now: () => number;
  readonly dlqTable: DlqTable;
  write<R>(action: string, fn: () => R): R;
  decodeRow(row: ClaimedRow): DecodedRow;
}

/** Claims replay requests this process can serve and runs them, one claim at a time. */
class Replayer {
  private readonly change: ChangeSubscription;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastCheck = 0;
  private readonly owner: string;
  private readonly queue: ReplayQueue;

  constructor(
    private readonly transport: SqliteTransport,
    private readonly router: Router,
    private readonly store: SqliteDlqStore,
    private readonly deliver: Deliver | undefined,
    private readonly logger: Logger,
  ) {
    this.queue = transport.queue;
    this.owner = `${this.queue.instanceId}/replay`;
    this.change = onDatabaseChange(this.queue.dbPath, this.queue.wakeMode, this.poke);
    this.timer = setInterval(this.poke, 2000);
    this.timer.unref();
    this.poke();
  }

  private readonly poke = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Wake-ups come with every commit of every process: look at most every 100 ms.
    const wait = Math.max(0, this.lastCheck + 100 - Date.now());
    this.running = new Promise<void>((r) => setTimeout(r, wait).unref()).then(() => this.run()).finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.poke();
      }
    });
  };

  private async run(): Promise<void> {
    for (;;) {
      if (this.stopped || this.queue.isClosed) return;
      this.lastCheck = Date.now();
      let rows: ReplayRow[];
      try {
        rows = this.claim();
      } catch (error) {
        this.logger.warn(`[${this.transport.name}] cannot claim DLQ replay requests (will retry): ${errorMessage(error)}`);
        return;
      }
      if (rows.length === 0) return;
      await this.replay(rows);
    }
  }

  private claim(): ReplayRow[] {
    const q = this.queue;
    const names = new Set(this.router.getSubscriptionNames());
    const group = this.transport.groupName;
    const own = group === null ? undefined : queueHandlerName(group);
    const mine = (r: ReplayRow): boolean =>
      r.handler_name === own || (names.has(r.handler_name) && (r.group_name === null || r.group_name === group || r.group_name === this.store.group));
    return q.write('claim DLQ replay requests', () => {
      const now = q.now();
      return q.dlqTable.claimReplays(this.owner, now, now + 60_000, mine);
    });
  }

  private async replay(rows: ReplayRow[]): Promise<void> {
    const q = this.queue;
    const group = this.transport.groupName;
    const own = group === null ? undefined : queueHandlerName(group);
    const handlerRows = rows.filter((r) => r.handler_name !== own);
    const queueRows = rows.filter((r) => r.handler_name === own);
    if (handlerRows.length > 0) {
      // Through the router: each entry to the handler that failed, once; recovered only if it succeeds (design rule 5).
      await SqliteDlqStore.withScope(
        handlerRows.map((r) => r.id),
        () => this.router.replayDlqEvents({ maxAgeHours: 1e7 }),
      );
    }
    for (const r of queueRows) {
      // Parked by the group's consumer: delivered again to this router as a whole.
      const checked = q.decodeRow({ seq: 0, eventId: r.event_id, eventType: r.event_type, source: '', createdAt: 0, originGroup: null, text: r.envelope, attempt: r.attempts + 1, token: 0 });
      try {
        if ('problem' in checked) throw new PermanentDeliveryError(checked.problem);
        if (!this.deliver) throw new TransportStateError(this.transport.name, 'replay dead letters', 'the transport does not receive (receive: false)');
        await this.deliver(checked.envelope, { redelivered: true, attempt: r.attempts + 1 });
        await this.store.markRecovered(r.id, q.now());
      } catch (error) {
        await this.store.recordFailure(r.id, errorMessage(error), q.now()).catch(() => undefined);
      }
    }
    this.transport.stats.replays += rows.length;
    // Entries the router skipped (handler no longer matching) go back to the pool for another process.
    try {
      q.write('release DLQ replay requests', () =>
        q.dlqTable.releaseReplays(
          rows.map((r) => r.id),
          this.owner,
          q.now() + 5000,
        ),
      );
    } catch (error) {
      this.logger.warn(`[${this.transport.name}] cannot release DLQ replay requests (they expire in 60 s): ${errorMessage(error)}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.change.unsubscribe();
    await this.running;
  }
}

export type AttachSqliteOptions = Omit<SqliteTransportOptions, 'registry'> & Partial<Pick<SqliteTransportOptions, 'registry'>>;

/**
 * Creates a SQLite transport for `router` (its catalog, logger and mode
 * unless given), attaches it, and, when the router's DLQ is a
 * SqliteDlqStore, serves `dlq replay` requests for it.
 */
export async function attachSqliteTransport(router: Router, options: AttachSqliteOptions): Promise<SqliteTransport> {
  const transport = new SqliteTransport({ registry: router.registry, logger: router.logger, mode: router.mode, ...options });
  try {
    await router.attachTransport(transport);
  } catch (error) {
    await transport.close();
    throw error;
  }
  if (router.dlq instanceof SqliteDlqStore && router.dlq.queue.dbPath === transport.queue.dbPath) transport.serveReplays(router);
  return transport;
}
