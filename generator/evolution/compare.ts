/**
 * The compatibility checker: two built catalog models in, every breaking
 * change out. Pure: no disk, no git (baseline.ts reads the baseline).
 *
 * Events are matched by name, or by an old name the new catalog lists among
 * an event's spellings (a rename); fields by name, or by an old name that is
 * now an alias (a rename). Each finding says where the change is (in the new
 * catalog; in the baseline for what is gone), the rule, and whether the
 * catalog accepted it on purpose: a bumped event `version`, or the
 * deprecation in the baseline of what was removed.
 */
import { describeType, spellingsOf, type CatalogModel, type ConfigKeyModel, type ElementType, type EmitterModel, type EventModel, type FieldModel, type FieldType } from '../catalog/model.js';
import type { Position } from '../catalog/source.js';
import { compareText } from '../order.js';
import { RULES, type Mode, type RuleId } from './rules.js';

export interface Finding {
  readonly rule: RuleId;
  readonly at: Position;
  readonly event?: string;
  readonly field?: string;
  /** Names the event and field, then what changed. */
  readonly message: string;
  /** The compatibility modes this change breaks (the rule's, or fewer when the details spare one). */
  readonly modes: readonly Mode[];
  /** Why the break is accepted, when the catalog accepted it on purpose. */
  readonly accepted?: string;
}

export function formatFinding(f: Finding): string {
  const line = `${f.at.file}:${f.at.line}:${f.at.col}: ${f.rule}: ${f.message} (breaks ${f.modes.join(', ')})`;
  return f.accepted === undefined ? line : `${line}; accepted: ${f.accepted}`;
}

/** Every change from `baseline` to `current` that breaks one of `modes`, sorted by position. */
export function compareCatalogs(baseline: CatalogModel, current: CatalogModel, modes: readonly Mode[] = ['backward', 'forward', 'source']): Finding[] {
  const findings: Finding[] = [];
  const byName = new Map(current.events.map((e) => [e.name, e] as const));
  const bySpelling = new Map<string, EventModel>();
  for (const e of current.events) for (const { spelling } of spellingsOf(e)) if (!bySpelling.has(spelling)) bySpelling.set(spelling, e);

  for (const old of baseline.events) {
    const same = byName.get(old.name);
    if (same) {
      compareEvents(old, same, bySpelling, current, baseline, findings);
      continue;
    }
    const renamed = current.events.find((e) => e.spellings.includes(old.name));
    if (renamed) {
      findings.push({
        rule: 'EVENT_RENAMED',
        at: renamed.location,
        event: renamed.name,
        message: `event ${old.name} is now ${renamed.name} (its old name is a spelling)`,
        modes: RULES.EVENT_RENAMED.modes,
        ...bumpAcceptance(old, renamed),
      });
      compareEvents(old, renamed, bySpelling, current, baseline, findings);
      continue;
    }
    findings.push({
      rule: 'EVENT_REMOVED',
      at: old.location,
      event: old.name,
      message: `event ${old.name} was removed`,
      modes: RULES.EVENT_REMOVED.modes,
      ...(old.deprecated ? { accepted: 'deprecated in the baseline' } : {}),
    });
  }
  compareEmitters(baseline, current, findings);

  return findings
    .map((f) => ({ ...f, modes: f.modes.filter((m) => modes.includes(m)) }))
    .filter((f) => f.modes.length > 0)
    .sort((a, b) => compareText(a.at.file, b.at.file) || a.at.line - b.at.line || a.at.col - b.at.col || compareText(a.rule, b.rule) || compareText(a.message, b.message));
}

function bumpAcceptance(old: EventModel, now: EventModel): { accepted?: string } {
  return now.version > old.version ? { accepted: `${now.name} version ${old.version} → ${now.version}` } : {};
}

