/**
 * The in-process bus: subscriptions by exact event type or by pattern,
 * priority order, `once`, weakly held handlers, and a bounded history.
 *
 * The bus knows nothing of spellings, validation or retries: the router
 * resolves spellings before calling it and passes an invoker that adds
 * timeouts, retries and the dead letter queue. Used alone, the bus isolates
 * each handler (one throwing never stops the others) and reports errors to
 * `onError`.
 */
import type { EventEnvelope } from './envelope.js';
import { PatternSyntaxError, UsageError } from './errors.js';
import { callIsolated } from './isolated-call.js';

export type EventHandler<T = Record<string, unknown>> = (event: EventEnvelope<T>) => unknown;

export interface BusSubscribeOptions {
  /** Higher runs first; equal priorities run in subscription order. Default 0. */
  readonly priority?: number;
  /** Unsubscribe before the first delivery. */
  readonly once?: boolean;
  /**
   * Hold the handler weakly: when nothing else references the function, the
   * subscription disappears with it. For transient objects, keep the handler
   * as a property of the object (`this.onEvent = (e) => …`), so it lives
   * exactly as long as the object does. Never pass an inline arrow here.
   * A failed delivery waiting for its retry does not keep the handler alive:
   * once it is collected, the retry is dropped (nothing is parked).
   */
  readonly weak?: boolean;
  /** Unique among live subscriptions; the DLQ and the trace name handlers by it. Default `<fn name>#<n>`. */
  readonly name?: string;
}

export interface Subscription {
  readonly id: number;
  /** The exact event type, or the pattern. */
  readonly key: string;
  readonly name: string;
  readonly priority: number;
  readonly once: boolean;
  readonly pattern: RegExp | undefined;
  /** Whatever the owner of the bus attaches (the router keeps per-subscription options here). */
  readonly meta: unknown;
  /** False once removed (unsubscribed, fired `once`, or its weak handler collected). */
  active: boolean;
  /** True when removed by an explicit unsubscribe (the router stops retrying then). */
  cancelled: boolean;
  /** The handler, or undefined when it was weakly held and has been collected. */
  handler(): EventHandler | undefined;
}

/** Calls one handler for one event; must never throw or reject. true = succeeded (this call; retries that follow a failure are not counted). */
export type Invoker = (sub: Subscription, handler: EventHandler, event: EventEnvelope) => boolean | Promise<boolean>;

export interface Delivery {
  /** Handlers the event was given to. */
  readonly matched: number;
  /** Of those, how many reported success. */
  readonly succeeded: number;
}

export interface EventBusOptions {
  /** Events kept for getHistory/replay (a ring buffer). Default 1000; 0 disables. */
  readonly historySize?: number;
  /** The topic of an event type, for patterns such as `training.*`. Default: the type itself. */
  readonly topicOf?: (type: string) => string | undefined;
  /** Receives errors of handlers under the default invoker. */
  readonly onError?: (error: unknown, sub: Subscription, event: EventEnvelope) => void;
  readonly now?: () => number;
}

export interface HistoryQuery {
  /** Only events of this type, or whose type or topic matches this pattern. */
  readonly topic?: string;
  /** The most recent `limit` matching events. Default: all kept. */
  readonly limit?: number;
}

export interface ReplayOptions {
  readonly handler: EventHandler;
  readonly topic?: string;
  /** Only events published at or after this time (epoch ms, Date, or ISO string); a number that reads as seconds is refused. */
  readonly since?: number | Date | string;
}

/** Characters of regular-expression syntax; no event name or topic contains one. */
const REGEX_SYNTAX = /[\\^$+?()[\]{}|]/;

/** True when `key` is a pattern rather than one event (a glob, or a regular expression that compilePattern refuses). */
export function isPattern(key: string): boolean {
  return key.includes('*') || REGEX_SYNTAX.test(key);
}

