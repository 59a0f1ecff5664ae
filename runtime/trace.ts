/**
 * Tracing: W3C Trace Context (`traceparent`, carried as the CloudEvents
 * distributed-tracing extension) and the `<ENV_PREFIX>_EVENT_TRACE` debug switch
 * (RINGRIFT_EVENT_TRACE for our catalog; the prefix comes from the catalog's name).
 *
 * A handler runs inside the trace context of the event it handles, so an event
 * it publishes becomes a child span of the same trace without the handler
 * passing anything along: a whole selfplay → promotion chain shares one trace id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { DEFAULT_CATALOG_NAMES, envName, type CatalogNames } from './catalog-names.js';
import type { Subscription } from './bus.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** True when `<envPrefix>_EVENT_TRACE` (RINGRIFT_EVENT_TRACE, SHOP_EVENT_TRACE) asks for publish/delivery tracing (`1`, `true`, `yes`). */
export function traceEnabledFromEnv(env: NodeJS.ProcessEnv = process.env, names: CatalogNames = DEFAULT_CATALOG_NAMES): boolean {
  const v = env[envName(names, 'EVENT_TRACE')]?.trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

export function isTraceparent(value: string): boolean {
  const m = TRACEPARENT.exec(value);
  return m !== null && m[1] !== ZERO_TRACE && m[2] !== ZERO_SPAN;
}

/** The 32-hex trace id of a traceparent (what payloads carry as `trace_id`). */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

/** A new trace, sampled. */
export function newTraceparent(): string {
  const bytes = randomBytes(24).toString('hex');
  return `00-${bytes.slice(0, 32)}-${bytes.slice(32, 48)}-01`;
}

/** A new span in the same trace, keeping the parent's flags. */
export function childTraceparent(parent: string): string {
  return `${parent.slice(0, 36)}${randomBytes(8).toString('hex')}${parent.slice(52)}`;
}

const context = new AsyncLocalStorage<string>();

/** The traceparent of the event whose handler is running, if any. */
export function currentTraceparent(): string | undefined {
  return context.getStore();
}

/** Runs `fn(arg)` inside a trace context; async continuations inherit it. */
export function runInTrace<A, R>(traceparent: string, fn: (arg: A) => R, arg: A): R {
  return context.run(traceparent, fn, arg);
}

/**
 * The components an event was given to, as the trace names them
 * (EVENT_SYSTEM_REFERENCE.md "Enable Event Tracing": `Delivered to:
 * FeedbackLoopController, DataPipelineOrchestrator`): a subscription's
 * coordinator (HandlerBase sets its own name), else its name without the
 * `#<n>` the bus adds to an unnamed function; each component once.
 */
export function componentNames(subs: readonly Subscription[]): string[] {
  const names = new Set<string>();
  for (const sub of subs) {
    const coordinator = (sub.meta as { coordinator?: unknown } | undefined)?.coordinator;
    names.add(typeof coordinator === 'string' && coordinator !== '' ? coordinator : sub.name.replace(/^bound /, '').replace(/#\d+$/, ''));
  }
  return [...names];
}

/** The list of a `Delivered to:` line. */
export function deliveredTo(components: readonly string[]): string {
  return components.length > 0 ? components.join(', ') : '(no subscribers)';
}
