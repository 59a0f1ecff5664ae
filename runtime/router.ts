/**
 * The router: the single entry point of EVENT_CATALOG.md "Architecture".
 *
 * publish: spelling → canonical event (design rule 1) → alias normalization and
 * validation (strict rejects, lenient warns) → common fields → dedup per the
 * catalog's policy (design rule 6) → transports (cross-process events only) →
 * local delivery on the bus, each handler isolated with a timeout, retried
 * with backoff and parked in the DLQ (design rule 3), HANDLER_FAILED /
 * HANDLER_TIMEOUT emitted.
 *
 * When publish resolves: after transports accepted the event and every local
 * handler's FIRST attempt settled (succeeded, threw, or timed out). Retries
 * continue in the background, tracked: `drain()` (and `close()`) wait for
 * them. A publisher is thus never held for seconds by another component's
 * failing handler. Events from a transport are different: their `deliver`
 * resolves only after retries and DLQ parking (design rule 4: ack after settle).
 */
import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { catalogNamesOf, defaultSource } from './catalog-names.js';
import { compilePattern, EventBus, isPattern, type BusSubscribeOptions, type Delivery, type EventHandler, type Subscription } from './bus.js';
import { optionalString, optionalTime, optionsObject, requireFunction, requireString } from './arguments.js';
import { dedupKey, TtlSet } from './dedup.js';
import { HandlerRunner, type DlqReplayOptions, type DlqReplayResult, type HandlerEventKind, type HandlerFailureInfo, type HandlerPolicy } from './delivery.js';
import { MemoryDlqStore, type DlqEntry, type DlqStore } from './dlq.js';
import { createEnvelope, envelopeProblem, type EventEnvelope } from './envelope.js';
import { RouterClosedError, UnknownEventError } from './errors.js';
import { dataVersionOf, UndeliverableEventError } from './inbound.js';
import { validateFlow, type FlowValidation, type FlowValidationOptions } from './flow.js';
import { consoleLogger, errorMessage, type Logger } from './logger.js';
import { IsoClock, prepareInboundPayload, preparePayload, type PayloadContext, type ValidationMode } from './payload.js';
import type { EventDefinition, EventRegistry } from './registry.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { StatsCollector, type RouterStats } from './stats.js';
import { childTraceparent, componentNames, deliveredTo, currentTraceparent, isTraceparent, newTraceparent, traceEnabledFromEnv } from './trace.js';
import { TransportError, type DeliveryInfo, type Transport } from './transport.js';

export type { DlqReplayOptions, DlqReplayResult, FlowValidation, FlowValidationOptions, HandlerFailureInfo };

export type { ValidationMode };

export interface RouterOptions {
  readonly registry: EventRegistry;
  /** strict (default): an invalid payload or an aliased field name is an error. lenient: aliases are renamed and problems logged. */
  readonly mode?: ValidationMode;
  /** How long a content key suppresses repeats. Default 30 s. */
  readonly dedupTtlMs?: number;
  /** At most this many content keys are remembered. Default 10 000. */
  readonly dedupMaxEntries?: number;
  /** How long an envelope id is remembered (transport redelivery and echo). Default 10 min. */
  readonly idTtlMs?: number;
  /** At most this many envelope ids are remembered. Default 50 000. */
  readonly idMaxEntries?: number;
  /** Events kept for getHistory/replay. Default 1000. */
  readonly historySize?: number;
  /** Per handler call. Default 30 s. 0 disables. */
  readonly handlerTimeoutMs?: number;
  /** Default { attempts: 3, baseDelayMs: 1000, maxDelayMs: 30 000 }. */
  readonly retry?: Partial<RetryPolicy>;
  /** Default: an in-memory store. */
  readonly dlq?: DlqStore;
  /** Default: the console. */
  readonly logger?: Logger;
  /** Epoch-ms clock for dedup windows, DLQ times and envelope times. Default Date.now. */
  readonly now?: () => number;
  /** Log every publish and delivery. Default: `<ENV_PREFIX>_EVENT_TRACE=1` (RINGRIFT_EVENT_TRACE; the prefix is the registry's `names`). */
  readonly trace?: boolean;
  /** Give every event a W3C traceparent (and `trace_id`). Default: same as `trace`. A given or inherited traceparent is always kept. */
  readonly tracing?: boolean;
  /** Source of events published without one. Default `/<catalog name>/<host>/<pid>` (`/ringrift/…`, from the registry's `names`). */
  readonly source?: string;
  /** Publish HANDLER_FAILED and HANDLER_TIMEOUT when the catalog has them. Default true. */
  readonly emitHandlerEvents?: boolean;
}

