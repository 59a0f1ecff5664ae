/**
 * The SQLite cross-process queue: the runtime's embedded default transport.
 * Schema, wire format and protocol: docs/cross-process-queue.md.
 */
export {
  CrossProcessEventQueue,
  DEFAULT_RETENTION,
  queueHandlerName,
  type CrossProcessEventQueueOptions,
  type DlqReplayRequestFilter,
  type FollowOptions,
  type GroupInfo,
  type GroupOptions,
  type GroupStats,
  type QueueStats,
  type ReceiveOptions,
  type ReceivedEvent,
  type RetentionOptions,
  type RetentionResult,
  type SendOptions,
  type SendResult,
  type StartFrom,
  type StoredEvent,
} from './queue.js';
export { QueueConsumer, currentDelivery, type ConsumeOptions, type ConsumerStats, type QueueDeliveryInfo, type QueueHandler } from './consumer.js';
export { SqliteDlqStore, type SqliteDlqEntry } from './dlq-store.js';
export { SqliteTransport, attachSqliteTransport, type AttachSqliteOptions, type SqliteTransportOptions, type SqliteTransportStats } from './transport.js';
export { GroupMismatchError, PermanentDeliveryError, QueueClosedError, QueueError, type QueueErrorKind } from './errors.js';
export { SCHEMA_SQL, SCHEMA_VERSION, WIRE_FORMAT, type Synchronous } from './wire.js';
export { type WakeMode } from './notifier.js';
export { MissingDependencyError } from '../optional-dependency.js';
