/**
 * Runs every emitter over the model: the TypeScript target, then the
 * language-neutral documents (JSON Schemas, AsyncAPI, the catalog as Markdown).
 * The file list is sorted, so output order never varies.
 */
import type { CatalogModel } from '../catalog/model.js';
import { compareText } from '../order.js';
import { asyncApiFile } from './asyncapi.js';
import { eventCatalogFile } from './docs/event-catalog.js';
import type { GeneratedFile } from './output.js';
import { schemaFiles } from './schemas.js';
import { emitTypeScript, type TypeScriptOptions } from './typescript/index.js';

export interface EmitOptions extends Partial<TypeScriptOptions> {}

export function emitAll(model: CatalogModel, options: EmitOptions = {}): GeneratedFile[] {
  const files = [
    ...emitTypeScript(model, { runtimeImport: options.runtimeImport ?? model.runtimeImport }),
    ...schemaFiles(model),
    asyncApiFile(model),
    eventCatalogFile(model),
  ];
  return files.sort((a, b) => compareText(a.path, b.path));
}