export interface PublishOptions {
  readonly source?: string;
  /** CloudEvents id; an id already seen within the id window makes this a duplicate. */
  readonly id?: string;
  /** RFC 3339 time; default now. */
  readonly time?: string;
  readonly traceparent?: string;
  readonly subject?: string;
}

export interface PublishResult {
  readonly envelope: EventEnvelope;
  /** Dropped as a repeat (content key within its TTL, or envelope id seen); nothing was delivered. */
  readonly duplicate: boolean;
  /** Local handlers the event was given to. */
  readonly delivered: number;
  /** Of those, how many succeeded at the first attempt (the others are being retried). */
  readonly succeeded: number;
  /** Transports that accepted the event. */
  readonly transported: number;
}

export interface SubscribeOptions extends BusSubscribeOptions {
  /** Overrides the router's handler timeout for this handler. */
  readonly timeoutMs?: number;
  /** Overrides the router's retry policy for this handler. */
  readonly retry?: Partial<RetryPolicy>;
  /** Reported as `coordinator` in HANDLER_FAILED / HANDLER_TIMEOUT. Default: the handler name. */
  readonly coordinator?: string;
  /** Called after each failed attempt. */
  readonly onFailure?: (info: HandlerFailureInfo) => void;
  /** Called when a delivery is parked in the DLQ. */
  readonly onDeadLetter?: (entry: DlqEntry) => void;
}

export interface RouterStatsSnapshot extends RouterStats {
  /** Live subscriptions. */
  readonly subscriptions: number;
  /** Events in the history (at most historySize). */
  readonly historySize: number;
  /** Content keys remembered (at most dedupMaxEntries). */
  readonly dedupCacheSize: number;
  /** Envelope ids remembered (at most idMaxEntries). */
  readonly idCacheSize: number;
  /** Background retry chains and handler events not yet settled. */
  readonly pendingRetries: number;
}

export interface HistoryOptions {
  /** Any spelling of an event, or a pattern (`training.*`). */
  readonly topic?: string;
  readonly limit?: number;
}

export interface RouterReplayOptions {
  readonly handler: EventHandler;
  readonly topic?: string;
  /** Epoch ms, Date or ISO string. A number that reads as seconds (Python's `time.time()`) is refused. */
  readonly since?: number | Date | string;
}

const ROUTER_SOURCE = 'EventRouter';
const HANDLER_FAILED = 'HANDLER_FAILED';
const HANDLER_TIMEOUT = 'HANDLER_TIMEOUT';
const HANDLER_EVENTS: Readonly<Record<HandlerEventKind, string>> = { failed: HANDLER_FAILED, timeout: HANDLER_TIMEOUT };

export function createRouter(options: RouterOptions): Router {
  return new Router(options);
}

export class Router {
  readonly registry: EventRegistry;
  readonly mode: ValidationMode;
  readonly dlq: DlqStore;
  readonly logger: Logger;

  private readonly bus: EventBus;
  private readonly stats = new StatsCollector();
  private readonly contentSeen: TtlSet;
  private readonly idsSeen: TtlSet;
  private readonly commonFields: ReadonlySet<string>;
  private readonly transports = new Set<Transport>();
  private readonly runner: HandlerRunner;
  /** Canonical names of HANDLER_FAILED / HANDLER_TIMEOUT in this catalog (never emitted about themselves). */
  private readonly handlerEventTypes: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private readonly handlerTimeoutMs: number;
  private readonly dedupTtlMs: number;
  private readonly trace: boolean;
  private readonly tracing: boolean;
  private readonly source: string;
  private readonly emitHandlerEvents: boolean;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** True while handlers are being started (dispatch); publishes meanwhile are queued in `reentrant`. */
  private dispatching = false;
  private readonly reentrant: (() => void)[] = [];
  private readonly clock: IsoClock;
  /** How publish and inbound events prepare payloads (payload.ts). */
  private readonly payloads: PayloadContext;

