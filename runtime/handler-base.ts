/**
 * HandlerBase (EVENT_SYSTEM_REFERENCE.md "Using HandlerBase"): a component
 * declares its subscriptions once; the base subscribes them on `start()`,
 * really unsubscribes them on `stop()` (design rule 7: the original could never
 * unsubscribe and subscribed twice on restart), counts successes, errors and
 * timeouts, and answers a health check.
 *
 * Each subscription is named `<handler name>:<canonical event or pattern>`,
 * stable across restarts, so DLQ entries parked for it are replayed to it
 * after a restart. A second instance with the same name is refused (the
 * router rejects the duplicate subscription name).
 */
import { peekRouter } from './default-router.js';
import type { EventEnvelope } from './envelope.js';
import { UsageError } from './errors.js';
import type { RetryPolicy } from './retry.js';
import type { Router } from './router.js';

/**
 * Event spelling or pattern → handler. `EventEnvelope<never>` accepts handlers
 * of any payload type (each typed for its own event).
 */
export type SubscriptionMap = Readonly<Record<string, (event: EventEnvelope<never>) => unknown>>;

export interface HandlerBaseOptions {
  /** Default: the process-wide router (see `defaultRouter()`). */
  readonly router?: Router;
  readonly priority?: number;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Unhealthy after this many failed calls in a row. Default 5. */
  readonly maxConsecutiveFailures?: number;
}

/** What a handler and each of its subscriptions count. */
export interface HealthCounts {
  readonly name: string;
  readonly healthy: boolean;
  readonly eventsProcessed: number;
  readonly errorCount: number;
  readonly timeoutCount: number;
  readonly deadLettered: number;
  /** Failed calls in a row (for a handler: the most of any subscription). */
  readonly consecutiveFailures: number;
  readonly lastError?: string;
  /** ISO time of the last successful call. */
  readonly lastEventAt?: string;
}

/** The counts of one subscription (`<handler name>:<event or pattern>`). */
export interface SubscriptionHealth extends HealthCounts {
  /** The canonical event, or the pattern. */
  readonly event: string;
}

/** `healthy`: running, and no subscription has failed `maxConsecutiveFailures` times in a row. */
export interface HandlerHealth extends HealthCounts {
  readonly running: boolean;
  readonly subscriptions: number;
  /** Per subscription: one subscription's successes never hide another's failures. */
  readonly bySubscription: readonly SubscriptionHealth[];
  readonly message: string;
}

interface Counts {
  readonly name: string;
  readonly event: string;
  eventsProcessed: number;
  errorCount: number;
  timeoutCount: number;
  deadLettered: number;
  consecutiveFailures: number;
  lastError: string | undefined;
  lastEventAt: number | undefined;
}

// State lives in ES private fields (#) so that subclasses may use any names of their own.
export abstract class HandlerBase {
  readonly name: string;
  readonly #options: HandlerBaseOptions;
  #unsubscribers: (() => void)[] = [];
  #running = false;
  /** Per subscription name; kept across restarts, like the names. */
  readonly #counts = new Map<string, Counts>();
  #lastError: string | undefined;

  constructor(name: string, options: HandlerBaseOptions = {}) {
    if (!name) throw new TypeError('HandlerBase: a name is required');
    this.name = name;
    this.#options = options;
  }

  /** Event spelling or pattern → method. Methods are called with `this` bound to the handler. */
  abstract getSubscriptions(): SubscriptionMap;

  /** Setup after subscribing (may be async); a throw undoes the start. */
  protected onStart(): void | Promise<void> {}

  /** Teardown after unsubscribing. */
  protected onStop(): void | Promise<void> {}

  protected get router(): Router {
    return this.#options.router ?? this.defaultRouter();
  }

  /**
   * The router used when none is given. The `HandlerBase` exported by a
   * generated catalog module overrides this with that catalog's process-wide
   * router, created on first use, so that a handler can start before any
   * emitter ran (EVENT_SYSTEM_REFERENCE.md: subscribers start before emitters).
   */
  protected defaultRouter(): Router {
    const router = peekRouter();
    if (router === undefined || router.isClosed) {
      throw new UsageError(
        `HandlerBase ${JSON.stringify(this.name)}: no router to subscribe on. Extend the HandlerBase of your generated catalog module ` +
          "(import { HandlerBase } from 'ringrift-events'), which starts on the catalog's process-wide router, or pass { router }",
      );
    }
    return router;
  }

