/**
 * The NATS transport's own error: connecting failed. A closed transport
 * refuses with the runtime's ClosedError, a call out of order with its
 * TransportStateError (runtime/errors.ts), a publish with publisher.ts's errors.
 */
import { RingRiftEventsError } from '../errors.js';

/**
 * No NATS server answered within `connectTimeoutMs` (only unreachable servers
 * are waited for: any other connect error is thrown as the client threw it).
 * The last connection error is the `cause`.
 */
export class NatsConnectError extends RingRiftEventsError {
  override readonly name = 'NatsConnectError';
  constructor(
    readonly transport: string,
    readonly servers: readonly string[],
    readonly timeoutMs: number,
    cause: unknown,
    detail: string,
  ) {
    super(`${transport}: cannot connect to NATS at ${servers.join(', ')} within ${timeoutMs} ms (connectTimeoutMs): ${detail}`, { cause });
  }
}
