/**
 * The shop fixture catalog, a domain the generator was not written for, used as
 * the minimal one is: an emit function per event, validators for every field
 * kind, alias normalization, every spelling, dedup per policy, topic patterns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventValidationError, UnknownEventError, type EventEnvelope, type Logger } from '../../runtime/index.js';
import { GOOD, SHOP_FIXTURE, shop, shopRouter } from '../helpers/shop.js';

type Name = keyof typeof GOOD;
const NAMES = Object.keys(GOOD).sort() as Name[];

function recorder(router: ReturnType<typeof shopRouter>, pattern = '*') {
  const seen: EventEnvelope[] = [];
  router.subscribe(pattern, (e) => void seen.push(e));
  return seen;
}

function pascal(name: string): string {
  return name.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** Publishes through the generated emit function of the event (a shop without named emitters has exactly these). */
function emit(name: Name, payload: object, options: Record<string, unknown>) {
  const fn = (shop as unknown as Record<string, (p: unknown, o: unknown) => Promise<{ envelope: EventEnvelope; duplicate: boolean; delivered: number }>>)[`emit${pascal(name)}`];
  if (typeof fn !== 'function') throw new Error(`no emit${pascal(name)}`);
  return fn(payload, options);
}

function recordingLogger() {
  const warnings: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };
  return { logger, warnings };
}

describe('shop: the catalog as generated', () => {
  it('has the eleven events in four categories, each with its own topic', () => {
    expect(shop.EVENT_NAMES).toEqual(NAMES);
    expect(Object.keys(shop.CATEGORIES).sort()).toEqual(['inventory', 'orders', 'payments', 'shipments']);
    const topics = NAMES.map((n) => shop.EventTopic[n]);
    expect(new Set(topics).size).toBe(NAMES.length);
    expect(shop.EventTopic.REFUND_ISSUED).toBe('payment.refunded');
    for (const n of NAMES) {
      expect(shop.EVENT_METADATA[n].topic).toBe(shop.EventTopic[n]);
      expect(shop.EVENT_METADATA[n].category).toBe(shop.EventCategory[n]);
      expect(shop.CATEGORIES[shop.EventCategory[n]].events).toContain(n);
    }
  });

  it('publishes one JSON Schema per event whose $id is its dataschema', () => {
    for (const n of NAMES) {
      const value = shop.DataEventType[n];
      const schema = JSON.parse(readFileSync(new URL(`generated/schemas/${value}.json`, SHOP_FIXTURE), 'utf8')) as { $id: string; title: string };
      expect(schema.$id).toBe(`https://shop.example.test/schemas/events/${value}.json`);
      expect(shop.SCHEMA_IDS[n]).toBe(schema.$id);
      expect(shop.EVENT_METADATA[n].dataschema).toBe(schema.$id);
    }
  });

  it('records the extends of PAYMENT_CAPTURED and SHIPMENT_DELIVERED as copied-then-overridden payloads', () => {
    expect(shop.EVENT_METADATA.PAYMENT_CAPTURED.requiredFields).toEqual(['order_id', 'payment_id', 'amount_cents', 'currency', 'captured_at']);
    expect(shop.EVENT_METADATA.SHIPMENT_DELIVERED.requiredFields).toEqual(['shipment_id', 'order_id', 'warehouse_id', 'carrier', 'delivered_at']);
    expect(shop.EVENT_METADATA.STOCK_AUDITED.requiredFields).toEqual([]);
  });
});

describe('shop: emit functions', () => {
  it('every event has its typed emit<EventName>, and there are no others', () => {
    const exported = Object.keys(shop).filter((k) => /^emit[A-Z]/.test(k)).sort();
    expect(exported).toEqual(NAMES.map((n) => `emit${pascal(n)}`).sort());
  });

  it.each(NAMES)('emit%s publishes its event with the envelope options, delivered to a subscriber', async (name) => {
    const router = shopRouter();
    const seen = recorder(router);
    const result = await emit(name, GOOD[name], { router, source: 'Storefront', id: `evt-${name}` });
    expect(result.duplicate).toBe(false);
    expect(result.delivered).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: name, id: `evt-${name}`, source: 'Storefront', dataschema: shop.SCHEMA_IDS[name] });
    expect(seen[0]!.data).toMatchObject({ ...GOOD[name], source: 'Storefront' });
    expect(typeof seen[0]!.data.timestamp).toBe('string');
  });

  it('the typed emitters compile with the payload types (checked by tsc; run here too)', async () => {
    const router = shopRouter();
    const seen = recorder(router);
    await shop.emitOrderPlaced(GOOD.ORDER_PLACED, { router });
    await shop.emitPaymentFailed({ order_id: 'ORD-000001', error_code: null }, { router });
    await shop.emitPaymentFailed({ order_id: 'ORD-000002', error_code: 4051 }, { router });
    await shop.emitStockAudited({}, { router });
    expect(seen.map((e) => e.type)).toEqual(['ORDER_PLACED', 'PAYMENT_FAILED', 'PAYMENT_FAILED', 'STOCK_AUDITED']);
  });

  it('an emitter rejects an invalid payload naming the event and the field, and delivers nothing', async () => {
    const router = shopRouter();
    const seen = recorder(router);
    const bad = { ...GOOD.REFUND_ISSUED, amount_cents: 0 };
    await expect(shop.emitRefundIssued(bad, { router })).rejects.toThrow(EventValidationError);
    await expect(shop.emitRefundIssued(bad, { router })).rejects.toThrow(/REFUND_ISSUED.*amount_cents/);
    expect(seen).toEqual([]);
  });
});

