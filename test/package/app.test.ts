/**
 * A user's app, built the ordinary ways from the built package: its own
 * catalog (the shop fixture, copied without `runtime_import`, so the generated
 * code imports the installed `ringrift-events/runtime`), the package's CLI,
 * then plain `tsc` under strict options, esbuild, and Vite in SSR mode for
 * Node; each result runs and must deliver events and refuse a bad payload.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { ROOT } from '../helpers/cli.js';
import { run as runProcess, type RunResult as Run } from '../helpers/process.js';

const SHOP = join(ROOT, 'test/fixtures/catalogs/shop');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const ESBUILD = join(ROOT, 'node_modules/esbuild/bin/esbuild');
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

const run = (command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<Run> =>
  runProcess(command, args, { cwd, env: { ...process.env, NODE_OPTIONS: '' }, timeoutMs });

function node(args: readonly string[], cwd: string, timeout?: number): Promise<Run> {
  return run(process.execPath, args, cwd, timeout);
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The app's entry point: typed emitters and subscriptions, a duplicate, and a payload from outside that is refused. */
const MAIN_TS = `import { emitOrderCancelled, emitOrderPlaced, emitPaymentAuthorized, emitPaymentCaptured, getRouter, resolveEvent } from './events/index.js';
import type { OrderCancelledPayload, OrderPlacedPayload } from './events/index.js';

const router = getRouter();
const seen: string[] = [];
let revenue = 0;
router.subscribe('payment.*', (event) => {
  seen.push(event.type);
});
router.subscribe('OrderPlaced', (event) => {
  revenue += event.data.amount_cents;
  seen.push(\`\${event.type}:\${event.data.order_id}\`);
});

const order: OrderPlacedPayload = {
  order_id: 'ORD-000042',
  customer_id: 'NLD-1001',
  amount_cents: 4250,
  currency: 'EUR',
  placed_at: '2025-03-01T09:30:00Z',
  line_items: [{ sku: 'MUG-RED', quantity: 2, unit_cents: 1200 }],
  notes: null,
};
await emitOrderPlaced(order, { source: 'Storefront' });
await emitPaymentAuthorized({ order_id: order.order_id, payment_id: 'pay_3xk9', amount_cents: 4250, currency: 'EUR', risk_score: null });
await emitPaymentCaptured({ order_id: order.order_id, payment_id: 'pay_3xk9', amount_cents: 4250, currency: 'EUR', captured_at: '2025-03-01T09:31:00Z', fees: { provider: 29 } });
const again = await emitOrderPlaced({ ...order, amount_cents: 1 });

// A payload from outside the type system (a queue, an HTTP body): the validators refuse it at run time.
const untrusted = JSON.parse('{"order_id":"ORD-42","reason":"fraud"}') as OrderCancelledPayload;
let refused = '';
try {
  await emitOrderCancelled(untrusted);
} catch (error) {
  refused = error instanceof Error ? error.message : String(error);
}

console.log(JSON.stringify({ seen, revenue, duplicate: again.duplicate, refused, resolved: resolveEvent('orders:placed') ?? null }));
`;

/** What MAIN_TS prints, whichever way it was built. */
function expectRan(r: Run): void {
  expect(r.code, show(r)).toBe(0);
  expect(r.stderr, show(r)).toBe('');
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  expect(result).toEqual({
    seen: ['ORDER_PLACED:ORD-000042', 'PAYMENT_AUTHORIZED', 'PAYMENT_CAPTURED'],
    revenue: 4250,
    duplicate: true,
    refused: expect.stringMatching(/^invalid ORDER_CANCELLED payload: .*order_id/),
    resolved: 'ORDER_PLACED',
  });
}