/**
 * Patterns are globs: `*` matches any run of characters, dots included:
 * `training.*` matches `training.completed`, `TRAINING_*` matches
 * `TRAINING_FAILED`, `*` matches all. One syntax for the router, the history,
 * the SQLite queue and NATS subjects. A regular expression (the guide's
 * `training\\..*`) is refused with PatternSyntaxError giving its glob.
 */
export function compilePattern(pattern: string): RegExp {
  if (REGEX_SYNTAX.test(pattern)) throw new PatternSyntaxError(pattern, globEquivalent(pattern));
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * The glob a simple regular expression means: anchors dropped, `.*` and `.+`
 * become `*`, escaped punctuation and a lone `.` (the topic separator, as
 * meant) become themselves. Undefined when it uses anything a glob cannot say
 * (classes, groups, alternatives, `\d`…).
 */
export function globEquivalent(regex: string): string | undefined {
  let s = regex.startsWith('^') ? regex.slice(1) : regex;
  if (s.endsWith('$') && !s.endsWith('\\$')) s = s.slice(0, -1);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c === '\\') {
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \w, …
      out += next;
      i++;
    } else if (c === '.' && (next === '*' || next === '+')) {
      if (!out.endsWith('*')) out += '*';
      i++;
    } else if ('^$+?()[]{}|*'.includes(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

class Sub implements Subscription {
  active = true;
  cancelled = false;
  constructor(
    readonly id: number,
    readonly key: string,
    readonly name: string,
    readonly priority: number,
    readonly once: boolean,
    readonly pattern: RegExp | undefined,
    readonly meta: unknown,
    private readonly strong: EventHandler | undefined,
    private readonly weak: WeakRef<EventHandler> | undefined,
  ) {}

  handler(): EventHandler | undefined {
    return this.strong ?? this.weak?.deref();
  }

  /** Same function, whether held strongly or weakly (duplicate-registration check). */
  holds(fn: EventHandler): boolean {
    return this.handler() === fn;
  }
}

const byPriority = (a: Subscription, b: Subscription): number => b.priority - a.priority || a.id - b.id;

export class EventBus {
  private readonly exact = new Map<string, Sub[]>();
  private readonly patterns: Sub[] = [];
  private readonly names = new Map<string, Sub>();
  /** Per event type, the subscriptions that match it, sorted; rebuilt lazily after any change. */
  private readonly matchCache = new Map<string, readonly Sub[]>();
  private readonly finalizer = new FinalizationRegistry<Sub>((sub) => this.remove(sub));
  private nextId = 1;

  private readonly topicOf: (type: string) => string | undefined;
  private readonly onError: (error: unknown, sub: Subscription, event: EventEnvelope) => void;
  private readonly now: () => number;

  private readonly historySize: number;
  private readonly history: (EventEnvelope | undefined)[];
  private readonly historyAt: Float64Array;
  private historyNext = 0;
  private historyCount = 0;

  constructor(options: EventBusOptions = {}) {
    this.topicOf = options.topicOf ?? ((type) => type);
    this.onError = options.onError ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.historySize = Math.max(0, Math.floor(options.historySize ?? 1000));
    this.history = new Array<EventEnvelope | undefined>(this.historySize);
    this.historyAt = new Float64Array(this.historySize);
  }

  /**
   * Adds a subscription. Registering the same function again for the same key
   * is ignored (the existing subscription is returned); reusing the name of a
   * live subscription for another handler is refused.
   */
  add(key: string, handler: EventHandler, options: BusSubscribeOptions = {}, meta?: unknown): Subscription {
    if (typeof handler !== 'function') throw new TypeError(`subscribe(${JSON.stringify(key)}): handler is not a function`);
    const pattern = isPattern(key) ? compilePattern(key) : undefined;
    const existing = pattern ? this.patterns.filter((s) => s.key === key) : this.exact.get(key);
    const same = existing?.find((s) => s.holds(handler));
    if (same) return same;
    const id = this.nextId++;
    const name = options.name ?? `${handler.name || 'anonymous'}#${id}`;
    if (this.names.has(name)) throw new UsageError(`a handler named ${JSON.stringify(name)} is already subscribed`);
    const weak = options.weak === true;
    const sub = new Sub(
      id,
      key,
      name,
      options.priority ?? 0,
      options.once === true,
      pattern,
      meta,
      weak ? undefined : handler,
      weak ? new WeakRef(handler) : undefined,
    );
    if (weak) this.finalizer.register(handler, sub, sub);
    if (pattern) this.patterns.push(sub);
    else {
      const list = this.exact.get(key);
      if (list) list.push(sub);
      else this.exact.set(key, [sub]);
    }
    this.names.set(name, sub);
    this.matchCache.clear();
    return sub;
  }

  /** Like `add`, returning the unsubscribe function. */
  subscribe(key: string, handler: EventHandler, options?: BusSubscribeOptions): () => void {
    const sub = this.add(key, handler, options);
    return () => this.unsubscribe(sub);
  }

  /** Removes a subscription; idempotent. In-flight deliveries finish. */
  unsubscribe(sub: Subscription): void {
    if (sub.active) sub.cancelled = true;
    this.remove(sub as Sub);
  }

  /** Removes whatever subscription holds `handler` under `key`; true if there was one. */
  unsubscribeHandler(key: string, handler: EventHandler): boolean {
    const list = isPattern(key) ? this.patterns.filter((s) => s.key === key) : this.exact.get(key);
    const sub = list?.find((s) => s.holds(handler));
    if (!sub) return false;
    this.unsubscribe(sub);
    return true;
  }

  byName(name: string): Subscription | undefined {
    return this.names.get(name);
  }

  /** Every live subscription that receives events of `type`, in delivery order. */
  match(type: string): readonly Subscription[] {
    let subs = this.matchCache.get(type);
    if (subs === undefined) {
      const topic = this.topicOf(type);
      const found = [...(this.exact.get(type) ?? [])];
      for (const sub of this.patterns) {
        if (sub.pattern!.test(type) || (topic !== undefined && sub.pattern!.test(topic))) found.push(sub);
      }
      subs = found.sort(byPriority);
      this.matchCache.set(type, subs);
    }
    return subs;
  }

  matches(sub: Subscription, type: string): boolean {
    return this.match(type).includes(sub);
  }

  /** All live subscriptions. */
  subscriptions(): Subscription[] {
    return [...this.names.values()];
  }

  /**
   * Records the event in the history and gives it to every matching handler,
   * in priority order. Every handler is started before any is awaited, so a
   * slow or hanging async handler never delays the others. Resolves when all
   * invocations have settled.
   */
  publish(event: EventEnvelope, invoke: Invoker = this.defaultInvoke): Promise<Delivery> {
    this.record(event);
    const subs = this.match(event.type);
    let succeeded = 0;
    let matched = 0;
    let pending: Promise<boolean>[] | undefined;
    for (const sub of subs) {
      if (!sub.active) continue; // removed by an earlier handler of this very event
      const handler = sub.handler();
      if (handler === undefined) {
        this.remove(sub as Sub);
        continue;
      }
      if (sub.once) this.remove(sub as Sub);
      matched++;
      const r = invoke(sub, handler, event);
      if (r === true) succeeded++;
      else if (r !== false) (pending ??= []).push(r);
    }
    if (pending === undefined) return Promise.resolve({ matched, succeeded });
    return Promise.all(pending).then((results) => {
      for (const ok of results) if (ok) succeeded++;
      return { matched, succeeded };
    });
  }

  /** Matching events, oldest first, at most the `limit` most recent. */
  getHistory(query: HistoryQuery = {}): EventEnvelope[] {
    return this.select(this.historyFilter(query.topic), query.limit ?? Infinity, -Infinity);
  }

  /**
   * Hands the matching history to `handler`, oldest first, one at a time
   * (awaited). A throwing handler does not stop the replay. Returns the number
   * of events replayed.
   */
  async replay(options: ReplayOptions): Promise<number> {
    const since = options.since === undefined ? -Infinity : sinceEpochMs(options.since, this.now(), 'replay');
    const events = this.select(this.historyFilter(options.topic), Infinity, since);
    for (const event of events) {
      const outcome = await callIsolated(options.handler, event, 0, 'replay');
      if (outcome) this.onError(outcome.error, REPLAY_SUB, event);
    }
    return events.length;
  }

  get historyLength(): number {
    return this.historyCount;
  }

  clearHistory(): void {
    this.history.fill(undefined);
    this.historyNext = 0;
    this.historyCount = 0;
  }

  /** Filter for history queries; `topic` is an exact type or a pattern on type or topic. */
  private historyFilter(topic: string | undefined): ((e: EventEnvelope) => boolean) | undefined {
    if (topic === undefined) return undefined;
    if (!isPattern(topic)) return (e) => e.type === topic;
    const re = compilePattern(topic);
    return (e) => {
      if (re.test(e.type)) return true;
      const t = this.topicOf(e.type);
      return t !== undefined && re.test(t);
    };
  }

  private select(filter: ((e: EventEnvelope) => boolean) | undefined, limit: number, since: number): EventEnvelope[] {
    const out: EventEnvelope[] = [];
    for (let i = 1; i <= this.historyCount && out.length < limit; i++) {
      const slot = (this.historyNext - i + this.historySize) % this.historySize;
      if (this.historyAt[slot]! < since) break; // older still are older
      const event = this.history[slot]!;
      if (!filter || filter(event)) out.push(event);
    }
    return out.reverse();
  }

  private record(event: EventEnvelope): void {
    if (this.historySize === 0) return;
    this.history[this.historyNext] = event;
    this.historyAt[this.historyNext] = this.now();
    this.historyNext = (this.historyNext + 1) % this.historySize;
    if (this.historyCount < this.historySize) this.historyCount++;
  }

  private remove(sub: Sub): void {
    if (!sub.active) return;
    sub.active = false;
    this.finalizer.unregister(sub);
    if (sub.pattern) {
      const i = this.patterns.indexOf(sub);
      if (i >= 0) this.patterns.splice(i, 1);
    } else {
      const list = this.exact.get(sub.key);
      if (list) {
        const i = list.indexOf(sub);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.exact.delete(sub.key);
      }
    }
    if (this.names.get(sub.name) === sub) this.names.delete(sub.name);
    this.matchCache.clear();
  }

  private readonly defaultInvoke: Invoker = (sub, handler, event) => {
    const outcome = callIsolated(handler, event, 0, sub.name);
    if (outcome === undefined) return true;
    if (outcome instanceof Promise) {
      return outcome.then((o) => {
        if (o === undefined) return true;
        this.onError(o.error, sub, event);
        return false;
      });
    }
    this.onError(outcome.error, sub, event);
    return false;
  };
}

const REPLAY_SUB: Subscription = {
  id: 0,
  key: '',
  name: 'replay',
  priority: 0,
  once: false,
  pattern: undefined,
  meta: undefined,
  active: false,
  cancelled: false,
  handler: () => undefined,
};

/**
 * A `since` in epoch milliseconds, refusing a number that reads as seconds
 * (the Python original's `time.time() - 3600`): one far nearer to `now` read as
 * seconds than read as milliseconds. Read as milliseconds it would be January
 * 1970, and every event would be replayed without a word.
 */
export function sinceEpochMs(since: number | Date | string, now: number, what: string): number {
  const ms = toEpochMs(since);
  if (typeof since === 'number' && since > 0 && Math.abs(since * 1000 - now) < Math.abs(since - now) / 1000) {
    throw new RangeError(
      `${what}({ since: ${since} }): since is epoch milliseconds (or a Date, or an ISO string); ${since} reads as seconds since the epoch, as Python's time.time() gives: pass ${since} * 1000`,
    );
  }
  return ms;
}

export function toEpochMs(time: number | Date | string): number {
  if (typeof time === 'number') return time;
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(time)}`);
  return ms;
}
