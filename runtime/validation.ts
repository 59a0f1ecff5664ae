/**
 * The payload validators the generator compiles (ajv's standalone code) as the
 * runtime sees them, and how their errors become issues that name the field.
 * Generated `validation.ts` binds these to a catalog's events.
 */
import { EventValidationError } from './errors.js';
import type { PayloadIssue, ValidationResult } from './registry.js';

/** One error of a compiled validator, in ajv's shape. */
export interface ValidatorError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string | undefined;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A compiled payload validator; after a failed call, `errors` says why. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: readonly ValidatorError[] | null | undefined;
}

/** Runs a compiled validator and turns its errors into issues naming each field. */
export function runValidator(validate: CompiledValidator, payload: unknown): ValidationResult {
  if (validate(payload)) return { ok: true };
  return { ok: false, issues: (validate.errors ?? []).map(issueOf) };
}

/**
 * @deprecated The one validation error is EventValidationError (the router's,
 * the queue's and the generated `assertPayload`'s); this name is kept for code
 * written against it.
 */
export const PayloadValidationError = EventValidationError;
/** @deprecated Use EventValidationError. */
export type PayloadValidationError = EventValidationError;

function issueOf(e: ValidatorError): PayloadIssue {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const param = (name: string): unknown => (Object.hasOwn(e.params, name) ? e.params[name] : undefined);
  switch (e.keyword) {
    case 'required':
      return { field: joinPath(path, String(param('missingProperty'))), message: 'is required' };
    case 'false schema':
      return { field: path, message: 'is an alias: send the canonical field name, or publish in lenient mode to normalize it' };
    case 'enum': {
      const allowed = param('allowedValues');
      return { field: path, message: `must be one of ${Array.isArray(allowed) ? allowed.map((v) => JSON.stringify(v)).join(', ') : '?'}` };
    }
    default:
      return { field: path, message: e.message ?? e.keyword };
  }
}

function joinPath(a: string, b: string): string {
  return a ? `${a}.${b}` : b;
}
