/**
 * The NATS JetStream transport: the router and the generated emitters over a
 * NATS cluster, with the contract of ../transport.ts.
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
import type { Consumer, ConsumerConfig, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg, StreamInfo } from '@nats-io/jetstream';
import { sinceEpochMs } from '../bus.js';
import { MemoryDlqStore, type DlqEntry, type DlqStore } from '../dlq.js';
import { createEnvelope, envelopeProblem, type EventEnvelope } from '../envelope.js';
import { ClosedError } from '../errors.js';
import { NatsConnectError, TransportStateError } from './errors.js';
import { UndeliverableEventError } from '../inbound.js';
import { consoleLogger, errorMessage, type Logger } from '../logger.js';
import { isMissingModule, MissingDependencyError } from '../optional-dependency.js';
import type { Deliver, Transport } from '../transport.js';
import { nakDelay, resolveNatsConfig, type NatsTransportOptions, type ResolvedNatsConfig } from './config.js';
import { PubAckPipeline, PublishUnconfirmedError } from './publisher.js';
import { SubjectMap, subjectMatches, type SubjectFilter } from './subjects.js';

type NatsModules = {
  readonly core: typeof import('@nats-io/transport-node');
  readonly js: typeof import('@nats-io/jetstream');
};

let modules: Promise<NatsModules> | undefined;

const NATS_INSTALL = 'npm install @nats-io/transport-node @nats-io/jetstream';

/** A missing client (an optional peer dependency) is named, with the command that installs it. */
function missingNats(specifier: string): (error: unknown) => never {
  return (error) => {
    if (isMissingModule(error, specifier)) throw new MissingDependencyError('ringrift-events/runtime/nats', specifier, NATS_INSTALL, undefined, { cause: error });
    throw error;
  };
}

/** The NATS client is loaded on first use, so the runtime costs nothing to programs that do not use it. */
function loadNats(): Promise<NatsModules> {
  modules ??= Promise.all([
    import('@nats-io/transport-node').catch(missingNats('@nats-io/transport-node')),
    import('@nats-io/jetstream').catch(missingNats('@nats-io/jetstream')),
  ]).then(([core, js]) => ({ core, js }));
  modules.catch(() => (modules = undefined)); // installed later: try again
  return modules;
}

interface Connected {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly pipeline: PubAckPipeline;
  readonly mod: NatsModules;
}

export interface NatsTransportStats {
  /** Events stored by the server (PubAck). */
  published: number;
  /** Publishes the server recognized as resends of a stored event id (not stored again). */
  duplicates: number;
  /** Publish attempts repeated because the server was unreachable. */
  publishRetries: number;
  /** Messages received from the group's consumer (redeliveries included). */
  received: number;
  /** Acknowledged after `deliver` resolved. */
  acked: number;
  /** `nak`ed for a later redelivery. */
  naked: number;
  /** Parked in the DLQ after the redelivery limit. */
  deadLettered: number;
  /** Not for this group (only when the server cannot filter on several subjects). */
  filtered: number;
  /** Not JSON or not an event envelope: parked in the DLQ under a stand-in envelope (unreadableEnvelope), then acknowledged. */
  unreadable: number;
  disconnects: number;
  reconnects: number;
}

export interface NatsReplayOptions {
  /** Events stored at or after this time (Date, epoch ms, ISO string). */
  readonly since: Date | number | string;
  /** Event spellings or patterns. Default: the transport's topics. */
  readonly topics?: readonly string[];
  /**
   * Receives each event, oldest first. Default: the router's `deliver` (the
   * router drops ids it has seen within its id window).
   */
  readonly handler?: (envelope: EventEnvelope) => unknown;
}

export interface DeadLetterReplayResult {
  readonly replayed: number;
  readonly recovered: number;
  readonly failed: number;
}

