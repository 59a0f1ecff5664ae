/**
 * `mappings.ts`: the name-translation tables of event_mappings.py, their
 * inverses, and SPELLING_TO_EVENT, which resolves any spelling of an event
 * (name, value, topic, stage, cross-process name, listed spelling) to its
 * canonical name. Lookups go through this one table and own keys only, never
 * through string matching in callers.
 */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import { spellingsOf, type CatalogModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { importFrom, objectLiteral, type Statement } from './printer.js';
import { key, str } from './syntax.js';

export function mappingsFile(model: CatalogModel, runtimeImport: string): (Statement | undefined)[] {
  const staged = model.events.filter((e) => e.stage);
  const crossing = model.events.filter((e) => e.crossProcess);
  const sortBy = <T>(list: T[], k: (t: T) => string) => [...list].sort((a, b) => compareText(k(a), k(b)));

  const spellings = model.events.flatMap((e) => spellingsOf(e).map((s) => ({ spelling: s.spelling, event: e.name })));
  return [
    importFrom(runtimeImport, ['ownValue'], false),
    importFrom('./event-types.js', ['EventName'], true),
    table('STAGE_TO_DATA_EVENT_MAP', 'Stage name → data event value.', sortBy(staged, (e) => e.stage!).map((e) => [e.stage!, e.value])),
    table('DATA_TO_STAGE_EVENT_MAP', 'Data event value → stage name (inverse of STAGE_TO_DATA_EVENT_MAP).', sortBy(staged, (e) => e.value).map((e) => [e.value, e.stage!])),
    table('DATA_TO_CROSS_PROCESS_MAP', 'Data event value → cross-process name, for the events that cross processes.', sortBy(crossing, (e) => e.value).map((e) => [e.value, e.crossProcess!])),
    table('CROSS_PROCESS_TO_DATA_MAP', 'Cross-process name → data event value (inverse of DATA_TO_CROSS_PROCESS_MAP).', sortBy(crossing, (e) => e.crossProcess!).map((e) => [e.crossProcess!, e.value])),
    table('STAGE_TO_CROSS_PROCESS_MAP', 'Stage name → cross-process name, for staged events that cross processes.', sortBy(staged.filter((e) => e.crossProcess), (e) => e.stage!).map((e) => [e.stage!, e.crossProcess!])),
    table('CROSS_PROCESS_TO_STAGE_MAP', 'Cross-process name → stage name (inverse of STAGE_TO_CROSS_PROCESS_MAP).', sortBy(staged.filter((e) => e.crossProcess), (e) => e.crossProcess!).map((e) => [e.crossProcess!, e.stage!])),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every spelling of every event → its canonical name (each spelling names one event only).'],
      declarations: [
        {
          name: 'SPELLING_TO_EVENT',
          initializer: `Object.freeze(${objectLiteral(sortBy(spellings, (s) => s.spelling).map((s) => ({ key: key(s.spelling), value: str(s.event) })))} as const)`,
        },
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      name: 'EventSpelling',
      isExported: true,
      docs: ['Any spelling of any event: what `getRouter().publish` and `subscribe` accept.'],
      type: 'keyof typeof SPELLING_TO_EVENT',
    },
    {
      kind: StructureKind.TypeAlias,
      name: 'SpellingMap',
      isExported: true,
      docs: ['Spelling → canonical event name, as a type.'],
      type: '{ readonly [S in EventSpelling]: (typeof SPELLING_TO_EVENT)[S] }',
    },
    fn('resolveEvent', 'spelling: string', 'EventName | undefined', 'The canonical event of any spelling, or undefined when no event is spelled so.', 'return ownValue<EventName>(SPELLING_TO_EVENT, spelling);'),
    fn('getDataEventType', 'stage: string', 'string | undefined', 'Stage name → data event value (`training_complete` → `training_completed`).', 'return ownValue(STAGE_TO_DATA_EVENT_MAP, stage);'),
    fn('getStageEventType', 'dataEventType: string', 'string | undefined', 'Data event value → stage name.', 'return ownValue(DATA_TO_STAGE_EVENT_MAP, dataEventType);'),
    fn('getCrossProcessEventType', 'dataEventType: string', 'string | undefined', 'Data event value → cross-process name (`training_completed` → `TRAINING_COMPLETED`).', 'return ownValue(DATA_TO_CROSS_PROCESS_MAP, dataEventType);'),
    fn('getDataEventTypeFromCrossProcess', 'crossProcessType: string', 'string | undefined', 'Cross-process name → data event value.', 'return ownValue(CROSS_PROCESS_TO_DATA_MAP, crossProcessType);'),
    fn('getCrossProcessEventTypeForStage', 'stage: string', 'string | undefined', 'Stage name → cross-process name.', 'return ownValue(STAGE_TO_CROSS_PROCESS_MAP, stage);'),
  ];
}

function table(name: string, doc: string, entries: [string, string][]): Statement {
  return {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [doc],
    declarations: [
      {
        name,
        type: 'Readonly<Record<string, string>>',
        initializer: `Object.freeze(${objectLiteral(entries.map(([k, v]) => ({ key: key(k), value: str(v) })))})`,
      },
    ],
  };
}

function fn(name: string, params: string, returnType: string, doc: string, body: string): Statement {
  const [pName, pType] = params.split(': ') as [string, string];
  return {
    kind: StructureKind.Function,
    name,
    isExported: true,
    docs: [doc],
    parameters: [{ name: pName, type: pType }],
    returnType,
    statements: [body],
  };
}
