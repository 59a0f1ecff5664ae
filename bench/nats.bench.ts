/**
 * The NATS JetStream transport beside the raw nats.js JetStream client doing
 * the same work, in the same run, against a nats-server this bench starts on
 * a free port with a temporary store (file storage, as in production).
 *
 * - Publish throughput: events whose PubAck came back per second, with
 *   WINDOW publishes awaiting their PubAck at once. Transport: `router.publish`
 *   of TRAINING_COMPLETED (resolution, validation, dedup, envelope) over the
 *   transport. Raw: `js.publish` of the same envelope JSON with the same
 *   `msgID`. Target: transport ≥ 0.8× raw. A third row, the transport's
 *   pipelined publishing without the router, shows what the router costs.
 * - End-to-end latency: one event at a time, from publish to the handler in
 *   another connection's consumer (durable, explicit ack). Transport: router →
 *   NATS → router handler. Raw: js.publish → consume loop.
 *
 * Rounds alternate raw and transport (so drift hits both); figures are
 * medians of the rounds.
 */
import { randomUUID } from 'node:crypto';
import { connect, createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { REGISTRY } from '../generated/index.js';
import { createRouter, silentLogger, type Router } from '../runtime/index.js';
import { attachNatsTransport } from '../runtime/nats/index.js';
import { PubAckPipeline } from '../runtime/nats/publisher.js';
import { findNatsServer, NatsServer } from '../test/nats/server.js';
import { median } from './stats.js';

const ROUNDS = 5;
const EVENTS = 20_000;
const WINDOW = 256;
const LATENCY_SAMPLES = 1_000;
const STREAM = 'BENCH_EVENTS';
const PREFIX = 'bench';
const SUBJECT = `${PREFIX}.training.completed`;

export default async function run(): Promise<void> {
  if (!findNatsServer()) {
    console.log('skipped: nats-server is not installed (apt-get install nats-server)');
    return;
  }
  const server = await NatsServer.start();
  const routers: Router[] = [];
  const connections: NatsConnection[] = [];
  try {
    const options = { servers: server.url, stream: STREAM, subjectPrefix: PREFIX, logger: silentLogger };
    const producer = createRouter({ registry: REGISTRY, logger: silentLogger });
    routers.push(producer);
    const out = await attachNatsTransport(producer, { ...options, receive: false });
    const rawPub = await connect({ servers: server.url });
    const rawSub = await connect({ servers: server.url });
    connections.push(rawPub, rawSub);
    const js = jetstream(rawPub);
    const jsm = await jetstreamManager(rawSub);

    let seq = 0;
    const payload = (): Record<string, unknown> => ({
      config_key: 'hex8_2p',
      board_type: 'hex8',
      num_players: 2,
      model_path: 'models/canonical_hex8_2p.pth',
      epochs: 50,
      final_loss: 0.234,
      samples_trained: 120_000,
      job_id: `job-${seq++}`,
    });
    const template = (await producer.publish('TRAINING_COMPLETED', payload())).envelope;
    const encoder = new TextEncoder();
    /** What the transport sends: the envelope as JSON, a fresh id and time. */
    const rawEnvelope = (): { id: string; data: Uint8Array } => {
      const id = randomUUID();
      const envelope = { ...template, id, time: new Date().toISOString(), data: { ...template.data, ...payload() } };
      return { id, data: encoder.encode(JSON.stringify(envelope)) };
    };
    const publishRaw = async (): Promise<void> => {
      const m = rawEnvelope();
      await js.publish(SUBJECT, m.data, { msgID: m.id });
    };
    const publishTransport = async (): Promise<void> => {
      await producer.publish('TRAINING_COMPLETED', payload());
    };
    // The transport's publishing technique alone (pipelined PubAcks), without the router: separates router cost from wire cost.
    const pipeline = new PubAckPipeline(rawPub, { createInbox, headers }, 5_000);
    const publishPipelined = async (): Promise<void> => {
      const m = rawEnvelope();
      await pipeline.publish(SUBJECT, m.data, m.id);
    };

    // Publish throughput, with no consumer yet: warm-up, then interleaved rounds.
    await throughput(publishRaw, 2_000);
    await throughput(publishTransport, 2_000);
    await throughput(publishPipelined, 2_000);
    const raw: number[] = [];
    const transport: number[] = [];
    const pipelined: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      await jsm.streams.purge(STREAM);
      raw.push(await throughput(publishRaw, EVENTS));
      await jsm.streams.purge(STREAM);
      transport.push(await throughput(publishTransport, EVENTS));
      await jsm.streams.purge(STREAM);
      pipelined.push(await throughput(publishPipelined, EVENTS));
    }
    pipeline.close(new Error('done'));
    await jsm.streams.purge(STREAM);

    // End-to-end latency: consumers on other connections (durable, explicit ack, the same prefetch).
    const consumer = createRouter({ registry: REGISTRY, logger: silentLogger });
    routers.push(consumer);
    let onEvent: ((id: string) => void) | undefined;
    consumer.subscribe('TRAINING_COMPLETED', (e) => onEvent?.(e.id));
    await attachNatsTransport(consumer, { ...options, group: 'bench', prefetch: 64 });
    await jsm.consumers.add(STREAM, { durable_name: 'raw', ack_policy: 'explicit', filter_subject: SUBJECT, deliver_policy: 'new', max_ack_pending: 1000 });
    let onRaw: ((id: string) => void) | undefined;
    const rawMessages = await (await jetstream(rawSub).consumers.get(STREAM, 'raw')).consume({ max_messages: 64 });
    const rawLoop = (async () => {
      for await (const m of rawMessages) {
        onRaw?.(rawId(m));
        m.ack();
      }
    })();

    const rawLatency: number[] = [];
    const transportLatency: number[] = [];
    const perRound = LATENCY_SAMPLES / ROUNDS;
    for (let r = 0; r < ROUNDS; r++) {
      rawLatency.push(
        ...(await latency(perRound, async () => {
          const m = rawEnvelope();
          const arrived = new Promise<void>((resolve) => (onRaw = (id) => void (id === m.id && resolve())));
          await js.publish(SUBJECT, m.data, { msgID: m.id });
          await arrived;
        })),
      );
      transportLatency.push(
        ...(await latency(perRound, async () => {
          const id = randomUUID();
          const arrived = new Promise<void>((resolve) => (onEvent = (got) => void (got === id && resolve())));
          await producer.publish('TRAINING_COMPLETED', payload(), { id });
          await arrived;
        })),
      );
    }
    rawMessages.stop();
    await rawLoop;

    const rawTput = median(raw);
    const tTput = median(transport);
    const pTput = median(pipelined);
    const rawP = percentiles(rawLatency);
    const tP = percentiles(transportLatency);
    console.log(`nats-server ${out.connection?.info?.version ?? '?'}, file storage; ${EVENTS} events per round, ${WINDOW} in flight; median of ${ROUNDS} rounds`);
    console.table([
      { case: 'raw nats.js js.publish (baseline)', 'events/s': Math.round(rawTput), ratio: '1.00× raw' },
      { case: 'router.publish over NatsTransport', 'events/s': Math.round(tTput), ratio: `${(tTput / rawTput).toFixed(2)}× raw (target ≥ 0.8×)` },
      { case: '(its PubAck pipeline alone, no router)', 'events/s': Math.round(pTput), ratio: `${(pTput / rawTput).toFixed(2)}× raw` },
    ]);
    console.log(`end-to-end latency, one event at a time (${LATENCY_SAMPLES} samples each)`);
    console.table([
      { case: 'raw: js.publish → consume loop', 'p50 ms': round(rawP.p50), 'p99 ms': round(rawP.p99) },
      { case: 'router → NatsTransport → router handler', 'p50 ms': round(tP.p50), 'p99 ms': round(tP.p99), ratio: `${(tP.p50 / rawP.p50).toFixed(2)}× raw p50` },
    ]);
  } finally {
    await Promise.allSettled(routers.map((r) => r.close()));
    await Promise.allSettled(connections.map((c) => c.close()));
    await server.dispose();
  }
}

function rawId(m: JsMsg): string {
  return (JSON.parse(new TextDecoder().decode(m.data)) as { id: string }).id;
}

/** Events per second: `n` operations, WINDOW at a time. */
async function throughput(op: () => Promise<void>, n: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      await op();
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  return n / ((performance.now() - started) / 1000);
}

async function latency(n: number, op: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op();
    samples.push(performance.now() - t);
  }
  return samples;
}


function percentiles(xs: number[]): { p50: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
