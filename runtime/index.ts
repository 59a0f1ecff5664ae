/**
 * The public API of `ringrift-events/runtime`: what runtime/README.md
 * documents, and what the generated code imports. Everything else in runtime/
 * is internal: reachable from the package's own modules, not from users, so
 * it can change without breaking anyone (docs/design.md, design rule 10).
 * test/runtime/public-api.test.ts checks the list against the README.
 *
 * The runtime never imports the generator or the generated code.
 */

// ── the router ─────────────────────────────────────────────────────────────
export {
  createRouter,
  Router,
  type DlqReplayOptions,
  type DlqReplayResult,
  type FlowValidation,
  type FlowValidationOptions,
  type HandlerFailureInfo,
  type HistoryOptions,
  type PublishOptions,
  type PublishResult,
  type RouterOptions,
  type RouterReplayOptions,
  type RouterStatsSnapshot,
  type SubscribeOptions,
  type ValidationMode,
} from './router.js';
export { /** @deprecated Use processRouter (or the generated getRouter). */ getRouter, peekRouter, processRouter, resetRouter } from './default-router.js';
export {
  typedRouter,
  untypedRouter,
  type CatalogTypes,
  type EnvelopeOf,
  type EnvelopeUnion,
  type EventsMatching,
  type SubscriptionPattern,
  type TypedHandler,
  type TypedRouter,
} from './typed-router.js';
export type { EventHandler } from './bus.js';
export type { LatencySummary, RouterStats } from './stats.js';
export type { RetryPolicy } from './retry.js';

// ── handlers ───────────────────────────────────────────────────────────────
export { HandlerBase, type HandlerBaseOptions, type HandlerHealth, type SubscriptionHealth, type SubscriptionMap } from './handler-base.js';

// ── events and catalogs ────────────────────────────────────────────────────
export { createEnvelope, type EnvelopeAttributes, type EventEnvelope } from './envelope.js';
export { uuidv7 } from './ids.js';
export {
  createRegistry,
  type CatalogNames,
  type DedupPolicy,
  type EventDefinition,
  type EventRegistry,
  type NormalizeResult,
  type PayloadIssue,
  type ValidationResult,
} from './registry.js';

// ── dead letters and transports ────────────────────────────────────────────
export { MemoryDlqStore, type DlqEntry, type DlqFilter, type DlqStatus, type DlqStore, type MemoryDlqOptions } from './dlq.js';
export type { Deliver, DeliveryInfo, Transport } from './transport.js';
export { MemoryHub, MemoryTransport, type MemoryHubOptions } from './memory-transport.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';

// ── errors: every one is a RingRiftEventsError ─────────────────────────────
export {
  ClosedError,
  EventValidationError,
  PatternSyntaxError,
  RingRiftEventsError,
  RouterClosedError,
  TransportStateError,
  UnknownEventError,
  UsageError,
} from './errors.js';
export { TransportError } from './transport.js';
export { HandlerTimeoutError } from './isolated-call.js';
export { UndeliverableEventError } from './inbound.js';
export { MissingDependencyError } from './optional-dependency.js';

// ── used by the generated code (validators.ts, normalizers.ts, registry.ts) ──
export { firstAliased, reportAliasConflicts, type ExtractOptions } from './extract.js';
export { normalizeEventPayload, ownValue, renameAliases } from './registry.js';
export { /** @deprecated Use EventValidationError. */ PayloadValidationError, runValidator, type CompiledValidator } from './validation.js';

// The SQLite queue (better-sqlite3, an optional peer dependency) is its own entry: ringrift-events/runtime/sqlite.
// The NATS JetStream transport (the @nats-io clients, optional) is its own entry: ringrift-events/runtime/nats.