type Mutation = Record<string, unknown> | ((p: Record<string, unknown>) => Record<string, unknown>);
/** [what is wrong, event, change to its good payload, the field named, a word of the message] */
const BAD: readonly [string, Name, Mutation, string, RegExp][] = [
  ['a missing required field', 'ORDER_PLACED', (p) => without(p, 'line_items'), 'line_items', /required/],
  ['a missing required field of an extending event', 'PAYMENT_CAPTURED', (p) => without(p, 'captured_at'), 'captured_at', /required/],
  ['a missing required nullable field', 'PAYMENT_FAILED', (p) => without(p, 'error_code'), 'error_code', /required/],
  ['a missing required field of the base, in the extending event', 'SHIPMENT_DELIVERED', (p) => without(p, 'warehouse_id'), 'warehouse_id', /required/],
  ['a string for an integer', 'ORDER_PLACED', { amount_cents: '4250' }, 'amount_cents', /integer/],
  ['a fraction for an integer', 'ORDER_PLACED', { amount_cents: 42.5 }, 'amount_cents', /integer/],
  ['a number below the minimum', 'ORDER_PLACED', { amount_cents: -1 }, 'amount_cents', /0/],
  ['a number below the minimum an event overrides', 'REFUND_ISSUED', { amount_cents: 0 }, 'amount_cents', /1/],
  ['an integer above the maximum', 'ORDER_REVIEWED', { rating: 6 }, 'rating', /5/],
  ['an integer below the minimum', 'ORDER_REVIEWED', { rating: 0 }, 'rating', /1/],
  ['a number above the maximum', 'SHIPMENT_DISPATCHED', { weight_kg: 31.6 }, 'weight_kg', /31\.5/],
  ['a nullable number above its maximum', 'PAYMENT_AUTHORIZED', { risk_score: 1.01 }, 'risk_score', /1/],
  ['a value outside a string enum', 'ORDER_PLACED', { currency: 'JPY' }, 'currency', /EUR/],
  ['a value outside an integer enum', 'ORDER_PLACED', { priority: 4 }, 'priority', /1, 2, 3|one of/],
  ['a string where an integer enum is', 'PAYMENT_FAILED', { attempt: '1' }, 'attempt', /./],
  ['a value the event narrowed out of a shared enum', 'SHIPMENT_DELIVERED', { carrier: 'postnl' }, 'carrier', /dhl/],
  ['an order id not matching its pattern', 'ORDER_CANCELLED', { order_id: 'ORD-42' }, 'order_id', /pattern/],
  ['a customer id not matching its pattern', 'ORDER_PLACED', { customer_id: 'nld-1001' }, 'customer_id', /pattern/],
  ['a payment id not matching its pattern', 'PAYMENT_AUTHORIZED', { payment_id: 'PAY_1' }, 'payment_id', /pattern/],
  ['a warehouse id not matching its pattern', 'SHIPMENT_DISPATCHED', { warehouse_id: 'WH1' }, 'warehouse_id', /pattern/],
  ['a sku not matching its pattern', 'STOCK_LEVEL_CHANGED', { sku: 'mug red' }, 'sku', /pattern/],
  ['a date-time that is not one', 'ORDER_PLACED', { placed_at: 'yesterday' }, 'placed_at', /./],
  ['a date without a time', 'PAYMENT_CAPTURED', { captured_at: '2025-03-01' }, 'captured_at', /./],
  ['a string for a boolean', 'ORDER_PLACED', { gift_wrap: 'true' }, 'gift_wrap', /boolean/],
  ['a number for a required boolean', 'REFUND_ISSUED', { partial: 1 }, 'partial', /boolean/],
  ['null where the field is not nullable', 'ORDER_PLACED', { gift_wrap: null }, 'gift_wrap', /boolean/],
  ['null for a non-nullable enum', 'ORDER_PLACED', { currency: null }, 'currency', /./],
  ['a boolean for a nullable string-or-integer union', 'PAYMENT_FAILED', { error_code: true }, 'error_code', /string|integer|null/],
  ['a fraction for a nullable string-or-integer union', 'PAYMENT_FAILED', { error_code: 4.5 }, 'error_code', /string|integer|null/],
  ['a number for a nullable string', 'SHIPMENT_DISPATCHED', { tracking_number: 42 }, 'tracking_number', /string|null/],
  ['a non-string in an array of strings', 'ORDER_PLACED', { coupon_codes: ['SPRING', 10] }, 'coupon_codes.1', /string/],
  ['a non-array for an array of strings', 'STOCK_LEVEL_CHANGED', { tags: 'kitchen' }, 'tags', /array/],
  ['a string in an array of objects', 'ORDER_PLACED', { line_items: [{ sku: 'MUG-RED' }, 'TEA-GRN'] }, 'line_items.1', /object/],
  ['an object for an array of objects', 'ORDER_PLACED', { line_items: { sku: 'MUG-RED' } }, 'line_items', /array/],
  ['a string in a map of numbers', 'PAYMENT_CAPTURED', { fees: { provider: '29' } }, 'fees.provider', /number/],
  ['a fraction in a map of integers', 'STOCK_LEVEL_CHANGED', { stock_by_warehouse: { WH01: 1.5 } }, 'stock_by_warehouse.WH01', /integer/],
  ['an array for a map', 'STOCK_LEVEL_CHANGED', { reserved: [1, 2] }, 'reserved', /object/],
  ['a string for a free-form object', 'ORDER_PLACED', { shipping_address: 'Damrak 1' }, 'shipping_address', /object/],
  ['null for a free-form object', 'ORDER_PLACED', { shipping_address: null }, 'shipping_address', /object/],
  ['a common field of the wrong type', 'ORDER_REVIEWED', { trace_id: 7 }, 'trace_id', /string/],
  ['a common field of the wrong type on a name-only event', 'STOCK_AUDITED', { timestamp: true }, 'timestamp', /string|number/],
  ['a shared alias in strict validation', 'PAYMENT_AUTHORIZED', (p) => rename(p, 'order_id', 'order_number'), 'order_number', /alias/],
  ['an event-only alias in strict validation', 'ORDER_REVIEWED', (p) => rename(p, 'customer_id', 'reviewer_id'), 'reviewer_id', /alias/],
];

