/**
 * The parts of the model that name events: emitters (one event, or one per
 * case of an argument), extractors and flows, each resolved against the
 * events that were built, with the checks that only make sense while resolving
 * (unknown events, duplicates, a case the argument's enum does not allow).
 */
import { byName, compareText } from '../order.js';
import type { CheckContext } from './checks/context.js';
import { describeType, pick, type EmitterModel, type EventModel, type ExtractorModel, type FlowModel } from './model.js';
import { camelCase } from './naming.js';
import { hint, where } from './problems.js';
import type { PathSegment, Position } from './source.js';

export function buildEmitters(ctx: CheckContext, events: ReadonlyMap<string, EventModel>): EmitterModel[] {
  const result: EmitterModel[] = [];
  // Every event gets `emit<Name>`; a named emitter may share that name only if it emits that same event.
  const perEvent = new Map([...events.keys()].map((n) => [camelCase(`emit_${n.toLowerCase()}`), n] as const));
  const seen = new Map<string, Position>();
  for (const { file, raw } of ctx.files) {
    for (const [name, e] of Object.entries(raw.emitters ?? {})) {
      const loc = { file, path: ['emitters', name] as PathSegment[] };
      const at = ctx.at(loc);
      const fn = camelCase(name);
      const prior = seen.get(fn);
      if (prior) {
        ctx.report(at, `emitter ${name}: duplicate emitter (first at ${where(prior)})`);
        continue;
      }
      seen.set(fn, at);
      if (e.event !== undefined) {
        if (!events.has(e.event)) {
          if (!ctx.events.has(e.event)) ctx.report(ctx.at(loc, 'event'), `emitter ${name}: emits unknown event ${e.event}${hint(e.event, ctx.events.keys())}`);
          continue;
        }
        const clash = perEvent.get(fn);
        if (clash && clash !== e.event) ctx.report(at, `emitter ${name}: ${fn} is already the emitter of ${clash}`);
        result.push({ name, description: e.description, kind: 'event', event: e.event, location: at });
      } else if (e.select) {
        const cases: { value: string; event: string }[] = [];
        for (const [value, event] of Object.entries(e.select.cases)) {
          const target = events.get(event);
          if (!target) {
            if (!ctx.events.has(event)) {
              ctx.report(ctx.at(loc, 'select', 'cases', value), `emitter ${name}: case "${value}" emits unknown event ${event}${hint(event, ctx.events.keys())}`);
            }
            continue;
          }
          const arg = target.fields.find((f) => f.name === e.select!.argument);
          if (arg && (arg.type.kind !== 'scalar' || !arg.type.types.includes('string'))) {
            ctx.report(ctx.at(loc, 'select', 'argument'), `emitter ${name}: argument "${arg.name}" is a ${describeType(arg.type)} field of ${event}, not a string`);
          } else if (arg?.enum && !arg.enum.includes(value)) {
            ctx.report(ctx.at(loc, 'select', 'cases', value), `emitter ${name}: case "${value}" is not allowed by ${event}.${arg.name} (${arg.enum.join(', ')})`);
          }
          cases.push({ value, event });
        }
        if (e.select.default !== undefined && !Object.hasOwn(e.select.cases, e.select.default)) {
          ctx.report(ctx.at(loc, 'select', 'default'), `emitter ${name}: default "${e.select.default}" is not one of its cases`);
        }
        // A selecting emitter may take over the per-event emitter of one of its own cases
        // (emitSelfplayComplete with the default case is the SELFPLAY_COMPLETE emitter).
        const clash = perEvent.get(fn);
        if (clash && !cases.some((c) => c.event === clash)) ctx.report(at, `emitter ${name}: ${fn} is already the emitter of ${clash}`);
        result.push({
          name,
          description: e.description,
          kind: 'select',
          argument: e.select.argument,
          ...pick('default', e.select.default),
          cases: cases.sort((a, b) => compareText(a.value, b.value)),
          location: at,
        });
      }
    }
  }
  return result.sort(byName);
}

export function buildExtractors(ctx: CheckContext, events: ReadonlyMap<string, EventModel>): ExtractorModel[] {
  const result: ExtractorModel[] = [];
  const seen = new Set<string>();
  for (const { file, raw } of ctx.files) {
    for (const [name, x] of Object.entries(raw.extractors ?? {})) {
      const at = file.locate(['extractors', name, 'event']);
      if (seen.has(name)) ctx.report(at, `extractor ${name}: duplicate extractor`);
      seen.add(name);
      if (!events.has(x.event)) {
        if (!ctx.events.has(x.event)) ctx.report(at, `extractor ${name}: unknown event ${x.event}${hint(x.event, ctx.events.keys())}`);
      } else result.push({ name, event: x.event, description: x.description });
    }
  }
  return result.sort(byName);
}

export function buildFlows(ctx: CheckContext, events: ReadonlyMap<string, EventModel>): FlowModel[] {
  const result: FlowModel[] = [];
  const seen = new Map<string, Position>();
  for (const { file, raw } of ctx.files) {
    for (const [name, flow] of Object.entries(raw.flows ?? {})) {
      const at = file.locate(['flows', name]);
      const prior = seen.get(name);
      if (prior) {
        ctx.report(at, `flow ${name}: duplicate flow (first at ${where(prior)})`);
        continue;
      }
      seen.set(name, at);
      for (const [i, event] of flow.events.entries()) {
        if (!ctx.events.has(event)) ctx.report(file.locate(['flows', name, 'events', i]), `flow ${name}: unknown event ${event}${hint(event, ctx.events.keys())}`);
      }
      result.push({ name, title: flow.title, description: flow.description, events: [...flow.events] });
    }
  }
  return result;
}
