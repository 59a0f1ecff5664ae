import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../runtime/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same string whatever order the keys were inserted in', () => {
    const a = { config_key: 'hex8_2p', model_path: 'm.pth', nested: { x: 1, y: 2 } };
    const b = { nested: { y: 2, x: 1 }, model_path: 'm.pth', config_key: 'hex8_2p' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('sorts by UTF-16 code units (JCS), not by locale', () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, '\u{1F600}': 4, '\uFB33': 5 })).toBe('{"A":3,"z":2,"é":1,"\u{1F600}":4,"\uFB33":5}');
  });

  it('writes numbers as ECMAScript does and non-finite numbers as null', () => {
    expect(canonicalJson([1.0, 0.1, 1e21, -0, 1e-7, NaN, Infinity])).toBe('[1,0.1,1e+21,0,1e-7,null,null]');
  });

  it('follows JSON.stringify for undefined, functions, Dates and nested toJSON', () => {
    const date = new Date('2025-12-29T00:00:00.000Z');
    expect(canonicalJson({ a: undefined, f: () => 1, d: date, arr: [undefined, () => 1] })).toBe(
      '{"arr":[null,null],"d":"2025-12-29T00:00:00.000Z"}',
    );
  });

  it('escapes strings as JSON', () => {
    expect(canonicalJson({ s: 'a"b\\c\n\u0001' })).toBe('{"s":"a\\"b\\\\c\\n\\u0001"}');
  });

  it('omits top-level keys on request only at the top level', () => {
    expect(canonicalJson({ timestamp: 1, a: { timestamp: 2 } }, new Set(['timestamp']))).toBe('{"a":{"timestamp":2}}');
  });

  it('throws on cycles and BigInt, but not on shared references', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});
