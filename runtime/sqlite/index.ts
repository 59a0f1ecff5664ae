/**
 * The SQLite cross-process queue: the runtime's embedded default transport.
 * Schema, wire format and protocol: docs/cross-process-queue.md; the files
 * of this folder: README.md.
 */
export { CrossProcessEventQueue } from './queue.js';
export {
  DEFAULT_RETENTION,
  type CrossProcessEventQueueOptions,
  type DlqReplayRequestFilter,
  type FollowOptions,
  type GroupOptions,
  type ReceiveOptions,
  type RetentionOptions,
  type SendOptions,
  type StartFrom,
} from './options.js';
export {
  queueHandlerName,
  type GroupInfo,
  type GroupStats,
  type QueueStats,
  type ReceivedEvent,
  type RetentionResult,
  type SendResult,
  type StoredEvent,
} from './types.js';
export { QueueConsumer, currentDelivery, type ConsumeOptions, type ConsumerStats, type QueueDeliveryInfo, type QueueHandler } from './consumer.js';
export { SqliteDlqStore, type SqliteDlqEntry } from './dlq-store.js';
export { SqliteTransport, attachSqliteTransport, type AttachSqliteOptions, type SqliteTransportOptions, type SqliteTransportStats } from './transport.js';
export { GroupMismatchError, PermanentDeliveryError, QueueClosedError, QueueError, type QueueErrorKind } from './errors.js';
export { SCHEMA_SQL, SCHEMA_VERSION, WIRE_FORMAT, type Synchronous } from './wire.js';
export { type WakeMode } from './notifier.js';
export { MissingDependencyError } from '../optional-dependency.js';
