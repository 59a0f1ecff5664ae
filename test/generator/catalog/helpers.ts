/**
 * In-memory catalogs for the catalog tests: a base set of files, a test's
 * edits on top, and the problems buildCatalog reports as the user reads them.
 */
import { buildCatalog } from '../../../generator/catalog/build.js';
import { formatProblem, type SourceFile } from '../../../generator/catalog/source.js';

/** Catalog files by path. */
export type Files = Record<string, string>;

/** The smallest `catalog.yaml`. */
export const CATALOG_YAML = `catalog:
  name: t
  description: Test catalog.
`;

/** `base` with `overrides` on top, as buildCatalog takes them; an override of '' removes that file. */
export function catalogSources(base: Files, overrides: Files = {}): SourceFile[] {
  return Object.entries({ ...base, ...overrides })
    .filter(([, text]) => text !== '')
    .map(([path, text]) => ({ path, text }));
}

/** What buildCatalog refuses in `sources`, each as `file:line:col: message`; [] when it accepts them. */
export function problemsOf(sources: SourceFile[]): string[] {
  const result = buildCatalog(sources);
  return result.ok ? [] : result.problems.map(formatProblem);
}
