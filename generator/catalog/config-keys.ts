/**
 * Composed keys: a shared string field whose values are a template of other
 * shared enum fields (`"{board_type}_{num_players}p"`), parsed into parts the
 * generated helpers parse, make and validate keys with (catalog/README.md,
 * "Composed keys").
 */
import { compareText } from '../order.js';
import type { CheckContext } from './checks/context.js';
import type { ConfigKeyModel, FieldModel } from './model.js';
import { hint } from './problems.js';

export function buildConfigKeys(ctx: CheckContext, shared: ReadonlyMap<string, FieldModel>): ConfigKeyModel[] {
  const result: ConfigKeyModel[] = [];
  for (const [name, loc] of ctx.sharedFields) {
    const template = loc.raw.composed_of;
    if (template === undefined) continue;
    const at = ctx.at(loc, 'composed_of');
    const field = shared.get(name);
    if (!field || field.type.kind !== 'scalar' || field.type.types.join() !== 'string') {
      ctx.report(at, `shared field ${name}: "composed_of" needs type string`);
      continue;
    }
    if (field.pattern !== undefined) ctx.report(ctx.at(loc, 'pattern'), `shared field ${name}: "composed_of" defines the pattern; remove "pattern"`);
    const parts: ConfigKeyModel['parts'][number][] = [];
    let ok = true;
    for (const piece of template.split(/(\{[a-z0-9_]+\})/)) {
      if (piece === '') continue;
      const m = /^\{([a-z0-9_]+)\}$/.exec(piece);
      if (!m) {
        if (/[{}]/.test(piece)) {
          ctx.report(at, `shared field ${name}: malformed template "${template}"`);
          ok = false;
        }
        parts.push({ literal: piece });
        continue;
      }
      const part = shared.get(m[1]!);
      if (!part || !part.enum) {
        // A declared shared field that was refused has its own error.
        if (part || !ctx.sharedFields.has(m[1]!)) {
          const withEnum = [...shared.values()].filter((f) => f.enum).map((f) => f.name);
          ctx.report(at, `shared field ${name}: template part {${m[1]}} must name a shared field with an enum${part ? '' : hint(m[1]!, withEnum)}`);
        }
        ok = false;
        continue;
      }
      if (parts.some((p) => 'field' in p && p.field === part.name)) {
        ctx.report(at, `shared field ${name}: template part {${part.name}} appears twice`);
        ok = false;
      }
      if (part.enum.some((v) => typeof v === 'boolean')) {
        ctx.report(at, `shared field ${name}: template part {${part.name}} has boolean values; a key is made of strings and numbers`);
        ok = false;
      }
      const spelled = part.enum.map(String);
      if (new Set(spelled).size !== spelled.length) {
        ctx.report(at, `shared field ${name}: template part {${part.name}} has values that are spelled alike (${spelled.join(', ')})`);
        ok = false;
      }
      parts.push({ field: part.name, values: part.enum.filter((v): v is string | number => typeof v !== 'boolean') });
    }
    if (ok && !parts.some((p) => 'field' in p)) {
      ctx.report(at, `shared field ${name}: "composed_of" needs at least one {part} naming a shared field with an enum`);
      ok = false;
    }
    if (ok) result.push({ field: name, template, parts });
  }
  return result.sort((a, b) => compareText(a.field, b.field));
}
