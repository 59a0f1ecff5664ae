/**
 * `codegen --check` gives one answer for the repository's own generated/,
 * however the CLI is run: `npm run codegen:check` (tsx, sources), the bin
 * after `npm run build` (compiled dist/), and the bin of a copy installed from
 * `npm pack` into an app outside this checkout. All three run on a copy of the
 * repository, so a catalog edit there shows each reporting the same drift.
 * The generated code's runtime import comes from the catalog's
 * `runtime_import`, never from where the CLI runs, so the answers agree.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { run as runProcess, type RunResult as Run, FRESH_SHELL_ENV } from '../helpers/process.js';

/** What a checkout holds that building, packing and generating need (node_modules is linked). */
const REPO_ENTRIES = ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'docs', 'bin', 'cli', 'generator', 'runtime', 'generated', 'catalog', 'scripts', 'tsconfig.json', 'tsconfig.build.json'];

const run = (command: string, args: readonly string[], cwd: string, timeoutMs = 180_000): Promise<Run> =>
  runProcess(command, args, { cwd, env: FRESH_SHELL_ENV, timeoutMs });

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** One way of running the check; `cwd` resolves the paths it prints. */
interface Way {
  readonly name: string;
  readonly cwd: string;
  check(): Promise<Run>;
}

/** The verdict of a run, independent of how the paths were displayed. */
interface Verdict {
  readonly code: number | null;
  readonly upToDate?: { readonly out: string; readonly catalog: string; readonly files: number };
  readonly drift: readonly string[];
  readonly drifted: boolean;
}

function verdict(way: Way, r: Run): Verdict {
  const at = (shown: string) => resolve(way.cwd, shown);
  const ok = /^(.+): up to date with (.+) \((\d+) files\)$/m.exec(r.stdout);
  const drift = [...r.stderr.matchAll(/^(stale|missing|orphaned): (.+)$/gm)].map((m) => `${m[1]} ${relative(join(repo, 'generated'), at(m[2]!))}`).sort();
  return {
    code: r.code,
    ...(ok ? { upToDate: { out: at(ok[1]!), catalog: at(ok[2]!), files: Number(ok[3]) } } : {}),
    drift,
    drifted: /has drifted from/.test(r.stderr),
  };
}

let base: string;
let repo: string;
let installed: string;
let tarball: string;
const ways: Way[] = [];

beforeAll(() => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  base = mkdtempSync(join(ROOT, '.tmp', 'check-'));
  repo = join(base, 'repo');
  mkdirSync(repo);
  for (const entry of REPO_ENTRIES) cpSync(join(ROOT, entry), join(repo, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  // The installed copy lives outside the checkout, so nothing resolves from this repository's node_modules.
  installed = mkdtempSync(join(tmpdir(), 'rr-installed-'));
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
  if (installed) rmSync(installed, { recursive: true, force: true });
});

describe('the package scripts', () => {
  it('pack builds dist/ (prepack), and npm ci starts no build (no install or prepare scripts)', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prepack).toMatch(/scripts\/build\.mjs|npm run build/);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare']) {
      expect(scripts, `"${hook}" runs on npm ci`).not.toHaveProperty(hook);
    }
  });
});

