/**
 * Checks of the arguments of the router's public methods, so that a wrong
 * call fails at once with a message naming the method and the argument, not
 * later with an internal TypeError or a malformed envelope (callers without
 * types: JavaScript, `any`, values read from configuration).
 */

/** What a value is, for a message: `123`, `{}`, `a function`, `null`. */
function shown(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `a ${typeof value}`;
  }
}

/** `value` is a non-empty string, else a TypeError `<where>: <what> must be a non-empty string, got <value>`. */
export function requireString(where: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${where}: ${what} must be a non-empty string, got ${shown(value)}`);
}

/** An optional non-empty string: undefined passes. */
export function optionalString(where: string, what: string, value: unknown): void {
  if (value !== undefined) requireString(where, what, value);
}

export function requireFunction(where: string, what: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${where}: ${what} must be a function, got ${shown(value)}`);
}

/** An options argument: undefined or a plain object (not an array, not null). */
export function optionsObject<T extends object>(where: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${where}: options must be an object, got ${shown(value)}`);
  return value;
}

/** An RFC 3339 time (as CloudEvents `time`): a string Date can read. */
export function optionalTime(where: string, what: string, value: unknown): void {
  if (value === undefined) return;
  requireString(where, what, value);
  if (Number.isNaN(Date.parse(value))) throw new TypeError(`${where}: ${what} must be an RFC 3339 time, got ${shown(value)}`);
}
