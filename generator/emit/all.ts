/** Runs every emitter over the model; the file list is sorted, so output order never varies. */
import type { CatalogModel } from '../catalog/model.js';
import { emittersFile } from './emitters.js';
import { eventTypesFile } from './event-types.js';
import { indexFile } from './index-file.js';
import { mappingsFile } from './mappings.js';
import { normalizersFile } from './normalizers.js';
import type { GeneratedFile } from './output.js';
import { payloadsFile } from './payloads.js';
import { registryFile } from './registry.js';
import { Printer } from './ts.js';
import { compareText } from '../order.js';
import { validationFile, validatorsCjs, validatorsDts } from './validators.js';
import { asyncApiFile } from './asyncapi.js';
import { eventCatalogFile } from './docs/event-catalog.js';
import { schemaFiles, schemaIdsFile } from './schemas.js';

export interface EmitOptions {
  /** Module specifier the generated code imports the runtime from (e.g. `../runtime/index.js` or `ringrift-events/runtime`). */
  readonly runtimeImport: string;
}

export function emitAll(model: CatalogModel, options: EmitOptions): GeneratedFile[] {
  const printer = new Printer();
  const rt = options.runtimeImport;
  const files = [
    printer.print('event-types.ts', eventTypesFile(model)),
    printer.print('payloads.ts', payloadsFile(model)),
    printer.print('mappings.ts', mappingsFile(model)),
    printer.print('validation.ts', validationFile()),
    validatorsCjs(model),
    validatorsDts(model),
    printer.print('normalizers.ts', normalizersFile(model, rt)),
    printer.print('registry.ts', registryFile(model, rt)),
    printer.print('emitters.ts', emittersFile(model, rt)),
    printer.print('index.ts', indexFile()),
    printer.print('schema-ids.ts', schemaIdsFile(model)),
    ...schemaFiles(model),
    asyncApiFile(model),
    eventCatalogFile(model),
  ];
  return files.sort((a, b) => compareText(a.path, b.path));
}
