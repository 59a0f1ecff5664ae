import type { CatalogModel } from '../catalog/model.js';
import type { GeneratedFile } from './output.js';

export interface EmitOptions {
  /** Module specifier the generated code imports the runtime from. */
  readonly runtimeImport: string;
}

export function emitAll(_model: CatalogModel, _options: EmitOptions): GeneratedFile[] {
  return [];
}
