import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../runtime/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same string whatever order the keys were inserted in', () => {
    const a = { config_key: 'hex8_2p', model_path: 'm.pth', nested: { x: 1, y: 2 } };
    const b = { nested: { y: 2, x: 1 }, model_path: 'm.pth', config_key: 'hex8_2p' };
    expect(canonicalJson(a)).toBe('{"config_key":"hex8_2p","model_path":"m.pth","nested":{"x":1,"y":2}}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
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

describe('canonicalJson: the values a payload carries', () => {
  it('writes booleans and null as JSON literals, in objects, arrays and alone', () => {
    expect(canonicalJson({ t: true, f: false, n: null, list: [true, false, null] })).toBe('{"f":false,"list":[true,false,null],"n":null,"t":true}');
    expect([canonicalJson(true), canonicalJson(false), canonicalJson(null)]).toEqual(['true', 'false', 'null']);
  });

  it('tells payloads apart that differ only in a boolean or a null', () => {
    expect(canonicalJson({ ok: true })).not.toBe(canonicalJson({ ok: false }));
    expect(canonicalJson({ ok: null })).not.toBe(canonicalJson({}));
  });

  it('escapes strings made only of characters that need escaping', () => {
    expect(['"', '\\', '\n', '\u0000', '\u001f', '\ud800'].map((s) => canonicalJson(s))).toEqual([
      '"\\""',
      '"\\\\"',
      '"\\n"',
      '"\\u0000"',
      '"\\u001f"',
      '"\\ud800"',
    ]);
    expect(canonicalJson({ '"': 1 })).toBe('{"\\"":1}');
  });

  it('sorts objects with many keys too', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const reversed = Object.fromEntries([...keys].reverse().map((k) => [k, 0]));
    expect(canonicalJson(reversed)).toBe(`{${keys.map((k) => `"${k}":0`).join(',')}}`);
  });

  it('refuses a value with no JSON representation at the top level', () => {
    expect(() => canonicalJson(undefined)).toThrow(new TypeError('canonicalJson: value has no JSON representation'));
    expect(() => canonicalJson(() => 1)).toThrow(/no JSON representation/);
  });
});

describe('canonicalJson and RFC 8785 (JCS)', () => {
  it('gives the RFC\'s own example output for its example input (section 3.2.3)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts the RFC\'s key-ordering example as the RFC does (section 3.2.3)', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // The RFC lists the values in the order the keys sort to.
    const values = [...canonicalJson(input).matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual(['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh']);
  });

  it('where the RFC refuses a value (NaN, ±Infinity, a lone surrogate), writes what JSON.stringify writes instead of failing', () => {
    const odd = { nan: NaN, inf: Infinity, ninf: -Infinity, lone: '\udc00' };
    expect(canonicalJson(odd)).toBe('{"inf":null,"lone":"\\udc00","nan":null,"ninf":null}');
    expect(JSON.parse(canonicalJson(odd))).toEqual(JSON.parse(JSON.stringify(odd)));
  });
});
