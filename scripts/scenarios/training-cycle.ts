/**
 * Scenario 1 of EVENT_FLOW_INTEGRATION.md, "Full Training Cycle": selfplay →
 * new games → training threshold → training → evaluation → promotion. The two
 * selfplay batches look the same (same configuration, node and game count, no
 * task id, as the original system sent them): both are two facts and both are
 * counted (the original's content dedup collapsed such events).
 */
import { DataEventType, emitSelfplayComplete } from '../../generated/index.js';
import { AutoPromotionDaemon, DataConsolidationDaemon, DataPipelineOrchestrator, EvaluationDaemon, TrainingCoordinator } from './coordinators.js';
import type { Scenario } from './scenario.js';

export async function trainingCycle(s: Scenario): Promise<void> {
  const handlers = [
    new DataConsolidationDaemon(),
    new DataPipelineOrchestrator(1000),
    new TrainingCoordinator({ trainMs: 50 }),
    new EvaluationDaemon(1400, () => 45),
    new AutoPromotionDaemon(25),
  ];
  await s.start(handlers);

  s.step('1. Emit selfplay completion: two batches of 600 games of hex8_2p from runpod-h100, alike but for their duration');
  const batch = { config_key: 'hex8_2p', games_completed: 600, node_id: 'runpod-h100' } as const;
  const first = await emitSelfplayComplete({ ...batch, duration_seconds: 812 }, { source: 'SelfplayRunner' });
  const second = await emitSelfplayComplete({ ...batch, duration_seconds: 797 }, { source: 'SelfplayRunner' });
  s.check(!first.duplicate && !second.duplicate, 'both SELFPLAY_COMPLETE batches delivered (neither dropped as a duplicate)');

  s.step('2. Wait for new games');
  const games = await s.waitFor(DataEventType.NEW_GAMES_AVAILABLE, { match: (e) => e.data.total_games === 1200 });
  s.check(games.data.total_games === 1200, `both batches counted: ${String(games.data.total_games)} games of hex8_2p`);

  s.step('3. Wait for the training threshold');
  const threshold = await s.waitFor(DataEventType.TRAINING_THRESHOLD_REACHED);
  s.check(threshold.data.sample_count === 1200, `threshold of 1000 reached with ${String(threshold.data.sample_count)} games`);

  s.step('4. Wait for training to complete');
  const trained = await s.waitFor(DataEventType.TRAINING_COMPLETED);
  s.check(typeof trained.data.model_path === 'string', `trained ${String(trained.data.model_path)}`);

  s.step('5. Wait for the evaluation');
  const evaluated = await s.waitFor(DataEventType.EVALUATION_COMPLETED);
  s.check(evaluated.data.model_path === trained.data.model_path, `evaluated the model just trained: elo ${String(evaluated.data.elo)}`);

  s.step('6. Check that the model was promoted');
  const promoted = await s.waitFor(DataEventType.MODEL_PROMOTED, { timeoutMs: 60_000 });
  s.check(Number(promoted.data.elo_delta) > 0, `promoted with elo_delta ${String(promoted.data.elo_delta)} > 0`);

  const order = s.router.getHistory().map((e) => e.type);
  s.check(order.indexOf('TRAINING_STARTED') < order.indexOf('TRAINING_COMPLETED'), 'TRAINING_STARTED before TRAINING_COMPLETED');
  s.check(order.indexOf('EVALUATION_STARTED') < order.indexOf('EVALUATION_COMPLETED'), 'EVALUATION_STARTED before EVALUATION_COMPLETED');
  s.check(order.filter((t) => t === 'SELFPLAY_COMPLETE').length === 2, 'SELFPLAY_COMPLETE twice in the history');
  s.finish(handlers);
  for (const h of handlers) await h.stop();
}
