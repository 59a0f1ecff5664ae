/**
 * validateEventFlow (EVENT_CATALOG.md "Validate Event Flow"): events
 * published with no subscriber, events subscribed with no producer, and
 * duplicate rates that signal an amplification loop (the case the content
 * dedup exists for: "duplicates_prevented > 1000: possible event loop").
 * Observations of this process: meaningful once the system has run a while.
 */
import type { EventBus } from './bus.js';
import type { StatsCollector } from './stats.js';

export interface FlowValidationOptions {
  /** A type whose duplicate rate reaches this looks like a loop. Default 0.5. */
  readonly duplicateRateThreshold?: number;
  /** …once it has at least this many duplicates. Default 100. */
  readonly minDuplicates?: number;
}

export interface FlowValidation {
  readonly healthy: boolean;
  readonly issues: string[];
  /** Published, reached no handler and no transport, and still has no subscriber. */
  readonly publishedWithoutSubscribers: string[];
  /** Subscribed, but never published here nor received from a transport. */
  readonly subscribedWithoutProducers: string[];
  /** Types whose duplicate rate signals an amplification loop. */
  readonly suspectedLoops: string[];
  readonly duplicateRate: number;
}

/**
 * `producedByRuntime`: events the router itself emits on occasion
 * (HANDLER_FAILED …); subscribing to them without any having happened yet is normal.
 */
export function validateFlow(
  stats: StatsCollector,
  bus: EventBus,
  producedByRuntime: ReadonlySet<string>,
  options: FlowValidationOptions = {},
): FlowValidation {
  const threshold = options.duplicateRateThreshold ?? 0.5;
  const minDuplicates = options.minDuplicates ?? 100;
  const issues: string[] = [];

  const publishedWithoutSubscribers: string[] = [];
  for (const [type, count] of stats.orphanedByType) {
    if (bus.match(type).length > 0) continue; // someone listens now
    publishedWithoutSubscribers.push(type);
    issues.push(`${type} was published ${count} time(s) with no subscriber`);
  }

  const subscribedWithoutProducers: string[] = [];
  for (const sub of bus.subscriptions()) {
    const type = sub.key;
    if (sub.pattern || stats.routedByType.has(type) || producedByRuntime.has(type) || subscribedWithoutProducers.includes(type)) continue;
    subscribedWithoutProducers.push(type);
    issues.push(`${type} has subscribers but was never published or received`);
  }

  const suspectedLoops: string[] = [];
  for (const [type, dups] of stats.duplicatesByType) {
    const rate = dups / (dups + (stats.routedByType.get(type) ?? 0));
    if (dups >= minDuplicates && rate >= threshold) {
      suspectedLoops.push(type);
      issues.push(`${type}: ${dups} duplicates prevented (${(rate * 100).toFixed(0)}% of its events), possible event loop`);
    }
  }

  return { healthy: issues.length === 0, issues, publishedWithoutSubscribers, subscribedWithoutProducers, suspectedLoops, duplicateRate: stats.duplicateRate() };
}
