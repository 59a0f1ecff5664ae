/**
 * The NATS JetStream transport: the router and the generated emitters over a
 * NATS cluster, with the contract of ../transport.ts. This facade puts
 * together the modules beside it (README.md: one concern per file).
 *
 * - One stream per catalog (`RINGRIFT_EVENTS`), its subjects `<prefix>.<topic>`
 *   of the catalog's cross-process events; file storage, retention by age
 *   (design rule 8: old events are deleted by the server, not left to pile up).
 * - Publish: the envelope as JSON with its source and id as `Nats-Msg-Id`
 *   (messageId), so the server drops a resend within the duplicate window; resolves on the PubAck
 *   (the event is stored); retried with the same id while the server is
 *   unreachable. Publishes are pipelined (publisher.ts): many await their
 *   PubAck at once over one reply subscription.
 * - Receive: one durable pull consumer per subscriber group (design rule 2: each
 *   group has its own cursor, so every group gets every event; processes of
 *   one group share the work). An event is acknowledged only after the
 *   router's `deliver` resolved, i.e. after every handler settled, retries and
 *   DLQ parking included (design rule 4); `working()` keeps it from being
 *   redelivered meanwhile. A rejected `deliver` is `nak`ed with a delay from
 *   `backoffMs` (nats-server 2.9 ignores the consumer's backoff list for
 *   `nak`, so the delay is given explicitly). JetStream has no dead letter
 *   queue: after `maxDeliveries` deliveries the transport parks the event in
 *   the DLQ store (the router's, with `attachNatsTransport`) and terminates
 *   it, which also ends crash loops (a delivery beyond the limit is parked
 *   without being handled). An event the router cannot take (a type or a
 *   payload of a newer catalog: ../inbound.ts) is parked at once.
 * - The connection reconnects forever; `close()` stops pulling, lets the
 *   events being handled finish and be acknowledged, waits for publishes in
 *   flight, and drains the connection.
 */
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import { sinceEpochMs } from '../bus.js';
import { MemoryDlqStore, type DlqStore } from '../dlq.js';
import type { EventEnvelope } from '../envelope.js';
import { ClosedError, TransportStateError } from '../errors.js';
import { consoleLogger, errorMessage, type Logger } from '../logger.js';
import type { Deliver, Transport } from '../transport.js';
import { resolveNatsConfig, type NatsTransportOptions, type ResolvedNatsConfig } from './config.js';
import { openConnection, type ConnectionContext, type ConnectionStats, type Connected } from './connection.js';
import { deleteProcessConsumer, ensureStream } from './provisioning.js';
import { PublishUnconfirmedError } from './publisher.js';
import { Receiver, type ReceiveStats, type ReceiverContext } from './receiver.js';
import { replayDeadLetters, replayStream, type DeadLetterReplayResult, type NatsReplayOptions } from './replay.js';
import { SubjectMap } from './subjects.js';

export interface NatsTransportStats extends ReceiveStats, ConnectionStats {
  /** Events stored by the server (PubAck). */
  published: number;
  /** Publishes the server recognized as resends of a stored event id (not stored again). */
  duplicates: number;
  /** Publish attempts repeated because the server was unreachable. */
  publishRetries: number;
}

const encoder = new TextEncoder();

export class NatsTransport implements Transport {
  readonly name: string;
  readonly config: ResolvedNatsConfig;
  readonly dlq: DlqStore;
  readonly subjects: SubjectMap;
  readonly stats: NatsTransportStats = {
    published: 0,
    duplicates: 0,
    publishRetries: 0,
    received: 0,
    acked: 0,
    naked: 0,
    deadLettered: 0,
    filtered: 0,
    unreadable: 0,
    disconnects: 0,
    reconnects: 0,
  };

  /** What the connection, provisioning and the receiver see of the transport. */
  private readonly context: ConnectionContext & ReceiverContext;
  private conn: Connected | undefined;
  private connecting: Promise<Connected> | undefined;
  private deliverFn: Deliver | undefined;
  private receiver: Receiver | undefined;
  private readonly publishing = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private stopping = false;
  private lastRetryWarning = 0;
  private lastStreamRestore = 0;
  private closing: Promise<void> | undefined;

  constructor(options: NatsTransportOptions) {
    this.config = resolveNatsConfig(options);
    this.subjects = new SubjectMap(options.registry, this.config.subjectPrefix);
    const streamSubjects = this.subjects.streamSubjects();
    if (streamSubjects.length === 0) throw new TypeError('the catalog has no cross-process events: there is nothing for a transport to carry');
    this.dlq = options.dlq ?? new MemoryDlqStore();
    this.name = `nats:${this.config.stream}/${this.config.durable}`;
    const isStopping = (): boolean => this.stopping;
    this.context = {
      name: this.name,
      config: this.config,
      streamSubjects,
      logger: options.logger ?? consoleLogger,
      connectionOptions: options.connectionOptions ?? {},
      stats: this.stats,
      dlq: this.dlq,
      deadLetterHandlerName: this.deadLetterHandlerName,
      get stopping() {
        return isStopping();
      },
      pause: (ms) => this.pause(ms),
    };
  }

  /** The name DLQ entries parked by this transport carry as `handlerName`. */
  get deadLetterHandlerName(): string {
    return `nats:${this.config.durable}`;
  }

  /** The NATS connection, once connected (for monitoring; the transport owns it). */
  get connection(): NatsConnection | undefined {
    return this.conn?.nc;
  }

  private get logger(): Logger {
    return this.context.logger;
  }

  // ── publish ──────────────────────────────────────────────────────────────

