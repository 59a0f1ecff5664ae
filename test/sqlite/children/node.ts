/**
 * A router process on the SQLite transport, driven by the tests through the
 * CONFIG variable (JSON); one JSON line per fact on stdout.
 *
 * - producer: publishes `count` WORK_QUEUED events (`work_id` = `<producer>:<i>`)
 *   through its router, `window` at a time, then prints {done} and exits.
 * - consumer: joins `group`, and for each WORK_QUEUED appends one line
 *   `<work_id> <redelivered 0|1> <attempt> <seq>` to `logFile` (before the
 *   event is acknowledged); exits cleanly on SIGTERM.
 * - listener: prints every event it receives as {received: …} and publishes
 *   what it is told on stdin ({publish, payload}).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { REGISTRY, emitWorkQueued } from '../../../generated/index.js';
import { createRouter, silentLogger, type EventEnvelope } from '../../../runtime/index.js';
import { attachSqliteTransport, CrossProcessEventQueue, currentDelivery } from '../../../runtime/sqlite/index.js';

interface Config {
  readonly role: 'producer' | 'consumer' | 'listener';
  readonly db: string;
  readonly producer?: string;
  readonly count?: number;
  readonly window?: number;
  readonly group?: string;
  readonly topics?: readonly string[];
  readonly logFile?: string;
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly maxDeliveries?: number;
}

const config = JSON.parse(process.env.CONFIG ?? '{}') as Config;
const say = (fact: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(fact)}\n`);

const queue = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, leaseMs: config.leaseMs, maxDeliveries: config.maxDeliveries });
const router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: queue.dlqStore(config.group), retry: { attempts: 2, baseDelayMs: 10 } });

if (config.role === 'producer') {
  await attachSqliteTransport(router, { queue, receive: false });
  say({ ready: process.pid });
  const count = config.count ?? 1000;
  const window = config.window ?? 50;
  for (let i = 0; i < count; i += window) {
    const sends: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + window); j++) {
      sends.push(emitWorkQueued({ work_id: `${config.producer}:${j}`, work_type: 'selfplay', priority: j }, { router }));
    }
    await Promise.all(sends);
  }
  say({ done: count });
  await router.close();
  await queue.close();
} else if (config.role === 'consumer') {
  const fd = openSync(config.logFile!, 'a');
  router.subscribe('WORK_QUEUED', (e) => {
    const d = currentDelivery();
    writeSync(fd, `${String(e.data.work_id)} ${d?.redelivered ? 1 : 0} ${d?.attempt ?? 0} ${d?.seq ?? 0}\n`);
  });
  await attachSqliteTransport(router, { queue, group: config.group, topics: config.topics, leaseMs: config.leaseMs, batchSize: config.batchSize });
  say({ ready: process.pid });
  process.on('SIGTERM', () => {
    void (async () => {
      await router.close();
      await queue.close();
      closeSync(fd);
      say({ stopped: process.pid });
      process.exit(0);
    })();
  });
} else {
  const received = (e: EventEnvelope): void => {
    const d = currentDelivery();
    say({ received: { type: e.type, id: e.id, source: e.source, data: e.data, redelivered: d?.redelivered ?? null } });
  };
  for (const topic of config.topics ?? ['*']) router.subscribe(topic, received);
  await attachSqliteTransport(router, { queue, group: config.group, topics: config.topics });
  say({ ready: process.pid });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    void (async () => {
      const cmd = JSON.parse(line) as { publish?: string; payload?: Record<string, unknown>; exit?: boolean };
      if (cmd.exit) {
        await router.close();
        await queue.close();
        process.exit(0);
      }
      try {
        const r = await router.publish(cmd.publish!, cmd.payload ?? {});
        say({ published: { id: r.envelope.id, type: r.envelope.type, delivered: r.delivered } });
      } catch (error) {
        say({ publishError: String(error) });
      }
    })();
  });
}
