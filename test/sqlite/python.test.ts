/**
 * Another language on the same queue: a Python 3 process using only its
 * standard sqlite3 module (test/fixtures/python/rr_queue.py, written from
 * docs/cross-process-queue.md) writes events a TypeScript router receives,
 * and reads events TypeScript sent.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, silentLogger, type EventEnvelope } from '../../runtime/index.js';
import { attachSqliteTransport, CrossProcessEventQueue, currentDelivery } from '../../runtime/sqlite/index.js';
import { ROOT, spawnProgram, tempDir, waitUntil } from './helpers.js';

const PY = join(ROOT, 'test/fixtures/python/rr_queue.py');
const python = spawnSync('python3', ['-c', 'import sqlite3, sys; print(sys.version_info[0])'], { encoding: 'utf8' });
const havePython = python.status === 0 && python.stdout.trim() === '3';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('rr-py-');
});
afterEach(() => tmp.cleanup());

// Skipped only where python3 is missing; .ci/run requires python3, so CI always runs it.
describe.skipIf(!havePython)('Python 3 (standard sqlite3 module) and TypeScript on one queue (skipped without python3)', () => {
  it('a TypeScript router receives the events a Python process writes, woken by its commits', async () => {
    // A 10-minute safety poll: only the wake-up on Python's commits can deliver within the test's timeout.
    const queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false, pollIntervalMs: 600_000 });
    const router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: queue.dlqStore('health') });
    const got: { e: EventEnvelope; redelivered: boolean | undefined }[] = [];
    router.subscribe('cluster.node_left', (e) => void got.push({ e, redelivered: currentDelivery()?.redelivered }));
    await attachSqliteTransport(router, { queue, group: 'health' });

    const py = spawnProgram('python3', [PY, tmp.db, 'send', '200']);
    expect(await py.exited).toBe(0);
    expect(py.lines.at(-1)).toEqual({ sent: 200, duplicates: 1 }); // the resent id was stored once
    await waitUntil(() => got.length === 200, 10_000, 'the 200 Python events');
    expect(got.map((g) => g.e.id)).toEqual(Array.from({ length: 200 }, (_, i) => `py-${i}`));
    expect(got[7]!.e).toMatchObject({ type: 'HOST_OFFLINE', source: 'python-selfplay-worker', data: { node_id: 'py-node-7', reason: 'python' } });
    expect(got.every((g) => g.redelivered === false)).toBe(true);
    expect(queue.stats().events.count).toBe(200);
    expect(queue.stats().dlq.pending).toBe(0); // every Python envelope passed the catalog's validation
    await router.close();
    await queue.close();
  });

  it('a Python process reads, in order, the events TypeScript sent, and acknowledges them under the lease protocol', async () => {
    const queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false });
    const sent = [];
    for (let i = 0; i < 50; i++) {
      sent.push(
        await queue.send(
          'TRAINING_COMPLETED',
          { config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: `/models/v${i}.pth`, epochs: i, final_loss: 0.5 / (i + 1), samples_trained: 1000 * i, metrics: { nested: [1, 'two', { three: 3 }] } },
          { source: 'TrainingCoordinator' },
        ),
      );
      sent.push(await queue.send('HOST_ONLINE', { node_id: `gpu-${i}` }));
    }
    const py = spawnProgram('python3', [PY, tmp.db, 'receive', 'python-monitor', '100', '20']);
    expect(await py.exited).toBe(0);
    const events = py.lines.filter((l) => 'seq' in l);
    expect(py.lines.at(-1)).toEqual({ done: 100 });
    expect(events.map((e) => e.id)).toEqual(sent.map((s) => s.id));
    expect(events[0]).toMatchObject({ type: 'TRAINING_COMPLETED', attempt: 1, data: { model_path: '/models/v0.pth', metrics: { nested: [1, 'two', { three: 3 }] } } });
    expect(events[1]).toMatchObject({ type: 'HOST_ONLINE', data: { node_id: 'gpu-0' } });
    // The Python member acknowledged everything: its group is up to date, nothing leased.
    expect(queue.stats().groups.find((g) => g.name === 'python-monitor')).toMatchObject({ pending: 0, inFlight: 0, expired: 0 });
    await queue.close();
  });
});
