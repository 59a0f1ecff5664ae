/**
 * The TypeScript target: one module per generated file, printed through one
 * in-memory ts-morph project. Another language target would sit beside this
 * directory and read the same catalog model.
 */
import type { CatalogModel } from '../../catalog/model.js';
import type { GeneratedFile } from '../output.js';
import { emittersFile } from './emitters.js';
import { eventTypesFile } from './event-types.js';
import { indexFile } from './index-file.js';
import { mappingsFile } from './mappings.js';
import { normalizersFile } from './normalizers.js';
import { payloadsFile } from './payloads.js';
import { Printer } from './printer.js';
import { registryFile } from './registry.js';
import { schemaIdsFile } from './schema-ids.js';
import { validationFile, validatorsFile } from './validators.js';

export interface TypeScriptOptions {
  /** Module specifier the generated code imports the runtime from (`ringrift-events/runtime` by default). */
  readonly runtimeImport: string;
}

export function emitTypeScript(model: CatalogModel, options: TypeScriptOptions): GeneratedFile[] {
  const printer = new Printer();
  const rt = options.runtimeImport;
  return [
    printer.print('event-types.ts', eventTypesFile(model)),
    printer.print('payloads.ts', payloadsFile(model)),
    printer.print('mappings.ts', mappingsFile(model, rt)),
    printer.print('validation.ts', validationFile(rt)),
    validatorsFile(model),
    printer.print('normalizers.ts', normalizersFile(model, rt)),
    printer.print('registry.ts', registryFile(model, rt)),
    printer.print('emitters.ts', emittersFile(model, rt)),
    printer.print('index.ts', indexFile()),
    printer.print('schema-ids.ts', schemaIdsFile(model)),
  ];
}
