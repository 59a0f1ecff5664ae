/**
 * The dead letter queue: deliveries whose handler failed every attempt.
 *
 * An entry names the one handler that failed (design rule 5: the original re-sent
 * a replayed event to every subscriber and counted it recovered if anyone was
 * subscribed). The store is an interface so the cross-process work can supply
 * a persistent (SQLite) one; this file holds the in-memory store.
 */
import type { EventEnvelope } from './envelope.js';

export type DlqStatus = 'pending' | 'recovered';

export interface DlqEntry {
  /** Entry id (not the event id: one event may fail in several handlers). */
  readonly id: string;
  readonly envelope: EventEnvelope;
  /** Canonical event name (= envelope.type), for filtering. */
  readonly eventType: string;
  /** The subscription name of the handler that failed; a replay goes to it alone. */
  readonly handlerName: string;
  /** Message of the last failure. */
  readonly error: string;
  /** Calls made so far, replays included. */
  readonly attempts: number;
  /** Epoch ms when the delivery was parked. */
  readonly failedAt: number;
  /** Epoch ms of the latest call (the last retry or replay). */
  readonly lastAttemptAt: number;
  readonly status: DlqStatus;
  readonly recoveredAt?: number;
}

export interface DlqFilter {
  readonly status?: DlqStatus;
  /** Only entries parked at or after this epoch ms. */
  readonly since?: number;
  readonly handlerName?: string;
  readonly eventType?: string;
  readonly limit?: number;
}

/** Every method is async so that a store may do I/O. Entries are listed oldest first. */
export interface DlqStore {
  add(entry: DlqEntry): Promise<void>;
  get(id: string): Promise<DlqEntry | undefined>;
  list(filter?: DlqFilter): Promise<DlqEntry[]>;
  count(filter?: DlqFilter): Promise<number>;
  /** The handler succeeded on a replay. */
  markRecovered(id: string, at: number): Promise<void>;
  /** A replay failed again: one more attempt, a new error, still pending. */
  recordFailure(id: string, error: string, at: number): Promise<void>;
  remove(id: string): Promise<boolean>;
  /** Deletes entries parked before `before` (epoch ms); returns how many. */
  purge(before: number): Promise<number>;
}

export function matchesFilter(entry: DlqEntry, filter: DlqFilter): boolean {
  return (
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.since === undefined || entry.failedAt >= filter.since) &&
    (filter.handlerName === undefined || entry.handlerName === filter.handlerName) &&
    (filter.eventType === undefined || entry.eventType === filter.eventType)
  );
}

export interface MemoryDlqOptions {
  /** At most this many entries; beyond it the oldest recovered, then the oldest pending, are dropped. Default 10 000. */
  readonly maxEntries?: number;
  /** Called with each entry dropped to keep the cap (so the loss is visible). */
  readonly onEvict?: (entry: DlqEntry) => void;
}

/** A bounded in-memory store; entries are lost with the process. */
export class MemoryDlqStore implements DlqStore {
  private readonly entries = new Map<string, DlqEntry>();
  private readonly maxEntries: number;
  private readonly onEvict: ((entry: DlqEntry) => void) | undefined;

  constructor(options: MemoryDlqOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.onEvict = options.onEvict;
  }

  get size(): number {
    return this.entries.size;
  }

  async add(entry: DlqEntry): Promise<void> {
    this.entries.set(entry.id, entry);
    while (this.entries.size > this.maxEntries) this.evictOne();
  }

  async get(id: string): Promise<DlqEntry | undefined> {
    return this.entries.get(id);
  }

  async list(filter: DlqFilter = {}): Promise<DlqEntry[]> {
    const out: DlqEntry[] = [];
    const limit = filter.limit ?? Infinity;
    for (const entry of this.entries.values()) {
      if (out.length >= limit) break;
      if (matchesFilter(entry, filter)) out.push(entry);
    }
    return out;
  }

  async count(filter: DlqFilter = {}): Promise<number> {
    let n = 0;
    for (const entry of this.entries.values()) if (matchesFilter(entry, filter)) n++;
    return n;
  }

  async markRecovered(id: string, at: number): Promise<void> {
    const entry = this.entries.get(id);
    if (entry) this.entries.set(id, { ...entry, status: 'recovered', recoveredAt: at, attempts: entry.attempts + 1, lastAttemptAt: at });
  }

  async recordFailure(id: string, error: string, at: number): Promise<void> {
    const entry = this.entries.get(id);
    if (entry) this.entries.set(id, { ...entry, error, attempts: entry.attempts + 1, lastAttemptAt: at });
  }

  async remove(id: string): Promise<boolean> {
    return this.entries.delete(id);
  }

  async purge(before: number): Promise<number> {
    let n = 0;
    for (const [id, entry] of this.entries) {
      if (entry.failedAt < before) {
        this.entries.delete(id);
        n++;
      }
    }
    return n;
  }

  private evictOne(): void {
    let victim: DlqEntry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.status === 'recovered') {
        victim = entry;
        break;
      }
      victim ??= entry;
    }
    if (!victim) return;
    this.entries.delete(victim.id);
    this.onEvict?.(victim);
  }
}
