/**
 * `docs/EVENT_CATALOG.md` renders: every event of the catalog appears once
 * with its facts and payload table, every table row has its header's number of
 * cells, every `#anchor` link names a heading (by GitHub's slug rules,
 * re-derived here from the rendered headings) and every relative link names a
 * generated file. The fixture's deliberately tricky descriptions stay inside
 * their cells.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { CatalogModel } from '../../generator/catalog/model.js';
import { fieldIndex } from '../../generator/emit/docs/fields.js';
import { BANNER_MARKER } from '../../generator/emit/output.js';
import { readCatalogDir } from '../../generator/io.js';
import * as g from '../../generated/index.js';
import { minimal } from '../helpers/fixture.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CASES = [
  { name: 'catalog', catalog: `${ROOT}catalog`, out: `${ROOT}generated`, exports: g as Record<string, unknown> },
  { name: 'minimal fixture', catalog: `${ROOT}test/fixtures/catalogs/minimal`, out: `${ROOT}test/fixtures/catalogs/minimal/generated`, exports: minimal as Record<string, unknown> },
];

function modelOf(dir: string): CatalogModel {
  const built = buildCatalog(readCatalogDir(dir));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
}

/** The document outside fenced code blocks, line by line. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (line.startsWith('```')) return (fenced = !fenced), false;
    return !fenced;
  });
}

/** GFM cells: split on `|` not escaped by a backslash (the escape holds inside code spans too). */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && i + 1 < row.length) current += c + row[++i];
    else if (c === '|') (cells.push(current.trim()), (current = ''));
    else current += c;
  }
  return cells;
}

