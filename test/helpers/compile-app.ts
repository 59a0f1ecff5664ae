/**
 * Generated code as a user's app gets it, many catalogs at once (each tsc
 * start costs seconds): the files of each catalog (in memory, from
 * `generate()`) are written into `gen/<name>/` of an app made by `makeApp()`
 * (so `ringrift-events/runtime` resolves to the package the global setup
 * built), type-checked in one `tsc` program under the strictest options,
 * emitted by a second, plain NodeNext `tsc` (no flags beyond module and
 * target; the two run side by side), and run in one real `node` process.
 *
 *   const app = await compileApp([{ name: 'a', files }, { name: 'b', files }]);
 *   expect(app.diagnostics('a')).toEqual([]);
 *   const r = await app.run(`const a = await load('a'); report(a.resolveEvent('x'));`);
 *   app.dispose();
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import type { GeneratedFile } from '../../generator/emit/output.js';
import { makeApp } from './app.js';
import { ROOT } from './cli.js';

/** The strictest settings generated code must compile under. */
export const STRICTEST: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noFallthroughCasesInSwitch: true,
  allowUnreachableCode: false,
  allowUnusedLabels: false,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  typeRoots: [join(ROOT, 'node_modules', '@types')],
  skipLibCheck: true,
  noEmit: true,
};

/** Plain `tsc` for NodeNext: no strictness flags, just module and target. */
export const PLAIN: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: ['node'],
  typeRoots: [join(ROOT, 'node_modules', '@types')],
  skipLibCheck: true,
};

export interface AppCatalog {
  /** A directory name: `gen/<name>/`, emitted to `out/<name>/`. */
  readonly name: string;
  readonly files: readonly GeneratedFile[];
  /** More TypeScript (or other) files for the catalog's directory, e.g. a consumer that must type-check against it. */
  readonly extra?: readonly GeneratedFile[];
}

export interface Diagnostic {
  /** Relative to the catalog's directory (`payloads.ts`), or the app (`<global>`). */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly code: number;
  readonly message: string;
}

export interface CompiledApp {
  readonly dir: string;
  /** Diagnostics under STRICTEST of one catalog's files, or of all (keyed `name/file`) when no name is given. */
  diagnostics(name?: string): Diagnostic[];
  /** Diagnostics of the plain emit program (it must emit everything). */
  readonly emitDiagnostics: readonly Diagnostic[];
  /**
   * Runs an ES module in `node` in the app's directory. In scope: `load(name)`,
   * the emitted `index.js` of that catalog; `report(value)`, which prints one
   * JSON line (read back by `reports`); `catalogs`, every name.
   */
  run(script: string, options?: { timeoutMs?: number; env?: Record<string, string> }): Promise<RunResult>;
  dispose(): void;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every value passed to `report()`, in order. */
  readonly reports: unknown[];
}

const REPORT_PREFIX = '\u0001report ';

