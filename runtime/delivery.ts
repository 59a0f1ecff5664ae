/**
 * Delivery of one event to one handler, as the router does it: an isolated
 * call with a timeout; on failure, retries with exponential backoff (design rule 3:
 * bounded, never skipped), then the dead letter queue; and the replay of DLQ
 * entries to the handler that failed (design rule 5).
 *
 * The first attempt runs inline. What follows a failed first attempt runs in
 * the background for local publishes (tracked: `drain()` waits for it), and
 * is awaited for transport deliveries, so that a transport acknowledges only
 * once the event was handled or parked (design rule 4).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { EventBus, EventHandler, Subscription } from './bus.js';
import type { DlqEntry, DlqStore } from './dlq.js';
import type { EventEnvelope } from './envelope.js';
import { errorMessage, type Logger } from './logger.js';
import { callIsolated, type Failure, type Outcome } from './isolated-call.js';
import { backoffDelay, sleep, type RetryPolicy } from './retry.js';
import type { StatsCollector } from './stats.js';
import { runInTrace } from './trace.js';

export interface HandlerFailureInfo {
  readonly handlerName: string;
  readonly envelope: EventEnvelope;
  readonly kind: 'error' | 'timeout';
  readonly error: unknown;
  readonly attempt: number;
  readonly willRetry: boolean;
}

/** What the router keeps per subscription (Subscription.meta). */
export interface HandlerPolicy {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly coordinator: string | undefined;
  readonly onFailure: ((info: HandlerFailureInfo) => void) | undefined;
  readonly onDeadLetter: ((entry: DlqEntry) => void) | undefined;
}

export interface DlqReplayOptions {
  /** Only entries parked within this many hours. Default 24. */
  readonly maxAgeHours?: number;
  readonly handlerName?: string;
  readonly eventType?: string;
  readonly limit?: number;
}

export interface DlqReplayResult {
  /** Pending entries considered. */
  readonly replayed: number;
  /** The handler that failed succeeded this time. */
  readonly recovered: number;
  /** The handler failed again (the entry stays pending, one attempt more). */
  readonly failed: number;
  /** The handler is not subscribed now (not started, or no longer matching); left pending. */
  readonly skipped: number;
}

export type HandlerEventKind = 'failed' | 'timeout';

export interface DeliveryContext {
  readonly stats: StatsCollector;
  readonly logger: Logger;
  readonly dlq: DlqStore;
  readonly now: () => number;
  /** Publishes HANDLER_FAILED / HANDLER_TIMEOUT; must not reject. */
  readonly handlerEvent: (kind: HandlerEventKind, sub: Subscription, envelope: EventEnvelope, fields: Record<string, unknown>) => Promise<void>;
}

const policyOf = (sub: Subscription): HandlerPolicy => sub.meta as HandlerPolicy;

/** The background work the running code is part of: `drain()` from inside it must not wait for itself. */
const currentWork = new AsyncLocalStorage<object>();

export class HandlerRunner {
  /** Background work (retries, DLQ parking, handler events), by the token its code runs under. */
  private readonly pending = new Map<object, Promise<void>>();
  /** Work whose code is waiting in drain() (never waited for by another drain: two handlers draining must not wait for each other). */
  private readonly draining = new Set<object>();

  constructor(private readonly ctx: DeliveryContext) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Invoker for local publishes: retries run in the background. */
  readonly invokeLocal = (sub: Subscription, handler: EventHandler, envelope: EventEnvelope): boolean | Promise<boolean> =>
    this.invoke(sub, handler, envelope, undefined);

  /**
   * First attempt inline. On failure the retry chain starts: in the
   * background when `sink` is undefined, else awaited, a failure to park
   * being pushed to `sink` (the caller then asks the transport to redeliver).
   */
  invoke(sub: Subscription, handler: EventHandler, envelope: EventEnvelope, sink: unknown[] | undefined): boolean | Promise<boolean> {
    const outcome = this.call(handler, envelope, policyOf(sub).timeoutMs, sub.name);
    if (outcome === undefined) return true;
    if (outcome instanceof Promise) return outcome.then((o) => o === undefined || this.afterFirstFailure(sub, envelope, o, sink));
    return this.afterFirstFailure(sub, envelope, outcome, sink);
  }

