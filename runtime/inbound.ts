/**
 * Events a consumer cannot take, in a cluster whose processes run different
 * versions of the catalog (docs/evolution.md).
 *
 * A producer on a newer catalog may send an event type this process does not
 * know, or a payload its strict validation refuses (a new enum value, a
 * renamed field). Redelivering such an event cannot help until this process
 * runs the newer catalog, and acknowledging it would lose it: the router
 * rejects it with an UndeliverableEventError and the transport parks it in
 * its dead letter queue at once, to be delivered by a replay after the
 * upgrade.
 */
import type { EventEnvelope } from './envelope.js';
import type { EventDefinition } from './registry.js';
import { RingRiftEventsError } from './errors.js';

/** The payload version an envelope carries (`dataversion`); absent means 1, as envelopes of a version-1 payload leave it out. */
export function dataVersionOf(envelope: Pick<EventEnvelope, 'dataversion'>): number {
  return typeof envelope.dataversion === 'number' ? envelope.dataversion : 1;
}

/** The payload version of an event of this catalog (1 unless the catalog bumped it). */
export function catalogVersionOf(def: Pick<EventDefinition, 'version'>): number {
  return def.version ?? 1;
}

/** An event from a transport that this catalog cannot take; transports park it at once rather than redeliver or drop it. */
export class UndeliverableEventError extends RingRiftEventsError {
  override readonly name = 'UndeliverableEventError';
  constructor(
    readonly eventType: string,
    message: string,
    /** The sender's catalog is newer than this one (unknown type, or a payload version above this catalog's). */
    readonly fromNewerCatalog: boolean,
  ) {
    super(message);
  }

  /** An event type no event of this catalog has. */
  static unknownType(type: string): UndeliverableEventError {
    return new UndeliverableEventError(
      type,
      `from a newer catalog: unknown event type ${JSON.stringify(type)} (not in this consumer's catalog); replay it after upgrading the consumer`,
      true,
    );
  }

  /** A payload this catalog's validation refuses; `problem` is the validation message. */
  static invalidPayload(def: Pick<EventDefinition, 'name' | 'version'>, envelope: Pick<EventEnvelope, 'dataversion'>, problem: string): UndeliverableEventError {
    const sent = dataVersionOf(envelope);
    const known = catalogVersionOf(def);
    if (sent > known) {
      return new UndeliverableEventError(
        def.name,
        `from a newer catalog: ${def.name} payload version ${sent}, this consumer's catalog has version ${known} (${problem}); replay it after upgrading the consumer`,
        true,
      );
    }
    return new UndeliverableEventError(def.name, problem, false);
  }
}
