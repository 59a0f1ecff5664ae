/**
 * Subscriber groups (rr_groups; design rule 2: every group has its own
 * cursor, so every group receives every event): creating and joining them,
 * their event-type filters, the per-process groups of one queue instance,
 * and a cache of what is known of each.
 */
import { compilePattern, isPattern } from '../bus.js';
import { UnknownEventError } from '../errors.js';
import type { EventRegistry } from '../registry.js';
import { GroupMismatchError } from './errors.js';
import type { GroupOptions } from './options.js';
import type { Statements } from './statements.js';
import type { GroupInfo } from './types.js';

/** Canonical types for spellings and patterns (with a registry); sorted, unique; null for every event. */
export function resolveEventTypes(registry: EventRegistry | undefined, eventTypes: readonly string[] | undefined): string[] | null {
  if (eventTypes === undefined) return null;
  if (eventTypes.length === 0) throw new TypeError('eventTypes is empty: give at least one event type, or leave it out to receive every event');
  const out = new Set<string>();
  for (const t of eventTypes) {
    if (t === '*') return null;
    if (!registry) {
      out.add(t);
      continue;
    }
    if (isPattern(t)) {
      const re = compilePattern(t);
      let any = false;
      for (const def of registry.events.values()) {
        if (re.test(def.name) || re.test(def.topic)) {
          out.add(def.name);
          any = true;
        }
      }
      if (!any) throw new UnknownEventError(t);
    } else {
      const def = registry.resolve(t);
      if (!def) throw new UnknownEventError(t);
      out.add(def.name);
    }
  }
  return [...out].sort();
}

/** What the groups need of their queue. */
export interface GroupContext {
  readonly registry: EventRegistry | undefined;
  readonly dbPath: string;
  /** Names this instance's per-process groups (`~<instanceId>/<n>`). */
  readonly instanceId: string;
  readonly now: () => number;
  statements(): Statements;
  /** Throws unless the queue is open for writing. */
  assertWritable(action: string): void;
  /** Runs `fn` in a BEGIN IMMEDIATE transaction. */
  write<R>(action: string, fn: () => R): R;
}

export class Groups {
  private readonly cache = new Map<string, GroupInfo>();
  /** This instance's per-process groups: filter (JSON) → group name. */
  private readonly ephemeral = new Map<string, string>();

  constructor(private readonly ctx: GroupContext) {}

  resolveEventTypes(eventTypes: readonly string[] | undefined): string[] | null {
    return resolveEventTypes(this.ctx.registry, eventTypes);
  }

  /**
   * Creates the group if it does not exist (from `startFrom`), or checks that
   * it receives the same event types. Throws GroupMismatchError otherwise.
   */
  ensure(name: string, options: GroupOptions & { readonly ephemeral?: boolean } = {}): GroupInfo {
    this.ctx.assertWritable(`join group ${name}`);
    if (typeof name !== 'string' || name === '') throw new TypeError('a group name must be a non-empty string');
    const types = this.resolveEventTypes(options.eventTypes);
    const cached = this.cache.get(name);
    if (cached && (options.eventTypes === undefined || JSON.stringify(cached.eventTypes) === JSON.stringify(types))) return cached;
    const ephemeral = options.ephemeral ?? false;
    const startFrom = options.startFrom ?? (ephemeral ? 'new' : 'all');
    const info = this.ctx.write(`join group ${name}`, () => {
      const s = this.ctx.statements();
      const row = s.group.get(name);
      if (row) {
        const existing = row.event_types === null ? null : (JSON.parse(row.event_types) as string[]);
        // A member that names no types takes the group's; one that names others is refused.
        if (options.eventTypes !== undefined && JSON.stringify(existing) !== JSON.stringify(types)) throw new GroupMismatchError(this.ctx.dbPath, name, existing, types);
        return { name, eventTypes: existing, ephemeral: row.ephemeral === 1 };
      }
      const cursor = startFrom === 'new' ? (s.maxSeq.get()!.m ?? 0) : 0;
      const now = this.ctx.now();
      s.insertGroup.run(name, cursor, types === null ? null : JSON.stringify(types), ephemeral ? 1 : 0, now, now);
      return { name, eventTypes: types, ephemeral };
    });
    this.cache.set(name, info);
    return info;
  }

  /** Changes what a group receives, for all its members (from the current cursor on). */
  updateFilter(name: string, eventTypes: readonly string[] | undefined): void {
    const types = this.resolveEventTypes(eventTypes);
    this.ctx.write(`update group ${name}`, () => this.ctx.statements().setGroupTypes.run(types === null ? null : JSON.stringify(types), name));
    this.cache.delete(name);
  }

  /** A group of this queue instance alone (per filter), removed on close. */
  ephemeralGroup(options: GroupOptions = {}): GroupInfo {
    const types = this.resolveEventTypes(options.eventTypes);
    const key = JSON.stringify(types);
    let name = this.ephemeral.get(key);
    if (name === undefined) {
      name = `~${this.ctx.instanceId}/${this.ephemeral.size}`;
      this.ephemeral.set(key, name);
    }
    return this.ensure(name, { eventTypes: options.eventTypes, startFrom: options.startFrom ?? 'new', ephemeral: true });
  }

  /** The names of this instance's per-process groups. */
  ephemeralNames(): string[] {
    return [...this.ephemeral.values()];
  }

  /** Deletes a group, its cursor and its leases (its events stay for the other groups). */
  delete(name: string): boolean {
    const n = this.ctx.write(`delete group ${name}`, () => this.deleteNow(name));
    return n > 0;
  }

  /** Deletes a group inside the caller's transaction; returns the rows deleted from rr_groups. */
  deleteNow(name: string): number {
    const s = this.ctx.statements();
    s.deleteGroupDeliveries.run(name);
    const n = s.deleteGroup.run(name).changes;
    this.cache.delete(name);
    return n;
  }

  /** Forgets what is known of a group (it vanished, or its filter changed). */
  forget(name: string): void {
    this.cache.delete(name);
  }

  /** The group's filter, cached. */
  info(name: string): GroupInfo | undefined {
    let info = this.cache.get(name);
    if (!info) {
      const row = this.ctx.statements().group.get(name);
      if (!row) return undefined;
      info = { name, eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as string[]), ephemeral: row.ephemeral === 1 };
      this.cache.set(name, info);
    }
    return info;
  }
}