function without(p: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _, ...rest } = p;
  return rest;
}

function rename(p: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const { [from]: v, ...rest } = p;
  return { ...rest, [to]: v };
}

function apply(name: Name, m: Mutation): Record<string, unknown> {
  const base = { ...GOOD[name] } as Record<string, unknown>;
  return typeof m === 'function' ? m(base) : { ...base, ...m };
}

describe('shop: validators', () => {
  it.each(NAMES)('accept the good payload of %s', (name) => {
    expect(shop.validatePayload(name, GOOD[name])).toEqual({ ok: true });
  });

  it.each(NAMES)('accept the required fields alone of %s', (name) => {
    const required = shop.EVENT_METADATA[name].requiredFields;
    const minimal = Object.fromEntries(Object.entries(GOOD[name]).filter(([k]) => required.includes(k)));
    expect(shop.validatePayload(name, minimal)).toEqual({ ok: true });
  });

  it.each(BAD)('reject %s (%s.%s), naming the field', (_what, name, change, field, word) => {
    const payload = apply(name, change);
    const result = shop.validatePayload(name, payload);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.field === field);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect(issue!.message).toMatch(word);
    // assertPayload's message names the event and the field.
    expect(() => shop.assertPayload(name, payload)).toThrow(shop.PayloadValidationError);
    expect(() => shop.assertPayload(name, payload)).toThrow(new RegExp(`^invalid ${name} payload: .*${field.replace('.', '\\.')}`));
  });

  it.each(BAD)('the router refuses %s (%s.%s) with a message naming event and field', async (_what, name, change, field) => {
    const router = shopRouter();
    const seen = recorder(router);
    await expect(router.publish(name, apply(name, change))).rejects.toThrow(EventValidationError);
    await expect(router.publish(name, apply(name, change))).rejects.toThrow(new RegExp(`invalid ${name} payload: .*${field.replace('.', '\\.')}`));
    expect(seen).toEqual([]);
  });

  it('accepts null exactly where the catalog says nullable, in each kind of field', () => {
    const ok = (name: Name, change: Record<string, unknown>) => shop.validatePayload(name, apply(name, change)).ok;
    expect(ok('ORDER_PLACED', { notes: null })).toBe(true);
    expect(ok('PAYMENT_AUTHORIZED', { risk_score: null })).toBe(true);
    expect(ok('PAYMENT_FAILED', { error_code: null })).toBe(true);
    expect(ok('PAYMENT_FAILED', { error_code: 'do_not_honor' })).toBe(true);
    expect(ok('PAYMENT_FAILED', { error_code: 51 })).toBe(true);
    expect(ok('SHIPMENT_DELIVERED', { signed_by: null, tracking_number: null })).toBe(true);
    expect(ok('ORDER_CANCELLED', { refund_due: null })).toBe(false);
    expect(ok('ORDER_PLACED', { coupon_codes: null })).toBe(false);
    expect(ok('PAYMENT_CAPTURED', { fees: null })).toBe(false);
  });

  it('an `any` field takes every JSON value, and unknown extra fields pass', () => {
    for (const extra of ['text', 42, 0.5, true, null, [1, 'a', null], { nested: { deep: [] } }]) {
      expect(shop.validatePayload('ORDER_REVIEWED', { ...GOOD.ORDER_REVIEWED, extra }), JSON.stringify(extra)).toEqual({ ok: true });
      expect(shop.validatePayload('PAYMENT_FAILED', { ...GOOD.PAYMENT_FAILED, gateway_response: extra })).toEqual({ ok: true });
    }
    expect(shop.validatePayload('ORDER_CANCELLED', { ...GOOD.ORDER_CANCELLED, warehouse_note: 'x' })).toEqual({ ok: true });
  });

  it('bounds are inclusive; an event narrows a shared enum only for itself', () => {
    const ok = (name: Name, change: Record<string, unknown>) => shop.validatePayload(name, apply(name, change)).ok;
    expect(ok('ORDER_REVIEWED', { rating: 1 })).toBe(true);
    expect(ok('ORDER_REVIEWED', { rating: 5 })).toBe(true);
    expect(ok('SHIPMENT_DISPATCHED', { weight_kg: 31.5 })).toBe(true);
    expect(ok('SHIPMENT_DISPATCHED', { weight_kg: 0 })).toBe(true);
    expect(ok('PAYMENT_AUTHORIZED', { risk_score: 1 })).toBe(true);
    expect(ok('ORDER_PLACED', { amount_cents: 0 })).toBe(true);
    expect(ok('REFUND_ISSUED', { amount_cents: 1 })).toBe(true);
    expect(ok('SHIPMENT_DISPATCHED', { carrier: 'postnl' })).toBe(true);
    expect(ok('SHIPMENT_DELIVERED', { carrier: 'ups' })).toBe(true);
    expect(ok('ORDER_PLACED', { line_items: [] })).toBe(true);
    expect(ok('STOCK_LEVEL_CHANGED', { stock_by_warehouse: {} })).toBe(true);
  });

  it('names every bad field of one payload at once', () => {
    const result = shop.validatePayload('ORDER_PLACED', { order_id: 'ORD-1', currency: 'JPY', line_items: 'none', priority: 0 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.field).sort()).toEqual(['amount_cents', 'currency', 'customer_id', 'line_items', 'order_id', 'placed_at', 'priority']);
  });
});