function compareEvents(old: EventModel, now: EventModel, bySpelling: ReadonlyMap<string, EventModel>, current: CatalogModel, baseline: CatalogModel, out: Finding[]): void {
  const bumped = bumpAcceptance(old, now);
  const push = (rule: RuleId, message: string, at: Position = now.location, extra: Partial<Finding> = {}): void => {
    out.push({ rule, at, event: now.name, message: `event ${now.name}: ${message}`, modes: RULES[rule].modes, ...bumped, ...extra });
  };
  if (now.version < old.version) {
    out.push({ rule: 'EVENT_VERSION_DECREASED', at: now.location, event: now.name, message: `event ${now.name}: version ${old.version} → ${now.version}`, modes: RULES.EVENT_VERSION_DECREASED.modes });
  }
  if (old.topic !== now.topic) push('EVENT_TOPIC_CHANGED', `topic "${old.topic}" → "${now.topic}"`);
  for (const { spelling, kind } of spellingsOf(old)) {
    if (kind === 'name' || kind === 'topic') continue; // a rename and a topic change have their own rules
    if (bySpelling.get(spelling)?.name !== now.name) push('EVENT_SPELLING_REMOVED', `its ${kind} "${spelling}" no longer names it`);
  }
  if (old.crossProcess !== undefined && now.crossProcess === undefined) push('EVENT_CROSS_PROCESS_REMOVED', 'no longer crosses processes (cross_process removed)');

  const matched = new Set<string>();
  for (const a of old.fields) {
    const b = now.fields.find((f) => f.name === a.name) ?? now.fields.find((f) => f.aliases.includes(a.name));
    const where = b?.location ?? now.location;
    if (!b) {
      const accepted = bumped.accepted ?? (a.deprecated && !a.required ? `field ${a.name} deprecated in the baseline` : undefined);
      out.push({
        rule: 'FIELD_REMOVED',
        at: a.location ?? old.location,
        event: now.name,
        field: a.name,
        message: `event ${now.name}, field ${a.name}: removed${a.required ? ' (it was required)' : ''}`,
        modes: a.required ? RULES.FIELD_REMOVED.modes : ['source'],
        ...(accepted === undefined ? {} : { accepted }),
      });
      continue;
    }
    matched.add(b.name);
    const field = (rule: RuleId, message: string, extra: Partial<Finding> = {}): void =>
      push(rule, message, where, { field: b.name, message: `event ${now.name}, field ${b.name}: ${message}`, ...extra });
    if (b.name !== a.name) field('FIELD_RENAMED', `renamed from "${a.name}" (now an alias)`);
    compareFields(a, b, baseline, current, field);
  }
  for (const b of now.fields) {
    if (matched.has(b.name) || !b.required) continue;
    push('FIELD_ADDED_REQUIRED', 'added as required', b.location ?? now.location, { field: b.name, message: `event ${now.name}, field ${b.name}: added as required` });
  }
}

type Report = (rule: RuleId, message: string) => void;

function compareFields(a: FieldModel, b: FieldModel, baseline: CatalogModel, current: CatalogModel, report: Report): void {
  if (!a.required && b.required) report('FIELD_MADE_REQUIRED', 'optional → required');
  if (a.required && !b.required) report('FIELD_MADE_OPTIONAL', 'required → optional');

  const widens = accepts(b.type, a.type);
  const narrows = accepts(a.type, b.type);
  const from = describeType(a.type);
  const to = describeType(b.type);
  if (!widens && !narrows) report('FIELD_TYPE_CHANGED', `type ${from} → ${to}`);
  else if (widens && !narrows) report('FIELD_TYPE_WIDENED', `type ${from} → ${to}`);
  else if (!widens && narrows) report('FIELD_TYPE_NARROWED', `type ${from} → ${to}`);

  if (!a.nullable && b.nullable) report('FIELD_MADE_NULLABLE', 'may now be null');
  if (a.nullable && !b.nullable) report('FIELD_MADE_NOT_NULLABLE', 'may no longer be null');

  if (a.enum && !b.enum) report('FIELD_ENUM_REMOVED', `enum [${a.enum.map(show).join(', ')}] removed`);
  if (!a.enum && b.enum) report('FIELD_ENUM_ADDED', `enum [${b.enum.map(show).join(', ')}] added`);
  if (a.enum && b.enum) {
    for (const v of b.enum) if (!a.enum.includes(v)) report('ENUM_VALUE_ADDED', `enum value ${show(v)} added`);
    for (const v of a.enum) if (!b.enum.includes(v)) report('ENUM_VALUE_REMOVED', `enum value ${show(v)} removed`);
  }

  bound(a.minimum, b.minimum, 'minimum', (x, y) => y > x, report);
  bound(a.maximum, b.maximum, 'maximum', (x, y) => y < x, report);
  if (a.format !== b.format) {
    if (b.format !== undefined && a.format === undefined) report('FIELD_CONSTRAINT_TIGHTENED', `format ${b.format} added`);
    else if (a.format !== undefined && b.format === undefined) report('FIELD_CONSTRAINT_LOOSENED', `format ${a.format} removed`);
  }
  if (a.pattern !== b.pattern) {
    if (a.pattern === undefined) report('FIELD_CONSTRAINT_TIGHTENED', `pattern ${JSON.stringify(b.pattern)} added`);
    else if (b.pattern === undefined) report('FIELD_CONSTRAINT_LOOSENED', `pattern ${JSON.stringify(a.pattern)} removed`);
    else report('FIELD_PATTERN_CHANGED', `pattern ${JSON.stringify(a.pattern)} → ${JSON.stringify(b.pattern)}`);
  }
  compareConfigKeys(configKeyOf(baseline, a), configKeyOf(current, b), report);

  for (const alias of a.aliases) if (alias !== b.name && !b.aliases.includes(alias)) report('FIELD_ALIAS_REMOVED', `alias "${alias}" removed`);
}

