/**
 * `event_types.py`: DataEventType (a `str` enum, name → value, as the
 * original), StageEvent, CrossProcessEventType, the topic and category of
 * each event, and `EventName`, the literal type of the canonical names.
 */
import type { CatalogModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { pythonModule } from './module.js';
import { docstring, str, tuple } from './syntax.js';

export function eventTypesModule(model: CatalogModel): string {
  const events = model.events;
  const staged = events.filter((e) => e.stage).sort((a, b) => compareText(a.stage!, b.stage!));
  const crossing = events.filter((e) => e.crossProcess).sort((a, b) => compareText(a.crossProcess!, b.crossProcess!));
  return pythonModule(
    `The events of the ${model.name} catalog: their names, values, stages, cross-process names, topics and categories.`,
    ['import enum', 'import typing'],
    [
      strEnum('DataEventType', 'Every event of the catalog: canonical name → value string.', events.map((e) => ({ key: e.name, value: e.value, doc: e.description }))),
      strEnum('StageEvent', 'Pipeline stage events (StageEventBus names): enum name → stage name.', staged.map((e) => ({ key: e.stage!.toUpperCase(), value: e.stage!, doc: `Stage of ${e.name}.` }))),
      strEnum('CrossProcessEventType', 'Events that cross process boundaries: cross-process name → itself.', crossing.map((e) => ({ key: e.crossProcess!, value: e.crossProcess!, doc: `Cross-process name of ${e.name}.` }))),
      [
        `EventName = ${literalType(events.map((e) => e.name))}`,
        docstring('The canonical name of an event.', '').trimEnd(),
        '',
        `EVENT_NAMES: typing.Final[tuple[EventName, ...]] = ${tuple(events.map((e) => str(e.name)))}`,
        docstring('Every canonical event name, sorted.', '').trimEnd(),
      ].join('\n'),
      mapping('EVENT_TOPICS', 'EventName', 'The `domain.action` topic of each event, for topic patterns such as `training.*`.', events.map((e) => [e.name, e.topic])),
      mapping('EVENT_CATEGORIES', 'EventName', 'The catalog category of each event.', events.map((e) => [e.name, e.category])),
    ],
  );
}

/** `typing.Literal["A", "B"]` over strings; `typing.NoReturn` for none. */
export function literalType(values: readonly string[]): string {
  if (values.length === 0) return 'typing.NoReturn';
  return `typing.Literal[\n${values.map((v) => `    ${str(v)},`).join('\n')}\n]`;
}

function strEnum(name: string, doc: string, members: { key: string; value: string; doc: string }[]): string {
  const body = members.flatMap((m) => [`    ${m.key} = ${str(m.value)}`, docstring(m.doc, '    ').trimEnd()]);
  return [`class ${name}(str, enum.Enum):`, docstring(doc, '    ').trimEnd(), ...(body.length ? ['', ...body] : [])].join('\n');
}

/** A read-only module-level table (typed as a Mapping, so checkers refuse writes). */
export function mapping(name: string, keyType: string, doc: string, entries: readonly (readonly [string, string])[], valueType = 'str'): string {
  const items = entries.map(([k, v]) => `    ${str(k)}: ${str(v)},`);
  return [
    `${name}: typing.Final[typing.Mapping[${keyType}, ${valueType}]] = ${items.length ? `{\n${items.join('\n')}\n}` : '{}'}`,
    docstring(doc, '').trimEnd(),
  ].join('\n');
}
