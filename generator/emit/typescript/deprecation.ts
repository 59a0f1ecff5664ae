/**
 * `@deprecated` tags for what the catalog deprecates (docs/evolution.md):
 * editors strike it through and linters flag its uses, for a release before
 * it goes.
 */
import type { DeprecationModel } from '../../catalog/model.js';
import { docText } from './syntax.js';

/** A doc comment's text with the `@deprecated` tag appended when `deprecated` is set. */
export function withDeprecation(doc: string, deprecated: DeprecationModel | undefined): string {
  if (!deprecated) return doc;
  const instead = deprecated.replacedBy === undefined ? '' : ` Use ${deprecated.replacedBy} instead.`;
  // The tag's text goes through docText like any catalog text, so it can neither end the comment nor start another tag.
  return `${doc}\n@deprecated ${docText(`${deprecated.reason}${instead}`)}`;
}
