/**
 * How the hand-written modules may depend on each other (README.md, "Layout"):
 * no module loads itself back through its imports, and each layer imports only
 * from the layers below it.
 */
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, importsInto, valueImports } from '../helpers/imports.js';

/**
 * The value-import cycles that exist today, to be removed when runtime/sqlite/queue.ts is split
 * by role (issue 13): the consumer and the DLQ store take the queue class, and the queue
 * constructs them. This list may only shrink: a new cycle fails, and so does an entry that is
 * gone (delete it, so that it cannot come back unnoticed).
 */
const KNOWN_CYCLES: readonly string[] = [
  'runtime/sqlite/consumer.ts -> runtime/sqlite/queue.ts -> runtime/sqlite/consumer.ts',
  'runtime/sqlite/dlq-store.ts -> runtime/sqlite/queue.ts -> runtime/sqlite/dlq-store.ts',
];

describe('value-import cycles among runtime/, generator/ and cli/', () => {
  const found = cycles(importGraph());

  it('no cycle other than the known ones', () => {
    expect(found.filter((c) => !KNOWN_CYCLES.includes(c))).toEqual([]);
  });

  it('every known cycle still exists (remove the ones that are gone from KNOWN_CYCLES)', () => {
    expect(KNOWN_CYCLES.filter((c) => !found.includes(c))).toEqual([]);
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
