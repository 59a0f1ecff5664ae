/**
 * A catalog's NATS names come from its `name`: the shop catalog's generated
 * code, given nothing but a server URL (an option, or SHOP_NATS_URL), makes
 * the stream SHOP_EVENTS with subjects `shop.<topic>` on a real
 * `nats-server -js` of this test, and two shop routers exchange an event
 * through it. Skipped, saying how to install it, without nats-server.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, silentLogger, type EventEnvelope, type Router } from '../../runtime/index.js';
import { attachNatsTransport, type NatsTransport } from '../../runtime/nats/index.js';
import { REGISTRY as SHOP } from '../fixtures/catalogs/shop/generated/index.js';
import { GOOD } from '../helpers/shop.js';
import { until } from './helpers.js';
import { findNatsServer, INSTALL_HINT, NatsServer } from './server.js';

const ORDER: Record<string, unknown> = { ...GOOD.ORDER_PLACED };

const NATS = findNatsServer();

describe.skipIf(!NATS)(NATS ? 'NATS names of a catalog' : `NATS names of a catalog (skipped: ${INSTALL_HINT})`, () => {
  let server: NatsServer;
  const cleanup: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    server = await NatsServer.start(NATS);
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  function router(): Router {
    const r = createRouter({ registry: SHOP, logger: silentLogger });
    cleanup.push(() => r.close());
    return r;
  }

  it('a shop process makes the stream SHOP_EVENTS with subjects shop.<topic>, and shop events travel through it', async () => {
    const consumer = router();
    const got: EventEnvelope[] = [];
    consumer.subscribe('ORDER_PLACED', (e) => void got.push(e));
    // The URL from the catalog's own variable: nothing else is configured.
    const inbound = await attachNatsTransport(consumer, { env: { SHOP_NATS_URL: server.url }, group: 'payments', logger: silentLogger });
    const producer = router();
    const outbound: NatsTransport = await attachNatsTransport(producer, { servers: server.url, receive: false, logger: silentLogger });

    await outbound.connect();
    const info = await (await jetstreamManager(outbound.connection!)).streams.info('SHOP_EVENTS');
    expect(info.config.subjects.sort()).toEqual(['shop.order.placed', 'shop.payment.captured', 'shop.payment.refunded', 'shop.shipment.dispatched']);
    expect(inbound.subjects.streamSubjects()).toEqual(info.config.subjects);

    const sent = await producer.publish('order.placed', ORDER);
    expect(sent.transported).toBe(1);
    await until(() => got.length === 1, 15_000, 'the order at the consumer');
    expect(got[0]).toMatchObject({ id: sent.envelope.id, type: 'ORDER_PLACED', source: sent.envelope.source, data: { order_id: 'ORD-000042' } });
    expect(sent.envelope.source).toMatch(/^\/shop\//);
    const stored = await (await jetstreamManager(outbound.connection!)).streams.info('SHOP_EVENTS');
    expect(stored.state.messages).toBe(1);
  });
});
