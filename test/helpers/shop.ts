/**
 * The shop fixture catalog (test/fixtures/catalogs/shop): its committed
 * generated code, a router private to each test, and one valid payload per
 * event, shared by the behaviour tests and the package tests.
 */
import { createRouter, silentLogger, type Router, type RouterOptions } from '../../runtime/index.js';
import { REGISTRY } from '../fixtures/catalogs/shop/generated/index.js';
import type { EventPayloadMap } from '../fixtures/catalogs/shop/generated/index.js';

export * as shop from '../fixtures/catalogs/shop/generated/index.js';

export const SHOP_FIXTURE = new URL('../fixtures/catalogs/shop/', import.meta.url);

export function shopRouter(options: Partial<RouterOptions> = {}): Router {
  return createRouter({ registry: REGISTRY, logger: silentLogger, ...options });
}

/** A valid payload of every event, using the optional fields too. */
export const GOOD: { readonly [E in keyof EventPayloadMap]: EventPayloadMap[E] } = {
  ORDER_PLACED: {
    order_id: 'ORD-000042',
    customer_id: 'NLD-1001',
    amount_cents: 4_250,
    currency: 'EUR',
    placed_at: '2025-03-01T09:30:00Z',
    line_items: [
      { sku: 'MUG-RED', quantity: 2, unit_cents: 1_200 },
      { sku: 'TEA-GRN', quantity: 1, unit_cents: 1_850 },
    ],
    coupon_codes: ['SPRING', 'FIRST10'],
    gift_wrap: true,
    priority: 2,
    shipping_address: { street: 'Damrak 1', city: 'Amsterdam', lines: ['c/o front desk'] },
    notes: null,
  },
  ORDER_CANCELLED: { order_id: 'ORD-000042', reason: 'customer_request', refund_due: 0 },
  ORDER_REVIEWED: { order_id: 'ORD-000042', customer_id: 'NLD-1001', rating: 5, comment: 'Lovely mugs', extra: { widget: 'v2', votes: [1, 2] } },
  PAYMENT_AUTHORIZED: {
    order_id: 'ORD-000042', payment_id: 'pay_3xk9', amount_cents: 4_250, currency: 'EUR', method: 'ideal', three_d_secure: false, risk_score: 0.12,
  },
  PAYMENT_CAPTURED: {
    order_id: 'ORD-000042', payment_id: 'pay_3xk9', amount_cents: 4_250, currency: 'EUR', captured_at: '2025-03-01T09:31:12.250Z', fees: { provider: 29, fx: 3.5 },
  },
  PAYMENT_FAILED: { order_id: 'ORD-000043', payment_id: 'pay_9zz1', error_code: 'card_declined', attempt: 1, gateway_response: ['raw', 402] },
  REFUND_ISSUED: { order_id: 'ORD-000042', payment_id: 'pay_3xk9', amount_cents: 1_200, partial: true },
  SHIPMENT_DISPATCHED: {
    shipment_id: 'shp-77', order_id: 'ORD-000042', warehouse_id: 'WH01', carrier: 'postnl', tracking_number: null, weight_kg: 1.25, dispatched_at: '2025-03-02T07:00:00+01:00',
  },
  SHIPMENT_DELIVERED: {
    shipment_id: 'shp-77', order_id: 'ORD-000042', warehouse_id: 'WH01', carrier: 'dhl', tracking_number: 'JVGL0001', delivered_at: '2025-03-03T14:05:00Z', signed_by: null,
  },
  STOCK_LEVEL_CHANGED: { sku: 'MUG-RED', stock_by_warehouse: { WH01: 12, WH02: 0 }, reserved: { WH01: 2.5 }, tags: ['kitchen', 'gift'] },
  STOCK_AUDITED: {},
};