function bound(a: number | undefined, b: number | undefined, name: string, tighter: (a: number, b: number) => boolean, report: Report): void {
  if (a === b) return;
  if (a === undefined) report('FIELD_CONSTRAINT_TIGHTENED', `${name} ${b} added`);
  else if (b === undefined) report('FIELD_CONSTRAINT_LOOSENED', `${name} ${a} removed`);
  else report(tighter(a, b) ? 'FIELD_CONSTRAINT_TIGHTENED' : 'FIELD_CONSTRAINT_LOOSENED', `${name} ${a} → ${b}`);
}

/** The grammar of a composed field (`config_key` = `{board_type}_{num_players}p`), if it is one. */
function configKeyOf(model: CatalogModel, field: FieldModel): ConfigKeyModel | undefined {
  return model.configKeys.find((c) => c.field === (field.ref ?? field.name));
}

/** A config key's values are its parts' enums: a value added lets more keys through, one removed fewer. */
function compareConfigKeys(a: ConfigKeyModel | undefined, b: ConfigKeyModel | undefined, report: Report): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined || b === undefined) {
    report(a === undefined ? 'FIELD_CONSTRAINT_TIGHTENED' : 'FIELD_CONSTRAINT_LOOSENED', `config key grammar ${a === undefined ? `"${b!.template}" added` : `"${a.template}" removed`}`);
    return;
  }
  if (a.template !== b.template) {
    report('FIELD_PATTERN_CHANGED', `config key grammar "${a.template}" → "${b.template}"`);
    return;
  }
  for (const [i, pa] of a.parts.entries()) {
    const pb = b.parts[i];
    if (!pb || !('field' in pa) || !('field' in pb)) continue;
    for (const v of pb.values) if (!pa.values.includes(v)) report('FIELD_CONSTRAINT_LOOSENED', `config key part {${pb.field}} value ${show(v)} added`);
    for (const v of pa.values) if (!pb.values.includes(v)) report('FIELD_CONSTRAINT_TIGHTENED', `config key part {${pa.field}} value ${show(v)} removed`);
  }
}

function compareEmitters(baseline: CatalogModel, current: CatalogModel, out: Finding[]): void {
  const deprecated = new Set(baseline.events.filter((e) => e.deprecated).map((e) => e.name));
  const now = new Map(current.emitters.map((e) => [e.name, e] as const));
  // A model built by hand may lack the emitter's position: then it is reported at the first event it emits.
  const at = (model: CatalogModel, e: EmitterModel): Position =>
    e.location ?? model.events.find((x) => x.name === eventsOf(e)[0])?.location ?? { file: '.', line: 1, col: 1 };
  for (const old of baseline.emitters) {
    const events = eventsOf(old);
    const acceptance = events.every((e) => deprecated.has(e)) ? { accepted: `its event${events.length > 1 ? 's were' : ' was'} deprecated in the baseline` } : {};
    const match = now.get(old.name);
    if (!match) {
      out.push({ rule: 'EMITTER_REMOVED', at: at(baseline, old), message: `emitter ${old.name} was removed`, modes: RULES.EMITTER_REMOVED.modes, ...acceptance });
      continue;
    }
    if (old.kind !== 'select') continue;
    const cases = match.kind === 'select' ? new Set(match.cases.map((c) => c.value)) : new Set<string>();
    for (const c of old.cases) {
      if (cases.has(c.value)) continue;
      out.push({
        rule: 'EMITTER_CASE_REMOVED',
        at: at(current, match),
        message: `emitter ${old.name}: case "${c.value}" (${c.event}) was removed`,
        modes: RULES.EMITTER_CASE_REMOVED.modes,
        ...(deprecated.has(c.event) ? { accepted: `${c.event} was deprecated in the baseline` } : {}),
      });
    }
  }
}

function eventsOf(e: EmitterModel): string[] {
  return e.kind === 'event' ? [e.event] : e.cases.map((c) => c.event);
}

// ---------------------------------------------------------------- types as sets of values

/** Whether every value of type `narrow` is a value of type `wide`. */
export function accepts(wide: FieldType, narrow: FieldType): boolean {
  if (wide.kind === 'any') return true;
  if (narrow.kind === 'any') return false;
  if (wide.kind === 'scalar') return narrow.kind === 'scalar' && narrow.types.every((t) => scalarAccepts(wide.types, t));
  if (wide.kind === 'object') return narrow.kind === 'object' || narrow.kind === 'map';
  if (wide.kind === 'array') return narrow.kind === 'array' && elementAccepts(wide.items, narrow.items);
  // map: a free-form object is a map of anything
  if (narrow.kind === 'object') return wide.values === 'any';
  return narrow.kind === 'map' && elementAccepts(wide.values, narrow.values);
}

function scalarAccepts(types: readonly string[], t: string): boolean {
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

function elementAccepts(wide: ElementType, narrow: ElementType): boolean {
  if (wide === 'any') return true;
  if (narrow === 'any') return false;
  return wide === narrow || (wide === 'number' && narrow === 'integer');
}


function show(v: unknown): string {
  return JSON.stringify(v);
}
