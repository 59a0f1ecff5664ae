/**
 * The README's quick start for a team with its own catalog, run as written:
 * its snippets are read from README.md by their `<!-- quickstart:… -->`
 * markers, written into a fresh app whose `ringrift-events` is the built
 * package, and its commands run there; the program prints what the README
 * says it prints.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { ROOT } from '../helpers/cli.js';
import { run as runProcess, type RunResult as Run } from '../helpers/process.js';

interface Snippet {
  readonly kind: 'file' | 'run' | 'output';
  readonly path?: string;
  readonly text: string;
}

/** The marked code blocks of README.md, in order. */
function snippets(readme: string): Snippet[] {
  const list: Snippet[] = [];
  for (const m of readme.matchAll(/^<!-- quickstart:(file ([^ ]+)|run|output) -->\n```[a-z]*\n([\s\S]*?)^```$/gm)) {
    const [, what, path, text] = m;
    list.push(what!.startsWith('file') ? { kind: 'file', path: path!, text: text! } : { kind: what as 'run' | 'output', text: text! });
  }
  return list;
}

const run = (command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Run> =>
  runProcess(command, args, { cwd, env: { ...process.env, NODE_OPTIONS: '' }, timeoutMs });

/**
 * One command line of the README as this app runs it: `npx ringrift-events` is
 * the linked package's bin, `npx tsc` this checkout's TypeScript (an app gets it
 * from `npm install -D typescript`), `node` this Node, `npm` npm.
 */
function commandFor(line: string, appDir: string): { command: string; args: string[] } {
  const words = line.replace(/\s+#.*$/, '').trim().split(/\s+/);
  const [first, ...rest] = words;
  if (first === 'npx' && rest[0] === 'ringrift-events') return { command: process.execPath, args: [join(appDir, 'node_modules/ringrift-events/bin/ringrift-events.js'), ...rest.slice(1)] };
  if (first === 'npx' && rest[0] === 'tsc') return { command: process.execPath, args: [join(ROOT, 'node_modules/typescript/bin/tsc'), ...rest.slice(1)] };
  if (first === 'node') return { command: process.execPath, args: rest };
  if (first === 'npm' && rest[0] === 'pkg') return { command: 'npm', args: rest };
  throw new Error(`the quick start runs a command this test does not know: ${line}`);
}

const show = (line: string, r: Run) => `${line}: exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SNIPPETS = snippets(README);
let app: ReturnType<typeof makeApp>;
const runs: { line: string; result: Run }[] = [];

beforeAll(async () => {
  app = makeApp('quickstart-');
  writeFileSync(join(app.dir, 'package.json'), `${JSON.stringify({ name: 'my-shop', version: '1.0.0', private: true }, null, 2)}\n`);
  for (const s of SNIPPETS.filter((x) => x.kind === 'file')) {
    mkdirSync(dirname(join(app.dir, s.path!)), { recursive: true });
    writeFileSync(join(app.dir, s.path!), s.text);
  }
  for (const s of SNIPPETS.filter((x) => x.kind === 'run')) {
    for (const line of s.text.split('\n').filter((l) => l.trim() !== '')) {
      const { command, args } = commandFor(line, app.dir);
      const result = await run(command, args, app.dir);
      runs.push({ line, result });
      if (result.code !== 0) return;
    }
  }
}, 240_000);

afterAll(() => app?.dispose());

describe("README: the quick start for a team's own catalog", () => {
  it('has a catalog, the files of an app, the commands and the output, marked', () => {
    expect(SNIPPETS.filter((s) => s.kind === 'file').map((s) => s.path)).toEqual(['events/catalog.yaml', 'ringrift-events.config.json', 'tsconfig.json', 'src/main.ts']);
    expect(SNIPPETS.filter((s) => s.kind === 'run')).toHaveLength(1);
    expect(SNIPPETS.filter((s) => s.kind === 'output')).toHaveLength(1);
  });

  it('runs every command of the quick start without an error, codegen included', () => {
    expect(runs.map((r) => r.line.replace(/\s+#.*$/, ''))).toEqual(['npm pkg set type=module', 'npx ringrift-events codegen', 'npx tsc', 'node dist/main.js']);
    for (const { line, result } of runs) {
      expect(result.code, show(line, result)).toBe(0);
      expect(result.stderr, show(line, result)).toBe('');
    }
    expect(runs[1]!.result.stdout).toMatch(/src\/events: 2 events, \d+ files; \d+ written/);
  });

  it('prints exactly what the README says it prints', () => {
    const output = SNIPPETS.find((s) => s.kind === 'output')!.text;
    expect(runs.at(-1)!.result.stdout).toBe(output);
  });
});
