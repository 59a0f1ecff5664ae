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
import { emitPython } from './python/index.js';
import { emitTypeScript, type TypeScriptOptions } from './typescript/index.js';

/** `typescript`: the TypeScript modules and the documents; `python`: the Python package (docs/python.md). */
export type Target = 'typescript' | 'python';

export interface EmitOptions extends Partial<TypeScriptOptions> {
  readonly target?: Target;
}

export function emitAll(model: CatalogModel, options: EmitOptions = {}): GeneratedFile[] {
  if (options.target === 'python') return emitPython(model);
  const files = [
    ...emitTypeScript(model, { runtimeImport: options.runtimeImport ?? model.runtimeImport }),
    ...schemaFiles(model),
    asyncApiFile(model),
    eventCatalogFile(model),
  ];
  return files.sort((a, b) => compareText(a.path, b.path));
}
