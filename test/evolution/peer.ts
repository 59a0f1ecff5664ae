/**
 * A process of a mixed-version cluster, driven by the tests: it runs the
 * generated code of one catalog version (PEER.generated), on SQLite or NATS,
 * reports one JSON line per fact on stdout, and takes commands on stdin.
 * Run as `node --import tsx test/evolution/peer.ts`.
 *
 * - A consumer subscribes to every event of its catalog and reports each
 *   one; its router's dead letter queue is a SQLite file shared with the
 *   next process of its group (the upgraded consumer).
 * - `{"publish": type, "payload": {…}}` publishes; `{"dlq": true}` reports
 *   the DLQ; `{"replay": true}` replays the NATS transport's dead letters
 *   (over SQLite, `ringrift-events dlq replay` asks the running consumer).
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRouter, silentLogger, type EventEnvelope, type EventRegistry } from '../../runtime/index.js';
import { attachNatsTransport, type NatsTransport } from '../../runtime/nats/index.js';
import { attachSqliteTransport, CrossProcessEventQueue } from '../../runtime/sqlite/index.js';

interface PeerConfig {
  readonly generated: string;
  readonly transport: 'sqlite' | 'nats';
  readonly group: string;
  /** SQLite: the queue; NATS: the file of the DLQ. */
  readonly db: string;
  readonly url?: string;
  readonly stream?: string;
  readonly prefix?: string;
  readonly receive: boolean;
}

const config = JSON.parse(process.env.PEER ?? '{}') as PeerConfig;
const say = (fact: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(fact)}\n`);

const { REGISTRY } = (await import(pathToFileURL(join(config.generated, 'index.ts')).href)) as { REGISTRY: EventRegistry };
const queue = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger });
const router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: queue.dlqStore(config.group), retry: { attempts: 1 } });
if (config.receive) {
  router.subscribe('*', (e: EventEnvelope) => say({ received: { type: e.type, id: e.id, dataversion: e.dataversion ?? 1, data: e.data } }), { name: 'recorder' });
}

let nats: NatsTransport | undefined;
if (config.transport === 'sqlite') {
  await attachSqliteTransport(router, { queue, group: config.group, receive: config.receive });
} else {
  nats = await attachNatsTransport(router, {
    servers: config.url!,
    stream: config.stream!,
    subjectPrefix: config.prefix!,
    group: config.group,
    receive: config.receive,
    startFrom: 'all',
    logger: silentLogger,
  });
}
say({ ready: process.pid });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const cmd = JSON.parse(line) as { publish?: string; payload?: Record<string, unknown>; dlq?: boolean; replay?: boolean; exit?: boolean };
  if (cmd.exit) break;
  if (cmd.publish) {
    const result = await router.publish(cmd.publish, cmd.payload ?? {});
    say({ published: { type: result.envelope.type, id: result.envelope.id, job: cmd.payload?.job_id } });
  }
  if (cmd.dlq) {
    const entries = await router.dlq.list();
    say({ dlq: entries.map((e) => ({ type: e.eventType, job: e.envelope.data.job_id, handler: e.handlerName, status: e.status, error: e.error })) });
  }
  if (cmd.replay) say({ replayed: await nats!.replayDeadLetters() });
}
lines.close();
process.stdin.destroy(); // the stdin pipe would keep the process alive
await router.close();
await queue.close();
say({ closed: true });
