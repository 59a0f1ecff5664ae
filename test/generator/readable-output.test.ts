/**
 * The generated TypeScript is reviewed as diffs, so it must read like code a
 * person wrote: one quote style, two-space indentation, no runs of blank
 * lines, no empty imports or interfaces, tables one entry per line. Checked on
 * the committed output of our catalog and of both fixtures. (validators.ts is
 * ajv's standalone code, kept as ajv prints it.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const OUTPUTS = ['generated', 'test/fixtures/catalogs/minimal/generated', 'test/fixtures/catalogs/shop/generated'];
const files = OUTPUTS.flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.ts') && f !== 'validators.ts')
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(ROOT, dir, f), 'utf8') })),
);

/** Every string literal token of a file, as written. */
function stringLiterals(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const out: string[] = [];
  for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
    if (t === ts.SyntaxKind.StringLiteral) out.push(scanner.getTokenText());
  }
  return out;
}

describe('generated TypeScript reads like hand-written code', () => {
  it('covers every output file', () => {
    expect(files.length).toBeGreaterThanOrEqual(OUTPUTS.length * 9);
  });

  it.each(files)('$name: double quotes only', ({ text }) => {
    expect(stringLiterals(text).filter((s) => s.startsWith("'"))).toEqual([]);
  });

  it.each(files)('$name: two-space indentation, no tabs, no trailing spaces, no runs of blank lines', ({ text }) => {
    const bad = text.split('\n').flatMap((line, i) => {
      const indent = /^ */.exec(line)![0].length;
      const inComment = /^\s*\*/.test(line);
      return (indent % 2 !== 0 && !inComment) || /\t/.test(line) || / +$/.test(line) ? [`${i + 1}: ${line}`] : [];
    });
    expect(bad).toEqual([]);
    expect(text).not.toMatch(/\n\n\n/);
  });

  it.each(files)('$name: no empty imports, interfaces or alias entries', ({ text }) => {
    expect(text).not.toMatch(/import (type )?["{]\s*}?\s*["]/);
    expect(text).not.toMatch(/interface \w+( extends [\w, ]+)? \{\s*\}/);
    expect(text).not.toMatch(/^\s+[A-Z_0-9]+: \{\},$/m);
  });

  it.each(files)('$name: imports and tables wrapped (no line over 160 columns outside a string)', ({ text }) => {
    const long = text.split('\n').filter((line) => line.length > 160 && !/["`].{60,}["`]/.test(line));
    expect(long).toEqual([]);
  });
});
