/**
 * The hostile catalog corpus (catalogs.ts): every case is either refused by
 * `validate` and `codegen` (exit 2, only `file:line:col: message` lines, one
 * of them at the offending key, nothing written), or generated into code that
 * compiles under the strictest settings, is emitted by plain tsc, imports in
 * Node without running anything the catalog wrote (the canary
 * `globalThis.PWN` stays unset, no `PWNED-FILE` appears, the process does not
 * exit), and whose validators still accept a good payload and refuse one
 * without its required fields.
 *
 * All accepted catalogs share one tsc program and one node process (a few
 * seconds each), so the corpus can grow cheaply.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, type Node } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { codegen, validate } from '../../../cli/codegen.js';
import { generate, type GeneratedFile } from '../../../generator/index.js';
import { displayPath } from '../../../generator/io.js';
import { ROOT } from '../../helpers/cli.js';
import { compileApp, formatDiagnostics, type CompiledApp } from '../../helpers/compile-app.js';
import { BASE_SAMPLE, hostileCases, type HostileCase } from './catalogs.js';

const Ajv = AjvModule.default ?? AjvModule;
const CASES = hostileCases();
const PROBLEM_LINE = /^(.+):(\d+):(\d+): (.+)$/;

let work: string;
/** name → what generate() made of it. */
const generated = new Map<string, readonly GeneratedFile[] | { problems: string[] } | { crashed: string }>();
let app: CompiledApp | undefined;
/** name → problems found when running it in Node. */
const runProblems = new Map<string, string[]>();

function sourcesOf(c: HostileCase, dir: string) {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(c.files)) writeFileSync(join(dir, file), text);
  return Object.entries(c.files).map(([file, text]) => ({ path: join(dir, file), text }));
}

/**
 * The span of the offending node in a YAML text: from its key (or `text`) to
 * the end of its value, as 1-based line/col. A refusal must point inside it.
 */
function spanOf(text: string, at: NonNullable<HostileCase['refusedAt']>): { start: { line: number; col: number }; end: { line: number; col: number } } {
  const lc = new LineCounter();
  if (at.text !== undefined) {
    const offset = text.indexOf(at.text);
    if (offset < 0) throw new Error(`text ${at.text} not in file`);
    parseAllDocuments(text, { lineCounter: lc });
    return { start: lc.linePos(offset), end: lc.linePos(offset + at.text.length) };
  }
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  let node: unknown = doc.contents;
  let start = (node as Node).range?.[0] ?? 0;
  for (const seg of at.path ?? []) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) throw new Error(`no key ${seg} in ${at.file}`);
      start = (pair.key as Node).range![0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      start = (node as Node).range![0];
    } else throw new Error(`cannot follow ${String(seg)} in ${at.file}`);
  }
  const end = (node as Node | null)?.range?.[1] ?? start + 1;
  return { start: lc.linePos(start), end: lc.linePos(Math.max(end, start + 1)) };
}

function within(p: { line: number; col: number }, span: ReturnType<typeof spanOf>): boolean {
  const le = (a: { line: number; col: number }, b: { line: number; col: number }) => a.line < b.line || (a.line === b.line && a.col <= b.col);
  return le(span.start, p) && le(p, span.end);
}

