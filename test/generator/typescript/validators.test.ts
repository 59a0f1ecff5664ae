/**
 * The guard on ajv's standalone code: catalog text may reach it only inside
 * string literals (which ajv escapes), so any comment in it means text escaped
 * its literal (as `*\/` in a schema id once closed ajv's sourceURL comment).
 * ajv writes embedded values as JSON strings, which the guard sees through.
 */
import { describe, expect, it } from 'vitest';
import { forbiddenConstruct } from '../../../generator/emit/typescript/validators.js';

describe('forbiddenConstruct (guard on the emitted validators)', () => {
  it('finds a comment, wherever it is', () => {
    expect(forbiddenConstruct('const a = 1; /* planted */ run();')).toBe('a comment: const a = 1; /* planted */ run();');
    expect(forbiddenConstruct('function f() {\n  // planted\n  return 1;\n}')).toBe('a comment: // planted');
    expect(forbiddenConstruct('const a = 1;\n/*# sourceURL="x" */;')).toBe('a comment: /*# sourceURL="" */;');
    expect(forbiddenConstruct('const f = require("ajv/dist/runtime/equal").default;')).toMatch(/^a require\(\) call/);
  });

  it('does not mistake comment markers or require( inside strings or regular expressions for code', () => {
    expect(forbiddenConstruct('const s = "a */ b /* c // d \\" */"; const r = /\\//g;')).toBeUndefined();
    expect(forbiddenConstruct('x.replace(/~/g, "~0").replace(/\\//g, "~1");')).toBeUndefined();
    expect(forbiddenConstruct('const e = {"enum": ["${require(\\"node:fs\\")}"]};')).toBeUndefined();
  });
});
