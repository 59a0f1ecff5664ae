/**
 * The payload schemas, published: `schemas/<value>.json`, one JSON Schema per
 * event (the very schema the validators are compiled from, so a plain JSON
 * Schema validator gives their verdicts). Their `$id`s reach the TypeScript
 * target as `schema-ids.ts`.
 */
import type { CatalogModel, EventModel } from '../catalog/model.js';
import { payloadSchema } from './json-schema.js';
import { banner, type GeneratedFile } from './output.js';

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