describe('shop: alias normalization', () => {
  it('FIELD_ALIASES holds shared aliases wherever the field is used, and event aliases only on their event', () => {
    expect(shop.SHARED_FIELD_ALIASES).toEqual({ client_id: 'customer_id', order_number: 'order_id', product_code: 'sku', total_cents: 'amount_cents' });
    expect(shop.FIELD_ALIASES.ORDER_PLACED).toEqual({ client_id: 'customer_id', items: 'line_items', order_number: 'order_id', total_cents: 'amount_cents' });
    expect(shop.FIELD_ALIASES.ORDER_REVIEWED).toEqual({ client_id: 'customer_id', order_number: 'order_id', reviewer_id: 'customer_id', stars: 'rating' });
    // A ref under another name keeps the shared field's aliases: total_cents is refund_due here.
    expect(shop.FIELD_ALIASES.ORDER_CANCELLED).toEqual({ cancel_reason: 'reason', order_number: 'order_id', total_cents: 'refund_due' });
    // extends copies the aliases of the copied fields.
    expect(shop.FIELD_ALIASES.PAYMENT_CAPTURED).toEqual(shop.FIELD_ALIASES.PAYMENT_AUTHORIZED);
    expect(shop.FIELD_ALIASES.SHIPMENT_DELIVERED).toEqual(shop.FIELD_ALIASES.SHIPMENT_DISPATCHED);
    expect(shop.FIELD_ALIASES.STOCK_AUDITED ?? {}).toEqual({});
    expect(shop.FIELD_ALIASES.PAYMENT_AUTHORIZED).not.toHaveProperty('reviewer_id');
  });

  it('normalizePayload renames every alias of every event and reports it', () => {
    let checked = 0;
    for (const name of NAMES) {
      for (const [alias, field] of Object.entries(shop.FIELD_ALIASES[name] ?? {})) {
        const result = shop.normalizePayload(name, { [alias]: `v-${alias}`, untouched: 1 });
        expect(result.payload, `${name}.${alias}`).toEqual({ [field]: `v-${alias}`, untouched: 1 });
        expect(result.renamed).toEqual([{ from: alias, to: field }]);
        checked++;
      }
    }
    expect(checked).toBe(25);
  });

  it('keeps the canonical value when an alias disagrees, and never mutates the input', () => {
    const input = { order_id: 'ORD-000001', order_number: 'ORD-000002' };
    const result = shop.normalizePayload('ORDER_CANCELLED', input);
    expect(result.payload).toEqual({ order_id: 'ORD-000001' });
    expect(result.conflicts).toEqual([{ from: 'order_number', to: 'order_id' }]);
    expect(input).toEqual({ order_id: 'ORD-000001', order_number: 'ORD-000002' });
  });

  it('a lenient router renames the aliases a producer sends, warns naming them, and delivers canonical data', async () => {
    const { logger, warnings } = recordingLogger();
    const router = shopRouter({ mode: 'lenient', logger });
    const seen = recorder(router);
    const { order_id, customer_id, amount_cents, line_items, ...rest } = GOOD.ORDER_PLACED;
    const sent = { ...rest, order_number: order_id, client_id: customer_id, total_cents: amount_cents, items: line_items };
    await router.publish('order_placed', sent);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.data).toMatchObject(GOOD.ORDER_PLACED);
    for (const alias of ['order_number', 'client_id', 'total_cents', 'items']) {
      expect(seen[0]!.data).not.toHaveProperty(alias);
      expect(warnings.join('\n')).toContain(`"${alias}"`);
    }
    expect(warnings.join('\n')).toContain('ORDER_PLACED');
    expect(sent).toHaveProperty('order_number'); // the caller's object is not changed
  });

  it('a lenient router normalizes event-only aliases and aliases of extended events', async () => {
    const router = shopRouter({ mode: 'lenient' });
    const seen = recorder(router);
    await router.publish('ORDER_REVIEWED', { order_number: 'ORD-000042', reviewer_id: 'NLD-1001', stars: 4 });
    await router.publish('SHIPMENT_DELIVERED', rename({ ...GOOD.SHIPMENT_DELIVERED }, 'tracking_number', 'tracking_code'));
    await router.publish('PAYMENT_FAILED', rename({ ...GOOD.PAYMENT_FAILED }, 'error_code', 'decline_code'));
    await router.publish('STOCK_LEVEL_CHANGED', { product_code: 'MUG-RED', levels: { WH01: 3 } });
    expect(seen.map((e) => e.data)).toEqual([
      expect.objectContaining({ order_id: 'ORD-000042', customer_id: 'NLD-1001', rating: 4 }),
      expect.objectContaining({ tracking_number: 'JVGL0001' }),
      expect.objectContaining({ error_code: 'card_declined' }),
      expect.objectContaining({ sku: 'MUG-RED', stock_by_warehouse: { WH01: 3 } }),
    ]);
    for (const e of seen) {
      for (const alias of ['order_number', 'reviewer_id', 'stars', 'tracking_code', 'decline_code', 'product_code', 'levels']) expect(e.data).not.toHaveProperty(alias);
    }
  });

  it('a lenient router still delivers, with a warning, a payload that is invalid after normalization', async () => {
    const { logger, warnings } = recordingLogger();
    const router = shopRouter({ mode: 'lenient', logger });
    const seen = recorder(router);
    await router.publish('ORDER_REVIEWED', { order_number: 'ORD-000042', stars: 9 });
    expect(seen).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/ORDER_REVIEWED.*rating/);
  });

  it('a strict router refuses an aliased field, naming the event, the alias and its canonical name', async () => {
    const router = shopRouter();
    await expect(router.publish('ORDER_CANCELLED', { order_number: 'ORD-000042', reason: 'fraud' })).rejects.toThrow(
      /invalid ORDER_CANCELLED payload: field "order_number" is an alias of "order_id"/,
    );
  });
});

