/** How a problem of the catalog is worded and ordered. */
import { compareText } from '../order.js';
import { didYouMean } from '../suggest.js';
import type { Position, Problem } from './source.js';

/** ` (did you mean "x"?)` when one of `known` is close to `name`, else nothing. */
export function hint(name: string, known: Iterable<string>): string {
  const best = didYouMean(name, [...known]);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** `file:line:col`, the place another message points to. */
export function where(p: Position): string {
  return `${p.file}:${p.line}:${p.col}`;
}

/** By file, then place, then message: the order a run reports them in. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col || compareText(a.message, b.message));
}
