/**
 * Installing the package as a user does: `npm pack` of a copy of the
 * repository, then `npm install <tarball>` into a fresh app outside the
 * checkout, first without the optional peer dependencies (a user who only
 * generates code), then with better-sqlite3. That one is this checkout's
 * build of better-sqlite3 12, installed from its directory: compiling it again
 * takes one to two minutes, longer than vitest lets one test run (a test over
 * 60 s fails the run with "Timeout calling onTaskUpdate"); the README gives
 * the figure of a real compile. The app generates its own catalog (the shop fixture, without
 * `runtime_import`), builds it with plain tsc and runs it with Node; the
 * installed CLI answers --version, codegen --check and `stats --db`, which
 * without better-sqlite3 names the package to install.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { run as runProcess, type RunResult, FRESH_SHELL_ENV } from '../helpers/process.js';

const REPO_ENTRIES = ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'docs', 'bin', 'cli', 'generator', 'runtime', 'generated', 'catalog', 'scripts', 'tsconfig.json', 'tsconfig.build.json'];
const SHOP = join(ROOT, 'test/fixtures/catalogs/shop');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const MISSING = 'ringrift-events/runtime/sqlite needs better-sqlite3: npm install better-sqlite3@12';

type Run = RunResult & { readonly ms: number };

/** Runs a command without blocking the test worker; `ms`, how long it took (reported, never asserted). */
async function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  const started = performance.now();
  const result = await runProcess(command, args, { cwd, env: FRESH_SHELL_ENV, timeoutMs });
  return { ...result, ms: performance.now() - started };
}

