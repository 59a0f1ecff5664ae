/**
 * The NATS JetStream transport against a real `nats-server -js` that these
 * tests start on a free port with a temporary store. Each test has its own
 * stream and subject prefix. Skipped, saying how to install it, on a machine
 * without nats-server (CI fails instead: see .ci/run).
 */
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, MemoryDlqStore, silentLogger, type DeliveryInfo, type EventEnvelope, type Router, type RouterOptions } from '../../runtime/index.js';
import { attachNatsTransport, NatsConnectError, NatsTransport, TransportStateError, type NatsTransportOptions } from '../../runtime/nats/index.js';
import { Peer, recordingLogger, sleep, uniqueStream, until } from './helpers.js';
import { findNatsServer, freePort, INSTALL_HINT, NatsServer } from './server.js';

const NATS = findNatsServer();
if (!NATS) console.warn(`\n[test/nats] ${INSTALL_HINT}\n`);

const training = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  config_key: 'hex8_2p',
  board_type: 'hex8',
  num_players: 2,
  model_path: '/models/hex8_2p.pth',
  epochs: 50,
  final_loss: 0.042,
  samples_trained: 85_000,
  ...over,
});

describe.skipIf(!NATS)(NATS ? 'NATS JetStream transport' : `NATS JetStream transport (skipped: ${INSTALL_HINT})`, () => {
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

  function router(options: Partial<RouterOptions> = {}): Router {
    const r = createRouter({ registry: REGISTRY, logger: silentLogger, ...options });
    cleanup.push(() => r.close());
    return r;
  }

  async function attach(r: Router, names: { stream: string; prefix: string }, options: Partial<NatsTransportOptions> = {}): Promise<NatsTransport> {
    return attachNatsTransport(r, { servers: server.url, stream: names.stream, subjectPrefix: names.prefix, logger: silentLogger, ...options });
  }

  /** A router that only publishes (no consumer). */
  async function publisher(names: { stream: string; prefix: string }, options: Partial<NatsTransportOptions> = {}): Promise<{ router: Router; transport: NatsTransport }> {
    const r = router();
    return { router: r, transport: await attach(r, names, { receive: false, ...options }) };
  }

  async function manager(t: NatsTransport): Promise<JetStreamManager> {
    await t.connect();
    return jetstreamManager(t.connection!);
  }

  it('creates one stream per catalog whose subjects are the topics of its cross-process events', async () => {
    const names = uniqueStream('stream');
    const { transport } = await publisher(names, { replicas: 1, duplicateWindowMs: 90_000 });
    const info = await (await manager(transport)).streams.info(names.stream);
    expect(info.config.subjects.sort()).toEqual(transport.subjects.streamSubjects());
    expect(info.config.subjects).toContain(`${names.prefix}.training.completed`);
    expect(info.config).toMatchObject({ storage: 'file', num_replicas: 1, retention: 'limits', duplicate_window: 90_000 * 1e6, max_age: 7 * 24 * 3600 * 1e9 });
  });

  it('lets two router processes exchange events (training → evaluation flow)', async () => {
    const names = uniqueStream('flow');
    const common = { url: server.url, stream: names.stream, prefix: names.prefix, role: 'flow' };
    const trainer = Peer.spawn({ ...common, group: 'trainer', subscribe: ['EVALUATION_COMPLETED'] });
    const evaluator = Peer.spawn({ ...common, group: 'evaluator', subscribe: ['training_complete'], reply: true });
    cleanup.push(() => trainer.stop(), () => evaluator.stop());
    await Promise.all([trainer.waitFor('ready'), evaluator.waitFor('ready')]);

    trainer.send({ publish: 'TRAINING_COMPLETED', payload: training({ config_key: 'square8_4p', board_type: 'square8', num_players: 4 }) });
    const sent = await trainer.waitFor<{ id: string; transported: number }>('published');
    expect(sent.transported).toBe(1);

    const atEvaluator = await evaluator.waitFor<{ type: string; id: string; data: Record<string, unknown> }>('received');
    expect(atEvaluator).toMatchObject({ type: 'TRAINING_COMPLETED', id: sent.id, data: { config_key: 'square8_4p', epochs: 50 } });
    const atTrainer = await trainer.waitFor<{ type: string; data: Record<string, unknown> }>('received');
    expect(atTrainer).toMatchObject({ type: 'EVALUATION_COMPLETED', data: { config_key: 'square8_4p', elo: 1512.5 } });

    await Promise.all([trainer.stop(), evaluator.stop()]);
    expect(trainer.all('received')).toHaveLength(1);
    expect(evaluator.all('received')).toHaveLength(1);
  });

  it('refuses a second start with a TransportStateError, leaving the first one receiving', async () => {
    const names = uniqueStream('twice');
    const r = router();
    const got: string[] = [];
    r.subscribe('HOST_OFFLINE', (e) => void got.push(String(e.data.node_id)));
    const t = await attach(r, names, { group: 'twice' });
    const error = await t.start(async () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportStateError);
    expect(error).toMatchObject({ action: 'start', message: `${t.name} is already started` });
    const { router: pub } = await publisher(names);
    await pub.publish('HOST_OFFLINE', { node_id: 'after' });
    await until(() => got.length === 1, 10_000, 'the event');
    expect(got).toEqual(['after']);
  });

  it('gives every group every event, and shares a group’s events among its processes', async () => {
    const names = uniqueStream('groups');
    const { router: pub } = await publisher(names);
    const seen = { g1: [] as string[], g2: [] as string[] };
    for (const [group, count] of [['g1', 2], ['g2', 1]] as const) {
      for (let i = 0; i < count; i++) {
        const r = router();
        r.subscribe('HOST_OFFLINE', (e) => void seen[group].push(e.id));
        await attach(r, names, { group, prefetch: 1 });
      }
    }
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await pub.publish('HOST_OFFLINE', { node_id: `node-${i}` })).envelope.id);
    await until(() => seen.g1.length >= 30 && seen.g2.length >= 30, 15_000, 'both groups');
    await sleep(200);
    expect(seen.g2.sort()).toEqual([...ids].sort());
    expect(seen.g1.sort()).toEqual([...ids].sort()); // the two members of g1 together: each event once
  });

  it('delivers a resent event once: source and id make the message id, so the server drops the resend', async () => {
    const names = uniqueStream('dedup');
    const consumer = router();
    const got: EventEnvelope[] = [];
    consumer.subscribe('HOST_OFFLINE', (e) => void got.push(e));
    await attach(consumer, names, { group: 'sink' });

    const first = await publisher(names);
    const sent = await first.router.publish('HOST_OFFLINE', { node_id: 'gpu-7' }, { id: 'evt-resent-1' });
    // The publisher restarts without having seen its PubAck and sends the event again.
    await first.router.close();
    const second = await publisher(names);
    const resent = await second.router.publish('HOST_OFFLINE', { node_id: 'gpu-7' }, { id: 'evt-resent-1' });
    expect(resent.transported).toBe(1);
    expect(second.transport.stats).toMatchObject({ published: 0, duplicates: 1 });
    // And once more, the very envelope, straight to the transport.
    await second.transport.publish(sent.envelope);

    await until(() => got.length >= 1, 10_000, 'the event');
    await sleep(500);
    expect(got.map((e) => e.id)).toEqual(['evt-resent-1']);
    expect(consumer.getStats().duplicatesPrevented).toBe(0); // the copies never reached the consumer
    const info = await (await manager(second.transport)).streams.info(names.stream);
    expect(info.state.messages).toBe(1);
  });

  it('stores id 42 from nodeA and from nodeB as two events (CloudEvents: source + id), a resend from nodeA once', async () => {
    const names = uniqueStream('srcid');
    const consumer = router();
    const got: EventEnvelope[] = [];
    consumer.subscribe('HOST_OFFLINE', (e) => void got.push(e));
    await attach(consumer, names, { group: 'sink' });
    const { router: pub, transport } = await publisher(names);
    await pub.publish('HOST_OFFLINE', { node_id: 'gpu-7' }, { id: '42', source: 'nodeA' });
    await pub.publish('HOST_OFFLINE', { node_id: 'gpu-7' }, { id: '42', source: 'nodeB' });
    const resent = createRouter({ registry: REGISTRY, logger: silentLogger }); // another process resending nodeA's event
    cleanup.push(() => resent.close());
    const second = await attach(resent, names, { receive: false });
    await resent.publish('HOST_OFFLINE', { node_id: 'gpu-7' }, { id: '42', source: 'nodeA' });
    await until(() => got.length >= 2, 10_000, 'both events');
    await sleep(300);
    expect(got.map((e) => `${e.source}/${e.id}`).sort()).toEqual(['nodeA/42', 'nodeB/42']);
    expect(transport.stats).toMatchObject({ published: 2, duplicates: 0 });
    expect(second.stats).toMatchObject({ published: 0, duplicates: 1 });
  });

  it('handles at most `concurrency` events of a group at once, and that many in parallel', async () => {
    const names = uniqueStream('parallel');
    const consumer = router({ handlerTimeoutMs: 10_000 });
    let inFlight = 0;
    let most = 0;
    let done = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    consumer.subscribe('HOST_OFFLINE', async () => {
      most = Math.max(most, ++inFlight);
      await released;
      inFlight--;
      done++;
    });
    const t = await attach(consumer, names, { group: 'parallel', concurrency: 3 });
    const { router: pub } = await publisher(names);
    for (let i = 0; i < 7; i++) await pub.publish('HOST_OFFLINE', { node_id: `n${i}` });
    await until(() => inFlight === 3, 10_000, 'three events in parallel');
    await sleep(300);
    expect(inFlight).toBe(3); // the others wait for a slot
    release();
    await until(() => done === 7, 10_000, 'every event');
    expect(most).toBe(3);
    await until(() => t.stats.acked === 7, 10_000, 'the acks');
  });

  it('acknowledges an event only after its handler settled, keeping it from redelivery meanwhile', async () => {
    const names = uniqueStream('ack');
    const consumer = router({ handlerTimeoutMs: 10_000 });
    let calls = 0;
    let finished = false;
    consumer.subscribe('HOST_OFFLINE', async () => {
      calls++;
      await sleep(2_500); // longer than ack_wait
      finished = true;
    });
    const t = await attach(consumer, names, { group: 'slow', ackWaitMs: 1_000 });
    const { router: pub } = await publisher(names);
    await pub.publish('HOST_OFFLINE', { node_id: 'n1' });
    const jsm = await manager(t);
    await until(() => calls === 1, 10_000, 'the handler');
    await sleep(1_200);
    let ci = await jsm.consumers.info(names.stream, 'slow');
    expect(ci.num_ack_pending).toBe(1); // handler still running: not acknowledged
    expect(ci.num_redelivered).toBe(0); // and not redelivered although ack_wait passed
    await until(() => finished, 10_000, 'the handler to finish');
    await until(async () => (await jsm.consumers.info(names.stream, 'slow')).num_ack_pending === 0, 5_000, 'the ack');
    ci = await jsm.consumers.info(names.stream, 'slow');
    expect(ci.ack_floor.stream_seq).toBe(1);
    expect(calls).toBe(1);
  });

  it('parks a failing handler’s event in the router’s DLQ after its retries, then acknowledges it', async () => {
    const names = uniqueStream('handlerdlq');
    const consumer = router({ retry: { attempts: 3, baseDelayMs: 20 } });
    let calls = 0;
    consumer.subscribe(
      'TRAINING_COMPLETED',
      () => {
        calls++;
        throw new Error('model file unreadable');
      },
      { name: 'AutoEvaluationDaemon' },
    );
    const t = await attach(consumer, names, { group: 'evaluator' });
    const { router: pub } = await publisher(names);
    const sent = await pub.publish('TRAINING_COMPLETED', training());
    await until(async () => (await consumer.dlq.count()) === 1, 10_000, 'the DLQ entry');
    const [entry] = await consumer.dlq.list();
    expect(entry).toMatchObject({ handlerName: 'AutoEvaluationDaemon', attempts: 3, error: 'model file unreadable', eventType: 'TRAINING_COMPLETED', status: 'pending' });
    expect(entry!.envelope.id).toBe(sent.envelope.id);
    const jsm = await manager(t);
    await until(async () => (await jsm.consumers.info(names.stream, 'evaluator')).num_ack_pending === 0, 5_000, 'the ack');
    await sleep(300);
    expect(calls).toBe(3);
    expect((await jsm.consumers.info(names.stream, 'evaluator')).num_redelivered).toBe(0);
    expect(t.stats).toMatchObject({ acked: 1, naked: 0, deadLettered: 0 });
  });

  it('naks a failed delivery with backoff and parks the event in the DLQ after the redelivery limit', async () => {
    const names = uniqueStream('limit');
    const dlq = new MemoryDlqStore();
    const log = recordingLogger();
    const t = new NatsTransport({ registry: REGISTRY, servers: server.url, stream: names.stream, subjectPrefix: names.prefix, group: 'flaky', dlq, logger: log, maxDeliveries: 3, backoffMs: [300, 600] });
    cleanup.push(() => t.close());
    const deliveries: { info: DeliveryInfo }[] = [];
    let failing = true;
    await t.start(async (_envelope, info) => {
      deliveries.push({ info });
      if (failing) throw new Error('cannot park: DLQ store unavailable');
    });
    const { router: pub } = await publisher(names);
    const sent = await pub.publish('HOST_OFFLINE', { node_id: 'n9' });

    await until(async () => (await dlq.count()) === 1, 15_000, 'the DLQ entry');
    expect(deliveries.map((d) => d.info)).toEqual([
      { redelivered: false, attempt: 1 },
      { redelivered: true, attempt: 2 },
      { redelivered: true, attempt: 3 },
    ]);
    // Each failed delivery is nak'ed with the next delay of backoffMs (the server holds the message that long).
    expect(log.lines.filter((l) => l.level === 'warn' && l.message.includes('redelivery in')).map((l) => /^\S+ delivery (\d\/\d) .* redelivery in (\d+) ms$/.exec(l.message)?.slice(1))).toEqual([
      ['1/3', '300'],
      ['2/3', '600'],
    ]);
    const [entry] = await dlq.list();
    expect(entry).toMatchObject({ handlerName: 'nats:flaky', attempts: 3, error: 'cannot park: DLQ store unavailable', eventType: 'HOST_OFFLINE' });
    expect(entry!.envelope.id).toBe(sent.envelope.id);
    // Terminated, not nak'ed: the server holds nothing for redelivery.
    const jsm = await manager(t);
    await until(async () => (await jsm.consumers.info(names.stream, 'flaky')).num_ack_pending === 0, 5_000, 'the termination');
    expect(deliveries).toHaveLength(3);
    expect(t.stats).toMatchObject({ naked: 2, deadLettered: 1, acked: 0 });
    expect(log.lines.some((l) => l.level === 'error' && l.message.includes('dead-lettered HOST_OFFLINE'))).toBe(true);

    // Once the cause is fixed, the parked event can be handed over again.
    failing = false;
    expect(await t.replayDeadLetters()).toEqual({ replayed: 1, recovered: 1, failed: 0 });
    expect((await dlq.get(entry!.id))?.status).toBe('recovered');
  });

  it('parks what it cannot deliver (unknown type, payload invalid for this catalog, not an envelope, not JSON) in the router’s DLQ as nats:<group>, then acknowledges it', async () => {
    const names = uniqueStream('undeliverable');
    const consumer = router();
    const got: EventEnvelope[] = [];
    consumer.subscribe('*', (e) => void got.push(e));
    const t = await attach(consumer, names, { group: 'strict_group' });
    const js = jetstream(t.connection!);
    const subject = t.subjects.subjectOf("HOST_OFFLINE")!;
    const envelope = (over: Record<string, unknown>) => ({ specversion: '1.0', id: `raw-${Math.random()}`, source: 'nodeX', type: 'HOST_OFFLINE', time: new Date().toISOString(), datacontenttype: 'application/json', data: { node_id: 'n1' }, ...over });
    const bad = [
      JSON.stringify(envelope({ id: 'unknown-type', type: 'NO_SUCH_EVENT' })),
      JSON.stringify(envelope({ id: 'invalid-payload', data: { node_id: 42 } })),
      JSON.stringify({ id: 'not-an-envelope', hello: 'world' }),
      '{ not json',
    ];
    for (const body of bad) await js.publish(subject, new TextEncoder().encode(body));
    await js.publish(subject, new TextEncoder().encode(JSON.stringify(envelope({ id: 'good' }))));

    await until(() => got.length === 1, 10_000, 'the valid event');
    await until(async () => (await consumer.dlq.count()) === 4, 10_000, 'four DLQ entries');
    const entries = await consumer.dlq.list();
    expect(entries.map((e) => e.handlerName)).toEqual(['nats:strict_group', 'nats:strict_group', 'nats:strict_group', 'nats:strict_group']);
    const reasons = entries.map((e) => e.error);
    for (const expected of [/unknown event type "NO_SUCH_EVENT"/, /^invalid HOST_OFFLINE payload: .*node_id/, /^not an event envelope \(specversion/, /^not JSON/]) {
      expect(reasons.filter((r) => expected.test(r)), `${String(expected)} in ${JSON.stringify(reasons)}`).toHaveLength(1);
    }
    const unreadable = entries.find((e) => e.error.startsWith('not JSON'))!;
    expect(unreadable.envelope.data).toMatchObject({ raw: '{ not json', subject });
    const jsm = await manager(t);
    await until(async () => (await jsm.consumers.info(names.stream, 'strict_group')).num_ack_pending === 0, 5_000, 'the acks');
    const ci = await jsm.consumers.info(names.stream, 'strict_group');
    expect(ci.ack_floor.stream_seq).toBe(5);
    expect(ci.num_redelivered).toBe(0);
    expect(got.map((e) => e.id)).toEqual(['good']);
  });

  it('parks an event whose handler crashes its process, instead of crashing every restart', async () => {
    const names = uniqueStream('crash');
    const { router: pub } = await publisher(names);
    // ack_wait 2.5 s: the pull requests (half of it) of a dead process expire before its event is redelivered.
    const peerConfig = { url: server.url, stream: names.stream, prefix: names.prefix, role: 'crash', group: 'crashers', maxDeliveries: 2, ackWaitMs: 2_500 };
    // The group exists before the event is published.
    const first = Peer.spawn(peerConfig);
    cleanup.push(() => first.stop());
    await first.waitFor('ready');
    const sent = await pub.publish('HOST_OFFLINE', { node_id: 'poison' });

    expect(await first.waitFor('handling')).toBe(sent.envelope.id);
    expect(await first.exited).toBe(3);
    const second = Peer.spawn(peerConfig); // restarted by its supervisor
    cleanup.push(() => second.stop());
    expect(await second.waitFor('handling')).toBe(sent.envelope.id);
    expect(await second.exited).toBe(3);
    const third = Peer.spawn(peerConfig);
    cleanup.push(() => third.stop());
    const parked = await third.waitFor<{ id: string; handlerName: string; attempts: number; error: string }>('deadLettered');
    expect(parked).toMatchObject({ id: sent.envelope.id, handlerName: 'nats:crashers', attempts: 2 });
    expect(parked.error).toMatch(/not acknowledged after 2 deliveries/);
    await sleep(300);
    expect(third.all('handling')).toHaveLength(0); // parked without running the handler again
    await third.stop();
  }, 60_000);

  it('replays the stream from a start time without moving any group', async () => {
    const names = uniqueStream('replay');
    const { router: pub, transport } = await publisher(names);
    for (let i = 0; i < 3; i++) await pub.publish('HOST_OFFLINE', { node_id: `before-${i}` });
    await sleep(100);
    const since = new Date();
    await sleep(100);
    for (let i = 0; i < 3; i++) await pub.publish('HOST_OFFLINE', { node_id: `after-${i}` });
    await pub.publish('TRAINING_COMPLETED', training());

    const replayed: string[] = [];
    const n = await transport.replay({ since, topics: ['HOST_OFFLINE'], handler: (e) => void replayed.push(String(e.data.node_id)) });
    expect(n).toBe(3);
    expect(replayed).toEqual(['after-0', 'after-1', 'after-2']);
    const everything: string[] = [];
    expect(await transport.replay({ since: 0, handler: (e) => void everything.push(e.type) })).toBe(7);
    expect(everything.at(-1)).toBe('TRAINING_COMPLETED');
    expect(await transport.replay({ since: Date.now() + 60_000, handler: () => undefined })).toBe(0);
    // Seconds since the epoch (Python's time.time()) are refused, not read as January 1970.
    await expect(transport.replay({ since: Date.now() / 1000 - 3600, handler: () => undefined })).rejects.toThrow(/reads as seconds.*pass .* \* 1000/);
    await expect(transport.replay({ since: 'yesterday', handler: () => undefined })).rejects.toThrow(/not a time: yesterday/);

    // A new group can start from a time too.
    const late = router();
    const got: string[] = [];
    late.subscribe('HOST_OFFLINE', (e) => void got.push(String(e.data.node_id)));
    await attach(late, names, { group: 'late', startFrom: since });
    await until(() => got.length === 3, 10_000, 'the late group');
    expect(got).toEqual(['after-0', 'after-1', 'after-2']);
  });

  it('filters a group’s consumer on its topics', async () => {
    const names = uniqueStream('filter');
    const r = router();
    const got: string[] = [];
    r.subscribe('*', (e) => void got.push(e.type));
    const t = await attach(r, names, { group: 'trainers', topics: ['training.*'] });
    const ci = await (await manager(t)).consumers.info(names.stream, 'trainers');
    expect(ci.config.filter_subject).toBe(`${names.prefix}.training.*`);

    const r2 = router();
    const got2: string[] = [];
    r2.subscribe('*', (e) => void got2.push(e.type));
    const t2 = await attach(r2, names, { group: 'two', topics: ['TRAINING_COMPLETED', 'HOST_OFFLINE'] });

    const { router: pub } = await publisher(names);
    await pub.publish('HOST_OFFLINE', { node_id: 'n' });
    await pub.publish('EVALUATION_STARTED', {});
    await pub.publish('TRAINING_COMPLETED', training());
    await until(() => got.length >= 1 && got2.length >= 2, 10_000, 'the groups');
    await sleep(300);
    expect(got).toEqual(['TRAINING_COMPLETED']);
    expect(got2).toEqual(['HOST_OFFLINE', 'TRAINING_COMPLETED']);
    expect(t.stats.received).toBe(1); // the server filtered
  });

  it('close() lets events being handled finish and acknowledges them; nothing is delivered afterwards', async () => {
    const names = uniqueStream('close');
    const consumer = router();
    let started = 0;
    let finished = 0;
    consumer.subscribe('HOST_OFFLINE', async () => {
      started++;
      await sleep(500);
      finished++;
    });
    await attach(consumer, names, { group: 'closing' });
    const { router: pub, transport: pubT } = await publisher(names);
    await pub.publish('HOST_OFFLINE', { node_id: 'a' });
    await until(() => started === 1, 10_000, 'the handler');
    await consumer.close();
    expect(finished).toBe(1); // close waited for it
    await pub.publish('HOST_OFFLINE', { node_id: 'b' });
    await sleep(500);
    expect(started).toBe(1);
    const ci = await (await manager(pubT)).consumers.info(names.stream, 'closing');
    expect(ci.num_ack_pending).toBe(0);
    expect(ci.ack_floor.stream_seq).toBe(1); // the first was acknowledged before close resolved
    expect(ci.num_pending).toBe(1); // the second waits for the group
  });

  it('recreates its stream when the server lost it, and the publish that found none goes through', async () => {
    const names = uniqueStream('lost');
    const { router: pub, transport } = await publisher(names, { publishTimeoutMs: 1_000 });
    await pub.publish('HOST_OFFLINE', { node_id: 'before' });
    const jsm = await manager(transport);
    await jsm.streams.delete(names.stream); // as a memory-storage stream is lost with its server
    const after = await pub.publish('HOST_OFFLINE', { node_id: 'after' });
    expect(after.transported).toBe(1);
    const info = await jsm.streams.info(names.stream);
    expect(info.state.messages).toBe(1);
    expect(transport.stats.publishRetries).toBeGreaterThan(0);
  });

  it('recreates a group’s consumer the server lost', async () => {
    const names = uniqueStream('lostconsumer');
    const r = router();
    const got: string[] = [];
    r.subscribe('HOST_OFFLINE', (e) => void got.push(String(e.data.node_id)));
    await attach(r, names, { group: 'keepers' });
    const { router: pub, transport } = await publisher(names);
    const jsm = await manager(transport);
    await jsm.consumers.delete(names.stream, 'keepers');
    await until(async () => (await jsm.consumers.info(names.stream, 'keepers').then(() => true, () => false)), 15_000, 'the consumer to be recreated');
    await pub.publish('HOST_OFFLINE', { node_id: 'after' });
    await until(() => got.length === 1, 10_000, 'the event');
    expect(got).toEqual(['after']);
  });

  it('waits for a server that is not up yet', async () => {
    const port = await freePort();
    const names = uniqueStream('late');
    const t = new NatsTransport({ registry: REGISTRY, servers: `nats://127.0.0.1:${port}`, stream: names.stream, subjectPrefix: names.prefix, logger: silentLogger, receive: false, reconnectWaitMs: 200 });
    cleanup.push(() => t.close());
    let connected = false;
    const connecting = t.connect().then(() => (connected = true));
    await sleep(1_000);
    expect(connected).toBe(false);
    const late = await NatsServer.start(NATS, port);
    cleanup.push(() => late.dispose());
    await connecting;
    expect(connected).toBe(true);

    const nowhere = `nats://127.0.0.1:${await freePort()}`;
    const hopeless = new NatsTransport({ registry: REGISTRY, servers: nowhere, logger: silentLogger, receive: false, connectTimeoutMs: 500, reconnectWaitMs: 100 });
    await expect(hopeless.connect()).rejects.toThrow(new RegExp(`cannot connect to NATS at ${nowhere.replace(/[.]/g, '\\.')} within 500 ms \\(connectTimeoutMs\\)`));
    await expect(hopeless.connect()).rejects.toBeInstanceOf(NatsConnectError);
    await hopeless.close();
  });

  it('gives a process without a group a consumer of its own, removed on close', async () => {
    const names = uniqueStream('solo');
    const r = router();
    const got: string[] = [];
    r.subscribe('HOST_OFFLINE', (e) => void got.push(e.id));
    const t = await attach(r, names);
    const { router: pub, transport: pubT } = await publisher(names);
    const jsm = await manager(pubT);
    const names1 = (await jsm.consumers.list(names.stream).next()).map((c) => c.name);
    expect(names1).toEqual([t.config.durable]);
    await pub.publish('HOST_OFFLINE', { node_id: 'x' });
    await until(() => got.length === 1, 10_000, 'the event');
    await r.close();
    expect(await jsm.consumers.list(names.stream).next()).toEqual([]);
  });
});
