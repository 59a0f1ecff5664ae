/**
 * One isolated handler call with a timeout: whatever the handler does (throws,
 * rejects, never settles, throws a non-Error), the caller gets an Outcome and
 * nothing escapes. The bus calls handlers through it; delivery.ts retries it.
 */
import { RingRiftEventsError } from './errors.js';

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
