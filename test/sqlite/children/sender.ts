/** Sends `count` HOST_OFFLINE events through a queue, `intervalMs` apart, each carrying its send time (`sent_at`, epoch ms). */
import { REGISTRY } from '../../../generated/index.js';
import { silentLogger } from '../../../runtime/index.js';
import { CrossProcessEventQueue } from '../../../runtime/sqlite/index.js';

const config = JSON.parse(process.env.CONFIG ?? '{}') as { db: string; count: number; intervalMs: number; type?: string };
const queue = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, retention: false });
for (let i = 0; i < config.count; i++) {
  await new Promise((r) => setTimeout(r, config.intervalMs));
  await queue.send(config.type ?? 'HOST_OFFLINE', { node_id: `n${i}`, sent_at: Date.now() } as Record<string, unknown>);
}
await queue.close();
