/**
 * The contract between the router and a cross-process transport (the SQLite
 * queue, NATS JetStream, the in-memory hub of memory-transport.ts).
 *
 * Outbound: the router calls `publish` only for events whose definition has
 * `crossProcess`, and only for events published in this process, never for
 * events that arrived through a transport (no echo loops).
 *
 * Inbound: the transport calls `deliver` for each event it receives. Design rule 4
 * (async handlers were acknowledged before they ran): `deliver` resolves only
 * after every local handler has settled, retries included, and failures are
 * parked in the dead letter queue; so a transport acknowledges after `deliver`
 * resolves. `deliver` rejects only when the event could not be handled or
 * parked (the DLQ store failed): then the transport should redeliver. Values
 * that are not envelopes are dropped with a warning and resolve. An event this
 * catalog cannot take (a type it does not know, a payload its validation
 * refuses: typically sent by a producer on a newer catalog) makes `deliver`
 * reject with an UndeliverableEventError (inbound.ts): the transport parks it
 * in its dead letter queue at once, since redelivery cannot help before this
 * process upgrades and acknowledging it would lose it; a replay of the DLQ
 * after the upgrade delivers it.
 * The router drops an envelope id it has already seen (redelivery after a
 * crash, or the echo of its own event), so at-least-once transports are fine.
 */
import type { EventEnvelope } from './envelope.js';
import { errorMessage } from './logger.js';
import { RingRiftEventsError } from './errors.js';

export interface DeliveryInfo {
  /** The transport delivered this event before (it was not acknowledged). */
  readonly redelivered: boolean;
  /** 1 for the first delivery. */
  readonly attempt: number;
}

export type Deliver = (envelope: EventEnvelope, info: DeliveryInfo) => Promise<void>;

export interface Transport {
  /** For logs and errors. */
  readonly name: string;
  /** Accepts one event for other processes; resolves once it is durably accepted. */
  publish(envelope: EventEnvelope): Promise<void>;
  /** Starts receiving; `deliver` hands each event to the local router. */
  start(deliver: Deliver): Promise<void>;
  /** Stops receiving and releases resources; no `deliver` call starts after it resolves. */
  close(): Promise<void>;
}

/** A publish to a transport failed; the event was not delivered locally either (the caller may retry). */
export class TransportError extends RingRiftEventsError {
  override readonly name = 'TransportError';
  constructor(
    readonly eventType: string,
    readonly errors: readonly { readonly transport: string; readonly error: unknown }[],
  ) {
    super(
      `could not publish ${eventType} to ${errors.map((e) => e.transport).join(', ')}: ${errors
        .map((e) => errorMessage(e.error))
        .join('; ')}`,
    );
  }
}
