/**
 * How the hand-written modules may depend on each other (README.md, "Layout"):
 * no module loads itself back through its imports, and each layer imports only
 * from the layers below it.
 */
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, importsInto, valueImports } from '../helpers/imports.js';

describe('value-import cycles among runtime/, generator/ and cli/', () => {
  const found = cycles(importGraph());

  it('no cycle', () => {
    expect(found).toEqual([]);
  });

  it('a cycle is found, and written from its smallest file', () => {
    const graph = new Map([
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'b.ts']],
      ['a.ts', ['b.ts']],
    ]);
    expect(cycles(graph)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts', 'b.ts -> c.ts -> b.ts']);
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('an import used only as a type is not an edge; one used as a value, a side-effect import and a re-export are', () => {
    const source = [
      "import { A } from './types-only.js';",
      "import type { B } from './type-keyword.js';",
      "import { type C, d } from './mixed.js';",
      "import './side-effect.js';",
      "export { e } from './re-export.js';",
      "export type { F } from './type-re-export.js';",
      'export const x: A | B | C = d;',
    ].join('\n');
    expect(valueImports(source, 'x.ts')).toEqual(['./mixed.js', './side-effect.js', './re-export.js']);
  });
});

describe('layering', () => {
  it('the catalog model (generator/catalog/) imports nothing from the emitters (generator/emit/)', () => {
    expect(importsInto('generator/catalog', 'generator/emit')).toEqual([]);
  });

  it('the runtime imports nothing from the generator or the CLI', () => {
    expect([...importsInto('runtime', 'generator'), ...importsInto('runtime', 'cli')]).toEqual([]);
  });
});
