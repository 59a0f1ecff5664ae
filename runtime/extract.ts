/**
 * What the generated extractors (extractConfigKey, extractTrainingData, …,
 * the helpers of event_utils.py) share: when an alias and its canonical field
 * both carry a value and the values disagree, say so (strict: an error,
 * lenient: a warning naming both values), never pick one silently.
 */
import { consoleLogger, type Logger } from './logger.js';
import type { NormalizeResult, PayloadIssue } from './registry.js';
import { EventValidationError } from './errors.js';

export interface ExtractOptions {
  /**
   * strict (default, as the router): an alias that disagrees with its canonical
   * field throws EventValidationError. lenient: a warning names both values
   * and the canonical one is used.
   */
  readonly mode?: 'strict' | 'lenient';
  /** Where lenient warnings go. Default: the console. */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** A value as a message shows it: JSON, at most 80 characters. */
export function shownValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** One issue per alias whose value disagrees with the canonical field's (`raw`: the payload before renaming). */
export function aliasConflictIssues(raw: Readonly<Record<string, unknown>>, result: NormalizeResult): PayloadIssue[] {
  return result.conflicts.map((c) => ({
    field: c.from,
    message: `${shownValue(own(raw, c.from))} is an alias of "${c.to}", which is ${shownValue(own(result.payload, c.to))}: they disagree; "${c.to}" is kept`,
  }));
}

/** Strict: throws when aliases disagree with their canonical fields; lenient: warns. */
export function reportAliasConflicts(event: string, raw: Readonly<Record<string, unknown>>, result: NormalizeResult, options: ExtractOptions = {}): void {
  if (result.conflicts.length === 0) return;
  report(event, aliasConflictIssues(raw, result), options);
}

/**
 * The value of the first of `names` (a canonical field, then its aliases)
 * whose value `usable` accepts; strict throws, lenient warns, when another of
 * them holds a different usable value.
 */
export function firstAliased(
  payload: Readonly<Record<string, unknown>>,
  names: readonly string[],
  usable: (value: unknown) => boolean,
  options: ExtractOptions = {},
): unknown {
  const present = names.filter((n) => usable(own(payload, n)));
  if (present.length === 0) return undefined;
  const [first, ...rest] = present as [string, ...string[]];
  const kept = own(payload, first);
  const issues = rest
    .filter((n) => shownValue(own(payload, n)) !== shownValue(kept))
    .map((n) => ({ field: n, message: `${shownValue(own(payload, n))} disagrees with "${first}", which is ${shownValue(kept)}; "${first}" is used` }));
  if (issues.length > 0) report('event', issues, options);
  return kept;
}

function report(event: string, issues: readonly PayloadIssue[], options: ExtractOptions): void {
  const error = new EventValidationError(event, issues);
  if ((options.mode ?? 'strict') === 'strict') throw error;
  (options.logger ?? consoleLogger).warn(`${error.message} (lenient)`);
}
