/**
 * Catalog topics as NATS subjects. An event of topic `training.completed`
 * travels on `<prefix>.training.completed`; the stream of a catalog holds the
 * subjects of its cross-process events, and a subscriber group's topic
 * patterns become NATS wildcards (`training.*` → `<prefix>.training.*`) when
 * the wildcard selects exactly the events the router's pattern selects, and
 * the list of matching subjects otherwise (`TRAINING_*` names events, not
 * topics).
 */
import { compilePattern, isPattern } from '../bus.js';
import type { EventDefinition, EventRegistry } from '../registry.js';

const TOKEN = /^[^\s.*>]+$/;

/** True when `subject` is a literal NATS subject or prefix: dot-separated tokens, no wildcards, no spaces. */
export function isValidSubject(subject: string): boolean {
  return subject.length > 0 && subject.split('.').every((t) => TOKEN.test(t));
}

/** NATS subject matching: `*` is one token, a final `>` one or more. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const token = f[i]!;
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return f.length === s.length;
}

export interface SubjectFilter {
  /** The narrowest set of NATS filter subjects (wildcards where exact), without one covered by another. */
  readonly subjects: readonly string[];
  /** Canonical names of the cross-process events selected. */
  readonly events: ReadonlySet<string>;
  /** Whether a message on `subject` is wanted. */
  matches(subject: string): boolean;
}

export class SubjectMap {
  /** Cross-process events by subject. */
  private readonly bySubject = new Map<string, EventDefinition>();
  private readonly byName = new Map<string, string>();

  constructor(
    readonly registry: EventRegistry,
    readonly prefix: string,
  ) {
    if (!isValidSubject(prefix)) throw new TypeError(`invalid NATS subject prefix ${JSON.stringify(prefix)}: dot-separated tokens without spaces, "*" or ">"`);
    for (const def of registry.events.values()) {
      if (def.crossProcess === undefined) continue;
      if (!isValidSubject(def.topic)) throw new TypeError(`topic ${JSON.stringify(def.topic)} of ${def.name} is not a valid NATS subject`);
      const subject = `${prefix}.${def.topic}`;
      const other = this.bySubject.get(subject);
      if (other) throw new TypeError(`${def.name} and ${other.name} share the topic ${def.topic}`);
      this.bySubject.set(subject, def);
      this.byName.set(def.name, subject);
    }
  }

  /** Subjects of every cross-process event of the catalog, sorted: the stream's subjects. */
  streamSubjects(): string[] {
    return [...this.bySubject.keys()].sort();
  }

  /** The subject of an event; undefined for an event that does not cross processes. */
  subjectOf(eventName: string): string | undefined {
    return this.byName.get(eventName);
  }

  /** The cross-process event published on `subject`. */
  eventAt(subject: string): EventDefinition | undefined {
    return this.bySubject.get(subject);
  }

  /**
   * Filter subjects for a subscriber group interested in `topics`: any
   * spelling of an event, or a router pattern (`training.*`, `TRAINING_*`,
   * `*`). Throws for a spelling the catalog does not know, an event that
   * does not cross processes, or a pattern that selects no such event.
   */
  filter(topics: readonly string[]): SubjectFilter {
    if (topics.length === 0) throw new TypeError('a subscriber group needs at least one topic');
    const subjects = new Set<string>();
    const events = new Set<string>();
    for (const topic of topics) {
      if (!isPattern(topic)) {
        const def = this.registry.resolve(topic);
        if (!def) throw new TypeError(`unknown event ${JSON.stringify(topic)}`);
        const subject = this.byName.get(def.name);
        if (subject === undefined) throw new TypeError(`${def.name} does not cross processes (no cross_process name in the catalog), so no transport carries it`);
        subjects.add(subject);
        events.add(def.name);
        continue;
      }
      const re = compilePattern(topic);
      const selected = [...this.bySubject].filter(([, def]) => re.test(def.name) || re.test(def.topic));
      if (selected.length === 0) throw new TypeError(`pattern ${JSON.stringify(topic)} selects no cross-process event`);
      for (const [, def] of selected) events.add(def.name);
      const wildcard = this.wildcardFor(topic);
      const exact = wildcard !== undefined && this.sameSelection(wildcard, new Set(selected.map(([s]) => s)));
      if (exact) subjects.add(wildcard);
      else for (const [s] of selected) subjects.add(s);
    }
    const list = [...subjects].filter((s) => ![...subjects].some((o) => o !== s && subjectMatches(o, s))).sort();
    return { subjects: list, events, matches: (subject) => list.some((f) => subjectMatches(f, subject)) };
  }

  /** The NATS wildcard a topic pattern reads as, if any: `*` → `<prefix>.>`, `training.*` → `<prefix>.training.*`. */
  private wildcardFor(pattern: string): string | undefined {
    if (pattern === '*') return `${this.prefix}.>`;
    const tokens = pattern.split('.');
    if (!tokens.every((t) => t === '*' || TOKEN.test(t))) return undefined;
    return `${this.prefix}.${pattern}`;
  }

  private sameSelection(wildcard: string, selected: ReadonlySet<string>): boolean {
    for (const subject of this.bySubject.keys()) if (subjectMatches(wildcard, subject) !== selected.has(subject)) return false;
    return true;
  }
}
