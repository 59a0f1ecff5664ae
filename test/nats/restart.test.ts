/**
 * Durability across a server crash: nats-server is killed (SIGKILL) and
 * restarted in the middle of a stream of 10,000 events. Every event whose
 * publish resolved (its PubAck came back) must reach the consumer group's
 * handler; the resends during the outage must not be stored twice.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, silentLogger, type Router } from '../../runtime/index.js';
import { attachNatsTransport } from '../../runtime/nats/index.js';
import { sleep, until, uniqueStream } from './helpers.js';
import { findNatsServer, INSTALL_HINT, NatsServer } from './server.js';

const NATS = findNatsServer();
if (!NATS) console.warn(`\n[test/nats] ${INSTALL_HINT}\n`);
const TOTAL = 10_000;
const WINDOW = 200; // publishes awaiting their PubAck at once
const KILL_AFTER = 3_000; // acknowledged events before the crash

describe.skipIf(!NATS)(NATS ? 'NATS server crash' : `NATS server crash (skipped: ${INSTALL_HINT})`, () => {
  let server: NatsServer;
  const routers: Router[] = [];

  beforeAll(async () => {
    server = await NatsServer.start(NATS);
  });
  afterAll(async () => {
    await Promise.allSettled(routers.map((r) => r.close()));
    await server?.dispose();
  });

  it(`loses no acknowledged event when the server is killed and restarted in the middle of ${TOTAL} events`, async () => {
    const names = uniqueStream('crash');
    const options = { servers: server.url, stream: names.stream, subjectPrefix: names.prefix, logger: silentLogger, reconnectWaitMs: 250, publishRetryMs: 60_000 };

    const consumer = createRouter({ registry: REGISTRY, logger: silentLogger });
    routers.push(consumer);
    const handled = new Map<string, number>();
    consumer.subscribe('HOST_OFFLINE', (e) => void handled.set(e.id, (handled.get(e.id) ?? 0) + 1));
    const sink = await attachNatsTransport(consumer, { ...options, group: 'sink', prefetch: 256 });

    const producer = createRouter({ registry: REGISTRY, logger: silentLogger });
    routers.push(producer);
    const out = await attachNatsTransport(producer, { ...options, receive: false });

    const acknowledged = new Set<string>();
    const failed: string[] = [];
    let crash: Promise<void> | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const i = next++;
        const id = `evt-${i}`;
        try {
          await producer.publish('HOST_OFFLINE', { node_id: `gpu-${i % 64}`, reason: 'heartbeat timeout', seq: i }, { id });
          acknowledged.add(id);
        } catch {
          failed.push(id); // never acknowledged: the publisher knows it must resend
        }
        if (acknowledged.size >= KILL_AFTER && !crash) {
          crash = (async () => {
            await server.stop('SIGKILL');
            await sleep(500);
            await server.restart();
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    await crash;

    expect(server.running).toBe(true);
    expect(out.stats.disconnects).toBeGreaterThanOrEqual(1);
    expect(out.stats.publishRetries).toBeGreaterThan(0); // publishes did span the outage
    await until(() => [...acknowledged].every((id) => handled.has(id)), 60_000, 'every acknowledged event at the consumer');

    console.info(
      `[restart] ${acknowledged.size} acknowledged, ${failed.length} refused; publish retries ${out.stats.publishRetries}, ` +
        `resends dropped by the server ${out.stats.duplicates}; consumer received ${sink.stats.received} (${sink.stats.received - handled.size} redeliveries)`,
    );
    const lost = [...acknowledged].filter((id) => !handled.has(id));
    expect(lost).toEqual([]);
    expect(acknowledged.size + failed.length).toBe(TOTAL);
    expect(acknowledged.size).toBeGreaterThan(TOTAL * 0.95);
    expect([...handled.values()].every((n) => n === 1)).toBe(true); // handled once each, redeliveries included
    // Resends after lost PubAcks carried the same message id: stored once.
    await sink.connect();
    const info = await (await jetstreamManager(sink.connection!)).streams.info(names.stream);
    expect(info.state.messages).toBe(handled.size);
  }, 120_000);
});