/** Every spelling the catalog gives, by event: name, value, topic, stage and its enum name, cross-process name, listed spellings. */
const SPELLINGS: { readonly [E in Name]: readonly string[] } = {
  ORDER_PLACED: ['ORDER_PLACED', 'order_placed', 'order.placed', 'order_received', 'ORDER_RECEIVED', 'ORDER_CREATED', 'OrderPlaced', 'orders:placed'],
  ORDER_CANCELLED: ['ORDER_CANCELLED', 'order_cancelled', 'order.cancelled', 'ORDER_CANCELED'],
  ORDER_REVIEWED: ['ORDER_REVIEWED', 'order_reviewed', 'order.reviewed'],
  PAYMENT_AUTHORIZED: ['PAYMENT_AUTHORIZED', 'payment_authorized', 'payment.authorized', 'payment_approved', 'PAYMENT_APPROVED', 'PAYMENT_AUTHORISED'],
  PAYMENT_CAPTURED: ['PAYMENT_CAPTURED', 'payment_captured', 'payment.captured', 'payment_settled', 'PAYMENT_SETTLED'],
  PAYMENT_FAILED: ['PAYMENT_FAILED', 'payment_failed', 'payment.failed'],
  REFUND_ISSUED: ['REFUND_ISSUED', 'refund_issued', 'payment.refunded'],
  SHIPMENT_DISPATCHED: ['SHIPMENT_DISPATCHED', 'shipment_dispatched', 'shipment.dispatched', 'shipped', 'SHIPPED', 'PARCEL_SHIPPED', 'shipment-dispatched'],
  SHIPMENT_DELIVERED: ['SHIPMENT_DELIVERED', 'shipment_delivered', 'shipment.delivered', 'delivered', 'DELIVERED'],
  STOCK_LEVEL_CHANGED: ['STOCK_LEVEL_CHANGED', 'stock_level_changed', 'inventory.stock_changed', 'INVENTORY_UPDATED'],
  STOCK_AUDITED: ['STOCK_AUDITED', 'stock_audited', 'inventory.audited'],
};

