/** The SQLite transport under the router: cross-process delivery, no echo or double delivery, DLQ on SQLite, replay from the CLI. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, MemoryDlqStore, silentLogger, type DlqEntry, type EventEnvelope, type Router, type RouterOptions } from '../../runtime/index.js';
import { attachSqliteTransport, CrossProcessEventQueue, currentDelivery } from '../../runtime/sqlite/index.js';
import { CHILDREN, ROOT, sleep, spawnProgram, spawnTs, tempDir, waitUntil } from './helpers.js';

const training = {
  config_key: 'hex8_2p',
  board_type: 'hex8',
  num_players: 2,
  model_path: '/models/hex8_2p.pth',
  epochs: 50,
  final_loss: 0.042,
  samples_trained: 85_000,
} as const;

let tmp: ReturnType<typeof tempDir>;
const cleanup: (() => Promise<void>)[] = [];

beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  tmp.cleanup();
});

/** A router on its own queue connection (as a separate process would have), in `group`. */
async function node(group: string | undefined, options: Partial<RouterOptions> = {}, transport: Record<string, unknown> = {}) {
  const queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false, retry: { baseDelayMs: 10 } });
  const router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: queue.dlqStore(group), ...options });
  const t = await attachSqliteTransport(router, { queue, group, ...transport });
  cleanup.push(async () => {
    await router.close();
    await queue.close();
  });
  return { queue, router, transport: t };
}

function collect(router: Router, spelling: string, name?: string): EventEnvelope[] {
  const got: EventEnvelope[] = [];
  router.subscribe(spelling, (e) => void got.push(e), name ? { name } : {});
  return got;
}

