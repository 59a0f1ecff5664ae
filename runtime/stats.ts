/**
 * Router counters (EVENT_CATALOG.md "Debugging": events routed by type,
 * duplicates prevented) plus handler failures, timeouts and latency
 * percentiles. Everything here is bounded: per-type maps are bounded by the
 * catalog, per-source maps by a cap, latencies by a fixed reservoir.
 */

export interface LatencySummary {
  /** Samples in the window (the most recent `LATENCY_WINDOW` publishes). */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface RouterStats {
  /** Events delivered locally (published here or received from a transport), duplicates excluded. */
  readonly eventsRouted: number;
  readonly eventsRoutedByType: Record<string, number>;
  readonly eventsRoutedBySource: Record<string, number>;
  readonly eventsPublished: number;
  readonly eventsReceived: number;
  readonly duplicatesPrevented: number;
  readonly duplicatesByType: Record<string, number>;
  /** duplicatesPrevented / (eventsRouted + duplicatesPrevented). */
  readonly duplicateRate: number;
  /** Payloads rejected (strict) or delivered with a warning (lenient). */
  readonly validationFailures: number;
  /** Handler calls that threw or rejected (each attempt counts). */
  readonly handlerErrors: number;
  /** Handler calls that timed out (each attempt counts). */
  readonly handlerTimeouts: number;
  /** Deliveries that failed every attempt (= parked in the DLQ). */
  readonly handlerFailures: number;
  readonly retries: number;
  /** Deliveries that succeeded on a retry. */
  readonly recoveredByRetry: number;
  readonly deadLettered: number;
  readonly dlqRecovered: number;
  /** Events sent to at least one transport. */
  readonly transported: number;
  /** Events from transports dropped as invalid or of an unknown type. */
  readonly transportRejected: number;
  /** Publish → local delivery settled (first attempts), in ms. */
  readonly latencyMs: LatencySummary;
}

export const LATENCY_WINDOW = 4096;
const OTHER_SOURCES = '(other)';

export class StatsCollector {
  eventsPublished = 0;
  eventsReceived = 0;
  duplicatesPrevented = 0;
  validationFailures = 0;
  handlerErrors = 0;
  handlerTimeouts = 0;
  handlerFailures = 0;
  retries = 0;
  recoveredByRetry = 0;
  deadLettered = 0;
  dlqRecovered = 0;
  transported = 0;
  transportRejected = 0;

  readonly routedByType = new Map<string, number>();
  readonly routedBySource = new Map<string, number>();
  readonly duplicatesByType = new Map<string, number>();
  /** Per type: routed events that reached no local handler and no transport. */
  readonly orphanedByType = new Map<string, number>();

  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private latencyNext = 0;
  private latencyCount = 0;

  constructor(private readonly maxSources = 1000) {}

  routed(type: string, source: string, local: boolean): void {
    if (local) this.eventsPublished++;
    else this.eventsReceived++;
    increment(this.routedByType, type);
    // Sources are free text: past the cap, new ones share one bucket so the map stays bounded.
    increment(this.routedBySource, this.routedBySource.has(source) || this.routedBySource.size < this.maxSources ? source : OTHER_SOURCES);
  }

  duplicate(type: string): void {
    this.duplicatesPrevented++;
    increment(this.duplicatesByType, type);
  }

  orphaned(type: string): void {
    increment(this.orphanedByType, type);
  }

  latency(ms: number): void {
    this.latencies[this.latencyNext] = ms;
    this.latencyNext = (this.latencyNext + 1) % LATENCY_WINDOW;
    if (this.latencyCount < LATENCY_WINDOW) this.latencyCount++;
  }

  duplicateRate(): number {
    const seen = this.eventsPublished + this.eventsReceived + this.duplicatesPrevented;
    return seen === 0 ? 0 : this.duplicatesPrevented / seen;
  }

  snapshot(): RouterStats {
    const eventsRouted = this.eventsPublished + this.eventsReceived;
    return {
      eventsRouted,
      eventsRoutedByType: Object.fromEntries(this.routedByType),
      eventsRoutedBySource: Object.fromEntries(this.routedBySource),
      eventsPublished: this.eventsPublished,
      eventsReceived: this.eventsReceived,
      duplicatesPrevented: this.duplicatesPrevented,
      duplicatesByType: Object.fromEntries(this.duplicatesByType),
      duplicateRate: this.duplicateRate(),
      validationFailures: this.validationFailures,
      handlerErrors: this.handlerErrors,
      handlerTimeouts: this.handlerTimeouts,
      handlerFailures: this.handlerFailures,
      retries: this.retries,
      recoveredByRetry: this.recoveredByRetry,
      deadLettered: this.deadLettered,
      dlqRecovered: this.dlqRecovered,
      transported: this.transported,
      transportRejected: this.transportRejected,
      latencyMs: this.latencySummary(),
    };
  }

  private latencySummary(): LatencySummary {
    const n = this.latencyCount;
    if (n === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.latencies.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
    return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]! };
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