describe('shop: spellings and mapping tables', () => {
  it('SPELLING_TO_EVENT is exactly every spelling of every event', () => {
    const expected = Object.fromEntries(NAMES.flatMap((n) => SPELLINGS[n].map((s) => [s, n])));
    expect({ ...shop.SPELLING_TO_EVENT }).toEqual(expected);
  });

  it.each(NAMES)('resolveEvent resolves every spelling of %s to it', (name) => {
    for (const s of SPELLINGS[name]) expect(shop.resolveEvent(s), s).toBe(name);
  });

  it('resolveEvent resolves nothing else, not even inherited object keys or near misses', () => {
    for (const s of ['', 'order', 'ORDER', 'order.*', '*', 'Order_Placed', 'orderplaced', 'order placed', 'ORDER_PLACED ', 'payment.refund_issued',
      '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(shop.resolveEvent(s), JSON.stringify(s)).toBeUndefined();
    }
  });

  it('the mapping tables hold the staged and cross-process events, and translate', () => {
    expect({ ...shop.STAGE_TO_DATA_EVENT_MAP }).toEqual({
      order_received: 'order_placed', payment_approved: 'payment_authorized', payment_settled: 'payment_captured', shipped: 'shipment_dispatched', delivered: 'shipment_delivered',
    });
    expect({ ...shop.DATA_TO_CROSS_PROCESS_MAP }).toEqual({
      order_placed: 'ORDER_PLACED', payment_captured: 'PAYMENT_CAPTURED', refund_issued: 'REFUND_ISSUED', shipment_dispatched: 'SHIPMENT_DISPATCHED',
    });
    // Only events with both a stage and a cross-process name.
    expect({ ...shop.STAGE_TO_CROSS_PROCESS_MAP }).toEqual({ order_received: 'ORDER_PLACED', payment_settled: 'PAYMENT_CAPTURED', shipped: 'SHIPMENT_DISPATCHED' });
    const inverse = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]));
    expect({ ...shop.DATA_TO_STAGE_EVENT_MAP }).toEqual(inverse(shop.STAGE_TO_DATA_EVENT_MAP));
    expect({ ...shop.CROSS_PROCESS_TO_DATA_MAP }).toEqual(inverse(shop.DATA_TO_CROSS_PROCESS_MAP));
    expect({ ...shop.CROSS_PROCESS_TO_STAGE_MAP }).toEqual(inverse(shop.STAGE_TO_CROSS_PROCESS_MAP));

    expect(shop.getDataEventType('shipped')).toBe('shipment_dispatched');
    expect(shop.getStageEventType('payment_authorized')).toBe('payment_approved');
    expect(shop.getCrossProcessEventType('refund_issued')).toBe('REFUND_ISSUED');
    expect(shop.getDataEventTypeFromCrossProcess('PAYMENT_CAPTURED')).toBe('payment_captured');
    expect(shop.getCrossProcessEventTypeForStage('order_received')).toBe('ORDER_PLACED');
    expect(shop.getCrossProcessEventTypeForStage('delivered')).toBeUndefined(); // staged, but stays in-process
    expect(shop.getCrossProcessEventType('payment_failed')).toBeUndefined();
    for (const k of ['__proto__', 'constructor', 'toString']) {
      expect(shop.getDataEventType(k)).toBeUndefined();
      expect(shop.getCrossProcessEventType(k)).toBeUndefined();
      expect(shop.getDataEventTypeFromCrossProcess(k)).toBeUndefined();
    }
  });

  it('the enums agree with the tables', () => {
    expect(Object.values(shop.StageEvent).sort()).toEqual(Object.keys(shop.STAGE_TO_DATA_EVENT_MAP).sort());
    expect(Object.values(shop.CrossProcessEventType).sort()).toEqual(Object.keys(shop.CROSS_PROCESS_TO_DATA_MAP).sort());
    expect(shop.StageEvent.PAYMENT_SETTLED).toBe('payment_settled');
    expect(shop.DataEventType.SHIPMENT_DELIVERED).toBe('shipment_delivered');
  });

  it.each(NAMES)('a subscriber under any spelling of %s receives it published under any other', async (name) => {
    const spellings = SPELLINGS[name];
    let t = 0;
    const router = shopRouter({ dedupTtlMs: 1_000, now: () => (t += 60_000) }); // no publish repeats another within the window
    const got = new Map<string, number>();
    for (const s of spellings) router.subscribe(s, () => void got.set(s, (got.get(s) ?? 0) + 1), { name: `by ${s}` });
    for (const [i, s] of spellings.entries()) await router.publish(s, { ...GOOD[name] }, { id: `${name}-${i}` });
    // Each subscription was made once per spelling, and receives every publish.
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(spellings.map((s) => [s, spellings.length])));
  });

  it('an unknown spelling throws naming it, on publish and on subscribe', async () => {
    const router = shopRouter();
    await expect(router.publish('ORDER_SHIPPED', {})).rejects.toThrow(UnknownEventError);
    await expect(router.publish('ORDER_SHIPPED', {})).rejects.toThrow('"ORDER_SHIPPED"');
    expect(() => router.subscribe('order.shipped', () => {})).toThrow(UnknownEventError);
  });
});