/** Misuse, one line each: the line after each `// @error TSnnnn text` must fail to compile with that code and text, and no other line may fail. */
const MISUSE_TS = `import { emitOrderPlaced, emitPaymentAuthorized, emitStockLevelChanged, getRouter } from './events/index.js';
import type { OrderPlacedPayload } from './events/index.js';

declare const order: OrderPlacedPayload;
const router = getRouter();

// @error TS2345 not assignable to parameter of type 'OrderPlacedPayload'
void emitOrderPlaced({ order_id: 'ORD-000001' });
// @error TS2322 Type '"JPY"' is not assignable to type 'Currency'
void emitPaymentAuthorized({ order_id: 'ORD-000001', payment_id: 'pay_1', amount_cents: 1, currency: 'JPY' });
// @error TS2322 Type '4' is not assignable
void emitOrderPlaced({ ...order, priority: 4 });
// @error TS2322 Type 'string' is not assignable to type 'number'
void emitStockLevelChanged({ sku: 'MUG-RED', stock_by_warehouse: { WH01: 'many' } });
// @error TS2379 exactOptionalPropertyTypes
void emitOrderPlaced({ ...order, gift_wrap: undefined });
// @error TS2345 Argument of type '"ORDER_SHIPPED"'
void router.publish('ORDER_SHIPPED', {});
// @error TS2353 'sku' does not exist in type 'OrderPlacedPayload'
void router.publish('order.placed', { sku: 'MUG-RED', stock_by_warehouse: {} });
// @error TS2339 Property 'amount_cents' does not exist
router.subscribe('PAYMENT_FAILED', (event) => event.data.amount_cents);
// @error TS2339 Property 'sku' does not exist
router.subscribe('payment.*', (event) => event.data.sku);
// @error TS2769 No overload matches this call
router.subscribe('warehouse.*', () => {});
// Fine: every payment event has an order_id.
router.subscribe('payment.*', (event) => event.data.order_id.toUpperCase());
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noPropertyAccessFromIndexSignature: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

let app: ReturnType<typeof makeApp>;
let codegen: Run;
const elsewhere: string[] = [];

/** A directory outside the checkout, so a bundle cannot fall back on this repository's node_modules. */
function outside(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  elsewhere.push(dir);
  return dir;
}

beforeAll(async () => {
  app = makeApp('shop-app-');
  const catalog = join(app.dir, 'catalog');
  mkdirSync(catalog);
  for (const f of readdirSync(SHOP).filter((f) => f.endsWith('.yaml'))) {
    // An app's catalog does not set runtime_import: its code imports the installed ringrift-events/runtime.
    writeFileSync(join(catalog, f), readFileSync(join(SHOP, f), 'utf8').replace(/^\s*runtime_import:.*\n/m, ''));
  }
  writeFileSync(join(app.dir, 'package.json'), JSON.stringify({ name: 'shop-app', private: true, type: 'module' }, null, 2));
  writeFileSync(join(app.dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  codegen = await node(['node_modules/ringrift-events/bin/ringrift-events.js', 'codegen', '--catalog', 'catalog', '--out', 'src/events'], app.dir);
  writeFileSync(join(app.dir, 'src/main.ts'), MAIN_TS);
}, 120_000);

afterAll(() => {
  app?.dispose();
  for (const dir of elsewhere) rmSync(dir, { recursive: true, force: true });
});

describe("a user's app on the built package", () => {
  it("generates its catalog's code with the package's CLI, importing the installed runtime", () => {
    expect(codegen.code, show(codegen)).toBe(0);
    expect(codegen.stdout).toMatch(/src\/events: 11 events, \d+ files; \d+ written/);
    const sources = readdirSync(join(app.dir, 'src/events')).filter((f) => f.endsWith('.ts'));
    expect(sources).toContain('index.ts');
    const imports = sources.flatMap((f) => [...readFileSync(join(app.dir, 'src/events', f), 'utf8').matchAll(/from ["']([^"']+)["']/g)].map((m) => m[1]!));
    // Only its own modules and the installed package: nothing relative that leaves src/events, nothing but TypeScript and JSON.
    expect(imports.filter((s) => !s.startsWith('./') && s !== 'ringrift-events/runtime')).toEqual([]);
    expect(readdirSync(join(app.dir, 'src/events')).filter((f) => /\.(c|m)?js$|\.d\.c?ts$/.test(f))).toEqual([]);
  });

  it('regenerating writes nothing, and --check agrees from any working directory', async () => {
    const bin = join(app.dir, 'node_modules/ringrift-events/bin/ringrift-events.js');
    const again = await node([bin, 'codegen', '--catalog', 'catalog', '--out', 'src/events'], app.dir);
    expect(again.stdout, show(again)).toMatch(/; 0 written, 0 removed, \d+ unchanged/);
    for (const cwd of [app.dir, ROOT, tmpdir()]) {
      const check = await node([bin, 'codegen', '--catalog', join(app.dir, 'catalog'), '--out', join(app.dir, 'src/events'), '--check'], cwd);
      expect(check.code, `from ${cwd}\n${show(check)}`).toBe(0);
      expect(check.stdout).toMatch(/up to date with .* \(\d+ files\)/);
    }
  }, 120_000);

  it('builds with plain tsc under strict options (no copy step) and runs: events delivered, a bad payload refused', async () => {
    const build = await node([TSC, '-p', 'tsconfig.json'], app.dir);
    expect(build.code, show(build)).toBe(0);
    expect(existsSync(join(app.dir, 'dist/main.js'))).toBe(true);
    expectRan(await node(['dist/main.js'], app.dir));
  }, 120_000);

  it('rejects misuse at compile time: each marked line fails for its reason, and nothing else fails', async () => {
    const file = join(app.dir, 'src/misuse.ts');
    writeFileSync(file, MISUSE_TS);
    try {
      const check = await node([TSC, '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], app.dir);
      const expected = new Map<number, string>();
      MISUSE_TS.split('\n').forEach((line, i) => {
        const m = /^\/\/ @error (TS\d+) (.+)$/.exec(line);
        if (m) expected.set(i + 2, `${m[1]}|${m[2]}`);
      });
      expect(expected.size).toBe(10);
      const got = new Map<number, string[]>();
      for (const m of check.stdout.matchAll(/^src\/misuse\.ts\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
        const line = Number(m[1]);
        got.set(line, [...(got.get(line) ?? []), `${m[2]}: ${m[3]}`]);
      }
      for (const [line, want] of expected) {
        const [code, text] = want.split('|') as [string, string];
        const messages = got.get(line) ?? [];
        expect(messages.some((msg) => msg.startsWith(`${code}: `) && msg.includes(text)), `line ${line}: ${want}\n${messages.join('\n')}`).toBe(true);
      }
      const unexpected = check.stdout.split('\n').filter((l) => /error TS/.test(l) && !expected.has(Number(/\((\d+),/.exec(l)?.[1])));
      expect(unexpected).toEqual([]);
    } finally {
      rmSync(file);
    }
  }, 120_000);

  it('bundles with esbuild for Node and runs from a directory without node_modules', async () => {
    const out = join(app.dir, 'bundle-esbuild/main.mjs');
    const b = await run(ESBUILD, ['src/main.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', `--outfile=${out}`, '--log-level=warning'], app.dir);
    expect(b.code, show(b)).toBe(0);
    expect(b.stderr, show(b)).toBe('');
    const dir = outside('rr-esbuild-');
    cpSync(out, join(dir, 'main.mjs'));
    expectRan(await node(['main.mjs'], dir));
  }, 120_000);

  it('bundles with Vite (SSR build for Node) and runs from a directory without node_modules', async () => {
    writeFileSync(
      join(app.dir, 'vite.config.mjs'),
      `export default {
  logLevel: 'warn',
  build: { ssr: 'src/main.ts', outDir: 'bundle-vite', emptyOutDir: true, target: 'node20', rollupOptions: { output: { format: 'es', entryFileNames: 'main.mjs' } } },
  ssr: { target: 'node', noExternal: true },
};
`,
    );
    const b = await node([VITE, 'build'], app.dir, 180_000);
    expect(b.code, show(b)).toBe(0);
    const files = readdirSync(join(app.dir, 'bundle-vite'));
    expect(files).toContain('main.mjs');
    const dir = outside('rr-vite-');
    cpSync(join(app.dir, 'bundle-vite'), dir, { recursive: true });
    expectRan(await node(['main.mjs'], dir));
  }, 180_000);
});
