/**
 * Fields as the docs show them: the type of one field in words, and the index
 * of every field name across events (which events use `config_key`, and
 * whether they agree on its type).
 */
import { describeType } from '../../catalog/model.js';
import type { CatalogModel, FieldModel } from '../../catalog/model.js';
import { code } from './markdown.js';
import { compareText } from '../../order.js';

/** The type alone (`string`, `array of string`, `integer or null`): what two uses of a field must agree on. */
export function typeOf(field: FieldModel): string {
  const t = describeType(field.type).replace(/ \| /g, ' or ');
  return field.nullable ? `${t} or null` : t;
}

/** Constraints beyond the type, as Markdown: `one of fast, slow`, `≥ 0`, the config key grammar. */
export function constraintsOf(field: FieldModel, model: CatalogModel): string[] {
  const out: string[] = [];
  const composed = model.configKeys.find((c) => c.field === (field.ref ?? field.name));
  if (composed && field.pattern === undefined) out.push(`composed as ${code(composed.template)}`);
  if (field.enum) out.push(`one of ${field.enum.map((v) => code(String(v))).join(', ')}`);
  if (field.pattern !== undefined) out.push(`pattern ${code(field.pattern)}`);
  if (field.format === 'date-time') out.push('ISO 8601 date-time');
  if (field.minimum !== undefined) out.push(`≥ ${field.minimum}`);
  if (field.maximum !== undefined) out.push(`≤ ${field.maximum}`);
  return out;
}

export interface FieldUse {
  readonly name: string;
  /** Sorted event names. */
  readonly events: readonly string[];
  /** Each distinct type, with the events that give the field that type; one entry when they agree. */
  readonly types: readonly { readonly type: string; readonly events: readonly string[] }[];
  readonly agree: boolean;
  /** The shared fields these uses refer to, sorted (empty when every use defines its own). */
  readonly refs: readonly string[];
  /** Every alias any use accepts, sorted. */
  readonly aliases: readonly string[];
}

/** Every payload field name of the catalog (common fields excluded), sorted. */
export function fieldIndex(model: CatalogModel): FieldUse[] {
  const byName = new Map<string, { event: string; field: FieldModel }[]>();
  for (const event of model.events) {
    for (const field of event.fields) {
      const list = byName.get(field.name) ?? [];
      list.push({ event: event.name, field });
      byName.set(field.name, list);
    }
  }
  return [...byName.keys()].sort(compareText).map((name) => {
    const uses = byName.get(name)!;
    const types = new Map<string, string[]>();
    for (const u of uses) {
      const t = typeOf(u.field);
      types.set(t, [...(types.get(t) ?? []), u.event]);
    }
    return {
      name,
      events: uses.map((u) => u.event),
      types: [...types.entries()].sort((a, b) => b[1].length - a[1].length || compareText(a[0], b[0])).map(([type, events]) => ({ type, events })),
      agree: types.size === 1,
      refs: uniqueSorted(uses.flatMap((u) => (u.field.ref ? [u.field.ref] : []))),
      aliases: uniqueSorted(uses.flatMap((u) => u.field.aliases)),
    };
  });
}

function uniqueSorted(list: readonly string[]): string[] {
  return [...new Set(list)].sort(compareText);
}