describe('shop: dedup per policy', () => {
  function clockRouter(ttl = 1_000) {
    let now = 1_700_000_000_000;
    const router = shopRouter({ dedupTtlMs: ttl, now: () => now });
    return { router, seen: recorder(router), advance: (ms: number) => void (now += ms) };
  }

  it('the metadata carries each policy; extends does not inherit one', () => {
    const kinds = Object.fromEntries(NAMES.map((n) => [n, shop.EVENT_METADATA[n].dedup]));
    expect(kinds).toEqual({
      ORDER_CANCELLED: { kind: 'none' },
      ORDER_PLACED: { kind: 'fields', fields: ['order_id'] },
      ORDER_REVIEWED: { kind: 'payload' },
      PAYMENT_AUTHORIZED: { kind: 'fields', fields: ['order_id', 'payment_id'] },
      PAYMENT_CAPTURED: { kind: 'fields', fields: ['payment_id'] },
      PAYMENT_FAILED: { kind: 'none' },
      REFUND_ISSUED: { kind: 'fields', fields: ['payment_id', 'amount_cents'] },
      SHIPMENT_DELIVERED: { kind: 'fields', fields: ['shipment_id'] },
      SHIPMENT_DISPATCHED: { kind: 'none' },
      STOCK_AUDITED: { kind: 'none' },
      STOCK_LEVEL_CHANGED: { kind: 'payload' },
    });
  });

  it('fields: a repeat of the listed fields is dropped whatever the other fields say', async () => {
    const { router, seen } = clockRouter();
    const first = await shop.emitOrderPlaced(GOOD.ORDER_PLACED, { router });
    const again = await shop.emitOrderPlaced({ ...GOOD.ORDER_PLACED, amount_cents: 1, gift_wrap: false }, { router });
    const other = await shop.emitOrderPlaced({ ...GOOD.ORDER_PLACED, order_id: 'ORD-000043' }, { router });
    expect([first.duplicate, again.duplicate, other.duplicate]).toEqual([false, true, false]);
    expect(again.delivered).toBe(0);
    expect(seen.map((e) => e.data.order_id)).toEqual(['ORD-000042', 'ORD-000043']);
  });

  it('fields: every listed field counts, and an extending event has its own list', async () => {
    const { router, seen } = clockRouter();
    await shop.emitRefundIssued(GOOD.REFUND_ISSUED, { router });
    await shop.emitRefundIssued({ ...GOOD.REFUND_ISSUED, partial: false }, { router }); // same payment, same amount: dropped
    await shop.emitRefundIssued({ ...GOOD.REFUND_ISSUED, amount_cents: 1_850 }, { router }); // another amount
    await shop.emitPaymentAuthorized(GOOD.PAYMENT_AUTHORIZED, { router });
    await shop.emitPaymentAuthorized({ ...GOOD.PAYMENT_AUTHORIZED, order_id: 'ORD-000099' }, { router }); // same payment, other order: kept
    await shop.emitPaymentCaptured(GOOD.PAYMENT_CAPTURED, { router });
    await shop.emitPaymentCaptured({ ...GOOD.PAYMENT_CAPTURED, order_id: 'ORD-000099' }, { router }); // captured dedups on payment_id only
    expect(seen.map((e) => e.type)).toEqual(['REFUND_ISSUED', 'REFUND_ISSUED', 'PAYMENT_AUTHORIZED', 'PAYMENT_AUTHORIZED', 'PAYMENT_CAPTURED']);
  });

  it('payload: a repeat of the whole payload is dropped, whatever the common fields and the key order', async () => {
    const { router, seen } = clockRouter();
    const a = await shop.emitStockLevelChanged(GOOD.STOCK_LEVEL_CHANGED, { router, source: 'InventoryService' });
    const reordered = { tags: ['kitchen', 'gift'], reserved: { WH01: 2.5 }, stock_by_warehouse: { WH02: 0, WH01: 12 }, sku: 'MUG-RED' };
    const b = await shop.emitStockLevelChanged({ ...reordered, timestamp: '2025-03-01T10:00:00Z', trace_id: 'abc' }, { router, source: 'Other' });
    const c = await shop.emitStockLevelChanged({ ...GOOD.STOCK_LEVEL_CHANGED, stock_by_warehouse: { WH01: 11, WH02: 0 } }, { router });
    const d = await shop.emitStockLevelChanged({ ...GOOD.STOCK_LEVEL_CHANGED, tags: ['gift', 'kitchen'] }, { router }); // array order counts
    expect([a.duplicate, b.duplicate, c.duplicate, d.duplicate]).toEqual([false, true, false, false]);
    expect(seen).toHaveLength(3);
  });

  it('payload: an `any` field is part of the payload', async () => {
    const { router, seen } = clockRouter();
    await shop.emitOrderReviewed(GOOD.ORDER_REVIEWED, { router });
    await shop.emitOrderReviewed({ ...GOOD.ORDER_REVIEWED }, { router });
    await shop.emitOrderReviewed({ ...GOOD.ORDER_REVIEWED, extra: { widget: 'v3' } }, { router });
    expect(seen).toHaveLength(2);
  });

  it('none, given or absent: every repeat is delivered', async () => {
    const { router, seen } = clockRouter();
    for (let i = 0; i < 2; i++) {
      await shop.emitPaymentFailed(GOOD.PAYMENT_FAILED, { router });
      await shop.emitShipmentDispatched(GOOD.SHIPMENT_DISPATCHED, { router });
      await shop.emitOrderCancelled(GOOD.ORDER_CANCELLED, { router });
      await shop.emitStockAudited({}, { router });
    }
    const once = ['PAYMENT_FAILED', 'SHIPMENT_DISPATCHED', 'ORDER_CANCELLED', 'STOCK_AUDITED'];
    expect(seen.map((e) => e.type)).toEqual([...once, ...once]);
  });

  it('the window: a repeat after the TTL is delivered again', async () => {
    const { router, seen, advance } = clockRouter(1_000);
    await shop.emitShipmentDelivered(GOOD.SHIPMENT_DELIVERED, { router });
    advance(999);
    expect((await shop.emitShipmentDelivered(GOOD.SHIPMENT_DELIVERED, { router })).duplicate).toBe(true);
    advance(1);
    expect((await shop.emitShipmentDelivered(GOOD.SHIPMENT_DELIVERED, { router })).duplicate).toBe(false);
    expect(seen).toHaveLength(2);
  });

  it('dedup sees the normalized payload: an aliased repeat is a repeat (lenient mode)', async () => {
    const router = shopRouter({ mode: 'lenient' });
    const seen = recorder(router);
    await router.publish('ORDER_PLACED', { ...GOOD.ORDER_PLACED });
    const again = await router.publish('OrderPlaced', rename({ ...GOOD.ORDER_PLACED }, 'order_id', 'order_number'));
    expect(again.duplicate).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('a repeated envelope id is a duplicate even for an event without a policy', async () => {
    const router = shopRouter();
    const seen = recorder(router);
    await shop.emitPaymentFailed(GOOD.PAYMENT_FAILED, { router, id: 'same' });
    expect((await shop.emitPaymentFailed({ ...GOOD.PAYMENT_FAILED, attempt: 2 }, { router, id: 'same' })).duplicate).toBe(true);
    expect(seen).toHaveLength(1);
  });
});

describe('shop: subscribe by topic pattern', () => {
  async function emitAll(router: ReturnType<typeof shopRouter>) {
    for (const n of NAMES) await emit(n, GOOD[n], { router });
  }

  it.each([
    ['order.*', ['ORDER_CANCELLED', 'ORDER_PLACED', 'ORDER_REVIEWED']],
    ['payment.*', ['PAYMENT_AUTHORIZED', 'PAYMENT_CAPTURED', 'PAYMENT_FAILED', 'REFUND_ISSUED']],
    ['shipment.*', ['SHIPMENT_DELIVERED', 'SHIPMENT_DISPATCHED']],
    ['inventory.*', ['STOCK_AUDITED', 'STOCK_LEVEL_CHANGED']],
    ['PAYMENT_*', ['PAYMENT_AUTHORIZED', 'PAYMENT_CAPTURED', 'PAYMENT_FAILED']], // a pattern on names: REFUND_ISSUED is not one
    ['*_DISPATCHED', ['SHIPMENT_DISPATCHED']],
    ['*', NAMES],
  ] as const)('%s receives exactly its events', async (pattern, expected) => {
    const router = shopRouter();
    const seen = recorder(router, pattern);
    await emitAll(router);
    expect(seen.map((e) => e.type).sort()).toEqual([...expected].sort());
  });

  it('the topic patterns partition the catalog by category', async () => {
    const router = shopRouter();
    const byPattern: Record<string, string[]> = {};
    for (const p of ['order.*', 'payment.*', 'shipment.*', 'inventory.*']) router.subscribe(p, (e) => void (byPattern[p] ??= []).push(e.type));
    await emitAll(router);
    expect(Object.values(byPattern).flat().sort()).toEqual(NAMES);
    for (const [p, events] of Object.entries(byPattern)) {
      expect(new Set(events.map((e) => shop.EventCategory[e as Name])).size, p).toBe(1);
    }
  });

  it('a pattern that matches no event throws; unsubscribing stops delivery', async () => {
    const router = shopRouter();
    expect(() => router.subscribe('warehouse.*', () => {})).toThrow(UnknownEventError);
    const seen: string[] = [];
    const off = router.subscribe('payment.*', (e) => void seen.push(e.type));
    await shop.emitPaymentFailed(GOOD.PAYMENT_FAILED, { router });
    off();
    await shop.emitPaymentFailed(GOOD.PAYMENT_FAILED, { router });
    expect(seen).toEqual(['PAYMENT_FAILED']);
  });

  it('the process-wide router of the catalog delivers to topic subscribers', async () => {
    const router = shop.getRouter();
    const seen: string[] = [];
    const off = router.subscribe('shipment.*', (e) => void seen.push(e.type));
    try {
      await shop.emitShipmentDispatched({ ...GOOD.SHIPMENT_DISPATCHED, shipment_id: 'global-1' });
      await shop.emitShipmentDelivered({ ...GOOD.SHIPMENT_DELIVERED, shipment_id: 'global-1' });
    } finally {
      off();
    }
    expect(seen).toEqual(['SHIPMENT_DISPATCHED', 'SHIPMENT_DELIVERED']);
  });
});
