import { readFileSync } from 'node:fs';
import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';

/** Every name (value or type) an entry point exports. */
function exportedNames(entry: string): string[] {
  const project = new Project({ tsConfigFilePath: 'tsconfig.json', skipAddingFilesFromTsConfig: true });
  const file = project.addSourceFileAtPath(entry);
  project.resolveSourceFileDependencies();
  return [...file.getExportedDeclarations().keys()].sort();
}

/** The backticked names of a README section, from its heading to the next. */
function documentedNames(readme: string, heading: string): string[] {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `${readme} has a section "${heading}"`).toBeGreaterThan(-1);
  const end = text.indexOf('\n## ', start + heading.length + 2);
  const section = text.slice(start, end === -1 ? undefined : end);
  const list = section.slice(section.indexOf('\n- '));
  return [...new Set([...list.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!))].sort();
}

describe('the documented API is the API', () => {
  it.each([
    ['ringrift-events/runtime', 'runtime/index.ts', 'runtime/README.md'],
    ['ringrift-events/runtime/sqlite', 'runtime/sqlite/index.ts', 'runtime/sqlite/README.md'],
    ['ringrift-events/runtime/nats', 'runtime/nats/index.ts', 'runtime/nats/README.md'],
  ])('%s exports exactly the names the "Public API" section of its README lists', (_entry, index, readme) => {
    expect(exportedNames(index)).toEqual(documentedNames(readme, '## Public API'));
  });
});