  get isRunning(): boolean {
    return this.#running;
  }

  /** Subscribes every entry of getSubscriptions(); a second call while running does nothing. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true; // set before any await: a concurrent start() is a no-op
    try {
      const router = this.router;
      for (const [key, method] of Object.entries(this.getSubscriptions())) {
        const canonical = router.registry.resolve(key)?.name ?? key;
        const name = `${this.name}:${canonical}`;
        const counts = this.#countsOf(name, canonical);
        this.#unsubscribers.push(
          router.subscribe(key, (event: EventEnvelope) => this.#run(counts, method, event), {
            name,
            coordinator: this.name,
            priority: this.#options.priority,
            timeoutMs: this.#options.timeoutMs,
            retry: this.#options.retry,
            onFailure: (info) => {
              if (info.kind === 'timeout') counts.timeoutCount++;
              else counts.errorCount++;
              counts.consecutiveFailures++;
              counts.lastError = this.#lastError = errorText(info.error);
            },
            onDeadLetter: () => {
              counts.deadLettered++;
            },
          }),
        );
      }
      await this.onStart();
    } catch (error) {
      this.#unsubscribeAll();
      this.#running = false;
      throw error;
    }
  }

  /** Unsubscribes everything; in-flight calls finish, pending retries are parked in the DLQ. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#unsubscribeAll();
    this.#running = false;
    await this.onStop();
  }

  healthCheck(): HandlerHealth {
    const max = this.#options.maxConsecutiveFailures ?? 5;
    const all = [...this.#counts.values()];
    const bySubscription = all.map((c): SubscriptionHealth => ({
      name: c.name,
      event: c.event,
      healthy: c.consecutiveFailures < max,
      eventsProcessed: c.eventsProcessed,
      errorCount: c.errorCount,
      timeoutCount: c.timeoutCount,
      deadLettered: c.deadLettered,
      consecutiveFailures: c.consecutiveFailures,
      ...(c.lastError !== undefined ? { lastError: c.lastError } : {}),
      ...(c.lastEventAt !== undefined ? { lastEventAt: new Date(c.lastEventAt).toISOString() } : {}),
    }));
    const failing = bySubscription.filter((c) => !c.healthy);
    const healthy = this.#running && failing.length === 0;
    const message = !this.#running
      ? 'not running'
      : healthy
        ? 'ok'
        : failing.map((c) => `${c.name}: ${c.consecutiveFailures} consecutive failures (last: ${c.lastError ?? 'unknown'})`).join('; ');
    const sum = (f: (c: Counts) => number) => all.reduce((n, c) => n + f(c), 0);
    const lastEventAt = Math.max(...all.map((c) => c.lastEventAt ?? -Infinity));
    return {
      name: this.name,
      healthy,
      running: this.#running,
      subscriptions: this.#unsubscribers.length,
      bySubscription,
      eventsProcessed: sum((c) => c.eventsProcessed),
      errorCount: sum((c) => c.errorCount),
      timeoutCount: sum((c) => c.timeoutCount),
      deadLettered: sum((c) => c.deadLettered),
      consecutiveFailures: Math.max(0, ...all.map((c) => c.consecutiveFailures)),
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
      ...(Number.isFinite(lastEventAt) ? { lastEventAt: new Date(lastEventAt).toISOString() } : {}),
      message,
    };
  }

  #countsOf(name: string, event: string): Counts {
    let counts = this.#counts.get(name);
    if (counts === undefined) {
      counts = { name, event, eventsProcessed: 0, errorCount: 0, timeoutCount: 0, deadLettered: 0, consecutiveFailures: 0, lastError: undefined, lastEventAt: undefined };
      this.#counts.set(name, counts);
    }
    return counts;
  }

  #run(counts: Counts, method: (event: EventEnvelope<never>) => unknown, event: EventEnvelope): unknown {
    const result = method.call(this, event as EventEnvelope<never>);
    if (result instanceof Promise) return result.then(() => succeeded(counts));
    succeeded(counts);
    return result;
  }

  #unsubscribeAll(): void {
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers = [];
  }
}

function succeeded(counts: Counts): void {
  counts.eventsProcessed++;
  counts.consecutiveFailures = 0;
  counts.lastEventAt = Date.now();
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
