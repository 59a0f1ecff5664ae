/**
 * The public API of the runtime. The generated code imports from here; the
 * runtime never imports the generator or the generated code.
 */
export * from './registry.js';
export { aliasConflictIssues, firstAliased, reportAliasConflicts, shownValue, type ExtractOptions } from './extract.js';
export { /** @deprecated */ PayloadValidationError, runValidator, type CompiledValidator, type ValidatorError } from './validation.js';
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
export { canonicalJson } from './canonical-json.js';
export { uuidv7 } from './ids.js';
export { createEnvelope, envelopeProblem, SPEC_VERSION, CONTENT_TYPE, type EventEnvelope, type EnvelopeAttributes } from './envelope.js';
export { UndeliverableEventError, catalogVersionOf, dataVersionOf } from './inbound.js';
export { dedupKey, sha256, TtlSet } from './dedup.js';
export {
  EventBus,
  compilePattern,
  globEquivalent,
  isPattern,
  type BusSubscribeOptions,
  type Delivery,
  type EventBusOptions,
  type EventHandler,
  type HistoryQuery,
  type Invoker,
  type ReplayOptions,
  type Subscription,
} from './bus.js';
export { backoffDelay, callIsolated, DEFAULT_RETRY, HandlerTimeoutError, type Failure, type Outcome, type RetryPolicy } from './retry.js';
export { HandlerRunner, type DeliveryContext, type HandlerEventKind, type HandlerPolicy } from './delivery.js';
export { validateFlow } from './flow.js';
export { MemoryDlqStore, matchesFilter, type DlqEntry, type DlqFilter, type DlqStatus, type DlqStore, type MemoryDlqOptions } from './dlq.js';
export { TransportError, type Deliver, type DeliveryInfo, type Transport } from './transport.js';
export { MemoryHub, MemoryTransport, type MemoryHubOptions } from './memory-transport.js';
export { LATENCY_WINDOW, type LatencySummary, type RouterStats } from './stats.js';
export { consoleLogger, silentLogger, errorMessage, type Logger } from './logger.js';
export { childTraceparent, currentTraceparent, isTraceparent, newTraceparent, traceEnabledFromEnv, traceIdOf } from './trace.js';
export { ClosedError, EventValidationError, PatternSyntaxError, RingRiftEventsError, RouterClosedError, UnknownEventError } from './errors.js';
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
export { getRouter, peekRouter, resetRouter } from './default-router.js';
export { HandlerBase, type HandlerBaseOptions, type HandlerHealth, type SubscriptionHealth, type SubscriptionMap } from './handler-base.js';
export { MissingDependencyError } from './optional-dependency.js';
// The SQLite queue (better-sqlite3, an optional peer dependency) is its own entry: ringrift-events/runtime/sqlite.
