/**
 * The guard on ajv's standalone code: catalog text may reach it only inside
 * string literals (which ajv escapes), so any comment in it means text escaped
 * its literal (as `*\/` in a schema id once closed ajv's sourceURL comment).
 */
import { describe, expect, it } from 'vitest';
import { firstComment } from '../../../generator/emit/typescript/validators.js';

describe('firstComment (guard on the emitted validators)', () => {
  it('finds a comment, wherever it is', () => {
    expect(firstComment('const a = 1; /* planted */ run();')).toBe('/* planted */');
    expect(firstComment('function f() {\n  // planted\n  return 1;\n}')).toBe('// planted');
    expect(firstComment('const a = 1;\n/*# sourceURL="x" */;')).toBe('/*# sourceURL="x" */');
  });

  it('does not mistake comment markers inside strings or regular expressions for comments', () => {
    expect(firstComment('const s = "a */ b /* c // d"; const r = /\\//g; const t = `/*`;')).toBeUndefined();
    expect(firstComment('x.replace(/~/g, "~0").replace(/\\//g, "~1");')).toBeUndefined();
  });
});