describe('codegen --check: one answer however the CLI runs', () => {
  it('npm run codegen:check (sources through tsx)', async () => {
    ways.push({ name: 'npm run codegen:check', cwd: repo, check: () => run('npm', ['run', '--silent', 'codegen:check'], repo) });
    const r = await ways[0]!.check();
    expect(r.code, show(r)).toBe(0);
    expect(verdict(ways[0]!, r)).toEqual({
      code: 0,
      upToDate: { out: join(repo, 'generated'), catalog: join(repo, 'catalog'), files: expect.any(Number) },
      drift: [],
      drifted: false,
    });
  }, 180_000);

  it('bin/ringrift-events.js after npm run build (compiled dist/)', async () => {
    const build = await run('npm', ['run', 'build'], repo, 300_000);
    expect(build.code, show(build)).toBe(0);
    expect(existsSync(join(repo, 'dist/cli/main.js'))).toBe(true); // so the bin runs the compiled CLI, not tsx
    ways.push({ name: 'bin after build', cwd: repo, check: () => run(process.execPath, ['bin/ringrift-events.js', 'codegen', '--check'], repo) });
    const [first, second] = [ways[0]!, ways[1]!];
    const [a, b] = await Promise.all([first.check(), second.check()]);
    expect(verdict(second, b)).toEqual(verdict(first, a));
  }, 420_000);

  it('npm pack ships bin, dist, catalog, the generated documents and the documents the README links, and nothing of the sources or tests', async () => {
    const packDir = join(base, 'pack');
    mkdirSync(packDir);
    rmSync(join(repo, 'dist'), { recursive: true, force: true }); // prepack must build it
    const pack = await run('npm', ['pack', '--pack-destination', packDir], repo, 300_000);
    expect(pack.code, show(pack)).toBe(0);
    const tgz = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(tgz).toEqual([`ringrift-events-${version}.tgz`]);
    tarball = join(packDir, tgz[0]!);
    const list = await run('tar', ['tzf', tarball], base);
    expect(list.code, show(list)).toBe(0);
    const files = list.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'bin/ringrift-events.js', 'dist/cli/main.js', 'dist/generated/index.js', 'dist/generated/index.d.ts', 'dist/runtime/index.js', 'dist/generator/index.js', 'catalog/catalog.yaml', 'generated/asyncapi.yaml', 'LICENSE', 'runtime/README.md', 'runtime/sqlite/README.md', 'runtime/nats/README.md', 'docs/nats.md']) {
      expect(files, f).toContain(f);
    }
    // The runtime's READMEs are the only files of a source directory (they document the entries' public API); the source maps carry their sources.
    const readmes = ['runtime/README.md', 'runtime/sqlite/README.md', 'runtime/nats/README.md'];
    expect(files.filter((f) => /^(test|cli|generator|runtime|scripts|node_modules|\.tmp)\//.test(f) && !readmes.includes(f))).toEqual([]);
    // The generated catalog once: compiled in dist/generated (the package's "." export), not also as generated/*.ts.
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  }, 420_000);

  it('the bin of a copy installed from the tarball, run from an app outside the checkout', async () => {
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'installed-app', private: true, type: 'module' }, null, 2));
    const install = await run('npm', ['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], installed, 420_000);
    expect(install.code, show(install)).toBe(0);
    const bin = join(installed, 'node_modules/ringrift-events/bin/ringrift-events.js');
    expect(existsSync(bin)).toBe(true);
    ways.push({
      name: 'installed bin',
      cwd: installed,
      check: () => run(process.execPath, [bin, 'codegen', '--catalog', join(repo, 'catalog'), '--out', join(repo, 'generated'), '--check'], installed),
    });
    const [first, third] = [ways[0]!, ways[2]!];
    const [r, a] = await Promise.all([third.check(), first.check()]);
    expect(verdict(third, r)).toEqual(verdict(first, a));
    expect(r.code, show(r)).toBe(0);
  }, 600_000);

  it('after a catalog edit, all three report the same drift (exit 1, the same stale files)', async () => {
    expect(ways.map((w) => w.name)).toEqual(['npm run codegen:check', 'bin after build', 'installed bin']);
    // The compiled bin of the copy needs its dist/ again (the pack test removed and rebuilt it).
    expect(existsSync(join(repo, 'dist/cli/main.js'))).toBe(true);
    const training = join(repo, 'catalog/training.yaml');
    const text = readFileSync(training, 'utf8');
    const edited = text.replace(/(\n\s+description: )([^\n]+)/, '$1Edited, $2');
    expect(edited).not.toBe(text);
    writeFileSync(training, edited);
    const runs = await Promise.all(ways.map((w) => w.check())); // read-only: run side by side
    const verdicts = ways.map((w, i) => {
      expect(runs[i]!.code, `${w.name}\n${show(runs[i]!)}`).toBe(1);
      return verdict(w, runs[i]!);
    });
    expect(verdicts[0]!.drifted).toBe(true);
    expect(verdicts[0]!.drift.length).toBeGreaterThan(0);
    expect(verdicts[0]!.drift.every((d) => d.startsWith('stale '))).toBe(true);
    expect(verdicts[1]).toEqual(verdicts[0]);
    expect(verdicts[2]).toEqual(verdicts[0]);
  }, 300_000);
});
