/**
 * One component of the training cycle (EVENT_FLOW_INTEGRATION.md) in its own
 * process, on the shared SQLite queue; started by scripts/demo-cycle.ts with the
 * DEMO variable (JSON). Prints `←` for each event it receives and `→` for
 * each it emits.
 */
import { REGISTRY, emitEvaluationCompleted, emitEvaluationStarted, emitModelDistributionComplete, emitModelPromoted, emitNewGamesAvailable, emitSelfplayComplete, emitTrainingCompleted, emitTrainingStarted, emitTrainingThresholdReached } from '../generated/index.js';
import { createRouter, silentLogger, type EventEnvelope, type Router } from '../runtime/index.js';
import { attachSqliteTransport, CrossProcessEventQueue, currentDelivery } from '../runtime/sqlite/index.js';

interface DemoConfig {
  readonly role: 'selfplay' | 'data-pipeline' | 'training' | 'evaluation' | 'promotion' | 'distribution';
  readonly db: string;
  /** evaluation: crash (exit 1) in the middle of the first TRAINING_COMPLETED, before it is acknowledged. */
  readonly crashOnce?: boolean;
  readonly crashMarker?: string;
}

const config = JSON.parse(process.env.DEMO ?? '{}') as DemoConfig;
const CONFIG_KEY = 'hex8_2p';
const NAMES: Record<DemoConfig['role'], string> = {
  selfplay: 'SelfplayRunner',
  'data-pipeline': 'DataPipelineOrchestrator',
  training: 'TrainingCoordinator',
  evaluation: 'EvaluationDaemon',
  promotion: 'AutoPromotionDaemon',
  distribution: 'UnifiedDistributionDaemon',
};
const component = NAMES[config.role];
const pad = `${config.role} (pid ${process.pid})`.padEnd(30);
const show = (arrow: string, text: string) => console.log(`${pad} ${arrow} ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const queue = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, leaseMs: 1500 });
const router: Router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: queue.dlqStore(config.role), source: component });

function received(e: EventEnvelope, detail: string): void {
  const d = currentDelivery();
  const after = Date.now() - Date.parse(e.time);
  const redelivery = d?.redelivered ? `, redelivery #${d.attempt}` : '';
  show('←', `${e.type.padEnd(27)} ${detail}   (from ${e.source}, ${after} ms after send${redelivery})`);
}
const emitted = (type: string, detail: string) => show('→', `${type.padEnd(27)} ${detail}`);
const on = <T>(event: string, handler: (e: EventEnvelope<T>) => Promise<void> | void) =>
  router.subscribe<T>(event, handler, { name: `${component}:${event}` });
const opts = { router, source: component };