export async function compileApp(catalogs: readonly AppCatalog[], options: { typeCheck?: boolean } = {}): Promise<CompiledApp> {
  const app = makeApp('compile-');
  const genDir = join(app.dir, 'gen');
  const outDir = join(app.dir, 'out');
  writeFileSync(join(app.dir, 'package.json'), JSON.stringify({ name: 'compiled-app', private: true, type: 'module' }, null, 2));
  const roots: string[] = [];
  const others: { rel: string; content: string }[] = [];
  for (const c of catalogs) {
    if (!/^[a-z0-9][a-z0-9_-]*$/i.test(c.name)) throw new Error(`compileApp: bad catalog name ${c.name}`);
    for (const f of [...c.files, ...(c.extra ?? [])]) {
      const full = join(genDir, c.name, f.path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, f.content);
      if (/\.(c|m)?ts$/.test(f.path)) roots.push(full);
      // Declarations of plain JavaScript (validators.d.cts) are inputs; the JavaScript itself is copied to the output.
      if (!/\.(c|m)?ts$/.test(f.path) || /\.d\.(c|m)?ts$/.test(f.path)) others.push({ rel: join(c.name, f.path), content: f.content });
    }
  }

  // Both programs as real `tsc` processes, side by side (two cores), never blocking this worker.
  const tsconfig = (name: string, compilerOptions: Record<string, unknown>) => {
    const path = join(app.dir, name);
    writeFileSync(path, JSON.stringify({ compilerOptions, files: roots.map((r) => relative(app.dir, r).split(sep).join('/')) }, null, 2));
    return path;
  };
  const strictConfig = tsconfig('tsconfig.strict.json', { ...STRICTEST_JSON, noEmit: true });
  const emitConfig = tsconfig('tsconfig.emit.json', { ...PLAIN_JSON, outDir: 'out', rootDir: 'gen' });
  const [strictRun, emitRun] = await Promise.all([
    options.typeCheck === false ? Promise.resolve({ code: 0, stdout: '', stderr: '' }) : spawnAsync(process.execPath, [TSC, '-p', strictConfig, '--pretty', 'false'], app.dir),
    spawnAsync(process.execPath, [TSC, '-p', emitConfig, '--pretty', 'false'], app.dir),
  ]);
  const strict = parseTscOutput(strictRun.stdout, genDir, app.dir);
  const emitDiagnostics = parseTscOutput(emitRun.stdout, genDir, app.dir);
  for (const o of others) {
    const full = join(outDir, o.rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, o.content);
  }
  writeFileSync(
    join(app.dir, 'harness.mjs'),
    [
      `export const catalogs = ${JSON.stringify(catalogs.map((c) => c.name))};`,
      `export const load = (name) => import('./out/' + name + '/index.js');`,
      `export const report = (value) => process.stdout.write(${JSON.stringify(REPORT_PREFIX)} + JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) + '\\n');`,
      '',
    ].join('\n'),
  );

  let runs = 0;
  return {
    dir: app.dir,
    diagnostics(name?: string) {
      if (name === undefined) return strict.map(({ catalog, ...d }) => ({ ...d, file: `${catalog}/${d.file}` }));
      return strict.filter((d) => d.catalog === name || d.catalog === '<global>' || d.catalog === '<outside>').map(({ catalog: _c, ...d }) => d);
    },
    emitDiagnostics: emitDiagnostics.map(({ catalog, ...d }) => ({ ...d, file: `${catalog}/${d.file}` })),
    async run(script, runOptions = {}) {
      const file = join(app.dir, `run-${++runs}.mjs`);
      writeFileSync(file, `import { load, report, catalogs } from './harness.mjs';\nvoid catalogs; void load; void report;\n${script}\n`);
      const r = await spawnAsync(process.execPath, [file], app.dir, runOptions.timeoutMs ?? 120_000, runOptions.env);
      const reports: unknown[] = [];
      const plain: string[] = [];
      for (const line of r.stdout.split('\n')) {
        if (line.startsWith(REPORT_PREFIX)) reports.push(JSON.parse(line.slice(REPORT_PREFIX.length)));
        else plain.push(line);
      }
      return { code: r.code, stdout: plain.join('\n'), stderr: r.stderr, reports };
    },
    dispose: app.dispose,
  };
}

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The options above as a tsconfig.json spells them. */
const STRICTEST_JSON = toJsonOptions(STRICTEST);
const PLAIN_JSON = toJsonOptions(PLAIN);

function toJsonOptions(options: ts.CompilerOptions): Record<string, unknown> {
  const json: Record<string, unknown> = { ...options };
  json['module'] = 'NodeNext';
  json['moduleResolution'] = 'NodeNext';
  json['target'] = 'ES2022';
  if (options.lib) json['lib'] = options.lib.map((l) => l.replace(/^lib\./, '').replace(/\.d\.ts$/, ''));
  delete json['noEmit'];
  return json;
}

/** `file(line,col): error TS1234: message` lines (continuations indented) of `tsc --pretty false`. */
function parseTscOutput(output: string, genDir: string, appDir: string): (Diagnostic & { catalog: string })[] {
  const list: (Diagnostic & { catalog: string })[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^(.+)\((\d+),(\d+)\): error TS(\d+): (.*)$/.exec(line);
    const g = /^error TS(\d+): (.*)$/.exec(line);
    if (m) {
      const abs = resolve(appDir, m[1]!);
      const rel = relative(genDir, abs).split(sep).join('/');
      const [catalog, ...rest] = rel.startsWith('..') ? ['<outside>', abs] : rel.split('/');
      list.push({ catalog: catalog!, file: rest.join('/'), line: Number(m[2]), col: Number(m[3]), code: Number(m[4]), message: m[5]! });
    } else if (g) {
      list.push({ catalog: '<global>', file: '<global>', line: 0, col: 0, code: Number(g[1]), message: g[2]! });
    } else if (list.length > 0) {
      const last = list[list.length - 1]!;
      list[list.length - 1] = { ...last, message: `${last.message}\n${line.trim()}` };
    } else {
      list.push({ catalog: '<global>', file: '<global>', line: 0, col: 0, code: 0, message: line });
    }
  }
  return list;
}

function spawnAsync(cmd: string, args: readonly string[], cwd: string, timeoutMs = 300_000, env?: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      done({ code: code ?? (signal ? 128 : null), stdout: Buffer.concat(out).toString('utf8'), stderr: signal ? `${stderr}\n[killed by ${signal}]` : stderr });
    });
  });
}

/** One line per diagnostic, for assertion messages. */
export function formatDiagnostics(list: readonly Diagnostic[]): string {
  return list.map((d) => `${d.file}:${d.line}:${d.col}: TS${d.code}: ${d.message}`).join('\n');
}
