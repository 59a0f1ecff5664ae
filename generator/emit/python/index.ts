/**
 * The Python target: a package that needs only the standard library (3.10+),
 * one small pure module per generated file, from the same catalog model as
 * the TypeScript target. The output directory is the package.
 */
import type { CatalogModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { banner, type GeneratedFile } from '../output.js';
import { consumerModule } from './consumer.js';
import { emittersModule } from './emitters.js';
import { eventTypesModule } from './event-types.js';
import { eventUtilsModule } from './event-utils.js';
import { mappingsModule } from './mappings.js';
import { pythonModule } from './module.js';
import { payloadsModule } from './payloads.js';
import { sqliteQueueModule } from './sqlite-queue.js';
import { validationModule } from './validation.js';

export function emitPython(model: CatalogModel): GeneratedFile[] {
  const modules: [string, string][] = [
    ['event_types', eventTypesModule(model)],
    ['event_mappings', mappingsModule(model)],
    ['payloads', payloadsModule(model)],
    ['validation', validationModule(model)],
    ['event_utils', eventUtilsModule(model)],
    ['sqlite_queue', sqliteQueueModule(model)],
    ['consumer', consumerModule(model)],
    ['emitters', emittersModule(model)],
  ];
  const files = modules.map(([name, content]) => ({ path: `${name}.py`, content }));
  files.push({ path: '__init__.py', content: initModule(model, modules) });
  // PEP 561: the package ships its types (a comment line is all the marker needs).
  files.push({ path: 'py.typed', content: banner('hash') });
  return files.sort((a, b) => compareText(a.path, b.path));
}

/** The public names a module defines at top level: classes, functions and annotated or assigned names not starting with `_`. */
export function publicNames(source: string): string[] {
  const names = new Set<string>();
  let inString = false;
  for (const line of source.split('\n')) {
    // Docstrings escape every `"`, so `"""` only opens or closes one.
    const quotes = line.split('"""').length - 1;
    const m = inString ? null : /^(?:class |def )?([A-Za-z][A-Za-z0-9_]*)(?:\(|:| =)/.exec(line);
    if (m && !/^(?:if|else|elif|for|while|try|with|from|import|return)\b/.test(line)) names.add(m[1]!);
    if (quotes % 2 === 1) inString = !inString;
  }
  return [...names].sort(compareText);
}

function initModule(model: CatalogModel, modules: readonly [string, string][]): string {
  const taken = new Set<string>();
  const imports: string[] = [];
  for (const [name, content] of modules) {
    // A name is exported once, from the first module that defines it (event_utils re-exports PayloadValidationError).
    const names = publicNames(content).filter((n) => !taken.has(n));
    for (const n of names) taken.add(n);
    if (names.length) imports.push(`from .${name} import (\n${names.map((n) => `    ${n} as ${n},`).join('\n')}\n)`);
  }
  return pythonModule(`Typed events of the ${model.name} catalog for Python services: standard library only.`, imports, []);
}
