/**
 * `event_mappings.py`: the name-translation tables under the names of the
 * original event_mappings.py, their inverses, and SPELLING_TO_EVENT, which
 * resolves any spelling of an event to its canonical name (the same table as
 * the TypeScript SPELLING_TO_EVENT, from spellingsOf).
 */
import { spellingsOf, type CatalogModel, type EventModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { literalType, mapping } from './event-types.js';
import { pythonModule } from './module.js';
import { docstring, indent, str } from './syntax.js';

export function mappingsModule(model: CatalogModel): string {
  const staged = model.events.filter((e) => e.stage);
  const crossing = model.events.filter((e) => e.crossProcess);
  const both = staged.filter((e) => e.crossProcess);
  const sortBy = (list: readonly EventModel[], k: (e: EventModel) => string): EventModel[] => [...list].sort((a, b) => compareText(k(a), k(b)));
  const spellings = model.events
    .flatMap((e) => spellingsOf(e).map((s) => [s.spelling, e.name] as const))
    .sort((a, b) => compareText(a[0], b[0]));
  return pythonModule(
    `Name translation between the stage, data and cross-process names of the ${model.name} catalog's events, and the canonical event of any spelling.`,
    ['import typing', '', 'from .event_types import EventName'],
    [
      mapping('STAGE_TO_DATA_EVENT_MAP', 'str', 'Stage name → data event value.', sortBy(staged, (e) => e.stage!).map((e) => [e.stage!, e.value])),
      mapping('DATA_TO_STAGE_EVENT_MAP', 'str', 'Data event value → stage name (inverse of STAGE_TO_DATA_EVENT_MAP).', sortBy(staged, (e) => e.value).map((e) => [e.value, e.stage!])),
      mapping('DATA_TO_CROSS_PROCESS_MAP', 'str', 'Data event value → cross-process name, for the events that cross processes.', sortBy(crossing, (e) => e.value).map((e) => [e.value, e.crossProcess!])),
      mapping('CROSS_PROCESS_TO_DATA_MAP', 'str', 'Cross-process name → data event value (inverse of DATA_TO_CROSS_PROCESS_MAP).', sortBy(crossing, (e) => e.crossProcess!).map((e) => [e.crossProcess!, e.value])),
      mapping('STAGE_TO_CROSS_PROCESS_MAP', 'str', 'Stage name → cross-process name, for staged events that cross processes.', sortBy(both, (e) => e.stage!).map((e) => [e.stage!, e.crossProcess!])),
      mapping('CROSS_PROCESS_TO_STAGE_MAP', 'str', 'Cross-process name → stage name (inverse of STAGE_TO_CROSS_PROCESS_MAP).', sortBy(both, (e) => e.crossProcess!).map((e) => [e.crossProcess!, e.stage!])),
      [`EventSpelling = ${literalType(spellings.map(([s]) => s))}`, docstring('Any spelling of any event: what the consumer and `emit_event` accept.', '').trimEnd()].join('\n'),
      mapping('SPELLING_TO_EVENT', 'str', 'Every spelling of every event → its canonical name (each spelling names one event only).', spellings, 'EventName'),
      fn('resolve_event', 'spelling: str', 'EventName | None', 'The canonical event of any spelling, or None when no event is spelled so.', 'return SPELLING_TO_EVENT.get(spelling)'),
      fn('get_data_event_type', 'stage: str', 'str | None', 'Stage name → data event value (`training_complete` → `training_completed`).', 'return STAGE_TO_DATA_EVENT_MAP.get(stage)'),
      fn('get_stage_event_type', 'data_event_type: str', 'str | None', 'Data event value → stage name.', 'return DATA_TO_STAGE_EVENT_MAP.get(data_event_type)'),
      fn('get_cross_process_event_type', 'data_event_type: str', 'str | None', 'Data event value → cross-process name (`training_completed` → `TRAINING_COMPLETED`).', 'return DATA_TO_CROSS_PROCESS_MAP.get(data_event_type)'),
      fn('get_data_event_type_from_cross_process', 'cross_process_type: str', 'str | None', 'Cross-process name → data event value.', 'return CROSS_PROCESS_TO_DATA_MAP.get(cross_process_type)'),
      fn('get_cross_process_event_type_for_stage', 'stage: str', 'str | None', 'Stage name → cross-process name.', 'return STAGE_TO_CROSS_PROCESS_MAP.get(stage)'),
    ],
  );
}

function fn(name: string, params: string, returns: string, doc: string, body: string): string {
  return [`def ${name}(${params}) -> ${returns}:`, docstring(doc, '    ').trimEnd(), ...indent([body])].join('\n');
}
