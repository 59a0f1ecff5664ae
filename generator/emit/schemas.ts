/**
 * The payload schemas, published: `schemas/<value>.json`, one JSON Schema per
 * event (the very schema the validators are compiled from, so a plain JSON
 * Schema validator gives their verdicts), and `schema-ids.ts`, the `$id` of
 * each, which the runtime can set as the CloudEvents `dataschema` attribute.
 */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel, EventModel } from '../catalog/model.js';
import { payloadSchema, schemaId } from './json-schema.js';
import { str } from './names.js';
import { banner, type GeneratedFile } from './output.js';
import { importFrom, objectLiteral, type Statement } from './ts.js';

/** `training_completed.json`: the last segment of the schema's `$id`. */
export function schemaFileName(event: EventModel): string {
  return `${event.value}.json`;
}

export function schemaFiles(model: CatalogModel): GeneratedFile[] {
  return model.events.map((event) => ({
    path: `schemas/${schemaFileName(event)}`,
    // JSON has no comments: the banner is the schema's `$comment`, first, where the drift check looks for it.
    content: `${JSON.stringify({ $comment: banner('text'), ...payloadSchema(model, event) }, null, 2)}\n`,
  }));
}

export function schemaIdsFile(model: CatalogModel): Statement[] {
  return [
    importFrom('./event-types.js', ['EventName'], true),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        'The `$id` of each event\'s payload JSON Schema (published as `schemas/<value>.json`): the CloudEvents `dataschema` of the event.',
      ],
      declarations: [
        {
          name: 'SCHEMA_IDS',
          type: '{ readonly [E in EventName]: string }',
          initializer: (w) => {
            w.write('Object.freeze(');
            objectLiteral(model.events.map((e) => ({ key: e.name, value: str(schemaId(model, e)) })))(w);
            w.write(')');
          },
        },
      ],
    },
  ];
}
