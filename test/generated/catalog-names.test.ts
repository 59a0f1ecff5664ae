/**
 * The runtime's names come from the catalog's `name`, carried by the generated
 * registry: the shop catalog's code gets shop names without configuration,
 * ours keeps the RingRift ones, and an option given in code still wins.
 * (The NATS stream against a real server: test/nats/catalog-names.test.ts.)
 */
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRY as RINGRIFT } from '../../generated/index.js';
import { createRouter, type Logger, type Router } from '../../runtime/index.js';
import { resolveNatsConfig } from '../../runtime/nats/index.js';
import { CrossProcessEventQueue } from '../../runtime/sqlite/index.js';
import { REGISTRY as SHOP } from '../fixtures/catalogs/shop/generated/index.js';
import { GOOD } from '../helpers/shop.js';
import { tempDir } from '../sqlite/helpers.js';

const ORDER: Record<string, unknown> = { ...GOOD.ORDER_PLACED };

const HOST_PID = `${hostname()}/${process.pid}`;

function logged(): { logger: Logger; info: string[] } {
  const info: string[] = [];
  return { info, logger: { debug: () => undefined, info: (m) => void info.push(m), warn: () => undefined, error: () => undefined } };
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function router(registry: typeof SHOP, logger: Logger): Router {
  const r = createRouter({ registry, logger });
  cleanup.push(() => r.close());
  return r;
}

/** Sets environment variables for one test. */
function setEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) {
    const before = process.env[k];
    process.env[k] = v;
    cleanup.push(() => (before === undefined ? delete process.env[k] : (process.env[k] = before)));
  }
}

describe('names derived from the catalog name', () => {
  it('the shop catalog generates shop names: stream SHOP_EVENTS, prefix shop, env SHOP_*, source /shop', () => {
    expect(SHOP.names).toEqual({ name: 'shop', envPrefix: 'SHOP', sourcePrefix: '/shop', natsStream: 'SHOP_EVENTS', natsSubjectPrefix: 'shop' });
  });

  it('our catalog keeps exactly the RingRift names', () => {
    expect(RINGRIFT.names).toEqual({ name: 'ringrift', envPrefix: 'RINGRIFT', sourcePrefix: '/ringrift', natsStream: 'RINGRIFT_EVENTS', natsSubjectPrefix: 'ringrift' });
  });

  it('a shop router and queue stamp events with /shop/<host>/<pid>; ours with /ringrift/<host>/<pid>', async () => {
    const { envelope } = await router(SHOP, logged().logger).publish('ORDER_PLACED', ORDER);
    expect(envelope.source).toBe(`/shop/${HOST_PID}`);
    const ours = await router(RINGRIFT, logged().logger).publish('HOST_OFFLINE', { node_id: 'n1' });
    expect(ours.envelope.source).toBe(`/ringrift/${HOST_PID}`);

    const tmp = tempDir('rr-names-');
    cleanup.push(tmp.cleanup);
    const queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: SHOP, retention: false });
    cleanup.push(() => queue.close());
    const sent = await queue.send('order.placed', ORDER);
    expect(sent.envelope.source).toBe(`/shop/${HOST_PID}`);
    expect(sent.envelope.data).toMatchObject({ source: `/shop/${HOST_PID}` });
  });

  it('an explicit source still wins over the derived one', async () => {
    const r = createRouter({ registry: SHOP, logger: logged().logger, source: '/storefront/web-1' });
    cleanup.push(() => r.close());
    expect((await r.publish('ORDER_PLACED', ORDER)).envelope.source).toBe('/storefront/web-1');
  });

  it('SHOP_EVENT_TRACE=1 traces a shop router; RINGRIFT_EVENT_TRACE does not', async () => {
    setEnv({ RINGRIFT_EVENT_TRACE: '1' });
    const quiet = logged();
    await router(SHOP, quiet.logger).publish('ORDER_PLACED', ORDER, { source: 'Storefront' });
    expect(quiet.info).toEqual([]);

    setEnv({ SHOP_EVENT_TRACE: '1' });
    const traced = logged();
    const { envelope } = await router(SHOP, traced.logger).publish('ORDER_PLACED', ORDER, { source: 'Storefront' });
    expect(traced.info).toEqual(['[EventRouter] Published: ORDER_PLACED (source=Storefront)', '[EventRouter] Delivered to: (no subscribers)']);
    expect(envelope.traceparent).toBeDefined();
  });

  it('our router still reads RINGRIFT_EVENT_TRACE and ignores SHOP_EVENT_TRACE', async () => {
    setEnv({ SHOP_EVENT_TRACE: '1' });
    const quiet = logged();
    await router(RINGRIFT, quiet.logger).publish('HOST_OFFLINE', { node_id: 'n1' }, { source: 'Monitor' });
    expect(quiet.info).toEqual([]);
    setEnv({ RINGRIFT_EVENT_TRACE: '1' });
    const traced = logged();
    await router(RINGRIFT, traced.logger).publish('HOST_OFFLINE', { node_id: 'n1' }, { source: 'Monitor' });
    expect(traced.info).toEqual(['[EventRouter] Published: HOST_OFFLINE (source=Monitor)', '[EventRouter] Delivered to: (no subscribers)']);
  });

  it('the NATS settings of a shop process: SHOP_EVENTS, shop.<topic>, SHOP_NATS_* variables; RINGRIFT_NATS_* are not its', () => {
    const shop = resolveNatsConfig({ registry: SHOP, env: { RINGRIFT_NATS_URL: 'nats://ringrift:4222', RINGRIFT_NATS_GROUP: 'theirs' } });
    expect(shop).toMatchObject({ stream: 'SHOP_EVENTS', subjectPrefix: 'shop', servers: ['nats://127.0.0.1:4222'], group: undefined });
    expect(shop.name).toBe(`shop/${HOST_PID}`);
    const fromEnv = resolveNatsConfig({
      registry: SHOP,
      env: { SHOP_NATS_URL: 'nats://a:4222,nats://b:4222', SHOP_NATS_STREAM: 'SHOP_EU', SHOP_NATS_PREFIX: 'eu_shop', SHOP_NATS_GROUP: 'billing', SHOP_NATS_REPLICAS: '3', SHOP_NATS_MAX_DELIVERIES: '2' },
    });
    expect(fromEnv).toMatchObject({ servers: ['nats://a:4222', 'nats://b:4222'], stream: 'SHOP_EU', subjectPrefix: 'eu_shop', group: 'billing', replicas: 3, maxDeliveries: 2 });
    const explicit = resolveNatsConfig({ registry: SHOP, stream: 'CUSTOM', subjectPrefix: 'custom', env: { SHOP_NATS_STREAM: 'SHOP_EU' } });
    expect(explicit).toMatchObject({ stream: 'CUSTOM', subjectPrefix: 'custom' });
  });

  it('the NATS settings of our catalog keep RINGRIFT_EVENTS, ringrift and the RINGRIFT_NATS_* variables', () => {
    expect(resolveNatsConfig({ registry: RINGRIFT, env: {} })).toMatchObject({ stream: 'RINGRIFT_EVENTS', subjectPrefix: 'ringrift' });
    expect(resolveNatsConfig({ registry: RINGRIFT, env: { RINGRIFT_NATS_GROUP: 'auto-evaluation', SHOP_NATS_GROUP: 'billing' } }).group).toBe('auto-evaluation');
  });
});
