/**
 * Aliases are the keys producers really send (`orderId`, `order-id`, `_id`,
 * `amount.cents`) and topics may have more than two segments
 * (`shop.orders.paid`): the billing fixture catalog has both; it is generated,
 * compiled under the strictest options and run, and what stays refused
 * (collisions, `__proto__`) is refused with file:line:col.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { SourceFile } from '../../generator/catalog/source.js';
import { generate } from '../../generator/index.js';
import { readCatalogDir } from '../../generator/io.js';
import { ROOT } from '../helpers/cli.js';
import { compileApp, formatDiagnostics, type CompiledApp } from '../helpers/compile-app.js';

const BILLING = join(ROOT, 'test/fixtures/catalogs/billing');

function problemsOf(edit: (file: string, text: string) => string): string[] {
  const sources = readCatalogDir(BILLING).map((s): SourceFile => ({ path: s.path, text: edit(s.path, s.text) }));
  const built = buildCatalog(sources);
  return built.ok ? [] : built.problems.map((p) => `${p.file.slice(p.file.lastIndexOf('/') + 1)}:${p.line}:${p.col}: ${p.message}`);
}

describe('a catalog whose producers send camelCase, kebab-case and dotted keys, with three-segment topics', () => {
  let app: CompiledApp;
  const generated = generate(readCatalogDir(BILLING));

  beforeAll(async () => {
    if (!generated.ok) throw new Error(generated.problems.map((p) => p.message).join('\n'));
    app = await compileApp([{ name: 'billing', files: generated.files }]);
  }, 120_000);
  afterAll(() => app?.dispose());

  it('is valid and compiles under the strictest options, with every alias key escaped in the generated code', () => {
    expect(generated.ok).toBe(true);
    expect(formatDiagnostics(app.diagnostics('billing'))).toBe('');
    expect(formatDiagnostics(app.emitDiagnostics)).toBe('');
    const normalizers = generated.ok ? generated.files.find((f) => f.path === 'normalizers.ts')!.content : '';
    for (const quoted of ['"order-id": "order_id"', '"amount.cents": "amount_cents"', '"due:at": "due_at"', 'orderId: "order_id"', '_id: "order_id"']) {
      expect(normalizers).toContain(quoted);
    }
  });

  it('renames each key a producer sends to its field, in normalizePayload and on a lenient router', async () => {
    const r = await app.run(`
      const b = await load('billing');
      const { createRouter, silentLogger } = await import('ringrift-events/runtime');
      report(b.normalizePayload('ORDER_PAID', { orderId: 'o-1', amountCents: 500, PaymentMethod: 'card' }).payload);
      report(b.normalizePayload('INVOICE_ISSUED', { 'order-id': 'o-2', 'amount.cents': 7, 'due:at': '2026-01-01T00:00:00Z' }).payload);
      report(b.normalizePayload('ORDER_REFUNDED', { _id: 'o-3', orderRef: 'o-3', amount_cents: 1 }).payload);
      const router = createRouter({ registry: b.REGISTRY, mode: 'lenient', logger: silentLogger });
      const seen = [];
      router.subscribe('ORDER_PAID', (e) => void seen.push(e.data));
      await router.publish('ORDER_PAID', { orderId: 'o-4', amountCents: 9, paymentMethod: 'transfer' });
      report(seen.map(({ timestamp, source, ...rest }) => rest));
      const strict = createRouter({ registry: b.REGISTRY, logger: silentLogger });
      report(await strict.publish('ORDER_PAID', { orderId: 'o-5', amount_cents: 1 }).then(() => 'accepted', (e) => e.message));
    `);
    expect(r.stderr).toBe('');
    expect(r.reports).toEqual([
      { order_id: 'o-1', amount_cents: 500, payment_method: 'card' },
      { order_id: 'o-2', amount_cents: 7, due_at: '2026-01-01T00:00:00Z' },
      { order_id: 'o-3', amount_cents: 1 },
      [{ order_id: 'o-4', amount_cents: 9, payment_method: 'transfer' }],
      expect.stringMatching(/orderId/),
    ]);
  });

  it('routes three- and four-segment topics: resolves them, and patterns on their prefixes match', async () => {
    const r = await app.run(`
      const b = await load('billing');
      const { createRouter, silentLogger } = await import('ringrift-events/runtime');
      report(['shop.orders.paid', 'shop.orders.refunds.issued', 'shop.invoices.issued'].map((t) => b.resolveEvent(t)));
      const router = createRouter({ registry: b.REGISTRY, logger: silentLogger });
      const orders = [], all = [], refunds = [];
      router.subscribe('shop.orders.*', (e) => void orders.push(e.type));
      router.subscribe('shop.*', (e) => void all.push(e.type));
      router.subscribe('shop.orders.refunds.*', (e) => void refunds.push(e.type));
      await b.emitInvoiceIssued({ order_id: 'o', amount_cents: 1, due_at: '2026-01-01T00:00:00Z' }, { router });
      await b.emitOrderPaid({ order_id: 'o', amount_cents: 1 }, { router });
      await b.emitOrderRefunded({ order_id: 'o', amount_cents: 1 }, { router });
      report({ orders, all, refunds });
    `);
    expect(r.stderr).toBe('');
    expect(r.reports).toEqual([
      ['ORDER_PAID', 'ORDER_REFUNDED', 'INVOICE_ISSUED'],
      { orders: ['ORDER_PAID', 'ORDER_REFUNDED'], all: ['INVOICE_ISSUED', 'ORDER_PAID', 'ORDER_REFUNDED'], refunds: ['ORDER_REFUNDED'] },
    ]);
  });

  it('gives NATS one subject per three-segment topic, and a pattern only the subjects it really matches', async () => {
    const r = await app.run(`
      const b = await load('billing');
      const { SubjectMap } = await import('ringrift-events/runtime/nats');
      const map = new SubjectMap(b.REGISTRY, 'billing');
      report(map.streamSubjects());
      report(map.filter(['shop.*']).subjects);
      report(map.filter(['shop.orders.*']).subjects);
    `);
    expect(r.stderr).toBe('');
    expect(r.reports).toEqual([
      ['billing.shop.invoices.issued', 'billing.shop.orders.paid'],
      ['billing.shop.invoices.issued', 'billing.shop.orders.paid'],
      ['billing.shop.orders.*'],
    ]);
  });
});

describe('aliases that stay refused', () => {
  const invoices = (text: string) => (file: string, t: string) => (file.endsWith('invoices.yaml') ? t.replace('aliases: [paymentMethod, PaymentMethod]', text) : t);

  it('refuses __proto__, a key with spaces and a key that starts with a dash, naming the place', () => {
    expect(problemsOf(invoices('aliases: [__proto__, "payment method", -method]'))).toEqual([
      expect.stringMatching(/^invoices\.yaml:38:19: event ORDER_PAID, field payment_method \(aliases\.0\): an alias is .*never "__proto__"$/),
      expect.stringMatching(/^invoices\.yaml:38:30: event ORDER_PAID, field payment_method \(aliases\.1\): an alias is /),
      expect.stringMatching(/^invoices\.yaml:38:48: event ORDER_PAID, field payment_method \(aliases\.2\): an alias is /),
    ]);
  });

  it('refuses a camelCase alias that is the alias of another field, or the name of a field', () => {
    expect(problemsOf(invoices('aliases: [amountCents]'))).toEqual([
      'invoices.yaml:34:7: event ORDER_PAID, field payment_method: alias "amountCents" is also an alias of field "amount_cents"',
    ]);
    expect(problemsOf(invoices('aliases: [order_id]'))).toEqual([
      'invoices.yaml:34:7: event ORDER_PAID, field payment_method: alias "order_id" collides with field "order_id" of the same event',
    ]);
  });

  it('is the fixture as committed (the edits above apply to it)', () => {
    expect(readFileSync(join(BILLING, 'invoices.yaml'), 'utf8')).toContain('aliases: [paymentMethod, PaymentMethod]');
  });
});
