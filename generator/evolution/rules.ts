/**
 * The rules of catalog evolution: what may change between the released
 * catalog (the baseline) and the one being edited, and whom a change hurts.
 *
 * A mode is one kind of compatibility, named as schema registries name them:
 * - backward: a consumer on the new catalog reads what producers on the
 *   baseline send (upgrade consumers first);
 * - forward: a consumer still on the baseline reads what producers on the new
 *   catalog send (upgrade producers first; a consumer that cannot read an
 *   event parks it in its dead letter queue until it upgrades);
 * - source: code written against the baseline's generated TypeScript still
 *   compiles and runs (emit functions, payload types, spellings).
 *
 * docs/evolution.md explains each rule; keep the two in step.
 */

export const MODES = ['backward', 'forward', 'source'] as const;
export type Mode = (typeof MODES)[number];

/** How a rule's break can be accepted on purpose. */
export type Acceptance =
  /** Bumping the event's `version` (the envelope then tells consumers the payload is newer). */
  | 'version'
  /** Having deprecated the event (or optional field) in the baseline, then removing it. */
  | 'deprecation'
  /** Never: the change is a mistake. */
  | 'never';

export interface Rule {
  readonly id: string;
  readonly modes: readonly Mode[];
  readonly accept: readonly Acceptance[];
  /** One sentence for docs and `--list-rules`: what changed, and why it breaks those modes. */
  readonly summary: string;
}

const rule = (id: string, modes: readonly Mode[], accept: readonly Acceptance[], summary: string): Rule => ({ id, modes, accept, summary });

