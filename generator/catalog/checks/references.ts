/** What one part of the catalog names in another exists: a replacement, a dedup field. */
import type { EventModel, FieldModel } from '../model.js';
import { hint } from '../problems.js';
import type { Located, RawEvent } from '../raw.js';
import type { CheckContext } from './context.js';

/** What a deprecation names as its replacement must exist: an event, or a field of the same event. */
export function checkDeprecations(ctx: CheckContext, events: ReadonlyMap<string, EventModel>): void {
  for (const event of events.values()) {
    const loc = ctx.events.get(event.name)!;
    const instead = event.deprecated?.replacedBy;
    // A declared event that was refused (a bad `extends`) has its own error.
    if (instead !== undefined && (instead === event.name || !ctx.events.has(instead))) {
      const why = instead === event.name ? 'is the event itself' : `names no event of the catalog${hint(instead, ctx.events.keys())}`;
      ctx.report(ctx.at(loc, 'deprecated', 'replaced_by'), `event ${event.name}: deprecated.replaced_by ${instead} ${why}`);
    }
    const base = event.extends === undefined ? undefined : events.get(event.extends);
    for (const field of event.fields) {
      // An inherited field is checked (and reported) where it is declared.
      if (base?.fields.includes(field)) continue;
      const by = field.deprecated?.replacedBy;
      if (by === undefined || (by !== field.name && event.fields.some((f) => f.name === by)) || ctx.refusedFields.get(event.name)?.has(by)) continue;
      const why = by === field.name ? 'is the field itself' : `is not a field of ${event.name}${hint(by, event.fields.map((f) => f.name))}`;
      ctx.report(ctx.at(loc, 'payload', field.name, 'deprecated', 'replaced_by'), `event ${event.name}, field ${field.name}: deprecated.replaced_by "${by}" ${why}`);
    }
  }
}

/** The fields a `dedup: { fields }` policy names are fields of the event's payload. */
export function checkDedupFields(ctx: CheckContext, event: string, raw: RawEvent, fields: readonly FieldModel[], loc: Located<RawEvent>): void {
  const d = raw.dedup;
  if (d === undefined || typeof d === 'string' || !('fields' in d)) return;
  const refused = ctx.refusedFields.get(event);
  for (const [i, f] of d.fields.entries()) {
    if (fields.some((x) => x.name === f) || refused?.has(f)) continue;
    ctx.report(ctx.at(loc, 'dedup', 'fields', i), `event ${event}: dedup field "${f}" is not a field of its payload${hint(f, fields.map((x) => x.name))}`);
  }
}
