/**
 * ts-proto style: the fixture catalogs' generated output is committed, so a
 * generator change is reviewed as a diff of it. This fails when it is stale.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/index.js';
import { compareWithDisk, readCatalogDir } from '../../generator/io.js';
import { BANNER_MARKER } from '../../generator/emit/output.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/catalogs', import.meta.url));

describe('fixture catalogs', () => {
  for (const name of readdirSync(FIXTURES)) {
    it(`${name}: committed generated output is what the generator produces (run npm run codegen:fixtures)`, () => {
      const dir = join(FIXTURES, name);
      const result = generate(readCatalogDir(dir));
      if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
      expect(compareWithDisk(join(dir, 'generated'), result.files)).toEqual({ stale: [], missing: [], orphaned: [] });
    });
  }

  it('covers the minimal fixture and the shop fixture, a second domain without emitters, extractors or composed_of', () => {
    expect(readdirSync(FIXTURES)).toEqual(expect.arrayContaining(['minimal', 'shop']));
    const result = generate(readCatalogDir(join(FIXTURES, 'shop')));
    if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
    expect(result.model.emitters).toEqual([]);
    expect(result.model.extractors).toEqual([]);
    expect(result.model.configKeys).toEqual([]);
    expect(result.model.events.length).toBe(11);
    expect(result.files.map((f) => f.path)).toContain('emitters.ts');
  });

  it('generation is deterministic: twice the same catalog gives byte-identical files', () => {
    const sources = readCatalogDir(fileURLToPath(new URL('../../catalog', import.meta.url)));
    const a = generate(sources);
    const b = generate([...sources].reverse());
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.files).toEqual(a.files);
    for (const f of a.files) {
      expect(f.content.slice(0, 400), f.path).toContain(BANNER_MARKER);
      expect(f.content, f.path).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/); // no timestamps
    }
  });
});

describe('descriptions that would break the output', () => {
  it('a description with */, backticks, ${} and quotes is kept as data and cannot end a comment early', () => {
    const dir = join(FIXTURES, 'minimal');
    const result = generate(readCatalogDir(dir));
    if (!result.ok) throw new Error('fixture must be valid');
    const payloads = result.files.find((f) => f.path === 'payloads.ts')!.content;
    expect(payloads).toContain('Tricky text: `backticks`, a *\\/ comment end, ${template} and "quotes".');
    // The only `*/` in the file close comments that the generator opened.
    const opened = payloads.match(/\/\*/g)!.length;
    expect(payloads.match(/\*\//g)!.length).toBe(opened);
  });
});