  constructor(options: RouterOptions) {
    this.registry = options.registry;
    this.mode = options.mode ?? 'strict';
    this.logger = options.logger ?? consoleLogger;
    this.now = options.now ?? Date.now;
    this.clock = new IsoClock(this.now);
    this.payloads = { mode: this.mode, logger: this.logger, label: 'EventRouter', onInvalid: () => this.stats.validationFailures++ };
    this.dlq = options.dlq ?? new MemoryDlqStore({ onEvict: (e) => this.logger.error(`[EventRouter] DLQ full: dropped ${e.eventType} for ${e.handlerName}`) });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!(this.retry.attempts >= 1)) throw new RangeError(`retry.attempts must be >= 1, got ${this.retry.attempts}`);
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    const names = catalogNamesOf(this.registry);
    this.trace = options.trace ?? traceEnabledFromEnv(process.env, names);
    this.tracing = options.tracing ?? this.trace;
    this.source = options.source ?? defaultSource(names);
    this.emitHandlerEvents = options.emitHandlerEvents ?? true;
    this.commonFields = new Set(this.registry.commonFields);
    this.dedupTtlMs = options.dedupTtlMs ?? 30_000;
    this.contentSeen = new TtlSet(this.dedupTtlMs, options.dedupMaxEntries ?? 10_000, this.now);
    this.idsSeen = new TtlSet(options.idTtlMs ?? 600_000, options.idMaxEntries ?? 50_000, this.now);
    this.handlerEventTypes = new Set(
      [HANDLER_FAILED, HANDLER_TIMEOUT].flatMap((n) => {
        const def = this.registry.resolve(n);
        return def ? [def.name] : [];
      }),
    );
    this.runner = new HandlerRunner({ stats: this.stats, logger: this.logger, dlq: this.dlq, now: this.now, handlerEvent: this.handlerEvent });
    this.bus = new EventBus({
      historySize: options.historySize ?? 1000,
      now: this.now,
      topicOf: (type) => this.registry.events.get(type)?.topic,
      onError: (error, sub, event) => this.logger.warn(`[EventRouter] Handler error: ${sub.name} on ${event.type}: ${errorMessage(error)}`),
    });
  }

  // ── publish ──────────────────────────────────────────────────────────────

  /**
   * Publishes an event under any of its spellings. Rejects with
   * UnknownEventError for an unknown spelling, EventValidationError for an
   * invalid payload in strict mode, TransportError when a transport refused a
   * cross-process event (then nothing was delivered locally and the event is
   * not remembered as seen, so the caller may retry).
   */
  async publish(spelling: string, payload: Readonly<Record<string, unknown>>, options?: PublishOptions): Promise<PublishResult> {
    requireString('publish', 'the event (a spelling of it)', spelling);
    if (this.closed) throw new RouterClosedError(`publish ${spelling}`);
    options = publishOptions(spelling, options);
    const started = performance.now();
    const def = this.resolve(spelling);
    const time = options.time ?? this.isoNow();
    const traceparent = this.traceparentFor(options.traceparent);
    const source = options.source ?? (typeof payload?.source === 'string' ? payload.source : this.source);
    const data = preparePayload(def, payload, { time, source, traceparent }, this.payloads);
    const envelope = createEnvelope({ type: def.name, source, time, id: options.id, subject: options.subject, dataschema: def.dataschema, dataversion: def.version, traceparent }, data);

    // Dedup: an explicit id first (cheap; CloudEvents: source + id name one event), then the content key of the catalog's policy.
    const idKey = envelopeKey(source, envelope.id);
    if (options.id !== undefined && this.idsSeen.checkAndAdd(idKey)) return this.duplicate(envelope, `id ${JSON.stringify(envelope.id)} from this source seen before`);
    const key = dedupKey(def, data, this.commonFields);
    if (key !== undefined && this.contentSeen.checkAndAdd(key)) {
      if (options.id !== undefined) this.idsSeen.delete(idKey);
      return this.duplicate(envelope, `content key ${describeKey(def, data)} seen within ${this.dedupTtlMs} ms`);
    }

    let transported = 0;
    if (def.crossProcess !== undefined && this.transports.size > 0) {
      this.idsSeen.checkAndAdd(idKey); // its echo from the transport is then dropped
      try {
        transported = await this.sendToTransports(envelope);
      } catch (error) {
        if (key !== undefined) this.contentSeen.delete(key);
        this.idsSeen.delete(idKey);
        throw error;
      }
    }

    this.stats.routed(def.name, source, true);
    if (this.trace) this.logger.info(`[EventRouter] Published: ${def.name} (source=${source})`, { id: envelope.id, traceparent });
    const delivery = await this.dispatch(envelope);
    if (delivery.matched === 0 && transported === 0) this.stats.orphaned(def.name);
    this.stats.latency(performance.now() - started);
    return { envelope, duplicate: false, delivered: delivery.matched, succeeded: delivery.succeeded, transported };
  }

  /**
   * Local delivery. A publish from inside a handler's synchronous part (the
   * dispatch of another event still on the stack) is queued and delivered by
   * the outer dispatch once the current handlers have started, in the async
   * context it was published in: a chain of handlers publishing events runs
   * in a loop, not as native recursion (which overflowed at ~800 levels).
   */
  private dispatch(envelope: EventEnvelope): Promise<Delivery> {
    if (this.dispatching) {
      return new Promise<Delivery>((resolve, reject) => {
        this.reentrant.push(
          AsyncResource.bind(() => {
            try {
              resolve(this.startDelivery(envelope));
            } catch (error) {
              reject(error);
            }
          }),
        );
      });
    }
    this.dispatching = true;
    try {
      let first: Promise<Delivery>;
      try {
        first = this.startDelivery(envelope);
      } catch (error) {
        first = Promise.reject(error);
      }
      for (let i = 0; i < this.reentrant.length; i++) this.reentrant[i]!();
      return first;
    } finally {
      this.reentrant.length = 0;
      this.dispatching = false;
    }
  }

  private startDelivery(envelope: EventEnvelope): Promise<Delivery> {
    const names = this.trace ? componentNames(this.bus.match(envelope.type)) : undefined;
    const delivering = this.bus.publish(envelope, this.runner.invokeLocal);
    // Logged once every handler has started, before awaiting them: what they publish is traced after this line.
    if (names) this.logger.info(`[EventRouter] Delivered to: ${deliveredTo(names)}`, { id: envelope.id });
    return delivering;
  }

  /** A publish dropped as a repeat: counted per event, logged at debug level (info when tracing) with what made it one. */
  private duplicate(envelope: EventEnvelope, why: string): PublishResult {
    this.stats.duplicate(envelope.type);
    const message = `[EventRouter] Duplicate dropped: ${envelope.type} (source=${envelope.source}): ${why}`;
    if (this.trace) this.logger.info(message);
    else this.logger.debug(message, { id: envelope.id });
    return { envelope, duplicate: true, delivered: 0, succeeded: 0, transported: 0 };
  }

  /** Now as RFC 3339 by the router's clock. */
  private isoNow(): string {
    return this.clock.now();
  }


  private resolve(spelling: string): EventDefinition {
    const def = this.registry.resolve(spelling);
    if (!def) throw new UnknownEventError(spelling);
    return def;
  }

  private traceparentFor(given: string | undefined): string | undefined {
    if (given !== undefined) {
      if (!isTraceparent(given)) throw new TypeError(`invalid traceparent ${JSON.stringify(given)}`);
      return given;
    }
    const inherited = currentTraceparent();
    if (inherited !== undefined) return childTraceparent(inherited);
    return this.tracing ? newTraceparent() : undefined;
  }

  private async sendToTransports(envelope: EventEnvelope): Promise<number> {
    const list = [...this.transports];
    const results = await Promise.allSettled(list.map((t) => t.publish(envelope)));
    const errors = results.flatMap((r, i) => (r.status === 'rejected' ? [{ transport: list[i]!.name, error: r.reason as unknown }] : []));
    if (errors.length > 0) throw new TransportError(envelope.type, errors);
    this.stats.transported++;
    return list.length;
  }

  // ── subscribe ────────────────────────────────────────────────────────────

  /**
   * Subscribes to one event (any spelling; the subscription is on the
   * canonical event, so every spelling reaches it) or to a pattern on topic
   * or name (`training.*`, `TRAINING_*`, `*`). Returns the unsubscribe
   * function. Subscribing the same function to the same event again is
   * ignored; reusing a live subscription's name throws.
   */
  subscribe<T = Record<string, unknown>>(spellingOrPattern: string, handler: EventHandler<T>, options?: SubscribeOptions): () => void {
    requireString('subscribe', 'the event (a spelling or a pattern)', spellingOrPattern);
    requireFunction(`subscribe to ${spellingOrPattern}`, 'the handler', handler);
    options = optionsObject(`subscribe to ${spellingOrPattern}`, options);
    optionalString(`subscribe to ${spellingOrPattern}`, 'options.name', options.name);
    if (this.closed) throw new RouterClosedError(`subscribe to ${spellingOrPattern}`);
    const key = this.subscriptionKey(spellingOrPattern);
    const policy: HandlerPolicy = {
      timeoutMs: options.timeoutMs ?? this.handlerTimeoutMs,
      retry: { ...this.retry, ...options.retry },
      coordinator: options.coordinator,
      onFailure: options.onFailure,
      onDeadLetter: options.onDeadLetter,
    };
    const sub = this.bus.add(key, handler as EventHandler, options, policy);
    return () => this.bus.unsubscribe(sub);
  }

  /** Removes the subscription of `handler` to this event or pattern; true if there was one. */
  unsubscribe<T = Record<string, unknown>>(spellingOrPattern: string, handler: EventHandler<T>): boolean {
    requireString('unsubscribe', 'the event (a spelling or a pattern)', spellingOrPattern);
    return this.bus.unsubscribeHandler(this.subscriptionKey(spellingOrPattern), handler as EventHandler);
  }

  /** Canonical name for a spelling; the pattern itself for a pattern that matches at least one event. */
  private subscriptionKey(spellingOrPattern: string): string {
    if (!isPattern(spellingOrPattern)) return this.resolve(spellingOrPattern).name;
    const re = compilePattern(spellingOrPattern);
    for (const def of this.registry.events.values()) if (re.test(def.name) || re.test(def.topic)) return spellingOrPattern;
    throw new UnknownEventError(spellingOrPattern);
  }

  /** Live subscriptions per event name or pattern. */
  getSubscriptionCount(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const sub of this.bus.subscriptions()) counts[sub.key] = (counts[sub.key] ?? 0) + 1;
    return counts;
  }

  /** Names of the live subscriptions, in subscription order. */
  getSubscriptionNames(): string[] {
    return this.bus.subscriptions().map((s) => s.name);
  }

  // ── DLQ ──────────────────────────────────────────────────────────────────

  /**
   * Re-delivers pending DLQ entries parked within `maxAgeHours` (default 24)
   * to the handler that failed, one attempt each; recovered only when that
   * handler succeeds (design rule 5). See HandlerRunner.replayDlq.
   */
  replayDlqEvents(options: DlqReplayOptions = {}): Promise<DlqReplayResult> {
    return this.runner.replayDlq(this.bus, options);
  }

  /** HANDLER_FAILED / HANDLER_TIMEOUT, if the catalog has them; never about themselves (no feedback loop). */
  private readonly handlerEvent = async (kind: HandlerEventKind, sub: Subscription, envelope: EventEnvelope, fields: Record<string, unknown>): Promise<void> => {
    if (!this.emitHandlerEvents || this.closed) return;
    const def = this.registry.resolve(HANDLER_EVENTS[kind]);
    if (!def || this.handlerEventTypes.has(envelope.type)) return;
    const payload = {
      handler_name: sub.name,
      event_type: envelope.type,
      event_id: envelope.id,
      coordinator: (sub.meta as HandlerPolicy).coordinator ?? sub.name,
      ...fields,
    };
    try {
      await this.publish(def.name, payload, { source: ROUTER_SOURCE, ...(envelope.traceparent ? { traceparent: childTraceparent(envelope.traceparent) } : {}) });
    } catch (error) {
      this.logger.error(`[EventRouter] could not publish ${def.name}: ${errorMessage(error)}`);
    }
  };

  // ── transports ───────────────────────────────────────────────────────────

  /** Starts the transport and sends it every cross-process event published from now on. */
  async attachTransport(transport: Transport): Promise<void> {
    if (this.closed) throw new RouterClosedError(`attach ${transport.name}`);
    if (this.transports.has(transport)) return;
    await transport.start(this.deliverFromTransport);
    this.transports.add(transport);
  }

  async detachTransport(transport: Transport): Promise<void> {
    if (!this.transports.delete(transport)) return;
    await transport.close();
  }

  /** The `deliver` given to transports; see transport.ts for its contract. */
  private readonly deliverFromTransport = async (raw: EventEnvelope, info: DeliveryInfo): Promise<void> => {
    if (this.closed) throw new RouterClosedError(`deliver ${String(raw?.type)}`);
    const problem = envelopeProblem(raw);
    if (problem !== undefined) return this.rejectInbound(`not an event envelope (${problem})`);
    const def = this.registry.resolve(raw.type);
    // Not ours to drop: a producer on a newer catalog sent it, and a replay after the upgrade delivers it (inbound.ts).
    if (!def) throw this.undeliverable(UndeliverableEventError.unknownType(raw.type));
    const idKey = envelopeKey(raw.source, raw.id);
    if (this.idsSeen.checkAndAdd(idKey)) {
      // Our own echo, or a redelivery of an event already handled.
      this.stats.duplicate(def.name);
      this.logger.debug(`[EventRouter] Duplicate dropped: ${def.name} (source=${raw.source}): id ${JSON.stringify(raw.id)} from this source seen before`, { id: raw.id });
      return;
    }
    let envelope: EventEnvelope;
    try {
      envelope = this.inboundEnvelope(def, raw);
    } catch (error) {
      this.idsSeen.delete(idKey); // so that the replay after an upgrade is not dropped as a duplicate
      throw this.undeliverable(UndeliverableEventError.invalidPayload(def, raw, errorMessage(error)));
    }
    this.stats.routed(def.name, envelope.source, false);
    if (this.trace) this.logger.info(`[EventRouter] Received: ${def.name} (source=${envelope.source}${info.redelivered ? `, redelivery ${info.attempt}` : ''})`);
    if (this.trace) this.logger.info(`[EventRouter] Delivered to: ${deliveredTo(componentNames(this.bus.match(def.name)))}`, { id: envelope.id });
    const sink: unknown[] = [];
    await this.bus.publish(envelope, (sub, handler, e) => this.runner.invoke(sub, handler, e, sink));
    if (sink.length > 0) {
      this.idsSeen.delete(idKey); // so the redelivery is not dropped as a duplicate
      throw new AggregateError(sink, `could not park failed deliveries of ${def.name} ${raw.id}`);
    }
  };

  private undeliverable(error: UndeliverableEventError): UndeliverableEventError {
    this.stats.transportRejected++;
    this.logger.warn(`[EventRouter] cannot take an event from a transport (the transport parks it): ${error.message}`);
    return error;
  }

  private rejectInbound(reason: string): void {
    this.stats.transportRejected++;
    this.logger.warn(`[EventRouter] dropped an event from a transport: ${reason}`);
  }

  /**
   * Canonical type, aliases normalized (always: a remote producer cannot be corrected from here), common fields filled.
   * `dataversion` stays the producer's: a handler can tell a payload from a newer catalog that this one could read.
   */
  private inboundEnvelope(def: EventDefinition, raw: EventEnvelope): EventEnvelope {
    const time = typeof raw.time === 'string' ? raw.time : this.isoNow();
    const traceparent = typeof raw.traceparent === 'string' && isTraceparent(raw.traceparent) ? raw.traceparent : undefined;
    const data = prepareInboundPayload(def, raw.data, { time, source: raw.source, traceparent }, this.payloads);
    return createEnvelope({ type: def.name, source: raw.source, time, id: raw.id, subject: raw.subject, dataschema: def.dataschema, dataversion: dataVersionOf(raw), traceparent }, data);
  }


  // ── history, stats, flow validation ──────────────────────────────────────

  /** Recent events, oldest first; `topic` is any spelling or a pattern. */
  getHistory(options: HistoryOptions = {}): EventEnvelope[] {
    return this.bus.getHistory({ topic: this.historyTopic(options.topic), limit: options.limit });
  }

  /** Hands matching history to `handler`, oldest first; returns how many events. `since` in seconds is refused (bus.ts sinceEpochMs). */
  replay(options: RouterReplayOptions): Promise<number> {
    return this.bus.replay({ handler: options.handler, topic: this.historyTopic(options.topic), since: options.since });
  }

  private historyTopic(topic: string | undefined): string | undefined {
    return topic === undefined || isPattern(topic) ? topic : this.resolve(topic).name;
  }

  getStats(): RouterStatsSnapshot {
    return {
      ...this.stats.snapshot(),
      subscriptions: this.bus.subscriptions().length,
      historySize: this.bus.historyLength,
      dedupCacheSize: this.contentSeen.size,
      idCacheSize: this.idsSeen.size,
      pendingRetries: this.runner.pendingCount,
    };
  }

  /** Events published with no subscriber, subscribed with no producer, loop-like duplicate rates (flow.ts). */
  validateEventFlow(options: FlowValidationOptions = {}): FlowValidation {
    return validateFlow(this.stats, this.bus, this.emitHandlerEvents ? this.handlerEventTypes : new Set(), options);
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  /** Waits for background retries, DLQ parking and handler events to finish. */
  async drain(): Promise<void> {
    await this.runner.drain();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops transports, then lets background work finish. Publish and subscribe throw afterwards. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const transports = [...this.transports];
    this.transports.clear();
    const results = await Promise.allSettled(transports.map((t) => t.close()));
    this.closed = true;
    await this.drain();
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') this.logger.error(`[EventRouter] closing ${transports[i]!.name} failed: ${errorMessage(r.reason)}`);
    }
  }
}

/** The publish options, checked: each attribute a non-empty string (CloudEvents), `time` an RFC 3339 time. */
function publishOptions(spelling: string, given: PublishOptions | undefined): PublishOptions {
  const where = `publish ${spelling}`;
  const options = optionsObject(where, given);
  optionalString(where, 'options.id', options.id);
  optionalString(where, 'options.source', options.source);
  optionalString(where, 'options.subject', options.subject);
  optionalString(where, 'options.traceparent', options.traceparent);
  optionalTime(where, 'options.time', options.time);
  return options;
}

/**
 * The key of an envelope id: CloudEvents makes `source` + `id` unique, so id 42
 * from two sources is two events. Either may hold any character, so the
 * source's length delimits it (`a:b` + `c` never meets `a` + `:bc`).
 */
function envelopeKey(source: string, id: string): string {
  return `${source.length}:${source}${id}`;
}

/** The key fields of a content key as `field=value` pairs, for the log. */
function describeKey(def: EventDefinition, data: Readonly<Record<string, unknown>>): string {
  if (def.dedup.kind !== 'fields') return '(the whole payload)';
  return def.dedup.fields.map((f) => `${f}=${safeJson(data[f])}`).join(', ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
