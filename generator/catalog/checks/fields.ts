/** The checks of one field on its own: its constraints fit its type, its pattern is safe. */
import { isSafe } from 'redos-detector';
import { describeType, type FieldModel } from '../model.js';
import type { RawField } from '../raw.js';
import type { ParsedFile, PathSegment } from '../source.js';
import { fieldLabel, type CheckContext } from './context.js';

/** A field's enum values, pattern, format and bounds fit its type; `deprecated` and `composed_of` are where they may be. */
export function checkConstraints(ctx: CheckContext, field: FieldModel, raw: RawField, loc: { file: ParsedFile; path: readonly PathSegment[] }): void {
  const scalars = field.type.kind === 'scalar' ? field.type.types : [];
  const label = fieldLabel(loc);
  if (field.enum) {
    for (const [i, v] of field.enum.entries()) {
      const ok =
        (typeof v === 'string' && scalars.includes('string')) ||
        (typeof v === 'number' && (scalars.includes('number') || (scalars.includes('integer') && Number.isInteger(v)))) ||
        (typeof v === 'boolean' && scalars.includes('boolean'));
      if (!ok) ctx.report(ctx.at(loc, 'enum', i), `${label}: enum value ${JSON.stringify(v)} does not fit type ${describeType(field.type)}`);
    }
  }
  if (field.pattern !== undefined) {
    if (!scalars.includes('string')) ctx.report(ctx.at(loc, 'pattern'), `${label}: "pattern" needs a string type`);
    const problem = patternProblem(field.pattern);
    if (problem) ctx.report(ctx.at(loc, 'pattern'), `${label}: ${problem}`);
  }
  if (field.format !== undefined && !scalars.includes('string')) ctx.report(ctx.at(loc, 'format'), `${label}: "format" needs a string type`);
  for (const bound of ['minimum', 'maximum'] as const) {
    if (field[bound] !== undefined && !scalars.some((s) => s === 'number' || s === 'integer')) {
      ctx.report(ctx.at(loc, bound), `${label}: "${bound}" needs a number type`);
    }
  }
  for (const bound of ['minimum', 'maximum'] as const) {
    const v = field[bound];
    if (v !== undefined && !Number.isFinite(v)) ctx.report(ctx.at(loc, bound), `${label}: "${bound}" must be a finite number`);
  }
  for (const [i, v] of (field.enum ?? []).entries()) {
    if (typeof v === 'number' && !Number.isFinite(v)) ctx.report(ctx.at(loc, 'enum', i), `${label}: enum value ${String(v)} is not a finite number`);
  }
  if (field.minimum !== undefined && field.maximum !== undefined && field.minimum > field.maximum) {
    ctx.report(ctx.at(loc, 'minimum'), `${label}: minimum ${field.minimum} is above maximum ${field.maximum}`);
  }
  if (raw.deprecated !== undefined && loc.path[0] !== 'events') {
    ctx.report(ctx.at(loc, 'deprecated'), `${label}: "deprecated" is for the fields of an event; deprecate the field where events carry it`);
  }
  if (raw.composed_of !== undefined && loc.path[0] !== 'fields') {
    ctx.report(ctx.at(loc, 'composed_of'), `${label}: "composed_of" is only for shared fields`);
  }
}

/**
 * Why a string pattern is refused, if it is: it must compile as a Unicode
 * regular expression, and redos-detector must prove it cannot backtrack
 * catastrophically (one validation of a crafted string could otherwise block
 * the event loop for seconds). A pattern too complex to prove safe is refused
 * too: rewrite it without nested or overlapping repetition.
 */
export function patternProblem(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (e) {
    return `invalid pattern: ${(e as Error).message}`;
  }
  // ajv searches with the pattern as written; a caller may anchor it, so both forms must be safe.
  let verdict = isSafe(re, { maxSteps: 2000 });
  if (verdict.safe) verdict = isSafe(new RegExp(`^(?:${pattern})$`, 'u'), { maxSteps: 2000 });
  if (verdict.safe) return undefined;
  return verdict.error === 'hitMaxSteps'
    ? `pattern ${JSON.stringify(pattern)} is too complex to prove free of catastrophic backtracking; simplify it (no nested or overlapping repetition)`
    : `pattern ${JSON.stringify(pattern)} can backtrack catastrophically (one validation of a crafted string could block the process); rewrite it without nested or overlapping repetition, e.g. "(a+)+" as "a+"`;
}