export const RULES = {
  EVENT_REMOVED: rule('EVENT_REMOVED', ['backward', 'source'], ['deprecation'], 'an event is gone: events of baseline producers are unknown to new consumers, and its emit function and types are gone'),
  EVENT_RENAMED: rule('EVENT_RENAMED', ['forward', 'source'], ['version'], 'an event was renamed (its old name is now one of its spellings): new producers send a type baseline consumers do not know'),
  EVENT_VERSION_DECREASED: rule('EVENT_VERSION_DECREASED', ['backward', 'forward'], ['never'], 'an event\'s version went down: consumers tell a newer payload by its higher version'),
  EVENT_TOPIC_CHANGED: rule('EVENT_TOPIC_CHANGED', ['backward', 'forward', 'source'], ['version'], 'an event\'s topic changed: it is the NATS subject and what topic patterns (`training.*`) match'),
  EVENT_SPELLING_REMOVED: rule('EVENT_SPELLING_REMOVED', ['source'], ['version'], 'a spelling (value, stage, cross-process name, listed spelling) no longer names the event: publishing or subscribing under it fails'),
  EVENT_CROSS_PROCESS_REMOVED: rule('EVENT_CROSS_PROCESS_REMOVED', ['forward'], ['version'], 'an event no longer crosses processes: baseline consumers in other processes stop receiving it'),
  FIELD_REMOVED: rule('FIELD_REMOVED', ['forward', 'source'], ['version', 'deprecation'], 'a field is gone (not even as an alias): code reading it no longer compiles, and baseline consumers reject events without it if it was required'),
  FIELD_RENAMED: rule('FIELD_RENAMED', ['forward', 'source'], ['version'], 'a field was renamed (its old name is now an alias): new consumers still read old events, but baseline consumers do not find the field in new events'),
  FIELD_ADDED_REQUIRED: rule('FIELD_ADDED_REQUIRED', ['backward', 'source'], ['version'], 'a new required field: events of baseline producers lack it, and every emit call must now pass it'),
  FIELD_MADE_REQUIRED: rule('FIELD_MADE_REQUIRED', ['backward', 'source'], ['version'], 'an optional field became required: baseline producers may omit it'),
  FIELD_MADE_OPTIONAL: rule('FIELD_MADE_OPTIONAL', ['forward', 'source'], ['version'], 'a required field became optional: new producers may omit what baseline consumers require'),
  FIELD_TYPE_NARROWED: rule('FIELD_TYPE_NARROWED', ['backward', 'source'], ['version'], 'a field accepts fewer values (number → integer): baseline producers may send what new consumers reject'),
  FIELD_TYPE_WIDENED: rule('FIELD_TYPE_WIDENED', ['forward', 'source'], ['version'], 'a field accepts more values (integer → number): new producers may send what baseline consumers reject'),
  FIELD_TYPE_CHANGED: rule('FIELD_TYPE_CHANGED', ['backward', 'forward', 'source'], ['version'], 'a field\'s type changed to one that neither contains nor is contained in the old one'),
  FIELD_MADE_NULLABLE: rule('FIELD_MADE_NULLABLE', ['forward', 'source'], ['version'], 'a field may now be null: baseline consumers reject null'),
  FIELD_MADE_NOT_NULLABLE: rule('FIELD_MADE_NOT_NULLABLE', ['backward', 'source'], ['version'], 'a field may no longer be null: baseline producers may send null'),
  FIELD_ENUM_ADDED: rule('FIELD_ENUM_ADDED', ['backward', 'source'], ['version'], 'a free field got an enum: baseline producers may send other values'),
  FIELD_ENUM_REMOVED: rule('FIELD_ENUM_REMOVED', ['forward', 'source'], ['version'], 'a field lost its enum: new producers may send values baseline consumers reject'),
  ENUM_VALUE_ADDED: rule('ENUM_VALUE_ADDED', ['forward', 'source'], ['version'], 'an enum value was added: baseline consumers validate strictly and reject it'),
  ENUM_VALUE_REMOVED: rule('ENUM_VALUE_REMOVED', ['backward', 'source'], ['version'], 'an enum value was removed: baseline producers may still send it, and code passing it no longer compiles'),
  FIELD_CONSTRAINT_TIGHTENED: rule('FIELD_CONSTRAINT_TIGHTENED', ['backward'], ['version'], 'a pattern, format, bound or config-key value now refuses values it allowed: baseline producers may send them'),
  FIELD_CONSTRAINT_LOOSENED: rule('FIELD_CONSTRAINT_LOOSENED', ['forward'], ['version'], 'a pattern, format, bound or config-key value now allows values it refused: baseline consumers reject them'),
  FIELD_PATTERN_CHANGED: rule('FIELD_PATTERN_CHANGED', ['backward', 'forward'], ['version'], 'a field\'s pattern changed; two regular expressions cannot be compared, so both directions may break'),
  FIELD_ALIAS_REMOVED: rule('FIELD_ALIAS_REMOVED', ['backward'], ['version'], 'an alias was dropped: producers that still send it (other languages, lenient mode) are no longer normalized'),
  EMITTER_REMOVED: rule('EMITTER_REMOVED', ['source'], ['deprecation'], 'a named emit function is gone'),
  EMITTER_CASE_REMOVED: rule('EMITTER_CASE_REMOVED', ['source'], ['deprecation'], 'a selecting emit function lost a case: calls with that value no longer compile'),
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

/**
 * Parses `--mode backward,source` (or `all`; `full`, as Schema Registry names it,
 * and its synonym `wire` = backward,forward).
 */
export function parseModes(text: string): Mode[] | string {
  const out = new Set<Mode>();
  for (const word of text.split(',').map((w) => w.trim()).filter(Boolean)) {
    if (word === 'all') MODES.forEach((m) => out.add(m));
    else if (word === 'wire' || word === 'full') ['backward', 'forward'].forEach((m) => out.add(m as Mode));
    else if ((MODES as readonly string[]).includes(word)) out.add(word as Mode);
    else return `unknown mode "${word}": modes are ${MODES.join(', ')}, full (backward,forward; also called wire) and all`;
  }
  if (out.size === 0) return 'no mode given';
  return MODES.filter((m) => out.has(m));
}
