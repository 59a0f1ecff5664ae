/**
 * The NATS transport on a three-server JetStream cluster (test/nats/cluster.ts,
 * real nats-server processes on loopback), the stream kept on all three
 * (replicas: 3). The stream's leader is SIGKILLed in the middle of a stream of
 * events: every publish the server acknowledged reaches every group (0 lost),
 * and an event reaches a group twice only as a redelivery it is told about.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createEnvelope, type DeliveryInfo } from '../../runtime/index.js';
import { NatsTransport, type NatsTransportOptions } from '../../runtime/nats/index.js';
import { NatsCluster } from './cluster.js';
import { recordingLogger, sleep, uniqueStream, until } from './helpers.js';
import { findNatsServer, INSTALL_HINT } from './server.js';

const NATS = findNatsServer();
const EVENTS = 400;
const KILL_AFTER = 120;
const IN_FLIGHT = 16;
const GROUPS = ['evaluators', 'curriculum'] as const;

describe.skipIf(!NATS)(NATS ? 'NATS JetStream cluster of three' : `NATS JetStream cluster of three (skipped: ${INSTALL_HINT})`, () => {
  let cluster: NatsCluster;
  const transports: NatsTransport[] = [];

  beforeAll(async () => {
    cluster = await NatsCluster.start(NATS!);
  });
  afterAll(async () => {
    await Promise.allSettled(transports.map((t) => t.close()));
    await cluster?.dispose();
  });

  it('loses no acknowledged publish when the stream leader is SIGKILLed mid-stream; duplicates only as marked redeliveries', async () => {
    const names = uniqueStream('cluster');
    const log = recordingLogger();
    const base: NatsTransportOptions = {
      registry: REGISTRY,
      servers: cluster.urls,
      stream: names.stream,
      subjectPrefix: names.prefix,
      replicas: 3,
      logger: log,
      reconnectWaitMs: 200,
      ackWaitMs: 3_000,
    };
    const publisher = new NatsTransport({ ...base, receive: false });
    transports.push(publisher);
    // The cluster elects its JetStream meta leader a moment after start: until then the stream cannot be created.
    await until(
      () => publisher.connect().then(() => true, () => false),
      20_000,
      'the cluster to create the stream',
    );

    const deliveries = new Map<string, Map<string, DeliveryInfo[]>>();
    for (const group of GROUPS) {
      const seen = new Map<string, DeliveryInfo[]>();
      deliveries.set(group, seen);
      const t = new NatsTransport({ ...base, group });
      transports.push(t);
      await t.start(async (envelope, info) => {
        seen.set(envelope.id, [...(seen.get(envelope.id) ?? []), info]);
      });
    }

    const jsm = await jetstreamManager(publisher.connection!);
    const leader = (await jsm.streams.info(names.stream)).cluster?.leader;
    expect(cluster.names).toContain(leader);

    const acked = new Set<string>();
    const refused: string[] = [];
    let next = 0;
    let killed: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      while (next < EVENTS) {
        const i = next++;
        const envelope = createEnvelope({ type: 'HOST_OFFLINE', source: 'cluster-test', time: new Date().toISOString(), id: `evt-${i}` }, { node_id: `node-${i}` });
        try {
          await publisher.publish(envelope);
          acked.add(envelope.id);
        } catch (error) {
          refused.push(`${envelope.id}: ${String(error)}`);
        }
        if (acked.size >= KILL_AFTER && !killed) killed = cluster.kill(leader!);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await killed;

    const lost = (group: string): string[] => [...acked].filter((id) => !deliveries.get(group)!.has(id));
    await until(() => GROUPS.every((g) => lost(g).length === 0), 25_000, `every acknowledged event in every group\n${cluster.output}`).catch((error: Error) => {
      throw new Error(`${error.message}\nlost: ${GROUPS.map((g) => `${g} ${lost(g).length}`).join(', ')}`);
    });
    await sleep(500); // late redeliveries, if any, are counted too

    const figures = GROUPS.map((g) => {
      const seen = deliveries.get(g)!;
      const all = [...seen.values()];
      return {
        group: g,
        lost: lost(g).length,
        redelivered: all.reduce((n, d) => n + d.filter((x) => x.redelivered).length, 0),
        unmarkedDuplicates: all.reduce((n, d) => n + d.slice(1).filter((x) => !x.redelivered).length, 0),
      };
    });
    const info = await jsm.streams.info(names.stream);
    const newLeader = info.cluster?.leader;
    console.info(
      `[cluster] leader ${leader} SIGKILLed after ${KILL_AFTER} of ${EVENTS} publishes; new leader ${newLeader}; acknowledged ${acked.size}, refused ${refused.length}, ` +
        `publish retries ${publisher.stats.publishRetries}, resends recognised ${publisher.stats.duplicates}; ` +
        figures.map((f) => `${f.group}: lost ${f.lost}, redeliveries ${f.redelivered}, unmarked duplicates ${f.unmarkedDuplicates}`).join('; '),
    );
    expect(newLeader).not.toBe(leader);
    // Resends after the failover were recognised by the new leader: each event stored once.
    expect(info.state.messages).toBeGreaterThanOrEqual(acked.size);
    expect(info.state.messages).toBeLessThanOrEqual(EVENTS);
    expect(acked.size).toBeGreaterThan(KILL_AFTER);
    for (const f of figures) expect(f).toMatchObject({ lost: 0, unmarkedDuplicates: 0 });
  });
});
