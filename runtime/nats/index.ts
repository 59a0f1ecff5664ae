/**
 * The NATS JetStream transport. `attachNatsTransport(router, options)` is the
 * usual entry point: it builds the transport on the router's catalog, DLQ and
 * logger, and attaches it.
 */
import type { Router } from '../router.js';
import type { NatsTransportOptions } from './config.js';
import { NatsTransport } from './transport.js';

export { NATS_DEFAULTS, natsEnv, resolveNatsConfig, type NatsTransportOptions, type ResolvedNatsConfig } from './config.js';
export { MissingDependencyError } from '../optional-dependency.js';
export { SubjectMap, type SubjectFilter } from './subjects.js';
export { PublishRefusedError, PublishUnconfirmedError } from './publisher.js';
export { NatsConnectError } from './errors.js';
export { TransportStateError } from '../errors.js';
export { NatsTransport, type NatsTransportStats } from './transport.js';
export type { DeadLetterReplayResult, NatsReplayOptions } from './replay.js';

/** Options of `attachNatsTransport`: those of the transport, the catalog, DLQ and logger defaulting to the router's. */
export type AttachNatsOptions = Omit<NatsTransportOptions, 'registry'> & Partial<Pick<NatsTransportOptions, 'registry'>>;

/** Creates a NATS transport for `router` (its registry, DLQ and logger unless given) and attaches it. */
export async function attachNatsTransport(router: Router, options: AttachNatsOptions = {}): Promise<NatsTransport> {
  const transport = new NatsTransport({ registry: router.registry, dlq: router.dlq, logger: router.logger, ...options });
  try {
    await router.attachTransport(transport);
  } catch (error) {
    await transport.close();
    throw error;
  }
  return transport;
}
