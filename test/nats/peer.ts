/**
 * A router process on a NATS transport, driven by the tests: configured by
 * the PEER environment variable (JSON), commands on stdin, one JSON line per
 * fact on stdout. Run as `node --import tsx test/nats/peer.ts`.
 *
 * Roles:
 * - `flow`: subscribes to `subscribe` and reports each event; on a command
 *   `{"publish": name, "payload": {…}}` publishes and reports the id; with
 *   `reply` it answers each TRAINING_COMPLETED with an EVALUATION_COMPLETED
 *   (the training → evaluation flow across processes).
 * - `crash`: its HOST_OFFLINE handler reports the delivery, then kills the
 *   process (a handler that takes its process down); DLQ entries are reported.
 */
import { createInterface } from 'node:readline';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, MemoryDlqStore, silentLogger, type DlqEntry, type EventEnvelope } from '../../runtime/index.js';
import { attachNatsTransport } from '../../runtime/nats/index.js';

interface PeerConfig {
  readonly role: 'flow' | 'crash';
  readonly url: string;
  readonly stream: string;
  readonly prefix: string;
  readonly group: string;
  readonly subscribe?: readonly string[];
  readonly reply?: boolean;
  readonly maxDeliveries?: number;
  readonly ackWaitMs?: number;
}

const config = JSON.parse(process.env.PEER ?? '{}') as PeerConfig;
const say = (fact: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(fact)}\n`);

class ReportingDlq extends MemoryDlqStore {
  override async add(entry: DlqEntry): Promise<void> {
    await super.add(entry);
    say({ deadLettered: { id: entry.envelope.id, handlerName: entry.handlerName, attempts: entry.attempts, error: entry.error } });
  }
}

const router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: new ReportingDlq(), retry: { attempts: 1 } });
const received = (e: EventEnvelope): void => say({ received: { type: e.type, id: e.id, source: e.source, data: e.data } });

if (config.role === 'crash') {
  router.subscribe('HOST_OFFLINE', (e) => {
    say({ handling: e.id });
    process.exit(3); // the process dies while the event is unacknowledged
  });
} else {
  for (const topic of config.subscribe ?? []) router.subscribe(topic, received);
  if (config.reply) {
    router.subscribe('TRAINING_COMPLETED', async (e) => {
      const d = e.data as { config_key: string; board_type: string; num_players: number; model_path: string };
      await router.publish('EVALUATION_COMPLETED', {
        config_key: d.config_key,
        board_type: d.board_type,
        num_players: d.num_players,
        model_path: d.model_path,
        elo: 1512.5,
        games_played: 200,
        win_rate: 0.61,
      });
    });
  }
}

await attachNatsTransport(router, {
  servers: config.url,
  stream: config.stream,
  subjectPrefix: config.prefix,
  group: config.group,
  startFrom: 'all',
  maxDeliveries: config.maxDeliveries,
  ackWaitMs: config.ackWaitMs,
  backoffMs: [100],
  logger: silentLogger,
});
say({ ready: process.pid });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const cmd = JSON.parse(line) as { publish?: string; payload?: Record<string, unknown>; exit?: boolean };
  if (cmd.exit) break;
  if (cmd.publish) {
    const result = await router.publish(cmd.publish, cmd.payload ?? {});
    say({ published: { type: result.envelope.type, id: result.envelope.id, transported: result.transported } });
  }
}
lines.close();
process.stdin.destroy(); // the stdin pipe would keep the process alive
await router.close();
say({ closed: true });