  async publish(envelope: EventEnvelope): Promise<void> {
    if (this.stopping) throw new ClosedError(this.name, `publish ${envelope.type}`);
    const subject = this.subjects.subjectOf(envelope.type);
    if (subject === undefined) throw new TypeError(`${envelope.type} is not a cross-process event of this catalog: no subject for it`);
    const work = this.send(subject, envelope);
    this.publishing.add(work);
    try {
      await work;
    } finally {
      this.publishing.delete(work);
    }
  }

  private async send(subject: string, envelope: EventEnvelope): Promise<void> {
    const c = this.conn ?? (await this.connected());
    const data = encoder.encode(JSON.stringify(envelope));
    const deadline = Date.now() + this.config.publishRetryMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await c.pipeline.publish(subject, data, messageId(envelope));
        if (ack.duplicate) this.stats.duplicates++;
        else this.stats.published++;
        return;
      } catch (error) {
        // Only an unconfirmed publish is retried (the same message id, so never stored twice);
        // a refusal by the server (too large, wrong stream…) cannot be helped by retrying.
        if (!(error instanceof PublishUnconfirmedError) || this.stopping || Date.now() >= deadline) throw error;
        this.stats.publishRetries++;
        this.retryWarning(envelope, error);
        if (error.noStream) this.restoreStream(c);
        await this.pause(Math.min(100 * attempt, 1_000));
      }
    }
  }

  /** No stream took the event: the server may have lost it (memory storage, deleted by hand). Recreated at most every 5 s. */
  private restoreStream(c: Connected): void {
    if (!this.config.manageStream || Date.now() - this.lastStreamRestore < 5_000) return;
    this.lastStreamRestore = Date.now();
    ensureStream(this.context, c.jsm, c.mod).catch((error: unknown) => this.logger.debug(`[${this.name}] stream check: ${errorMessage(error)}`));
  }

  /** One warning per outage rather than one per event. */
  private retryWarning(envelope: EventEnvelope, error: unknown): void {
    const now = Date.now();
    if (now - this.lastRetryWarning < 10_000) return;
    this.lastRetryWarning = now;
    this.logger.warn(`[${this.name}] publish of ${envelope.type} ${envelope.id} failed (${errorMessage(error)}); retrying with the same message id for up to ${this.config.publishRetryMs} ms (${this.stats.publishRetries} retries so far)`);
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  async start(deliver: Deliver): Promise<void> {
    if (this.stopping) throw new ClosedError(this.name, 'start');
    if (this.deliverFn) throw new TransportStateError(this.name, 'start', `${this.name} is already started`);
    const c = await this.connected();
    if (!this.config.receive) return;
    this.deliverFn = deliver;
    this.receiver = new Receiver(this.context, c, deliver, this.subjects.filter(this.config.topics));
    await this.receiver.start();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    // Events being handled finish and are acknowledged; publishes get their PubAck.
    await this.receiver?.stop();
    await Promise.allSettled(this.publishing);
    const c = this.conn ?? (await this.connecting?.catch(() => undefined));
    if (!c) return;
    if (this.config.receive && this.config.group === undefined) await deleteProcessConsumer(this.context, c.jsm);
    c.pipeline.close(new ClosedError(this.name, 'publish'));
    await c.nc.drain().catch((error: unknown) => this.logger.warn(`[${this.name}] drain: ${errorMessage(error)}`));
  }

  /**
   * Connects and makes sure the stream exists with the catalog's subjects
   * (`start` and the first `publish` do it; call it to fail early).
   */
  async connect(): Promise<void> {
    await this.connected();
  }

  private connected(): Promise<Connected> {
    if (this.conn) return Promise.resolve(this.conn);
    this.connecting ??= openConnection(this.context).then(
      (c) => (this.conn = c),
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  // ── replay ───────────────────────────────────────────────────────────────

  /**
   * Reads the stream from a start time up to its end at the time of the call,
   * oldest first, without touching any group's position. Returns how many
   * events were handed over.
   */
  async replay(options: NatsReplayOptions): Promise<number> {
    // Epoch ms as the router's replay: a number that reads as seconds is refused, not read as 1970.
    const since = new Date(sinceEpochMs(options.since, Date.now(), `${this.name}: replay`));
    const deliver = this.deliverFn;
    const handler = options.handler ?? (deliver ? (e: EventEnvelope) => deliver(e, { redelivered: false, attempt: 1 }) : undefined);
    if (!handler) throw new TransportStateError(this.name, 'replay', `${this.name}: replay needs a handler, or a started transport`);
    const filter = this.subjects.filter(options.topics ?? this.config.topics);
    return replayStream(this.config, await this.connected(), since, filter, handler);
  }

  /**
   * Hands the pending DLQ entries this transport parked back to the router's
   * `deliver`, one at a time. An entry is recovered when `deliver` resolves
   * (its handlers settled; a handler that fails again is parked by the router
   * under its own name); otherwise it stays pending with one attempt more.
   */
  async replayDeadLetters(options: { readonly limit?: number } = {}): Promise<DeadLetterReplayResult> {
    const deliver = this.deliverFn;
    if (!deliver) throw new TransportStateError(this.name, 'replay dead letters', `${this.name}: start the transport (attach it to a router) before replaying its dead letters`);
    return replayDeadLetters(this.dlq, this.deadLetterHandlerName, deliver, options.limit);
  }

  /** A pause that close() cuts short. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

/**
 * The `Nats-Msg-Id` of an envelope: its source and id (CloudEvents: together
 * they name one event, so id 42 from two sources is stored twice, a resend
 * from one source once), each URI-encoded so that no two pairs meet and no
 * character can break the header.
 */
export function messageId(envelope: Pick<EventEnvelope, 'source' | 'id'>): string {
  return `${encodeURIComponent(envelope.source)}:${encodeURIComponent(envelope.id)}`;
}