/** Stream sequences remembered for delivery counting (oldest forgotten first). */
const ATTEMPTS_KEPT = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

  private readonly logger: Logger;
  private readonly connectionOptions: Partial<ConnectionOptions>;
  private conn: Connected | undefined;
  private connecting: Promise<Connected> | undefined;
  private deliverFn: Deliver | undefined;
  private filter: SubjectFilter | undefined;
  private consumeTask: Promise<void> | undefined;
  private messages: ConsumerMessages | undefined;
  private recreateConsumer = false;
  private readonly handling = new Set<Promise<void>>();
  /** Deliveries this process saw per stream sequence, for events not settled yet. */
  private readonly attempts = new Map<number, number>();
  /** Stream sequences this process parked in the DLQ. */
  private readonly parked = new Set<number>();
  private readonly publishing = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private slots: Semaphore;
  private stopping = false;
  private lastRetryWarning = 0;
  private lastStreamRestore = 0;
  private closing: Promise<void> | undefined;

  constructor(options: NatsTransportOptions) {
    this.config = resolveNatsConfig(options);
    this.subjects = new SubjectMap(options.registry, this.config.subjectPrefix);
    if (this.subjects.streamSubjects().length === 0) throw new TypeError('the catalog has no cross-process events: there is nothing for a transport to carry');
    this.logger = options.logger ?? consoleLogger;
    this.dlq = options.dlq ?? new MemoryDlqStore();
    this.connectionOptions = options.connectionOptions ?? {};
    this.name = `nats:${this.config.stream}/${this.config.durable}`;
    this.slots = new Semaphore(this.config.concurrency);
  }

  /** The name DLQ entries parked by this transport carry as `handlerName`. */
  get deadLetterHandlerName(): string {
    return `nats:${this.config.durable}`;
  }

  /** The NATS connection, once connected (for monitoring; the transport owns it). */
  get connection(): NatsConnection | undefined {
    return this.conn?.nc;
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
    this.ensureStream(c.jsm).catch((error: unknown) => this.logger.debug(`[${this.name}] stream check: ${errorMessage(error)}`));
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
    this.filter = this.subjects.filter(this.config.topics);
    const consumer = await this.ensureConsumer(c);
    this.consumeTask = this.consumeLoop(c, consumer);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await this.messages?.close().catch(() => undefined);
    await this.consumeTask;
    // Events being handled finish and are acknowledged; publishes get their PubAck.
    await Promise.allSettled([...this.handling, ...this.publishing]);
    const c = this.conn ?? (await this.connecting?.catch(() => undefined));
    if (!c) return;
    if (this.config.receive && this.config.group === undefined) {
      await c.jsm.consumers.delete(this.config.stream, this.config.durable).catch((error: unknown) => {
        this.logger.warn(`[${this.name}] could not delete the per-process consumer: ${errorMessage(error)}`);
      });
    }
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
    this.connecting ??= this.openConnection().then(
      (c) => (this.conn = c),
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async openConnection(): Promise<Connected> {
    const mod = await loadNats();
    const started = Date.now();
    let lastLog = started;
    for (;;) {
      if (this.stopping) throw new ClosedError(this.name, 'connect', `${this.name} was closed while connecting`);
      let nc: NatsConnection;
      try {
        nc = await mod.core.connect({
          ...this.connectionOptions,
          servers: [...this.config.servers],
          name: this.config.name,
          maxReconnectAttempts: -1, // reconnect forever
          reconnectTimeWait: this.config.reconnectWaitMs,
          waitOnFirstConnect: false,
        });
      } catch (error) {
        const retryable = error instanceof mod.core.ConnectionError || error instanceof mod.core.TimeoutError;
        if (!retryable) throw error;
        if (Date.now() - started >= this.config.connectTimeoutMs) {
          throw new NatsConnectError(this.name, this.config.servers, this.config.connectTimeoutMs, error, errorMessage(error));
        }
        if (Date.now() - lastLog >= 60_000 || lastLog === started) {
          lastLog = Date.now();
          this.logger.warn(`[${this.name}] waiting for NATS at ${this.config.servers.join(', ')}: ${errorMessage(error)}`);
        }
        await this.pause(this.config.reconnectWaitMs);
        continue;
      }
      try {
        const jsm = await mod.js.jetstreamManager(nc, { timeout: this.config.publishTimeoutMs });
        const js = jsm.jetstream();
        if (this.config.manageStream) await this.ensureStream(jsm);
        else await jsm.streams.info(this.config.stream);
        const pipeline = new PubAckPipeline(nc, mod.core, this.config.publishTimeoutMs, this.connectionOptions.inboxPrefix);
        void this.watchConnection(nc);
        return { nc, js, jsm, pipeline, mod };
      } catch (error) {
        await nc.close().catch(() => undefined);
        throw error;
      }
    }
  }

  private async watchConnection(nc: NatsConnection): Promise<void> {
    try {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          this.stats.disconnects++;
          if (!this.stopping) this.logger.warn(`[${this.name}] disconnected from ${s.server}; reconnecting`);
        } else if (s.type === 'reconnect') {
          this.stats.reconnects++;
          this.logger.info(`[${this.name}] reconnected to ${s.server}`);
        } else if (s.type === 'error') {
          this.logger.error(`[${this.name}] ${errorMessage(s.error)}`);
        }
      }
    } catch (error) {
      this.logger.warn(`[${this.name}] connection status: ${errorMessage(error)}`);
    }
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const cfg = this.config;
    const subjects = this.subjects.streamSubjects();
    let info = await this.streamInfo(jsm);
    if (!info) {
      try {
        await jsm.streams.add({
          name: cfg.stream,
          description: 'ringrift-events: the cross-process events of the catalog',
          subjects,
          storage: cfg.storage,
          num_replicas: cfg.replicas,
          retention: 'limits',
          discard: 'old',
          max_age: nanos(cfg.maxAgeMs),
          max_bytes: cfg.maxBytes,
          duplicate_window: nanos(cfg.duplicateWindowMs),
        });
        this.logger.info(`[${this.name}] created stream ${cfg.stream} (${subjects.length} subjects, ${cfg.replicas} replica(s), ${cfg.storage})`);
        return;
      } catch (error) {
        info = await this.streamInfo(jsm); // another process created it meanwhile
        if (!info) throw error;
      }
    }
    const have = info.config.subjects ?? [];
    const missing = subjects.filter((s) => !have.some((h) => subjectMatches(h, s)));
    if (missing.length > 0) {
      await jsm.streams.update(cfg.stream, { subjects: [...have, ...missing] });
      this.logger.info(`[${this.name}] added ${missing.length} subject(s) of this catalog to stream ${cfg.stream}`);
    }
    if (info.config.num_replicas !== cfg.replicas) {
      this.logger.warn(`[${this.name}] stream ${cfg.stream} has ${info.config.num_replicas} replica(s), ${cfg.replicas} configured; change it with \`nats stream edit\``);
    }
  }

  private async streamInfo(jsm: JetStreamManager): Promise<StreamInfo | undefined> {
    const { js } = await loadNats();
    try {
      return await jsm.streams.info(this.config.stream);
    } catch (error) {
      if (error instanceof js.JetStreamApiError && error.code === js.JetStreamApiCodes.StreamNotFound) return undefined;
      throw error;
    }
  }

  // ── receive ──────────────────────────────────────────────────────────────

  /** The group's durable consumer, created if missing; an existing one keeps its position. */
  private async ensureConsumer(c: Connected): Promise<Consumer> {
    const cfg = this.config;
    const filter = this.filter!;
    const multi = filter.subjects.length > 1 && supportsMultiFilter(c.nc.info?.version);
    const filterConfig: Partial<ConsumerConfig> = multi
      ? { filter_subjects: [...filter.subjects] }
      : { filter_subject: filter.subjects.length === 1 ? filter.subjects[0]! : `${cfg.subjectPrefix}.>` };
    const config: Partial<ConsumerConfig> = {
      durable_name: cfg.durable,
      description: cfg.group !== undefined ? `ringrift-events group ${cfg.group}` : `ringrift-events process ${cfg.name}`,
      ack_policy: 'explicit',
      ack_wait: nanos(cfg.ackWaitMs),
      max_deliver: -1, // the transport counts deliveries and parks the event itself (see handle)
      max_ack_pending: cfg.maxAckPending,
      replay_policy: 'instant',
      ...filterConfig,
      ...(cfg.group === undefined ? { inactive_threshold: nanos(cfg.inactiveMs) } : {}),
      ...(cfg.startFrom instanceof Date
        ? { deliver_policy: 'by_start_time' as const, opt_start_time: cfg.startFrom.toISOString() }
        : { deliver_policy: cfg.startFrom }),
    };
    const { js } = c.mod;
    let existing;
    try {
      existing = await c.jsm.consumers.info(cfg.stream, cfg.durable);
    } catch (error) {
      if (!(error instanceof js.JetStreamApiError && error.code === js.JetStreamApiCodes.ConsumerNotFound)) throw error;
    }
    if (!existing) {
      try {
        await c.jsm.consumers.add(cfg.stream, config);
      } catch (error) {
        // A member of the group created it meanwhile.
        existing = await c.jsm.consumers.info(cfg.stream, cfg.durable).catch(() => undefined);
        if (!existing) throw error;
      }
    }
    if (existing) {
      const e = existing.config;
      const sameFilter =
        (e.filter_subject ?? '') === (filterConfig.filter_subject ?? '') &&
        JSON.stringify(e.filter_subjects ?? []) === JSON.stringify(filterConfig.filter_subjects ?? []);
      if (!sameFilter || e.ack_wait !== config.ack_wait || e.max_ack_pending !== config.max_ack_pending) {
        try {
          await c.jsm.consumers.update(cfg.stream, cfg.durable, {
            ...filterConfig,
            ack_wait: config.ack_wait,
            max_ack_pending: config.max_ack_pending,
            ...(multi ? {} : { filter_subjects: undefined }),
          });
        } catch (error) {
          this.logger.warn(`[${this.name}] consumer ${cfg.durable} exists with another configuration and could not be updated (${errorMessage(error)}); using it as it is`);
        }
      }
    }

    return c.js.consumers.get(cfg.stream, cfg.durable);
  }

  private async consumeLoop(c: Connected, initial: Consumer): Promise<void> {
    let consumer = initial;
    while (!this.stopping) {
      if (this.recreateConsumer) {
        this.recreateConsumer = false;
        try {
          if (this.config.manageStream) await this.ensureStream(c.jsm); // gone too if the server lost it (memory storage)
          consumer = await this.ensureConsumer(c);
          this.logger.warn(`[${this.name}] consumer ${this.config.durable} was missing and has been recreated`);
        } catch (error) {
          this.logger.error(`[${this.name}] could not recreate consumer ${this.config.durable}: ${errorMessage(error)}`);
          this.recreateConsumer = true;
          await this.pause(this.config.reconnectWaitMs);
          continue;
        }
      }
      let messages: ConsumerMessages;
      try {
        // Pull requests expire well within ack_wait: one left behind by a process that died is gone
        // before the server redelivers that process's events (a delivery to it would skew counts on 2.9).
        messages = await consumer.consume({ max_messages: this.config.prefetch, expires: pullExpiry(this.config.ackWaitMs) });
      } catch (error) {
        if (!this.stopping) this.logger.warn(`[${this.name}] cannot consume yet: ${errorMessage(error)}`);
        await this.pause(this.config.reconnectWaitMs);
        continue;
      }
      if (this.stopping) {
        await messages.close().catch(() => undefined);
        break;
      }
      this.messages = messages;
      void this.watchConsumer(messages);
      try {
        for await (const msg of messages) {
          if (this.stopping) {
            msg.nak(); // pulled but not started: back to the group at once
            continue;
          }
          await this.slots.acquire();
          const work = this.handle(msg).finally(() => {
            this.slots.release();
            this.handling.delete(work);
          });
          this.handling.add(work);
        }
      } catch (error) {
        if (!this.stopping) this.logger.warn(`[${this.name}] consumer interrupted: ${errorMessage(error)}; resuming`);
      }
      this.messages = undefined;
      if (!this.stopping) await this.pause(this.config.reconnectWaitMs);
    }
  }

  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const s of messages.status()) {
        if (this.stopping) return;
        if (s.type === 'heartbeats_missed' && s.count >= 3) {
          this.logger.warn(`[${this.name}] ${s.count} heartbeats missed; restarting the consumer`);
          messages.stop();
        } else if ((s.type === 'consumer_not_found' && s.count >= 2) || s.type === 'stream_not_found') {
          this.recreateConsumer = true;
          messages.stop();
        } else if (s.type === 'consumer_deleted') {
          this.recreateConsumer = true;
          messages.stop();
        }
      }
    } catch {
      // the iterator ended with the messages
    }
  }

  /** One message: deliver, then ack; or nak with backoff; or park after the limit. Never rejects. */
  private async handle(msg: JsMsg): Promise<void> {
    this.stats.received++;
    if (!this.filter!.matches(msg.subject)) {
      this.stats.filtered++;
      msg.ack();
      return;
    }
    if (this.parked.has(msg.seq)) {
      msg.term(); // parked already; the server delivered it again (see deliveryAttempt)
      return;
    }
    const text = decoder.decode(msg.data);
    let envelope: EventEnvelope;
    try {
      envelope = JSON.parse(text) as EventEnvelope;
    } catch (error) {
      return this.unreadable(msg, text, `not JSON (${errorMessage(error)})`);
    }
    const problem = envelopeProblem(envelope);
    if (problem !== undefined) return this.unreadable(msg, text, `not an event envelope (${problem})`);

    const attempt = this.deliveryAttempt(msg);
    if (attempt > this.config.maxDeliveries) {
      // Delivered maxDeliveries times and never settled: the process handling it stopped or crashed each time.
      return this.deadLetter(msg, envelope, `not acknowledged after ${attempt - 1} deliveries (the process handling it stopped or crashed)`, attempt - 1);
    }
    const deliver = this.deliverFn!;
    const keepAlive = setInterval(() => msg.working(), Math.max(100, Math.floor(this.config.ackWaitMs / 3)));
    try {
      await deliver(envelope, { redelivered: attempt > 1, attempt });
      msg.ack();
      this.attempts.delete(msg.seq);
      this.stats.acked++;
    } catch (error) {
      if (error instanceof ClosedError || this.stopping) {
        msg.nak(); // not this event's fault: another member, or the next start, takes it
        return;
      }
      // This catalog cannot take it (a newer catalog sent it): redelivery cannot help before an upgrade, acking would lose it.
      if (error instanceof UndeliverableEventError) return this.deadLetter(msg, envelope, error.message, attempt);
      if (attempt >= this.config.maxDeliveries) return this.deadLetter(msg, envelope, errorMessage(error), attempt);
      const delay = nakDelay(this.config.backoffMs, attempt);
      this.logger.warn(`[${this.name}] delivery ${attempt}/${this.config.maxDeliveries} of ${envelope.type} ${envelope.id} failed (${errorMessage(error)}); redelivery in ${delay} ms`);
      msg.nak(delay);
      this.stats.naked++;
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Which delivery of this event this is: the server's count, or this
   * process's own count if higher. nats-server before 2.10.15 can report a
   * redelivery as a first delivery after a delivery to a consumer that had
   * gone away (nats-io/nats-server#5346, fixed by #5338); counting here keeps
   * the limit for redeliveries this process sees. Across crashing processes
   * only the server's count exists (see docs/nats.md).
   */
  private deliveryAttempt(msg: JsMsg): number {
    const local = (this.attempts.get(msg.seq) ?? 0) + 1;
    this.attempts.delete(msg.seq); // re-inserted last: the map stays in arrival order for eviction
    this.attempts.set(msg.seq, local);
    if (this.attempts.size > ATTEMPTS_KEPT) this.attempts.delete(this.attempts.keys().next().value!);
    return Math.max(msg.info.deliveryCount, local);
  }

  /** A message no catalog can read: parked (acknowledging it would lose it from the group), never redelivered. */
  private unreadable(msg: JsMsg, text: string, reason: string): Promise<void> {
    this.stats.unreadable++;
    return this.deadLetter(msg, unreadableEnvelope(this.config.stream, msg.seq, msg.subject, text, reason), reason, msg.info.deliveryCount);
  }

  /** Parks the event in the DLQ (once per stream sequence and group), then terminates it. */
  private async deadLetter(msg: JsMsg, envelope: EventEnvelope, reason: string, attempts: number): Promise<void> {
    const id = `${this.config.stream}:${this.config.durable}:${msg.seq}`;
    const now = Date.now();
    try {
      if (!(await this.dlq.get(id))) {
        const entry: DlqEntry = {
          id,
          envelope,
          eventType: envelope.type,
          handlerName: this.deadLetterHandlerName,
          error: reason,
          attempts,
          failedAt: now,
          lastAttemptAt: now,
          status: 'pending',
        };
        await this.dlq.add(entry);
      }
    } catch (error) {
      const delay = nakDelay(this.config.backoffMs, this.config.backoffMs.length);
      this.logger.error(`[${this.name}] could not park ${envelope.type} ${envelope.id} in the DLQ (${errorMessage(error)}); redelivery in ${delay} ms`);
      msg.nak(delay);
      this.stats.naked++;
      return;
    }
    msg.term();
    this.attempts.delete(msg.seq);
    this.parked.add(msg.seq);
    if (this.parked.size > ATTEMPTS_KEPT) this.parked.delete(this.parked.values().next().value!);
    this.stats.deadLettered++;
    this.logger.error(`[${this.name}] dead-lettered ${envelope.type} ${envelope.id} after ${attempts} deliveries: ${reason}`, { id: envelope.id, seq: msg.seq });
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
    const c = await this.connected();
    const ci = await c.jsm.consumers.add(this.config.stream, {
      ack_policy: 'none',
      deliver_policy: 'by_start_time',
      opt_start_time: since.toISOString(),
      replay_policy: 'instant',
      filter_subject: filter.subjects.length === 1 ? filter.subjects[0]! : `${this.config.subjectPrefix}.>`,
      inactive_threshold: nanos(60_000),
      mem_storage: true,
    });
    const total = ci.num_pending;
    let seen = 0;
    let handed = 0;
    try {
      if (total === 0) return 0;
      const consumer = await c.js.consumers.get(this.config.stream, ci.name);
      const messages = await consumer.consume({ max_messages: 256 });
      for await (const msg of messages) {
        seen++;
        if (filter.matches(msg.subject)) {
          let envelope: EventEnvelope | undefined;
          try {
            envelope = JSON.parse(decoder.decode(msg.data)) as EventEnvelope;
          } catch {
            envelope = undefined;
          }
          if (envelope && envelopeProblem(envelope) === undefined) {
            await handler(envelope);
            handed++;
          }
        }
        if (seen >= total) break;
      }
      return handed;
    } finally {
      await c.jsm.consumers.delete(this.config.stream, ci.name).catch(() => undefined);
    }
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
    const entries = await this.dlq.list({ status: 'pending', handlerName: this.deadLetterHandlerName, limit: options.limit });
    let recovered = 0;
    let failed = 0;
    for (const entry of entries) {
      try {
        await deliver(entry.envelope, { redelivered: true, attempt: entry.attempts + 1 });
        await this.dlq.markRecovered(entry.id, Date.now());
        recovered++;
      } catch (error) {
        await this.dlq.recordFailure(entry.id, errorMessage(error), Date.now());
        failed++;
      }
    }
    return { replayed: entries.length, recovered, failed };
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

/** The type of the stand-in envelope of an unreadable message: no catalog has it, so a replay leaves the entry pending. */
export const UNREADABLE_TYPE = '(unreadable)';

/**
 * A stand-in envelope for a message that is not an event envelope, so the DLQ
 * keeps it (with the raw text) for an operator to see; a replay refuses it as
 * an unknown type.
 */
export function unreadableEnvelope(stream: string, seq: number, subject: string, text: string, problem: string): EventEnvelope {
  return createEnvelope({ type: UNREADABLE_TYPE, source: `nats:${stream}`, time: new Date().toISOString(), id: `${stream}:${seq}` }, { unreadable: problem, subject, raw: text });
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

/** nats-server 2.10 added consumers with several filter subjects. */
export function supportsMultiFilter(version: string | undefined): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 2 || (major === 2 && minor >= 10);
}

/** Pull request lifetime: half the ack wait, within the client's bounds (1 s to 30 s). */
export function pullExpiry(ackWaitMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.floor(ackWaitMs / 2)));
}

/** Milliseconds to the nanoseconds of the JetStream API. */
function nanos(ms: number): number {
  return Math.round(ms * 1_000_000);
}

class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> | void {
    if (this.free > 0) {
      this.free--;
      return;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