describe('SqliteTransport', () => {
  it('carries cross-process events to the routers of other groups, once, and never back to the publishing group', async () => {
    const a1 = await node('training');
    const a2 = await node('training');
    const b = await node('evaluation');
    const atA1 = collect(a1.router, 'training_complete');
    const atA2 = collect(a2.router, 'TRAINING_COMPLETED');
    const atB = collect(b.router, 'training.completed');

    const result = await a1.router.publish('TRAINING_COMPLETED', training, { source: 'TrainingCoordinator' });
    expect(result.transported).toBe(1);
    expect(atA1).toHaveLength(1); // local delivery in the publishing process
    await waitUntil(() => atB.length === 1, 3000, 'the other group');
    await sleep(200);
    expect(atB[0]).toMatchObject({ id: result.envelope.id, type: 'TRAINING_COMPLETED', source: 'TrainingCoordinator' });
    expect(atB[0]!.data).toMatchObject({ model_path: '/models/hex8_2p.pth', epochs: 50 });
    expect(atA2).toHaveLength(0); // its group handled it in a1 already: no double delivery
    expect(atA1).toHaveLength(1); // no echo
    expect(a1.transport.consumer!.stats.claimed).toBe(0);
  });

  it('stores only the events the catalog marks cross-process', async () => {
    const a = await node('a');
    await a.router.publish('TRAINING_PROGRESS', { config_key: 'hex8_2p' });
    await a.router.publish('HOST_OFFLINE', { node_id: 'n1' });
    expect(a.queue.read(0).map((e) => e.type)).toEqual(['HOST_OFFLINE']);
  });

  it('runs the training → evaluation flow with a router in another process', async () => {
    const here = await node('training');
    const evaluated = collect(here.router, 'EVALUATION_COMPLETED');
    const child = spawnTs(join(CHILDREN, 'node.ts'), { role: 'listener', db: tmp.db, group: 'evaluation', topics: ['TRAINING_COMPLETED'] });
    cleanup.push(async () => {
      child.proc.kill('SIGKILL');
      await child.exited;
    });
    await child.waitFor((l) => 'ready' in l, 30_000);
    const sent = await here.router.publish('TRAINING_COMPLETED', training, { source: 'TrainingCoordinator' });
    const received = (await child.waitFor((l) => 'received' in l)).received as { id: string; type: string; redelivered: boolean };
    expect(received).toMatchObject({ id: sent.envelope.id, type: 'TRAINING_COMPLETED', redelivered: false });
    child.proc.stdin!.write(
      `${JSON.stringify({ publish: 'evaluation_complete', payload: { config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/models/hex8_2p.pth', elo: 1512.5, games_played: 200, win_rate: 0.61 } })}\n`,
    );
    await waitUntil(() => evaluated.length === 1, 5000, 'EVALUATION_COMPLETED from the other process');
    expect(evaluated[0]!.data).toMatchObject({ elo: 1512.5 });
  });

  it('parks a handler that fails every retry in the SQLite DLQ, acknowledges the event, and replays it from the CLI to that handler alone', async () => {
    const consumer = await node('evaluation', { retry: { attempts: 2, baseDelayMs: 5 } });
    const producer = await node(undefined, {}, { receive: false });
    let broken = true;
    const calls: string[] = [];
    consumer.router.subscribe(
      'TRAINING_COMPLETED',
      () => {
        calls.push('evaluator');
        if (broken) throw new Error('gauntlet unavailable');
      },
      { name: 'Evaluator:TRAINING_COMPLETED' },
    );
    const other = collect(consumer.router, 'TRAINING_COMPLETED', 'Feedback:TRAINING_COMPLETED');
    await producer.router.publish('TRAINING_COMPLETED', training);
    await waitUntil(async () => (await consumer.router.dlq.count()) === 1, 5000, 'the DLQ entry');
    expect(calls).toEqual(['evaluator', 'evaluator']);
    const [entry] = await consumer.router.dlq.list();
    expect(entry).toMatchObject({ handlerName: 'Evaluator:TRAINING_COMPLETED', eventType: 'TRAINING_COMPLETED', attempts: 2, error: 'gauntlet unavailable' });
    await waitUntil(() => consumer.queue.stats().groups.find((g) => g.name === 'evaluation')!.inFlight === 0, 3000, 'the ack');

    const list = spawnProgram(process.execPath, [join(ROOT, 'bin/ringrift-events.js'), 'dlq', 'list', '--db', tmp.db]);
    expect(await list.exited).toBe(0);
    expect(list.stdout.join('')).toMatch(/TRAINING_COMPLETED\s+Evaluator:TRAINING_COMPLETED\s+evaluation\s+2\s+gauntlet unavailable/);

    broken = false;
    const replay = spawnProgram(process.execPath, [join(ROOT, 'bin/ringrift-events.js'), 'dlq', 'replay', '--db', tmp.db, '--wait', '20']);
    expect(await replay.exited).toBe(0);
    expect(replay.stdout.join('')).toMatch(/1 recovered, 0 failed again, 0 still waiting/);
    expect(calls).toEqual(['evaluator', 'evaluator', 'evaluator']);
    expect(other).toHaveLength(1); // the replay went to the handler that failed, not to every subscriber (design rule 5)
    expect(await consumer.router.dlq.get(entry!.id)).toMatchObject({ status: 'recovered', attempts: 3 });
  }, 60_000);

  it('gives an event back when the router cannot park it, and parks it in SQLite after maxDeliveries; handlers see redeliveries', async () => {
    class BrokenStore extends MemoryDlqStore {
      override async add(_entry: DlqEntry): Promise<void> {
        throw new Error('DLQ disk full');
      }
    }
    const consumer = await node('g', { dlq: new BrokenStore(), retry: { attempts: 1 } }, { maxDeliveries: 2 });
    const seen: { attempt?: number; redelivered?: boolean }[] = [];
    consumer.router.subscribe('HOST_OFFLINE', () => {
      const d = currentDelivery();
      seen.push({ attempt: d?.attempt, redelivered: d?.redelivered });
      throw new Error('handler down');
    });
    const producer = await node(undefined, {}, { receive: false });
    await producer.router.publish('HOST_OFFLINE', { node_id: 'n1' });
    await waitUntil(() => consumer.queue.stats().dlq.pending === 1, 5000, 'the transport to park it');
    expect(seen).toEqual([
      { attempt: 1, redelivered: false },
      { attempt: 2, redelivered: true },
    ]);
    const [entry] = await consumer.queue.dlqStore().list();
    expect(entry).toMatchObject({ handlerName: 'sqlite:g', attempts: 2, group: 'g' });
    expect(entry!.error).toMatch(/2 deliveries failed; last: could not park failed deliveries/);
  });

  it('a process-private group (no group name) receives while it runs and is removed when it closes', async () => {
    const listener = await node(undefined);
    const got = collect(listener.router, 'HOST_ONLINE');
    const producer = await node(undefined, {}, { receive: false });
    await producer.router.publish('HOST_ONLINE', { node_id: 'n2' });
    await waitUntil(() => got.length === 1, 3000, 'the event');
    expect(producer.queue.stats().groups.filter((g) => g.ephemeral)).toHaveLength(1);
    await listener.router.close();
    expect(producer.queue.stats().groups.filter((g) => g.ephemeral)).toHaveLength(0);
  });
});
