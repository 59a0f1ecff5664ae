/**
 * The retry policy and the backoff between a handler's calls (the call itself,
 * isolated and timed out, is isolated-call.ts).
 *
 * Design rule 3 (docs/design.md): a failure is retried, then parked; never
 * skipped forever or retried without limit. Here a delivery gets `attempts` calls in all, with
 * exponentially growing pauses (`baseDelayMs`, 2×, 4× … capped at
 * `maxDelayMs`), and then goes to the dead letter queue.
 */

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