  call(handler: EventHandler, envelope: EventEnvelope, timeoutMs: number, name: string): Outcome | Promise<Outcome> {
    if (envelope.traceparent === undefined) return callIsolated(handler, envelope, timeoutMs, name);
    // Inside the event's trace context, so what the handler publishes joins the trace.
    return runInTrace(envelope.traceparent, (e) => callIsolated(handler, e, timeoutMs, name), envelope);
  }

  /**
   * Runs background work and keeps it until it settles; its failure is
   * logged, never unhandled. The work runs under a token of its own
   * (AsyncLocalStorage), so that a handler it calls can drain() without
   * waiting for itself.
   */
  track(start: () => Promise<void>): void {
    const token = {};
    // async: a synchronous throw from start() becomes a rejection, logged like any other.
    const work = currentWork.run(token, async () => start());
    const tracked = work
      .catch((error: unknown) => this.ctx.logger.error(`[EventRouter] background work failed: ${errorMessage(error)}`))
      .finally(() => this.pending.delete(token));
    this.pending.set(token, tracked);
  }

  /**
   * Resolves once all background work, including what it started meanwhile,
   * has settled. Called from inside a handler that is part of background work
   * (a retry, a HANDLER_FAILED subscriber), it waits for everything but that
   * work, and but other work whose code is itself in drain(): never for itself.
   */
  async drain(): Promise<void> {
    const self = currentWork.getStore();
    if (self !== undefined) this.draining.add(self);
    try {
      for (;;) {
        const others = [...this.pending].filter(([token]) => self === undefined || (token !== self && !this.draining.has(token))).map(([, p]) => p);
        if (others.length === 0) return;
        await Promise.all(others);
      }
    } finally {
      if (self !== undefined) this.draining.delete(self);
    }
  }

  /**
   * Re-delivers pending DLQ entries parked within `maxAgeHours` to the
   * handler that failed (found by its subscription name), one at a time, one
   * attempt each. An entry is recovered only when that handler succeeds; if
   * it fails again it stays pending with one attempt more; if no such handler
   * is subscribed now it is skipped.
   */
  async replayDlq(bus: EventBus, options: DlqReplayOptions = {}): Promise<DlqReplayResult> {
    const { dlq, stats, now } = this.ctx;
    const since = now() - (options.maxAgeHours ?? 24) * 3_600_000;
    const entries = await dlq.list({ status: 'pending', since, handlerName: options.handlerName, eventType: options.eventType, limit: options.limit });
    let recovered = 0;
    let failed = 0;
    let skipped = 0;
    for (const entry of entries) {
      const sub = bus.byName(entry.handlerName);
      const handler = sub?.handler();
      if (!sub || !handler || !bus.matches(sub, entry.envelope.type)) {
        skipped++;
        continue;
      }
      const outcome = await this.call(handler, entry.envelope, policyOf(sub).timeoutMs, sub.name);
      if (outcome === undefined) {
        await dlq.markRecovered(entry.id, now());
        stats.dlqRecovered++;
        recovered++;
      } else {
        await dlq.recordFailure(entry.id, errorMessage(outcome.error), now());
        failed++;
      }
    }
    if (entries.length > 0) this.ctx.logger.info(`[EventRouter] DLQ replay: ${recovered} recovered, ${failed} failed, ${skipped} skipped`);
    return { replayed: entries.length, recovered, failed, skipped };
  }

  /**
   * False either way: `succeeded` counts first attempts only (the bus's
   * Invoker contract), whatever the retries then do.
   */
  private afterFirstFailure(sub: Subscription, envelope: EventEnvelope, failure: Failure, sink: unknown[] | undefined): false | Promise<false> {
    // From here on only the message is kept: an error's stack holds the handler that threw,
    // and a weakly held handler must be collectable while its retry waits.
    const error = this.reportFailure(sub, envelope, failure, 1);
    if (sink === undefined) {
      this.track(() => this.retryThenPark(sub, envelope, error));
      return false;
    }
    return this.retryThenPark(sub, envelope, error).then(
      () => false,
      (parkError: unknown) => {
        sink.push(parkError);
        return false;
      },
    );
  }

