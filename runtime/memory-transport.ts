/**
 * An in-memory transport hub: several routers in one process behave as if
 * they were separate processes sharing a queue. Every event is serialized
 * (as a real transport would) and delivered to every connected transport,
 * the sender included when `echo` is set (as a NATS subject subscriber would
 * see its own messages). A delivery that rejects is redelivered, flagged
 * `redelivered`, up to `maxDeliveries` times. For tests and for transport
 * authors as a reference of the contract.
 */
import type { EventEnvelope } from './envelope.js';
import { UndeliverableEventError } from './inbound.js';
import type { Deliver, Transport } from './transport.js';

export interface MemoryHubOptions {
  /** Also deliver an event to the transport that published it. Default true. */
  readonly echo?: boolean;
  /** Deliveries per event and receiver before giving up. Default 3. */
  readonly maxDeliveries?: number;
}

export class MemoryHub {
  private readonly members = new Set<MemoryTransport>();
  private readonly inflight = new Set<Promise<void>>();
  readonly echo: boolean;
  readonly maxDeliveries: number;
  /** Deliveries that were given up after maxDeliveries rejections. */
  readonly undeliverable: { transport: string; envelope: EventEnvelope; error: unknown }[] = [];

  constructor(options: MemoryHubOptions = {}) {
    this.echo = options.echo ?? true;
    this.maxDeliveries = options.maxDeliveries ?? 3;
  }

  transport(name: string): MemoryTransport {
    return new MemoryTransport(name, this);
  }

  /** Resolves when every delivery in flight (and those they caused) has settled. */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }

  /** @internal */
  join(member: MemoryTransport): void {
    this.members.add(member);
  }

  /** @internal */
  leave(member: MemoryTransport): void {
    this.members.delete(member);
  }

  /** @internal */
  send(from: MemoryTransport, envelope: EventEnvelope): void {
    const wire = JSON.stringify(envelope);
    for (const member of this.members) {
      if (member === from && !this.echo) continue;
      const p = this.deliverTo(member, wire).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  private async deliverTo(member: MemoryTransport, wire: string): Promise<void> {
    await Promise.resolve(); // never deliver inside the publisher's call stack
    for (let attempt = 1; attempt <= this.maxDeliveries; attempt++) {
      const deliver = member.deliverFn;
      if (!deliver) return;
      try {
        await deliver(JSON.parse(wire) as EventEnvelope, { redelivered: attempt > 1, attempt });
        return; // acknowledged
      } catch (error) {
        // An event the receiver's catalog cannot take is given up at once (a real transport parks it in its DLQ).
        const final = attempt === this.maxDeliveries || error instanceof UndeliverableEventError;
        if (final) this.undeliverable.push({ transport: member.name, envelope: JSON.parse(wire) as EventEnvelope, error });
        if (final) return;
      }
    }
  }
}

export class MemoryTransport implements Transport {
  /** @internal */
  deliverFn: Deliver | undefined;
  /** Envelopes this transport was asked to publish. */
  readonly published: EventEnvelope[] = [];
  /** Make the next publish calls reject (to test transport failures). */
  failPublish: Error | undefined;

  constructor(
    readonly name: string,
    private readonly hub: MemoryHub,
  ) {}

  async publish(envelope: EventEnvelope): Promise<void> {
    if (this.failPublish) throw this.failPublish;
    this.published.push(envelope);
    this.hub.send(this, envelope);
  }

  async start(deliver: Deliver): Promise<void> {
    this.deliverFn = deliver;
    this.hub.join(this);
  }

  async close(): Promise<void> {
    this.deliverFn = undefined;
    this.hub.leave(this);
  }
}