/** Runs a CLI command in this process, capturing its output. */
function cli(run: () => number): { code: number; stderr: string; stdout: string } {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const o = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    return { code: run(), stderr: err.join('\n'), stdout: out.join('\n') };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

/** Static checks of the non-TypeScript outputs: JSON Schemas that parse and compile, an AsyncAPI document that parses, docs without a live script tag. */
function documentProblems(files: readonly GeneratedFile[]): string[] {
  const problems: string[] = [];
  const ajv = new Ajv({ strict: false, validateFormats: false });
  for (const f of files) {
    if (f.path.endsWith('.json')) {
      try {
        const schema = JSON.parse(f.content) as Record<string, unknown>;
        ajv.compile({ ...schema, $id: undefined });
      } catch (e) {
        problems.push(`${f.path}: ${(e as Error).message.split('\n')[0]}`);
      }
    } else if (f.path.endsWith('.yaml')) {
      const docs = parseAllDocuments(f.content);
      const errors = Array.isArray(docs) ? docs.flatMap((d) => d.errors) : [];
      if (!Array.isArray(docs) || docs.length !== 1 || errors.length > 0) problems.push(`${f.path}: not one valid YAML document: ${errors.map((e) => e.message).join('; ')}`);
    } else if (f.path.endsWith('.md')) {
      // Inside a code span `…` a tag is shown as text; anywhere else it is live HTML in most renderers.
      const prose = f.content.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, '');
      if (/<script/i.test(prose)) problems.push(`${f.path}: a raw <script> tag outside code spans`);
    }
  }
  return problems;
}