switch (config.role) {
  case 'selfplay':
    break;
  case 'data-pipeline': {
    // DataPipelineOrchestrator._on_new_games: checks game_count >= training_threshold.
    const threshold = 400;
    let games = 0;
    let triggered = false;
    on<{ new_games: number; total_games?: number }>('NEW_GAMES_AVAILABLE', async (e) => {
      games += e.data.new_games;
      received(e, `${CONFIG_KEY} +${e.data.new_games} games (${games}/${threshold})`);
      if (games >= threshold && !triggered) {
        triggered = true;
        await emitTrainingThresholdReached({ config_key: CONFIG_KEY, sample_count: games * 60, threshold: threshold * 60, trigger_reason: 'threshold', games_played: games }, opts);
        emitted('TRAINING_THRESHOLD_REACHED', `${CONFIG_KEY} ${games} games ≥ ${threshold}`);
      }
    });
    break;
  }
  case 'training':
    // TrainingCoordinator: threshold → TRAINING_STARTED … TRAINING_COMPLETED.
    on<{ sample_count: number }>('TRAINING_THRESHOLD_REACHED', async (e) => {
      received(e, `${CONFIG_KEY} ${e.data.sample_count} samples`);
      await emitTrainingStarted({ config_key: CONFIG_KEY, job_id: 'train-hex8_2p-1', board_type: 'hex8', num_players: 2, node_name: 'gpu-node-1' }, opts);
      emitted('TRAINING_STARTED', 'job train-hex8_2p-1');
      await sleep(400); // 50 epochs, shortened
      await emitTrainingCompleted(
        { config_key: CONFIG_KEY, board_type: 'hex8', num_players: 2, model_path: 'models/canonical_hex8_2p.pth', epochs: 50, final_loss: 0.234, val_loss: 0.256, samples_trained: e.data.sample_count, elo_estimate: 1450, job_id: 'train-hex8_2p-1' },
        opts,
      );
      emitted('TRAINING_COMPLETED', 'models/canonical_hex8_2p.pth, loss 0.234');
    });
    break;
  case 'evaluation':
    // FeedbackLoopController._trigger_evaluation → EVALUATION_STARTED … EVALUATION_COMPLETED.
    on<{ model_path: string }>('TRAINING_COMPLETED', async (e) => {
      received(e, e.data.model_path);
      if (config.crashOnce && currentDelivery()?.attempt === 1) {
        show('✗', 'crashes while handling it (SIGKILL-like exit, nothing acknowledged)');
        process.exit(1);
      }
      await emitEvaluationStarted({ model_id: 'canonical_hex8_2p', board_type: 'hex8', num_players: 2, evaluation_type: 'gauntlet', games_planned: 100 }, opts);
      emitted('EVALUATION_STARTED', 'gauntlet, 100 games');
      await sleep(300);
      await emitEvaluationCompleted(
        { config_key: CONFIG_KEY, board_type: 'hex8', num_players: 2, model_path: e.data.model_path, elo: 1450, elo_delta: 45, games_played: 100, win_rate: 0.65, win_rate_vs_random: 0.95, win_rate_vs_heuristic: 0.65, passed_gauntlet: true },
        opts,
      );
      emitted('EVALUATION_COMPLETED', 'elo 1450 (+45), passed the gauntlet');
    });
    break;
  case 'promotion':
    // AutoPromotionDaemon._on_evaluation_completed: promotes when elo_delta >= threshold.
    on<{ model_path: string; elo: number; elo_delta?: number }>('EVALUATION_COMPLETED', async (e) => {
      received(e, `elo ${e.data.elo} (${e.data.elo_delta !== undefined ? `+${e.data.elo_delta}` : '?'})`);
      if ((e.data.elo_delta ?? 0) < 20) return void show('·', 'below the promotion threshold: not promoted');
      await emitModelPromoted(
        { config_key: CONFIG_KEY, model_path: e.data.model_path, previous_elo: e.data.elo - (e.data.elo_delta ?? 0), new_elo: e.data.elo, elo_delta: e.data.elo_delta, promotion_reason: 'gauntlet_passed', promotion_type: 'production' },
        opts,
      );
      emitted('MODEL_PROMOTED', `${e.data.model_path} → production`);
    });
    break;
  case 'distribution':
    // UnifiedDistributionDaemon._on_model_promoted: distributes, then MODEL_DISTRIBUTION_COMPLETE.
    on<{ model_path: string; new_elo: number }>('MODEL_PROMOTED', async (e) => {
      received(e, `${e.data.model_path} elo ${e.data.new_elo}`);
      await sleep(200);
      await emitModelDistributionComplete({}, opts);
      emitted('MODEL_DISTRIBUTION_COMPLETE', 'model on all nodes');
    });
    break;
}

await attachSqliteTransport(router, { queue, group: config.role, leaseMs: 1500 });
console.log(JSON.stringify({ ready: config.role }));

if (config.role === 'selfplay') {
  // SelfplayRunner: three batches of games.
  let total = 0;
  for (let batch = 1; batch <= 3; batch++) {
    await sleep(250);
    total += 150;
    await emitSelfplayComplete({ config_key: CONFIG_KEY, games_completed: 150, total_games: total, node_id: 'gpu-node-3', task_id: `selfplay-${batch}` }, opts);
    emitted('SELFPLAY_COMPLETE', `batch ${batch}: 150 games`);
    await emitNewGamesAvailable({ host: 'gpu-node-3', config_key: CONFIG_KEY, new_games: 150, total_games: total, database_path: 'data/games/canonical_hex8_2p.db' }, opts);
    emitted('NEW_GAMES_AVAILABLE', `${total} games in data/games/canonical_hex8_2p.db`);
  }
}

process.on('SIGTERM', () => {
  void router
    .close()
    .then(() => queue.close())
    .then(() => process.exit(0));
});
