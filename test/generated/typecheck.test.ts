/**
 * The generated code compiles under `strict`, and misuse fails to compile for
 * the expected reason: test/fixtures/type-errors/wrong-usages.ts marks each bad
 * line with the TypeScript error code and text it must produce.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRONG = `${ROOT}test/fixtures/type-errors/wrong-usages.ts`;

function compile(files: string[], extra: ts.CompilerOptions = {}): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(files, { ...config.options, ...extra, noEmit: true });
  return ts.getPreEmitDiagnostics(program);
}

function format(d: ts.Diagnostic): string {
  const where = d.file ? `${d.file.fileName.replace(ROOT, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
  return `${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

describe('generated code', () => {
  it('type-checks under strict (main catalog and the fixture catalogs)', () => {
    const diagnostics = compile([
      `${ROOT}generated/index.ts`,
      `${ROOT}test/fixtures/catalogs/minimal/generated/index.ts`,
      `${ROOT}test/fixtures/catalogs/shop/generated/index.ts`,
    ]);
    expect(diagnostics.map(format)).toEqual([]);
  }, 60_000);

  // An app compiles the generated files in its own src/ under its own options (test/package/app.test.ts
  // does so against the built package); here the runtime sources they import are not held to them.
  it.each([
    ['RingRift catalog', 'generated/'],
    ['minimal fixture', 'test/fixtures/catalogs/minimal/generated/'],
    ['shop fixture', 'test/fixtures/catalogs/shop/generated/'],
  ])('the %s type-checks under the strictest options of an app', (_name, path) => {
    const dir = `${ROOT}${path}`;
    const diagnostics = compile([`${dir}index.ts`], {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noPropertyAccessFromIndexSignature: true,
      noImplicitReturns: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      verbatimModuleSyntax: true,
    }).filter((d) => !d.file || d.file.fileName.startsWith(dir));
    expect(diagnostics.map(format)).toEqual([]);
  }, 60_000);

  it('rejects each wrong usage for its expected reason, and nothing else', () => {
    const source = readFileSync(WRONG, 'utf8').split('\n');
    const expected = new Map<number, { code: number; text: string }>();
    source.forEach((line, i) => {
      const m = /^\/\/ @error TS(\d+) (.+)$/.exec(line);
      if (m) expected.set(i + 2, { code: Number(m[1]), text: m[2]! });
    });
    expect(expected.size).toBeGreaterThanOrEqual(9);

    const diagnostics = compile([WRONG]).filter((d) => d.file?.fileName === WRONG);
    const byLine = new Map<number, ts.Diagnostic[]>();
    for (const d of diagnostics) {
      const line = d.file!.getLineAndCharacterOfPosition(d.start!).line + 1;
      byLine.set(line, [...(byLine.get(line) ?? []), d]);
    }
    for (const [line, want] of expected) {
      const got = (byLine.get(line) ?? []).map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(got, `line ${line} should fail with TS${want.code} "${want.text}"`).toContainEqual(expect.stringContaining(`TS${want.code} `));
      expect(got.join('\n'), `line ${line}`).toContain(want.text);
    }
    const unexpected = [...byLine.keys()].filter((line) => !expected.has(line));
    expect(unexpected.map((l) => byLine.get(l)!.map(format).join('\n'))).toEqual([]);
  }, 60_000);
});
