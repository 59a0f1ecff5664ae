/**
 * One isolated handler call with a timeout, and the backoff between calls.
 *
 * Design rule 3 (docs/design.md): a failure is retried, then parked; never
 * skipped forever or retried without limit. Here a delivery gets `attempts` calls in all, with
 * exponentially growing pauses (`baseDelayMs`, 2×, 4× … capped at
 * `maxDelayMs`), and then goes to the dead letter queue.
 */
import { RingRiftEventsError } from './errors.js';

export interface RetryPolicy {
  /** Calls in all, the first included (3: one call and two retries, as in EVENT_FLOW_INTEGRATION.md). */
  readonly attempts: number;
  /** Pause before the first retry; doubles for each further one (1 s, 2 s as in the documents). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The pause after `failedAttempts` failed calls, before the next one. */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
}

/** Uses the global setTimeout so that test fake timers control it. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class HandlerTimeoutError extends RingRiftEventsError {
  override readonly name = 'HandlerTimeoutError';
  constructor(
    readonly handlerName: string,
    readonly timeoutMs: number,
  ) {
    super(`handler ${handlerName} timed out after ${timeoutMs} ms`);
  }
}

/** How a call went wrong. A successful call is represented by `undefined`. */
export interface Failure {
  readonly kind: 'error' | 'timeout';
  readonly error: unknown;
}

export type Outcome = Failure | undefined;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `fn(arg)` so that nothing it does escapes: a synchronous throw or a
 * rejection becomes a Failure, and an async result that has not settled after
 * `timeoutMs` becomes a timeout Failure (the call itself cannot be cancelled;
 * its late settlement is observed and ignored, never left unhandled).
 * Returns synchronously when `fn` does, so sync handlers cost no promise.
 * A synchronous handler cannot be timed out: it blocks the event loop while it runs.
 */
export function callIsolated<A>(
  fn: (arg: A) => unknown,
  arg: A,
  timeoutMs: number,
  name: string,
): Outcome | Promise<Outcome> {
  let result: unknown;
  try {
    result = fn(arg);
  } catch (error) {
    return { kind: 'error', error };
  }
  if (!isThenable(result)) return undefined;
  const settled = Promise.resolve(result).then(
    () => undefined,
    (error: unknown): Failure => ({ kind: 'error', error }),
  );
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) return settled;
  return new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout', error: new HandlerTimeoutError(name, timeoutMs) }), timeoutMs);
    // `settled` never rejects; resolving twice is a no-op, so a late settlement after the timeout is dropped.
    void settled.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}
