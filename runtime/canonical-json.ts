/**
 * Canonical JSON (the RFC 8785 / JCS shape): object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as ECMAScript's JSON.stringify
 * writes them. Two payloads that mean the same JSON give the same string
 * whatever order their keys were built in, so a hash over it is stable across
 * processes and languages (defect 6: the original hashed a Python repr).
 *
 * Values JSON cannot carry follow JSON.stringify: `undefined`, functions and
 * symbols are dropped from objects and become `null` in arrays; NaN and
 * ±Infinity become `null`; `toJSON()` (Date) is honoured. BigInt and cycles throw.
 */
export function canonicalJson(value: unknown, omitTopLevel?: ReadonlySet<string>): string {
  const out = write(value, omitTopLevel, []);
  if (out === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return out;
}

function write(value: unknown, omit: ReadonlySet<string> | undefined, stack: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
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
    // Default sort compares UTF-16 code units, which is exactly what JCS asks for.
    const keys = Object.keys(value).sort();
    const obj = value as Record<string, unknown>;
    out = '{';
    let first = true;
    for (const key of keys) {
      if (omit?.has(key)) continue;
      const v = write(obj[key], undefined, stack);
      if (v === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(key) + ':' + v;
      first = false;
    }
    out += '}';
  }
  stack.pop();
  return out;
}
