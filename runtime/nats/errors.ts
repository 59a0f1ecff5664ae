/**
 * The errors of the NATS transport that are not "closed" (a closed transport
 * refuses with the runtime's ClosedError) and not a publish's (publisher.ts).
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

/**
 * A call the transport cannot take in its present state: `start` of a started
 * transport, a replay that needs the router's `deliver` before `start` gave it.
 * `action` names the refused call.
 */
export class TransportStateError extends RingRiftEventsError {
  override readonly name = 'TransportStateError';
  constructor(
    readonly transport: string,
    readonly action: string,
    message: string,
  ) {
    super(message);
  }
}