  /** Resolves once a retry succeeded or the delivery was parked; rejects only if the DLQ store failed. */
  private async retryThenPark(sub: Subscription, envelope: EventEnvelope, firstError: string): Promise<void> {
    const { retry } = policyOf(sub);
    let lastError = firstError;
    let attempt = 1;
    while (attempt < retry.attempts) {
      await sleep(backoffDelay(retry, attempt));
      if (sub.cancelled) break; // unsubscribed (e.g. its handler stopped): park it; a restart can replay it
      attempt++;
      const error = await this.attemptAgain(sub, envelope, attempt);
      if (error === undefined) return;
      lastError = error;
    }
    await this.deadLetter(sub, envelope, lastError, attempt);
  }

  /**
   * One more attempt: undefined if it succeeded or there is no handler left
   * to try, else the error's message. A frame of its own, so that neither the
   * handler nor its error is held while the next retry waits.
   */
  private async attemptAgain(sub: Subscription, envelope: EventEnvelope, attempt: number): Promise<string | undefined> {
    const handler = sub.handler();
    if (handler === undefined) return undefined; // weakly held and collected: its owner is gone, and so is the delivery
    this.ctx.stats.retries++;
    const outcome = await this.call(handler, envelope, policyOf(sub).timeoutMs, sub.name);
    if (outcome === undefined) {
      this.ctx.stats.recoveredByRetry++;
      return undefined;
    }
    return this.reportFailure(sub, envelope, outcome, attempt);
  }

  /** Logs, counts and announces a failed attempt; returns the error's message. */
  private reportFailure(sub: Subscription, envelope: EventEnvelope, failure: Failure, attempt: number): string {
    const { stats, logger } = this.ctx;
    const policy = policyOf(sub);
    const willRetry = attempt < policy.retry.attempts;
    const message = errorMessage(failure.error);
    if (failure.kind === 'timeout') stats.handlerTimeouts++;
    else stats.handlerErrors++;
    logger.warn(
      `[EventRouter] Handler ${failure.kind}: ${sub.name} on ${envelope.type} ` +
        `(attempt ${attempt}/${policy.retry.attempts}${willRetry ? ', will retry' : ''}): ${message}`,
    );
    this.notify(policy.onFailure, { handlerName: sub.name, envelope, kind: failure.kind, error: failure.error, attempt, willRetry });
    if (failure.kind === 'timeout') {
      const fields = { timeout_seconds: policy.timeoutMs / 1000, error: message, attempt };
      this.track(() => this.ctx.handlerEvent('timeout', sub, envelope, fields));
    }
    return message;
  }

  private async deadLetter(sub: Subscription, envelope: EventEnvelope, error: string, attempts: number): Promise<void> {
    const { stats, logger, dlq, now } = this.ctx;
    stats.handlerFailures++;
    const at = now();
    const entry: DlqEntry = {
      id: randomUUID(),
      envelope,
      eventType: envelope.type,
      handlerName: sub.name,
      error,
      attempts,
      failedAt: at,
      lastAttemptAt: at,
      status: 'pending',
    };
    await dlq.add(entry);
    stats.deadLettered++;
    logger.error(`[EventRouter] Dead-lettered ${envelope.type} for ${sub.name} after ${attempts} attempt(s): ${entry.error}`, { id: envelope.id });
    this.notify(policyOf(sub).onDeadLetter, entry);
    this.track(() => this.ctx.handlerEvent('failed', sub, envelope, { error: entry.error, attempt: attempts }));
  }

  private notify<A>(callback: ((arg: A) => void) | undefined, arg: A): void {
    if (!callback) return;
    try {
      callback(arg);
    } catch (error) {
      this.ctx.logger.error(`[EventRouter] failure callback threw: ${errorMessage(error)}`);
    }
  }
}
