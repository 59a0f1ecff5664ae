/**
 * Content dedup on the real catalog (catalog/README.md "Deduplication"): a
 * key names one fact, so two distinct facts that look alike are both
 * delivered, and every drop is counted and logged with its key fields.
 */
import { describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, type EventEnvelope, type Router } from '../../runtime/index.js';
import { recordingLogger } from '../nats/helpers.js';
import { closeAfterEach } from '../helpers/close-after-each.js';

const keep = closeAfterEach<Router>();

function setup(): { router: Router; seen: EventEnvelope[]; log: ReturnType<typeof recordingLogger> } {
  const log = recordingLogger();
  const router = keep(createRouter({ registry: REGISTRY, logger: log, trace: false }));
  const seen: EventEnvelope[] = [];
  router.subscribe('*', (e) => void seen.push(e));
  return { router, seen, log };
}

describe('content dedup on the catalog’s policies', () => {
  it('delivers two SELFPLAY_COMPLETE batches of the same config, node and game count without task_id (different totals and durations)', async () => {
    const { router, seen } = setup();
    const batch = { config_key: 'hex8_2p', node_id: 'runpod-h100', games_completed: 500 };
    const a = await router.publish('SELFPLAY_COMPLETE', { ...batch, total_games: 500, duration_seconds: 610 });
    const b = await router.publish('SELFPLAY_COMPLETE', { ...batch, total_games: 1000, duration_seconds: 598 });
    expect([a.duplicate, b.duplicate]).toEqual([false, false]);
    expect(seen.map((e) => e.data.total_games)).toEqual([500, 1000]);
    expect(router.getStats().duplicatesPrevented).toBe(0);
  });

  it('delivers TRAINING_STARTED of the same config on another node without job_id', async () => {
    const { router, seen } = setup();
    await router.publish('TRAINING_STARTED', { config_key: 'hex8_2p', node_name: 'gpu-1' });
    await router.publish('TRAINING_STARTED', { config_key: 'hex8_2p', node_name: 'gpu-2' });
    expect(seen.map((e) => e.data.node_name)).toEqual(['gpu-1', 'gpu-2']);
  });

  it('still drops a true duplicate (same task), counts it per event and logs its key fields at debug level', async () => {
    const { router, seen, log } = setup();
    const batch = { config_key: 'hex8_2p', node_id: 'runpod-h100', task_id: 'selfplay_001', games_completed: 500 };
    await router.publish('SELFPLAY_COMPLETE', batch);
    const again = await router.publish('SELFPLAY_COMPLETE', { ...batch, duration_seconds: 12 });
    await router.publish('TRAINING_STARTED', { config_key: 'hex8_2p', job_id: 'job-7' });
    await router.publish('TRAINING_STARTED', { config_key: 'hex8_2p', job_id: 'job-7' });
    expect(again.duplicate).toBe(true);
    expect(seen.map((e) => e.type)).toEqual(['SELFPLAY_COMPLETE', 'TRAINING_STARTED']);
    expect(router.getStats()).toMatchObject({ duplicatesPrevented: 2, duplicatesByType: { SELFPLAY_COMPLETE: 1, TRAINING_STARTED: 1 } });
    const debug = log.lines.filter((l) => l.level === 'debug').map((l) => l.message);
    expect(debug).toHaveLength(2);
    expect(debug[0]).toContain('Duplicate dropped: SELFPLAY_COMPLETE');
    expect(debug[0]).toContain('config_key="hex8_2p", node_id="runpod-h100", task_id="selfplay_001", games_completed=500');
    expect(debug[1]).toContain('config_key="hex8_2p", job_id="job-7"');
  });

  it('never takes a payload that leaves out a key field for a repeat of another', async () => {
    const { router, seen } = setup();
    await router.publish('WORK_COMPLETED', { work_id: 'w1', work_type: 'selfplay' });
    await router.publish('CMAES_TRIGGERED', { reason: 'plateau' });
    await router.publish('CMAES_TRIGGERED', { reason: 'plateau' });
    expect(seen.map((e) => e.type)).toEqual(['WORK_COMPLETED', 'CMAES_TRIGGERED', 'CMAES_TRIGGERED']);
  });
});

describe('envelope-id dedup (CloudEvents: source + id)', () => {
  it('delivers id 42 from nodeA and from nodeB as two events; a resend from the same source is one', async () => {
    const { router, seen } = setup();
    const a = await router.publish('HOST_OFFLINE', { node_id: 'n1' }, { id: '42', source: 'nodeA' });
    const b = await router.publish('HOST_OFFLINE', { node_id: 'n1' }, { id: '42', source: 'nodeB' });
    const resend = await router.publish('HOST_OFFLINE', { node_id: 'n1' }, { id: '42', source: 'nodeA' });
    expect([a.duplicate, b.duplicate, resend.duplicate]).toEqual([false, false, true]);
    expect(seen.map((e) => e.source)).toEqual(['nodeA', 'nodeB']);
    expect(router.getStats().duplicatesByType).toEqual({ HOST_OFFLINE: 1 });
  });
});
