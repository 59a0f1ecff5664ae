/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript's JSON.stringify writes them. Two payloads
 * that mean the same JSON give the same string whatever order their keys were
 * built in, so a hash over it is stable across processes and languages (the
 * original system hashed a Python repr, which is neither).
 *
 * For every value RFC 8785 (JCS) accepts, the output is the RFC's. It is not
 * RFC 8785 itself: where the RFC refuses a value (it takes I-JSON only), this
 * follows JSON.stringify instead, so that a dedup key never fails on a payload
 * the validator let through: NaN and ±Infinity become `null`, a lone surrogate
 * is written as a `\uXXXX` escape, `undefined`, functions and symbols are
 * dropped from objects and become `null` in arrays, and `toJSON()` (Date) is
 * honoured. BigInt and cycles throw.
 */
export function canonicalJson(value: unknown, omitTopLevel?: ReadonlySet<string>): string {
  // Stryker disable next-line ArrayDeclaration: the stack holds the objects being written; a string in it never equals one.
  const out = write(value, omitTopLevel, []);
  if (out === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return out;
}

// Strings without quotes, backslashes, control characters or surrogates are their own JSON body.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function write(value: unknown, omit: ReadonlySet<string> | undefined, stack: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // For finite numbers JSON.stringify is Number#toString (-0 gives "0" in both).
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt has no JSON representation');
    case 'object':
      break;
    default:
      return undefined; // undefined, function, symbol
  }
  if (value === null) return 'null';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value), undefined, stack);
  if (stack.includes(value)) throw new TypeError('canonicalJson: cyclic structure');
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], undefined, stack) ?? 'null';
    }
    out += ']';
  } else {
    const keys = sortKeys(Object.keys(value));
    const obj = value as Record<string, unknown>;
    out = '{';
    let first = true;
    for (const key of keys) {
      if (omit?.has(key)) continue;
      const v = write(obj[key], undefined, stack);
      if (v === undefined) continue;
      out += (first ? '' : ',') + quote(key) + ':' + v;
      first = false;
    }
    out += '}';
  }
  stack.pop();
  return out;
}

/**
 * Sorts by UTF-16 code units (what `<` on strings and the default sort
 * compare), as JCS asks. Payloads have a handful of keys, where an insertion
 * sort beats Array#sort's setup cost.
 */
function sortKeys(keys: string[]): string[] {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: either sort gives the same order; the threshold is speed only.
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: keys are distinct, and keys[-1] is undefined (never > key).
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
