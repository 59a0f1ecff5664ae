/**
 * pyright (strict) on the generated Python: the packages of our catalog, of
 * the fixture catalogs and of the hostile catalog type-check clean, so does a
 * fixture of correct usage, and a fixture of wrong usages is reported on each
 * marked line for the marked reason (test/fixtures/python/typing). One pyright
 * run covers them all (it is the slow part: about 10 s for our catalog).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCases } from '../generator/hostile/catalogs.js';
import { run } from '../helpers/process.js';
import { generatePython, havePython, ROOT, tempDir, writeHostileCatalog } from './helpers.js';

const FIXTURES = join(ROOT, 'test/fixtures/python/typing');
const PACKAGES = [
  ['ringrift_events', 'catalog'],
  ['minimal_events', 'test/fixtures/catalogs/minimal'],
  ['shop_events', 'test/fixtures/catalogs/shop'],
  ['billing_events', 'test/fixtures/catalogs/billing'],
] as const;

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

let tmp: ReturnType<typeof tempDir>;
let diagnostics: Diagnostic[];

beforeAll(async () => {
  tmp = tempDir('rr-pyright-');
  for (const [pkg, catalog] of PACKAGES) generatePython(join(ROOT, catalog), tmp.path, pkg);
  generatePython(writeHostileCatalog(join(tmp.path, 'hostile-catalog')), tmp.path, 'hostile_events');
  // A catalog whose payloads have no optional field at all (no NotRequired to import).
  const oneEvent = hostileCases().find((c) => c.name === 'one_event')!;
  mkdirSync(join(tmp.path, 'one-event-catalog'));
  for (const [file, text] of Object.entries(oneEvent.files)) writeFileSync(join(tmp.path, 'one-event-catalog', file), text);
  generatePython(join(tmp.path, 'one-event-catalog'), tmp.path, 'one_event_events');
  for (const f of ['correct_usage.py', 'wrong_usages.py']) copyFileSync(join(FIXTURES, f), join(tmp.path, f));
  const include = [...PACKAGES.map(([p]) => p), 'hostile_events', 'one_event_events', 'correct_usage.py', 'wrong_usages.py'];
  // 3.10: the oldest Python the package supports (NotRequired comes from typing_extensions, for the checker only).
  writeFileSync(join(tmp.path, 'pyrightconfig.json'), JSON.stringify({ typeCheckingMode: 'strict', pythonVersion: '3.10', include }));
  const r = await run(process.execPath, [join(ROOT, 'node_modules/pyright/index.js'), '-p', 'pyrightconfig.json', '--outputjson'], { cwd: tmp.path, timeoutMs: 120_000 });
  if (r.code !== 0 && r.code !== 1) throw new Error(`pyright exited ${r.code ?? r.signal}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  const report = JSON.parse(r.stdout) as { generalDiagnostics: { file: string; range: { start: { line: number } }; rule?: string; message: string }[] };
  diagnostics = report.generalDiagnostics.map((d) => ({ file: d.file.slice(tmp.path.length + 1), line: d.range.start.line + 1, rule: d.rule ?? '', message: d.message }));
}, 120_000);
afterAll(() => tmp.cleanup());

const show = (d: Diagnostic) => `${d.file}:${d.line} ${d.rule} ${d.message.split('\n')[0]}`;

describe('pyright --strict on the generated Python', () => {
  it.each([...PACKAGES.map(([p]) => p), 'hostile_events', 'one_event_events'])('the %s package has no diagnostics', (pkg) => {
    expect(diagnostics.filter((d) => d.file.startsWith(`${pkg}/`)).map(show)).toEqual([]);
  });

  it(`a fixture of correct usage has no diagnostics, and runs (its assertions hold)${havePython ? '' : ' (the run skipped: python3 3.10 or later is not on the PATH)'}`, async () => {
    expect(diagnostics.filter((d) => d.file === 'correct_usage.py').map(show)).toEqual([]);
    if (!havePython) return;
    const r = await run('python3', ['correct_usage.py'], { cwd: tmp.path });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('10 0.25');
  });

  it('each wrong usage is reported on its line for the expected reason, and no other line is', () => {
    const marks = new Map<number, { rule: string; text: string }>();
    readFileSync(join(FIXTURES, 'wrong_usages.py'), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /# expect: (\w+) (.+)$/.exec(line);
        if (m) marks.set(i + 1, { rule: m[1]!, text: m[2]! });
      });
    expect(marks.size).toBeGreaterThanOrEqual(7);
    const found = diagnostics.filter((d) => d.file === 'wrong_usages.py');
    for (const [line, mark] of marks) {
      const here = found.filter((d) => d.line === line);
      expect(here.some((d) => d.rule === mark.rule && d.message.includes(mark.text)), `line ${line}: ${mark.rule} ${mark.text}\ngot: ${here.map(show).join('\n')}`).toBe(true);
      // Besides the expected error, only what follows from it: the unknown type of an unknown name.
      expect(here.filter((d) => d.rule !== mark.rule && !d.rule.startsWith('reportUnknown')).map(show)).toEqual([]);
    }
    expect(found.filter((d) => !marks.has(d.line)).map(show)).toEqual([]);
  });
});
