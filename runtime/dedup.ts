/**
 * Deduplication: a content key per the catalog's per-event policy, and a
 * bounded TTL set of keys seen.
 *
 * Design rule 6 (docs/design.md): dedup must never collapse distinct facts
 * (the system this replaces dropped two HOST_OFFLINE within 30 s, and hashed a
 * language-specific repr). Here the catalog says per event whether and on which fields an event is deduplicated,
 * the hash covers the canonical event name (two different events with equal
 * payloads never collide), and it is SHA-256 over canonical JSON.
 */
import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { EventDefinition } from './registry.js';

/** SHA-256, base64. crypto.hash (Node ≥ 20.12; package.json asks for ≥ 20.19) hashes in one call, without a Hash object. */
export const sha256 = (data: string): string => crypto.hash('sha256', data, 'base64');

/**
 * The dedup key of a payload, or undefined when the event is not deduplicated.
 * `payload`: every field except the common ones (timestamp, source, trace_id
 * differ between two emissions of the same fact). `fields`: only those listed,
 * and only when every one of them is present (an own field, neither undefined
 * nor null): the listed fields name the fact (a job, a task, a model…), and a
 * payload that leaves one out does not say which fact it is, so it is never
 * taken for a repeat of another (catalog/README.md "Deduplication").
 */
export function dedupKey(def: EventDefinition, data: Readonly<Record<string, unknown>>, commonFields: ReadonlySet<string>): string | undefined {
  const policy = def.dedup;
  if (policy.kind === 'none') return undefined;
  let json: string;
  if (policy.kind === 'payload') {
    json = canonicalJson(data, commonFields);
  } else {
    const subset = keyFields(policy.fields, data);
    if (subset === undefined) return undefined;
    json = canonicalJson(subset);
  }
  return sha256(`${def.name}\n${json}`);
}

/** The listed fields of `data`, or undefined when one of them is absent (not an own field, undefined or null). */
export function keyFields(fields: readonly string[], data: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const subset: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const field of fields) {
    const value = Object.hasOwn(data, field) ? data[field] : undefined;
    if (value === undefined || value === null) return undefined;
    subset[field] = value;
  }
  return subset;
}

/**
 * A set of keys that forget themselves after `ttlMs`, holding at most
 * `maxEntries`. The window runs from a key's first sighting (a repeat inside
 * it does not extend it). Every key lives for the same TTL, so insertion
 * order is expiry order: a FIFO of (key, expiry) beside the Map makes
 * eviction O(1) per key. (Iterating the Map itself from the front would be
 * O(deleted entries) in V8, which keeps holes until it rehashes.)
 */
export class TtlSet {
  private readonly expiry = new Map<string, number>();
  private queueKeys: string[] = [];
  private queueExpiry: number[] = [];
  private head = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ttlMs > 0)) throw new RangeError(`TtlSet: ttlMs must be > 0, got ${ttlMs}`);
    if (!(maxEntries >= 1)) throw new RangeError(`TtlSet: maxEntries must be >= 1, got ${maxEntries}`);
  }

  get size(): number {
    return this.expiry.size;
  }

  has(key: string): boolean {
    return (this.expiry.get(key) ?? -Infinity) > this.now();
  }

  /** Records `key`; returns true when it was already present and unexpired (a duplicate). */
  checkAndAdd(key: string): boolean {
    const now = this.now();
    if ((this.expiry.get(key) ?? -Infinity) > now) return true;
    // An expired key is simply overwritten; its old queue slot is recognised as stale below.
    this.expiry.set(key, now + this.ttlMs);
    this.queueKeys.push(key);
    this.queueExpiry.push(now + this.ttlMs);
    this.evict(now);
    return false;
  }

  delete(key: string): void {
    this.expiry.delete(key); // its queue slot becomes stale
  }

  clear(): void {
    this.expiry.clear();
    this.queueKeys = [];
    this.queueExpiry = [];
    this.head = 0;
  }

  private evict(now: number): void {
    const keys = this.queueKeys;
    const exps = this.queueExpiry;
    // Stryker disable next-line EqualityOperator: the key just added is live and unexpired, so the loop always stops at it; the bound is a guard.
    while (this.head < keys.length) {
      const key = keys[this.head]!;
      const expires = exps[this.head]!;
      const live = this.expiry.get(key) === expires;
      if (live && expires > now && this.expiry.size <= this.maxEntries) break;
      if (live) this.expiry.delete(key);
      this.head++;
    }
    // Compact the consumed prefix now and then (amortized O(1)).
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: when to compact is speed only; what the set holds is the same.
    if (this.head > 1024 && this.head * 2 > keys.length) {
      this.queueKeys = keys.slice(this.head);
      this.queueExpiry = exps.slice(this.head);
      this.head = 0;
    }
  }
}
