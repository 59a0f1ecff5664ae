/**
 * The generator's pure core: catalog sources in, generated files out, all in
 * memory. Only the CLI (cli/codegen.ts) reads or writes the disk.
 */
import { buildCatalog } from './catalog/build.js';
import type { CatalogModel } from './catalog/model.js';
import type { Problem, SourceFile } from './catalog/source.js';
import { emitAll, type EmitOptions } from './emit/all.js';
import type { GeneratedFile } from './emit/output.js';

export type { CatalogModel, EventModel, FieldModel } from './catalog/model.js';
export type { Problem, SourceFile } from './catalog/source.js';
export { formatProblem } from './catalog/source.js';
export type { GeneratedFile } from './emit/output.js';
export type { EmitOptions, Target } from './emit/all.js';
export { buildCatalog } from './catalog/build.js';
export { compareCatalogs, formatFinding, type Finding } from './evolution/compare.js';
export { MODES, RULES, parseModes, type Mode, type Rule, type RuleId } from './evolution/rules.js';

export type GenerateResult =
  | { readonly ok: true; readonly model: CatalogModel; readonly files: readonly GeneratedFile[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export function generate(sources: readonly SourceFile[], options: EmitOptions = {}): GenerateResult {
  const built = buildCatalog(sources);
  if (!built.ok) return built;
  return { ok: true, model: built.model, files: emitAll(built.model, options) };
}