const RUNNER = (cases: readonly HostileCase[]) => `
import assert from 'node:assert/strict';
import { createRouter, silentLogger } from 'ringrift-events/runtime';
/** A router of the case's own (the process-wide one belongs to the first catalog that asked). */
const newRouter = (m) => createRouter({ registry: m.REGISTRY, logger: silentLogger });
const CASES = [
${cases
  .map((c) => {
    const sample = c.sample === undefined ? BASE_SAMPLE : c.sample;
    return `  { name: ${JSON.stringify(c.name)}, sample: ${JSON.stringify(sample)}, check: async (m, SAMPLE) => { ${c.check ?? ''} } },`;
  })
  .join('\n')}
];
for (const c of CASES) {
  report({ start: c.name });
  const problems = [];
  delete globalThis.PWN;
  try {
    const m = await load(c.name);
    if (globalThis.PWN !== undefined) problems.push('importing ran catalog code: PWN = ' + globalThis.PWN);
    if (c.sample) {
      const { event, payload } = c.sample;
      const r = m.validatePayload(event, payload);
      if (!r.ok) problems.push('a valid ' + event + ' payload was refused: ' + JSON.stringify(r.issues ?? r));
      const required = m.EVENT_METADATA?.[event]?.requiredFields ?? [];
      for (const f of required) {
        const p = { ...payload };
        delete p[f];
        if (m.validatePayload(event, p).ok) problems.push(event + ' without its required ' + f + ' was accepted');
      }
      if (m.validatePayload(event, 'not an object').ok) problems.push(event + ': a string payload was accepted');
    }
    await c.check(m, c.sample);
  } catch (e) {
    problems.push('threw: ' + (e && e.stack ? e.stack.split('\\n').slice(0, 4).join(' | ') : String(e)));
  }
  if (globalThis.PWN !== undefined) problems.push('catalog code ran: PWN = ' + globalThis.PWN);
  report({ done: c.name, problems });
}
`;

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  work = mkdtempSync(join(ROOT, '.tmp', 'hostile-'));
  for (const c of CASES) {
    await new Promise((r) => setImmediate(r)); // let the worker answer vitest between catalogs
    const sources = sourcesOf(c, join(work, 'src', c.name));
    try {
      const result = generate(sources);
      generated.set(c.name, result.ok ? result.files : { problems: result.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`) });
    } catch (e) {
      generated.set(c.name, { crashed: (e as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(e) });
    }
  }
  const accepted = CASES.filter((c) => Array.isArray(generated.get(c.name)));
  if (accepted.length === 0) return;
  app = await compileApp(accepted.map((c) => ({ name: c.name, files: generated.get(c.name) as GeneratedFile[] })));
  // One node process for all; when one case ends it (process.exit in a payload), the rest run in the next.
  let remaining = accepted;
  while (remaining.length > 0) {
    const r = await app.run(RUNNER(remaining), { timeoutMs: 120_000 });
    let current: string | undefined;
    for (const rep of r.reports as { start?: string; done?: string; problems?: string[] }[]) {
      if (rep.start) current = rep.start;
      if (rep.done) {
        runProblems.set(rep.done, rep.problems ?? []);
        current = undefined;
      }
    }
    if (current) runProblems.set(current, [`the node process ended (exit ${r.code}) while running this case: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`]);
    const next = remaining.filter((c) => !runProblems.has(c.name));
    if (next.length === remaining.length) {
      for (const c of next) runProblems.set(c.name, [`never ran: exit ${r.code}: ${r.stderr.trim().split('\n').slice(0, 5).join(' | ')}`]);
      break;
    }
    remaining = next;
  }
  if (existsSync(join(app.dir, 'PWNED-FILE'))) for (const c of accepted) runProblems.get(c.name)!.push('PWNED-FILE was created');
}, 600_000);

afterAll(() => {
  app?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('hostile catalogs', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.finding} (${c.expect})`, () => {
      const result = generated.get(c.name)!;
      if ('crashed' in result) expect.fail(`generate() threw (the CLI exits 4): ${result.crashed}`);
      if (!Array.isArray(result)) {
        // Refused: both commands, exit 2, only file:line:col lines, one at the offending key; nothing written.
        expect(c.expect, `refused, but must generate:\n${(result as { problems: string[] }).problems.join('\n')}`).not.toBe('generated');
        const dir = join(work, 'src', c.name);
        const out = join(work, 'out', c.name);
        const v = cli(() => validate({ catalog: dir }));
        const g = cli(() => codegen({ catalog: dir, out }));
        for (const r of [v, g]) {
          expect(r.code, r.stderr).toBe(2);
          const lines = r.stderr.trim().split('\n').slice(0, -1);
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(line).toMatch(PROBLEM_LINE);
          if (c.refusedAt) {
            const span = spanOf(c.files[c.refusedAt.file]!, c.refusedAt);
            const file = displayPath(join(dir, c.refusedAt.file));
            const hit = lines.filter((l) => {
              const m = PROBLEM_LINE.exec(l)!;
              return m[1] === file && within({ line: Number(m[2]), col: Number(m[3]) }, span);
            });
            const where = `${file}:${span.start.line}:${span.start.col}–${span.end.line}:${span.end.col}`;
            expect(hit, `no problem within ${where} (${(c.refusedAt.path ?? [c.refusedAt.text]).join('.')})\n${lines.join('\n')}`).not.toEqual([]);
            if (c.refusedAt.message) expect(hit.join('\n')).toMatch(c.refusedAt.message);
          }
        }
        expect(existsSync(out)).toBe(false);
        return;
      }
      expect(c.expect, 'generated, but must be refused').not.toBe('refused');
      const files = result as readonly GeneratedFile[];
      expect(documentProblems(files)).toEqual([]);
      expect(formatDiagnostics(app!.diagnostics(c.name)), 'strictest type check').toBe('');
      expect(formatDiagnostics(app!.emitDiagnostics.filter((d) => d.file.startsWith(`${c.name}/`))), 'plain tsc').toBe('');
      expect(runProblems.get(c.name), 'run in node').toEqual([]);
    });
  }
});

describe('the corpus itself', () => {
  it('has unique names and a position for every refusal it expects', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const c of CASES) if (c.expect !== 'generated') expect(c.refusedAt, c.name).toBeDefined();
    for (const c of CASES) if (c.refusedAt) expect(() => spanOf(c.files[c.refusedAt!.file]!, c.refusedAt!), c.name).not.toThrow();
  });

  it('the canary works: a catalog string that reached code would be caught', async () => {
    const files: GeneratedFile[] = [{ path: 'index.ts', content: 'export const validatePayload = () => ({ ok: true });\n(globalThis as { PWN?: string }).PWN = "canary";\n' }];
    const probe = await compileApp([{ name: 'probe', files }], { typeCheck: false });
    try {
      const r = await probe.run(`delete globalThis.PWN; await load('probe'); report(globalThis.PWN ?? null);`);
      expect(r.reports).toEqual(['canary']);
    } finally {
      probe.dispose();
    }
  });
});