/** npm at the lowest priority: packing (tsc) and compiling better-sqlite3 take both cores, and the other test workers must still answer vitest in time. */
function npm(args: readonly string[], cwd: string, timeout?: number): Promise<Run> {
  return run('nice', ['-n', '19', 'npm', ...args], cwd, timeout);
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The app: shop events through the generated emitters, then one through the SQLite queue (or the error saying what to install). */
const MAIN_TS = `import { CrossProcessEventQueue, MissingDependencyError } from 'ringrift-events/runtime/sqlite';
import { emitOrderPlaced, getRouter, REGISTRY, type OrderPlacedPayload } from './events/index.js';

const order: OrderPlacedPayload = {
  order_id: 'ORD-000042',
  customer_id: 'NLD-1001',
  amount_cents: 4250,
  currency: 'EUR',
  placed_at: '2025-03-01T09:30:00Z',
  line_items: [{ sku: 'MUG-RED', quantity: 2, unit_cents: 1200 }],
  notes: null,
};
const seen: string[] = [];
getRouter().subscribe('OrderPlaced', (event) => {
  seen.push(event.type + ':' + event.data.order_id);
});
await emitOrderPlaced(order, { source: 'Storefront' });

let queue: string;
try {
  const q = new CrossProcessEventQueue({ dbPath: process.argv[2] ?? 'events.db', registry: REGISTRY });
  const sent = await q.send('order.placed', { ...order });
  await q.close();
  queue = 'sent ' + String(sent.seq);
} catch (error) {
  queue = error instanceof MissingDependencyError ? 'missing: ' + error.message : 'error: ' + String(error);
}
console.log(JSON.stringify({ seen, queue }));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')], // @types/node, as any Node app has it
    rootDir: 'src',
    outDir: 'build',
  },
  include: ['src'],
};

let base: string;
let repo: string;
let app: string;
let tarball: string;
let bin: string;
const figures: string[] = [];

function du(dir: string): Promise<Run> {
  return run('du', ['-sh', dir], app);
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'rr-install-'));
  repo = join(base, 'repo');
  mkdirSync(repo);
  for (const entry of REPO_ENTRIES) cpSync(join(ROOT, entry), join(repo, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  const packDir = join(base, 'pack');
  mkdirSync(packDir);
  const pack = await npm(['pack', '--pack-destination', packDir], repo, 300_000);
  expect(pack.code, show(pack)).toBe(0);
  tarball = join(packDir, `ringrift-events-${VERSION}.tgz`);
  expect(existsSync(tarball), readdirSync(packDir).join(', ')).toBe(true);

  app = join(base, 'app');
  mkdirSync(join(app, 'catalog'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-app', private: true, type: 'module' }, null, 2));
  for (const f of readdirSync(SHOP).filter((n) => n.endsWith('.yaml'))) {
    const text = readFileSync(join(SHOP, f), 'utf8').replace(/^\s*runtime_import:.*\n/m, '');
    writeFileSync(join(app, 'catalog', f), text);
  }
  expect(readFileSync(join(app, 'catalog/catalog.yaml'), 'utf8')).not.toMatch(/runtime_import/);
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src/main.ts'), MAIN_TS);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  bin = join(app, 'node_modules/.bin/ringrift-events');
}, 360_000);

afterAll(() => {
  if (figures.length > 0) console.log(`install figures:\n  ${figures.join('\n  ')}`);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('installed from the tarball, without the optional peer dependencies', () => {
  it('npm install <tarball> installs neither better-sqlite3 nor the NATS clients', async () => {
    const install = await npm(['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], app, 300_000);
    expect(install.code, show(install)).toBe(0);
    expect(install.stderr, show(install)).not.toMatch(/EBADENGINE/);
    expect(existsSync(join(app, 'node_modules/ringrift-events/dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/better-sqlite3'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@nats-io'))).toBe(false);
    figures.push(`generator only: ${(install.ms / 1000).toFixed(1)} s, ${(await du(join(app, 'node_modules'))).stdout.split('\t')[0]}`);
  }, 300_000);

  it('--version prints the version of package.json', async () => {
    const r = await run(bin, ['--version'], app);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('codegen writes the app catalog, and codegen --check agrees', async () => {
    const gen = await run(bin, ['codegen', '--catalog', 'catalog', '--out', 'src/events'], app);
    expect(gen.code, show(gen)).toBe(0);
    expect(readFileSync(join(app, 'src/events/registry.ts'), 'utf8')).toMatch(/from "ringrift-events\/runtime"|from 'ringrift-events\/runtime'/);
    const check = await run(bin, ['codegen', '--catalog', 'catalog', '--out', 'src/events', '--check'], app);
    expect(check.code, show(check)).toBe(0);
    expect(check.stdout).toMatch(/up to date/);
  });

  it('plain tsc builds the app and Node runs it; the SQLite queue says what to install', async () => {
    const tsc = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
    expect(tsc.code, show(tsc)).toBe(0);
    const r = await run(process.execPath, ['build/main.js', 'events.db'], app);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ seen: ['ORDER_PLACED:ORD-000042'], queue: `missing: ${MISSING}` });
  });

  it('a CommonJS app can require the package (Node >= 20.19)', async () => {
    writeFileSync(join(app, 'check.cjs'), "const r = require('ringrift-events/runtime'); const g = require('ringrift-events'); console.log(typeof r.createRouter, typeof g.resolveEvent);\n");
    const r = await run(process.execPath, ['check.cjs'], app);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe('function function');
  });

  it('stats --db fails with one line naming better-sqlite3', async () => {
    const r = await run(bin, ['stats', '--db', 'events.db'], app);
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr.trim()).toBe(`error: ${MISSING}`);
  });
});

describe('with better-sqlite3 installed', () => {
  it('npm install better-sqlite3 (this checkout\'s build of version 12) makes it available to the app', async () => {
    const built = join(ROOT, 'node_modules/better-sqlite3');
    const install = await npm(['install', built, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app, 600_000);
    expect(install.code, show(install)).toBe(0);
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')), show(install)).toBe(true);
    figures.push(`+ better-sqlite3@12 (linked build): ${(install.ms / 1000).toFixed(1)} s`);
  }, 600_000);

  it('the same build sends through the queue, and stats --db reads it', async () => {
    const tsc = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
    expect(tsc.code, show(tsc)).toBe(0);
    const r = await run(process.execPath, ['build/main.js', 'events.db'], app);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ seen: ['ORDER_PLACED:ORD-000042'], queue: 'sent 1' });
    const stats = await run(bin, ['stats', '--db', 'events.db', '--json'], app);
    expect(stats.code, show(stats)).toBe(0);
    expect((JSON.parse(stats.stdout) as { events: { count: number } }).events.count).toBe(1);
    expect((JSON.parse(stats.stdout) as { catalog: string }).catalog).toBe('shop');
  });

  it('tail --catalog reads the app catalog\'s queue with its real dates; without it, tail says which catalog to pass', async () => {
    const tail = await run(bin, ['tail', '--db', 'events.db', '--catalog', 'catalog', '--from-start', '--count', '1', '--type', 'order.placed'], app);
    expect(tail.code, show(tail)).toBe(0);
    expect(tail.stdout).toMatch(/^#1 20\d\d-\d\d-\d\dT\S+ ORDER_PLACED source=\/shop\/\S+ id=\S+ \{"order_id":"ORD-000042"/);
    const bare = await run(bin, ['tail', '--db', 'events.db', '--from-start', '--count', '1'], app);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/holds events of the catalog "shop".*pass --catalog/);
  });
});
