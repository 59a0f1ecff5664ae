/**
 * What a check sees of the catalog being built: where each raw piece was read,
 * and how to report a problem at a place. The model builder (build.ts) provides it.
 */
import type { Located, RawEvent, RawField, RawFile } from '../raw.js';
import type { ParsedFile, PathSegment, Position } from '../source.js';

export interface CheckContext {
  report(at: Position, message: string): void;
  /** The position of `loc`, or of a key below it. */
  at(loc: { file: ParsedFile; path: readonly PathSegment[] }, ...more: PathSegment[]): Position;
  readonly files: readonly { file: ParsedFile; raw: RawFile }[];
  readonly sharedFields: ReadonlyMap<string, Located<RawField>>;
  readonly events: ReadonlyMap<string, Located<RawEvent> & { category: string }>;
  /**
   * Per event, the fields that were refused (a bad `ref`, a redeclared common
   * field), inherited ones included: their own error is reported once, so what
   * names them (dedup, replaced_by) is not reported again.
   */
  readonly refusedFields: ReadonlyMap<string, ReadonlySet<string>>;
}

/** `event X, field y`, `shared field y` or `common field y`: how messages name a field. */
export function fieldLabel(loc: { path: readonly PathSegment[] }): string {
  const p = loc.path;
  if (p[0] === 'events') return `event ${String(p[1])}, field ${String(p[3])}`;
  return `${p[0] === 'fields' ? 'shared' : 'common'} field ${String(p[1])}`;
}
