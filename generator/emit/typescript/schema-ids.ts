/** `schema-ids.ts`: the `$id` of each event's payload JSON Schema, which the runtime sets as the CloudEvents `dataschema`. */
import { StructureKind, VariableDeclarationKind } from 'ts-morph';
import type { CatalogModel } from '../../catalog/model.js';
import { schemaId } from '../json-schema.js';
import { str } from './syntax.js';
import { importFrom, objectLiteral, type Statement } from './printer.js';

export function schemaIdsFile(model: CatalogModel): (Statement | undefined)[] {
  return [
    importFrom('./event-types.js', ['EventName'], true),
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        "The `$id` of each event's payload JSON Schema (`schemas/<value>.json`): its envelopes' `dataschema`.",
      ],
      declarations: [
        {
          name: 'SCHEMA_IDS',
          type: '{ readonly [E in EventName]: string }',
          initializer: `Object.freeze(${objectLiteral(model.events.map((e) => ({ key: e.name, value: str(schemaId(model, e)) })))})`,
        },
      ],
    },
  ];
}
