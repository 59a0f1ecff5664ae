/**
 * The docs and interop outputs are under the drift check like the code: each
 * carries the banner where `compareWithDisk` looks (HTML comment, `#` comment,
 * `$comment` first), so a stale, missing or orphaned one is reported and an
 * orphan is removed, while hand-written files beside them are left alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/index.js';
import { BANNER_MARKER } from '../../generator/emit/output.js';
import { compareWithDisk, readCatalogDir, writeGenerated } from '../../generator/io.js';

const CATALOG = fileURLToPath(new URL('../../catalog', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function generated() {
  const result = generate(readCatalogDir(CATALOG));
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result;
}

describe('drift check over docs, schemas and AsyncAPI', () => {
  const result = generated();
  const files = result.files;

  it('produces the document, one schema per event, the AsyncAPI document and the schema ids, each with the banner in its first 400 characters', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain('docs/EVENT_CATALOG.md');
    expect(paths).toContain('asyncapi.yaml');
    expect(paths).toContain('schema-ids.ts');
    expect(paths.filter((p) => p.startsWith('schemas/'))).toHaveLength(result.model.events.length);
    for (const f of files) expect(f.content.slice(0, 400), f.path).toContain(BANNER_MARKER);
    expect(files.find((f) => f.path === 'index.ts')!.content).toContain('export * from "./schema-ids.js";');
  });

  it('reports stale, missing and orphaned docs and schemas, and removes only generated orphans', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringrift-docs-drift-'));
    dirs.push(dir);
    writeGenerated(dir, files);
    expect(compareWithDisk(dir, files)).toEqual({ stale: [], missing: [], orphaned: [] });

    const doc = join(dir, 'docs/EVENT_CATALOG.md');
    writeFileSync(doc, readFileSync(doc, 'utf8').replace('TRAINING_COMPLETED', 'TRAINING_DONE'));
    writeFileSync(join(dir, 'asyncapi.yaml'), `${readFileSync(join(dir, 'asyncapi.yaml'), 'utf8')}# edited\n`);
    unlinkSync(join(dir, 'schemas/training_completed.json'));
    // A schema the catalog no longer produces, and a hand-written file beside the generated ones.
    const orphan = files.find((f) => f.path === 'schemas/model_promoted.json')!.content.replace(/model_promoted/g, 'model_retired');
    writeFileSync(join(dir, 'schemas/model_retired.json'), orphan);
    writeFileSync(join(dir, 'schemas/README.json'), '{ "note": "hand-written" }\n');
    writeFileSync(join(dir, 'docs/NOTES.md'), '# Hand-written notes\n');

    expect(compareWithDisk(dir, files)).toEqual({
      stale: ['asyncapi.yaml', 'docs/EVENT_CATALOG.md'],
      missing: ['schemas/training_completed.json'],
      orphaned: ['schemas/model_retired.json'],
    });
    const { written, removed } = writeGenerated(dir, files);
    expect(written.sort()).toEqual(['asyncapi.yaml', 'docs/EVENT_CATALOG.md', 'schemas/training_completed.json']);
    expect(removed).toEqual(['schemas/model_retired.json']);
    expect(existsSync(join(dir, 'schemas/README.json'))).toBe(true);
    expect(existsSync(join(dir, 'docs/NOTES.md'))).toBe(true);
    expect(compareWithDisk(dir, files)).toEqual({ stale: [], missing: [], orphaned: [] });
  });

  it('is deterministic: the sources in another order give byte-identical docs, schemas and AsyncAPI', () => {
    const again = generate([...readCatalogDir(CATALOG)].reverse());
    expect(again.ok && again.files).toEqual(files);
    for (const f of files) expect(f.content, f.path).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/);
  });
});
