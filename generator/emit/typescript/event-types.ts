/**
 * `event-types.ts`: the event enums as const objects with matching union
 * types: DataEventType (name → value), StageEvent, CrossProcessEventType,
 * EventTopic, and the category of each event.
 */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel } from '../../catalog/model.js';
import { docText, key, str } from './syntax.js';
import { arrayLiteral, inlineObject, objectLiteral, type Statement } from './printer.js';
import { compareText } from '../../order.js';

export function eventTypesFile(model: CatalogModel): Statement[] {
  const events = model.events;
  const staged = events.filter((e) => e.stage).sort((a, b) => compareText(a.stage!, b.stage!));
  const crossing = events.filter((e) => e.crossProcess).sort((a, b) => compareText(a.crossProcess!, b.crossProcess!));
  return [
    ...constEnum(
      'DataEventType',
      'Every event of the catalog: canonical name → value string.',
      events.map((e) => ({ key: e.name, value: str(e.value), doc: docText(e.description) })),
    ),
    {
      kind: StructureKind.TypeAlias,
      name: 'EventName',
      isExported: true,
      docs: ['The canonical name of an event.'],
      type: 'keyof typeof DataEventType',
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every canonical event name, sorted.'],
      declarations: [
        { name: 'EVENT_NAMES', type: 'readonly EventName[]', initializer: `Object.freeze(Object.keys(DataEventType) as EventName[])` },
      ],
    },
    ...constEnum(
      'StageEvent',
      'Pipeline stage events (StageEventBus names): enum name → stage name.',
      staged.map((e) => ({ key: e.stage!.toUpperCase(), value: str(e.stage!), doc: `Stage of ${e.name}.` })),
    ),
    ...constEnum(
      'CrossProcessEventType',
      'Events that cross process boundaries: cross-process name → itself.',
      crossing.map((e) => ({ key: e.crossProcess!, value: str(e.crossProcess!), doc: `Cross-process name of ${e.name}.` })),
    ),
    ...constEnum(
      'EventTopic',
      'The topic of each event (dot-separated words), for topic patterns such as `training.*`.',
      events.map((e) => ({ key: e.name, value: str(e.topic) })),
    ),
    ...constEnum(
      'EventCategory',
      'The catalog category of each event.',
      events.map((e) => ({ key: e.name, value: str(e.category) })),
    ),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['The categories of the catalog, with their events.'],
      declarations: [
        {
          name: 'CATEGORIES',
          initializer: objectLiteral(
            model.categories.map((c) => ({
              key: key(c.name),
              value: inlineObject([`title: ${str(c.title)}`, `description: ${str(c.description)}`, `events: ${arrayLiteral(c.events.map(str), 1)} as readonly EventName[]`]),
            })),
          ),
        },
      ],
    },
  ];
}

/** `export const X = {…} as const; export type X = (typeof X)[keyof typeof X];` */
function constEnum(name: string, doc: string, entries: { key: string; value: string; doc?: string }[]): Statement[] {
  return [
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [doc],
      declarations: [{ name, initializer: `${objectLiteral(entries)} as const` }],
    },
    {
      kind: StructureKind.TypeAlias,
      name,
      isExported: true,
      type: entries.length ? `(typeof ${name})[keyof typeof ${name}]` : 'never',
    },
  ];
}

