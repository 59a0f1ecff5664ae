/**
 * The three integration scenarios of EVENT_FLOW_INTEGRATION.md, over the
 * generated emitters and registry, with the example coordinators of
 * scripts/scenarios/coordinators.ts on the process-wide router.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataEventType,
  REGISTRY,
  emitHostOffline,
  emitHostOnline,
  emitRegressionCritical,
  emitSelfplayComplete,
  getRouter as getCatalogRouter,
} from '../../generated/index.js';
import { getRouter, resetRouter } from '../../runtime/default-router.js';
import type { EventEnvelope } from '../../runtime/envelope.js';
import type { HandlerBase } from '../../runtime/handler-base.js';
import type { Router } from '../../runtime/router.js';
import {
  AutoPromotionDaemon,
  ClusterHealthMonitor,
  DataConsolidationDaemon,
  DataPipelineOrchestrator,
  EvaluationDaemon,
  RegressionResponder,
  TrainingCoordinator,
} from '../../scripts/scenarios/coordinators.js';
import { captureLogger } from './helpers.js';

/**
 * Resolves with the first event of this type (any spelling) that matches,
 * looking first at the history (it may already have happened: "check event
 * history before subscribing"), then waiting for it.
 */
function waitForEvent(router: Router, spelling: string, options: { timeoutMs?: number; match?: (e: EventEnvelope) => boolean } = {}): Promise<EventEnvelope> {
  const match = options.match ?? (() => true);
  const past = router.getHistory({ topic: spelling }).find(match);
  if (past) return Promise.resolve(past);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${spelling}`));
    }, options.timeoutMs ?? 2000);
    const off = router.subscribe(spelling, (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const NODES = ['node-0', 'node-1', 'node-2', 'node-3', 'node-4'];

describe('integration scenarios (EVENT_FLOW_INTEGRATION.md) over the generated emitters', () => {
  let router: Router;
  let log: ReturnType<typeof captureLogger>;
  let training: TrainingCoordinator;
  let handlers: HandlerBase[];

  beforeEach(async () => {
    log = captureLogger();
    // The application configures the process-wide router once; the generated emitters then find it.
    router = getRouter({ registry: REGISTRY, logger: log, trace: false, retry: { attempts: 2, baseDelayMs: 5 }, handlerTimeoutMs: 2000 });
    expect(getCatalogRouter()).toBe(router);
    training = new TrainingCoordinator({ trainMs: 5, rollbackMs: 5, resumeAfterRollbackMs: 30 });
    handlers = [
      new DataConsolidationDaemon(),
      new DataPipelineOrchestrator(1000),
      training,
      new EvaluationDaemon(1400, () => 45),
      new AutoPromotionDaemon(25),
      new RegressionResponder(100),
      new ClusterHealthMonitor(NODES),
    ];
    for (const h of handlers) await h.start(); // subscribers start before emitters
  });

  afterEach(async () => {
    for (const h of handlers) await h.stop();
    await resetRouter();
  });

  function expectNoHandlerTrouble(): void {
    const stats = router.getStats();
    expect(stats.handlerErrors + stats.handlerTimeouts + stats.handlerFailures).toBe(0);
    expect(log.messages('error')).toEqual([]);
    for (const h of handlers) expect(h.healthCheck().healthy).toBe(true);
  }

  it('scenario 1: full training cycle, selfplay → training → evaluation → promotion', async () => {
    // 1. Emit selfplay completion (two batches reach the 1000-game threshold).
    await emitSelfplayComplete({ config_key: 'hex8_2p', games_completed: 600, node_id: 'runpod-h100', task_id: 'selfplay_001' }, { source: 'SelfplayRunner' });
    await emitSelfplayComplete({ config_key: 'hex8_2p', games_completed: 600, node_id: 'runpod-h100', task_id: 'selfplay_002' }, { source: 'SelfplayRunner' });

    // 2. Wait for new games. The subscription uses the value string "new_games".
    const newGames = await waitForEvent(router, DataEventType.NEW_GAMES_AVAILABLE, { match: (e) => e.data.total_games === 1200 });
    expect(newGames.type).toBe('NEW_GAMES_AVAILABLE');

    // 3. Wait for the training threshold.
    const threshold = await waitForEvent(router, DataEventType.TRAINING_THRESHOLD_REACHED);
    expect(threshold.data).toMatchObject({ config_key: 'hex8_2p', sample_count: 1200, threshold: 1000 });

    // 4. Wait for training to complete; 5. for the evaluation.
    const trained = await waitForEvent(router, DataEventType.TRAINING_COMPLETED);
    const evaluated = await waitForEvent(router, DataEventType.EVALUATION_COMPLETED);
    expect(evaluated.data).toMatchObject({ config_key: 'hex8_2p', model_path: trained.data.model_path, elo_delta: 45 });

    // 6. The model was promoted.
    const promoted = await waitForEvent(router, DataEventType.MODEL_PROMOTED, { timeoutMs: 60_000 });
    expect(promoted.data.elo_delta).toBeGreaterThan(0);
    expect(promoted.data).toMatchObject({ config_key: 'hex8_2p', model_path: trained.data.model_path, previous_elo: 1400, new_elo: 1445 });

    // Ordering guarantees of the document, and one trace of the whole chain in the history.
    const order = router.getHistory().map((e) => e.type);
    const at = (t: string): number => order.indexOf(t);
    expect(at('TRAINING_STARTED')).toBeLessThan(at('TRAINING_COMPLETED'));
    expect(at('EVALUATION_STARTED')).toBeLessThan(at('EVALUATION_COMPLETED'));
    expect(at('EVALUATION_COMPLETED')).toBeLessThan(at('MODEL_PROMOTED'));
    expect(order.filter((t) => t === 'TRAINING_THRESHOLD_REACHED')).toHaveLength(1);
    expect(router.validateEventFlow().suspectedLoops).toEqual([]);
    expectNoHandlerTrouble();
  });

  it('scenario 1b: an evaluation below the Elo threshold is rejected, not promoted', async () => {
    await handlers[3]!.stop();
    const weak = new EvaluationDaemon(1400, () => 10);
    handlers[3] = weak;
    await weak.start();
    await emitSelfplayComplete({ config_key: 'square8_2p', games_completed: 1500, task_id: 't1' }, { source: 'SelfplayRunner' });
    const rejected = await waitForEvent(router, DataEventType.PROMOTION_REJECTED);
    expect(rejected.data.reason).toMatch(/elo_delta 10 < 25/);
    expect(router.getHistory({ topic: 'MODEL_PROMOTED' })).toEqual([]);
  });

  it('scenario 2: regression recovery, critical regression → paused → rollback → resumed', async () => {
    const pausedDuringRollback: boolean[] = [];
    router.subscribe(DataEventType.TRAINING_ROLLBACK_NEEDED, () => void pausedDuringRollback.push(training.isPaused()), { name: 'probe' });

    // 1. Emit a critical regression.
    await emitRegressionCritical({ config_key: 'hex8_2p', elo_drop: 150 }, { source: 'RegressionDetector' });

    // 2. Training is paused.
    expect(training.isPaused()).toBe(true);

    // 3. The rollback happened.
    const rolledBack = await waitForEvent(router, DataEventType.PROMOTION_ROLLED_BACK);
    expect(rolledBack.data).toMatchObject({ reason: 'elo dropped by 150', rollback_to: 'models/canonical_hex8_2p.prev.pth' });
    expect(pausedDuringRollback).toEqual([true]);

    // 4. Training resumes after the cool-down.
    await waitUntil(() => !training.isPaused());
    expect(training.log).toEqual(['paused:regression:hex8_2p', 'rollback', 'resumed:regression:hex8_2p']);
    expectNoHandlerTrouble();
  });

  it('scenario 2b: a training request during the regression pause waits; a small drop triggers no rollback', async () => {
    await emitRegressionCritical({ config_key: 'hex8_2p', elo_drop: 50 }, { source: 'RegressionDetector' });
    expect(training.isPaused()).toBe(true);
    await emitSelfplayComplete({ config_key: 'hex8_2p', games_completed: 1000, task_id: 't1' }, { source: 'SelfplayRunner' });
    expect(training.log).toEqual(['paused:regression:hex8_2p', 'queued:hex8_2p']);
    expect(router.getHistory({ topic: 'TRAINING_ROLLBACK_NEEDED' })).toEqual([]);
    expect(router.getHistory({ topic: 'TRAINING_STARTED' })).toEqual([]);
  });

  it('scenario 3: cluster health degradation, hosts offline → unhealthy → paused; back online → healthy → resumed', async () => {
    // 1. Three hosts go offline (of five: the majority).
    for (let i = 0; i < 3; i++) await emitHostOffline({ node_id: `node-${i}` }, { source: 'P2POrchestrator' });

    // 2. The cluster is unhealthy; 3. training paused.
    const unhealthy = await waitForEvent(router, DataEventType.P2P_CLUSTER_UNHEALTHY);
    expect(unhealthy.data).toMatchObject({ alive_peers: 2, total_peers: 5 });
    expect(training.isPaused()).toBe(true);

    // A threshold reached meanwhile waits for the cluster.
    await emitSelfplayComplete({ config_key: 'hex8_2p', games_completed: 1000, task_id: 't1' }, { source: 'SelfplayRunner' });
    expect(router.getHistory({ topic: 'training.started' })).toEqual([]);

    // 4. Hosts come back online; 5. the cluster is healthy again.
    for (let i = 0; i < 3; i++) await emitHostOnline({ node_id: `node-${i}` }, { source: 'P2POrchestrator' });
    const healthy = await waitForEvent(router, DataEventType.P2P_CLUSTER_HEALTHY);
    expect(healthy.data).toMatchObject({ quorum: true });

    // 6. Training resumed, and the request that waited ran.
    expect(training.isPaused()).toBe(false);
    await waitForEvent(router, DataEventType.MODEL_PROMOTED);
    expect(training.log).toEqual(['paused:cluster', 'queued:hex8_2p', 'resumed:cluster', 'train:hex8_2p']);
    expectNoHandlerTrouble();
  });

  it('scenario 3b: repeated identical HOST_OFFLINE events are all delivered (design rule 6: no content dedup for them)', async () => {
    const seen: string[] = [];
    router.subscribe('cluster.node_left', (e) => void seen.push(String(e.data.node_id)), { name: 'watch' });
    for (let i = 0; i < 3; i++) await emitHostOffline({ node_id: 'node-0' }, { source: 'P2POrchestrator' });
    expect(seen).toEqual(['node-0', 'node-0', 'node-0']);
    expect(router.getStats().duplicatesPrevented).toBe(0);
  });
});