/** What GitHub shows of a heading's Markdown: escapes and code-span backticks gone, entities decoded. */
function renderedText(md: string): string {
  return md
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** github-slugger, independently of the generator's Slugger. */
function githubAnchors(headings: string[]): Set<string> {
  const occurrences = new Map<string, number>();
  const anchors = new Set<string>();
  for (const h of headings) {
    const base = h.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    let slug = base;
    while (occurrences.has(slug)) {
      occurrences.set(base, occurrences.get(base)! + 1);
      slug = `${base}-${occurrences.get(base)}`;
    }
    occurrences.set(slug, 0);
    anchors.add(slug);
  }
  return anchors;
}

describe.each(CASES)('EVENT_CATALOG.md of the $name', ({ catalog, out, exports }) => {
  const model = modelOf(catalog);
  const path = join(out, 'docs', 'EVENT_CATALOG.md');
  const markdown = readFileSync(path, 'utf8');
  const prose = proseLines(markdown);
  const headings = prose.filter((l) => /^#{1,6} /.test(l)).map((l) => renderedText(l.replace(/^#+ /, '')));

  it('starts with the generated banner, within what the drift check reads', () => {
    expect(markdown.slice(0, 400)).toContain(BANNER_MARKER);
    expect(markdown.startsWith('<!--')).toBe(true);
  });

  it('has every event of the catalog, once, under its category, and every category', () => {
    const eventHeadings = prose.filter((l) => l.startsWith('#### ')).map((l) => l.slice(5));
    expect(eventHeadings.sort()).toEqual(model.events.map((e) => e.name));
    let category = '';
    for (const line of prose) {
      if (line.startsWith('### ')) category = renderedText(line.slice(4));
      if (line.startsWith('#### ')) {
        const event = model.events.find((e) => e.name === line.slice(5))!;
        expect(model.categories.find((c) => c.name === event.category)!.title).toBe(category);
      }
    }
    for (const c of model.categories) expect(headings).toContain(c.title);
  });

  it('gives each event its value, topic, stage, cross-process name, producers, consumers, emit function and schema', () => {
    const sections = markdown.split(/^#### /m).slice(1);
    for (const event of model.events) {
      const section = sections.find((s) => s.startsWith(`${event.name}\n`))!;
      expect(section).toContain(`| Value | \`${event.value}\` |`);
      expect(section).toContain(`| Topic | \`${event.topic}\` |`);
      if (event.stage) expect(section).toContain(`| Stage | \`${event.stage}\` |`);
      if (event.crossProcess) expect(section).toContain(`| Cross-process name | \`${event.crossProcess}\` |`);
      for (const p of [...event.producers, ...event.consumers]) expect(section).toContain(p);
      expect(section).toContain(`(../schemas/${event.value}.json)`);
      // Every emit function the docs name is exported by the generated code.
      const emitRow = section.split('\n').find((l) => l.startsWith('| Emit |'))!;
      const names = [...emitRow.matchAll(/`(emit[A-Za-z0-9]+)\(/g)].map((m) => m[1]!);
      expect(names.length, event.name).toBeGreaterThan(0);
      for (const n of names) expect(exports[n], n).toBeTypeOf('function');
      for (const f of event.fields) expect(section).toMatch(new RegExp(`^\\| \`${f.name}\` \\|[^\\n]*\\| ${f.required ? 'yes' : 'no'} \\|`, 'm'));
    }
  });

  it('every table row has as many cells as its header', () => {
    let width = 0;
    let rows = 0;
    for (const [i, line] of prose.entries()) {
      if (!line.startsWith('|')) {
        width = 0;
        continue;
      }
      expect(line.endsWith('|'), line).toBe(true);
      const cells = tableCells(line);
      if (width === 0) {
        width = cells.length;
        expect(tableCells(prose[i + 1]!).every((c) => /^-+$/.test(c)), `header of ${line}`).toBe(true);
      } else {
        expect(cells, line).toHaveLength(width);
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(model.events.length);
  });

  it('every link resolves: anchors to headings, relative paths to generated files', () => {
    const anchors = githubAnchors(headings);
    const targets = prose.flatMap((l) => [...l.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!));
    expect(targets.length).toBeGreaterThan(model.events.length);
    for (const target of targets) {
      if (target.startsWith('#')) expect(anchors.has(target.slice(1)), target).toBe(true);
      else expect(existsSync(join(dirname(path), decodeURIComponent(target))), target).toBe(true);
    }
    // And every event is linked to from its category's table.
    for (const e of model.events) expect(targets).toContain(`#${e.name.toLowerCase()}`);
  });

  it('indexes fields across events, saying whether their types agree', () => {
    const index = fieldIndex(model);
    const rows = prose.filter((l) => /^\| `[a-z0-9_]+`( \(shared: [^)]*\))? \| (yes|\*\*no\*\*) \|/.test(l));
    expect(rows).toHaveLength(index.length);
    for (const use of index) {
      const row = rows.find((r) => r.startsWith(`| \`${use.name}\` `))!;
      expect(row).toContain(use.agree ? '| yes |' : '| **no** |');
      expect(row).toContain(`| ${use.events.length}: `);
      for (const e of use.events) expect(row).toContain(`[${e}](#${e.toLowerCase()})`);
    }
  });
});

describe('the tricky text of the fixture', () => {
  const markdown = readFileSync(`${ROOT}test/fixtures/catalogs/minimal/generated/docs/EVENT_CATALOG.md`, 'utf8');

  it('JOB_DONE\'s description keeps its code span and escapes the rest, in the table and the paragraph', () => {
    const escaped = 'A job finished. Tricky text: `backticks`, a \\*/ comment end, \\${template} and "quotes".';
    expect(markdown).toContain(`\n${escaped}\n`);
    expect(markdown).toContain(`| [JOB_DONE](#job_done) | \`job_done\` | \`job.done\` | ${escaped} |`);
  });

  it('the flow title and description cannot open HTML, a table cell or math', () => {
    expect(markdown).toContain('### Job lifecycle &lt;start&gt; \\| "done"');
    expect(markdown).toContain('tricky text: `a | b`, \\*stars\\*, \\$math\\$ and &lt;b&gt;html&lt;/b&gt;.');
  });

  it('an event known only by name says so', () => {
    const section = markdown.split(/^#### /m).find((s) => s.startsWith('JOB_ODD\n'))!;
    expect(section).toContain('The reference documents give only this event\'s name: its payload has only the common fields.');
  });
});
